// The plots of a run: the loss of every step, and accuracy per epoch (the book's two figures).
import { join } from "node:path";
import { writeFileAtomic } from "../runtime/files.js";
import { renderSvg } from "../runtime/plots.js";
import type { History } from "../runtime/train.js";
import { accuracySpec, lossSpec } from "./run-charts.js";

export async function writePlots(out: string, model: string, history: History, stepsPerEpoch: number): Promise<void> {
  writeFileAtomic(join(out, "loss.svg"), await renderSvg(lossSpec(model, history.losses)));
  const accuracy = accuracySpec(model, history.epochs, stepsPerEpoch);
  if (accuracy) writeFileAtomic(join(out, "accuracy.svg"), await renderSvg(accuracy));
}
