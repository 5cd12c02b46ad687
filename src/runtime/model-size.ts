// Whether a model fits before anything is allocated: `--set hidden=1e9` makes a [784, 1e9]
// weight, which would crash deep in the wasm encoder or in a typed array's constructor. The
// estimate counts params four times (values, gradients, two optimizer slots) and every node's
// value at the batch size once; the message names the largest tensor and the hyperparameters.
import { totalmem } from "node:os";
import type { Graph } from "../graph/ir.js";
import { shortNumber } from "../short-number.js";

/** The model cannot be allocated: a mistake in its sizes or hyperparameters (exit 1). */
export class ModelSizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelSizeError";
  }
}

/** A WebAssembly memory (wasm32) holds at most 4 GiB. */
const WASM_BYTES = 2 ** 32;
/** A typed array holds at most 2^32 - 1 elements (V8's limit); a wasm memory fewer still. */
const MAX_ELEMENTS = 2 ** 32 - 1;

export interface SizeOptions {
  readonly batch: number;
  readonly dtype: "f32" | "f64";
  readonly backend: "js" | "wasm" | "interpreter";
}

const elements = (shape: readonly (number | string)[], batch: number) =>
  shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : batch), 1);

function gb(bytes: number): string {
  return bytes >= 1e9 ? `${shortNumber(bytes / 1e9)} GB` : `${shortNumber(bytes / 1e6)} MB`;
}

export function checkModelSize(g: Graph, options: SizeOptions): void {
  const bytesPer = options.dtype === "f32" ? 4 : 8;
  let largest = { name: "", shape: [] as readonly (number | string)[], n: 0 };
  let total = 0;
  for (const p of [...g.params, ...g.states]) {
    const n = elements(p.shape, options.batch);
    total += 4 * n;
    if (n > largest.n) largest = { name: `param '${p.name}'`, shape: p.shape, n };
  }
  for (const node of g.nodes) {
    const n = elements(node.shape, options.batch);
    total += n;
    if (n > largest.n) largest = { name: `the value of ${node.label ?? node.op}`, shape: node.shape, n };
  }
  const bytes = total * bytesPer;
  const limit = options.backend === "wasm" ? Math.min(WASM_BYTES, totalmem()) : totalmem();
  if (largest.n <= MAX_ELEMENTS && bytes <= limit) return;
  const where = options.backend === "wasm" ? "the 4 GiB a WebAssembly memory holds" : `this machine's ${gb(totalmem())} of memory`;
  const hyper = Object.entries(g.hyper)
    .filter(([, v]) => typeof v === "number")
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(", ");
  throw new ModelSizeError(
    `${g.model} is too large to allocate: ${largest.name} [${largest.shape.join(", ")}] alone has ${largest.n.toLocaleString("en-US")} elements, ` +
      `and training at batch ${options.batch} needs about ${gb(bytes)}, more than ${where}` +
      (hyper ? `; check the hyperparameters (${hyper})` : ""),
  );
}
