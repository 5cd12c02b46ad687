// Accuracy of a model's first output (argmax per row) against a dataset's labels.
import type { Graph } from "../graph/ir.js";
import type { Dataset } from "./data/index.js";
import type { Executable, Params } from "./executable.js";

/** The argmax of each row of the model's first output, compared with the labels. */
export function accuracy(
  exe: Executable,
  g: Graph,
  params: Params,
  ds: Dataset,
  evalBatch = 1000,
  dtype: "f32" | "f64" = "f32",
): number | undefined {
  const out = g.outputs[0];
  const input = g.inputs.find((i) => i.role === "input");
  if (!out || !input) return undefined;
  let correct = 0;
  for (let start = 0; start < ds.rows; start += evalBatch) {
    const rows = Math.min(evalBatch, ds.rows - start);
    // f32: a view of the rows, which predict reads (or copies into its arena) as they are.
    const rowsX = ds.x.subarray(start * ds.features, (start + rows) * ds.features);
    const x = dtype === "f32" ? rowsX : new Float64Array(rowsX);
    const y = exe.predict(params, { [input.name]: x })[out.name]!;
    const width = y.length / rows;
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let c = 1; c < width; c++) if (y[r * width + c]! > y[r * width + best]!) best = c;
      if (best === ds.labels[start + r]) correct++;
    }
  }
  return correct / ds.rows;
}
