// The plots of a run: the loss of every step, and accuracy per epoch (the book's two figures).
import { join } from "node:path";
import { writeFileAtomic } from "../runtime/files.js";
import { curvePlot, type Curve } from "../experiments/charts.js";
import type { History } from "../runtime/train.js";

export async function writePlots(out: string, model: string, history: History, stepsPerEpoch: number): Promise<void> {
  const loss = await curvePlot({
    title: `${model}: training loss`,
    x: "iteration",
    y: "loss",
    curves: [{ name: "train (batch)", points: history.losses.map((y, i) => ({ x: i + 1, y })) }],
  });
  writeFileAtomic(join(out, "loss.svg"), loss);
  const curves: Curve[] = [];
  for (const [key, name] of [
    ["trainAccuracy", "train"],
    ["valAccuracy", "validation"],
    ["testAccuracy", "test"],
  ] as const) {
    const points = history.epochs.filter((e) => e[key] !== undefined).map((e) => ({ x: e.step / stepsPerEpoch, y: e[key]! }));
    if (points.length > 0) curves.push({ name, points });
  }
  if (curves.length === 0) return;
  const accuracy = await curvePlot({ title: `${model}: accuracy`, x: "epoch", y: "accuracy", curves, yDomain: [0, 1] });
  writeFileAtomic(join(out, "accuracy.svg"), accuracy);
}
