// The two figures of a training run as vega-lite specs: the loss of every step and accuracy per
// epoch (the book's two figures). `nnc train` renders them to SVG; the playground draws the same
// specs live with vega-embed.
import type { TopLevelSpec } from "vega-lite";
import { curveSpec, type Curve } from "../experiments/charts.js";
import type { History } from "../runtime/train.js";

export function lossSpec(model: string, losses: readonly number[]): TopLevelSpec {
  return curveSpec({
    title: `${model}: training loss`,
    x: "iteration",
    y: "loss",
    curves: [{ name: "train (batch)", points: losses.map((y, i) => ({ x: i + 1, y })) }],
  });
}

/** undefined when no epoch has an accuracy (a run without evaluation). */
export function accuracySpec(model: string, epochs: History["epochs"], stepsPerEpoch: number): TopLevelSpec | undefined {
  const curves: Curve[] = [];
  for (const [key, name] of [
    ["trainAccuracy", "train"],
    ["valAccuracy", "validation"],
    ["testAccuracy", "test"],
  ] as const) {
    const points = epochs.filter((e) => e[key] !== undefined).map((e) => ({ x: e.step / stepsPerEpoch, y: e[key]! }));
    if (points.length > 0) curves.push({ name, points });
  }
  if (curves.length === 0) return undefined;
  return curveSpec({ title: `${model}: accuracy`, x: "epoch", y: "accuracy", curves, yDomain: [0, 1] });
}
