// Shapes of Flatten and Reshape with the symbolic batch, and transposing constants.
import { BATCH, showShape, type Dim, type Shape } from "../../graph/ir.js";
import type { Attributes } from "./context.js";
import type { Constant } from "./tensors.js";

/** The product of dims, which may hold the batch once with nothing else: [batch] -> batch, [3, 4] -> 12. */
function productOf(dims: Shape, a: Attributes, what: string): Dim {
  const n = dims.reduce<number>((p, d) => (typeof d === "number" ? p * d : p), 1);
  const symbols = dims.filter((d) => typeof d !== "number");
  if (symbols.length === 0) return n;
  if (symbols.length === 1 && n === 1) return symbols[0]!;
  return a.fail(`${what} would be a multiple of the batch size (${showShape(dims)}); nnc's shapes name the batch on its own`);
}

/** Flatten: [d0 ... d(axis-1)] and [d(axis) ...] each multiplied out. */
export function flattenShape(s: Shape, axis: number, a: Attributes): Dim[] {
  const at = axis < 0 ? axis + s.length : axis;
  if (at < 0 || at > s.length) a.fail(`axis ${axis} is out of range for shape ${showShape(s)}`);
  return [productOf(s.slice(0, at), a, "the first dimension"), productOf(s.slice(at), a, "the second dimension")];
}

/** Reshape's target: 0 copies the input's dimension, -1 takes what is left (the batch when that is it). */
export function reshapeTarget(s: Shape, target: readonly Dim[], a: Attributes): Dim[] {
  const dims: Dim[] = target.map((d, i) => (d === 0 ? s[i]! : d));
  const unknown = dims.indexOf(-1);
  if (unknown < 0) return dims;
  const total = s.reduce<number>((p, d) => (typeof d === "number" ? p * d : p), 1);
  const known = dims.reduce<number>((p, d, i) => (i === unknown || typeof d !== "number" ? p : p * d), 1);
  const symbolsIn = s.filter((d) => typeof d !== "number").join();
  const symbolsOut = dims.filter((d) => typeof d !== "number").join();
  if (symbolsIn === symbolsOut && total % known === 0) return dims.map((d, i) => (i === unknown ? total / known : d));
  if (symbolsIn === BATCH && symbolsOut === "" && total === known) return dims.map((d, i) => (i === unknown ? BATCH : d));
  return a.fail(`cannot infer the -1 of [${target}] for an input of shape ${showShape(s)}`);
}

/** A matrix constant, transposed when asked and scaled. */
export function transposed(c: Constant, trans: boolean, scale: number): Constant {
  const [r, k] = [c.shape[0]!, c.shape[1]!];
  if (!trans) return scale === 1 ? c : { shape: c.shape, data: c.data.map((v) => v * scale) };
  const data = new Float64Array(r * k);
  for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) data[j * r + i] = c.data[i * k + j]! * scale;
  return { shape: [k, r], data };
}
