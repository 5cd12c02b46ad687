// The data every peer trains on, made once by the parent process and read by each runner:
// `batches` mini-batches of real MNIST training rows (drawn with replacement from a fixed seed,
// as the book's np.random.choice does), one-hot targets, and the initial params from nnc's own
// initializers (float64; float32 peers round them). Plain little-endian binary files, so the
// numpy runner reads them with np.fromfile.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { frontendFile, type Graph } from "../../src/index.js";
import { fillBatch, sampleRows, type Dataset } from "../../src/runtime/data/index.js";
import { initValues } from "../../src/runtime/initializers.js";
import { createRng } from "../../src/runtime/rng.js";
import { paramLengths, type Workload } from "./workloads.js";

export const FEATURES = 784;
export const CLASSES = 10;

/** Where a workload's data lives; the runners get this (JSON) from the parent. */
export interface DataFiles {
  readonly x: string;
  readonly t: string;
  readonly init: string;
  readonly batches: number;
  /** Param name -> [offset, length] in the init file, in float64 elements. */
  readonly params: Readonly<Record<string, readonly [number, number]>>;
}

export interface BenchData {
  /** batches x batchSize x 784, row-major. */
  readonly x: Float32Array;
  /** batches x batchSize x 10, one-hot. */
  readonly t: Float32Array;
  readonly batches: number;
  readonly init: Readonly<Record<string, Float64Array>>;
}

/** The workload's forward graph, from its .nn file; throws with the diagnostics when it does not check. */
export function modelGraph(w: Pick<Workload, "model">, root: string): Graph {
  const r = frontendFile(join(root, w.model.file), { set: w.model.set });
  const errors = [...r.usageErrors, ...r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)];
  if (errors.length > 0 || r.graphs.length !== 1) throw new Error(`${w.model.file}: ${errors.join("; ") || "expected one model"}`);
  return r.graphs[0]!;
}

/** Initial params by name: nnc's initializers, seeded; checked against the workload's layers. */
export function initialParams(w: Workload, g: Graph): Record<string, Float64Array> {
  const values = initValues(g, w.seeds.init, Float64Array) as Record<string, Float64Array>;
  const expected = new Map(paramLengths(w));
  const names = Object.keys(values);
  if (names.length !== expected.size || names.some((n) => expected.get(n) !== values[n]!.length)) {
    const shown = names.map((n) => `${n}[${values[n]!.length}]`).join(", ");
    throw new Error(`${w.model.file}: params ${shown} do not match the workload's layers ${w.layers.map((l) => `${l.in}->${l.out}`).join(", ")}`);
  }
  return values;
}

export function writeData(dir: string, w: Workload, train: Dataset, batches: number, g: Graph): DataFiles {
  const B = w.batchSize;
  const x = new Float32Array(batches * B * FEATURES);
  const t = new Float32Array(batches * B * CLASSES);
  const rng = createRng(w.seeds.data);
  const rows = new Int32Array(B);
  for (let k = 0; k < batches; k++) {
    sampleRows(rng, train.rows, rows);
    fillBatch(train, rows, 0, B, x.subarray(k * B * FEATURES), t.subarray(k * B * CLASSES), "onehot");
  }
  const init = initialParams(w, g);
  const order = paramLengths(w).map(([name]) => name);
  const total = order.reduce((n, name) => n + init[name]!.length, 0);
  const flat = new Float64Array(total);
  const params: Record<string, readonly [number, number]> = {};
  let offset = 0;
  for (const name of order) {
    flat.set(init[name]!, offset);
    params[name] = [offset, init[name]!.length];
    offset += init[name]!.length;
  }
  const files = { x: join(dir, `${w.id}.x.f32`), t: join(dir, `${w.id}.t.f32`), init: join(dir, `${w.id}.init.f64`), batches, params };
  writeFileSync(files.x, x);
  writeFileSync(files.t, t);
  writeFileSync(files.init, flat);
  return files;
}

function readArray<T>(path: string, make: (buf: ArrayBuffer, offset: number, length: number) => T, bytes: number): T {
  const b = readFileSync(path);
  // Copy into a fresh, aligned buffer (a Buffer's offset into its pool need not be aligned).
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return make(copy, 0, b.byteLength / bytes);
}

/** A file of float64 values, such as the init file or a runner's params after the check. */
export function readF64(path: string): Float64Array {
  return readArray(path, (buf, o, n) => new Float64Array(buf, o, n), 8);
}

export function readData(files: DataFiles): BenchData {
  const x = readArray(files.x, (buf, o, n) => new Float32Array(buf, o, n), 4);
  const t = readArray(files.t, (buf, o, n) => new Float32Array(buf, o, n), 4);
  const flat = readF64(files.init);
  const init: Record<string, Float64Array> = {};
  for (const [name, [offset, length]] of Object.entries(files.params)) init[name] = flat.slice(offset, offset + length);
  return { x, t, batches: files.batches, init };
}
