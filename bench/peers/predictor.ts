// What a predict-latency peer provides (bench/predict.ts times it, bench/harness/latency.ts lists
// them), and nnc's own: the workload's model compiled as `nnc train` compiles it (wasm, fused
// multiply-adds where they can be had), its params adopted, `predict(params, { x })` on a plain
// Float32Array.
import { enableFma, fmaAvailable } from "../../src/runtime/fma.js";
import type { Graph } from "../../src/index.js";
import { compile } from "./nnc.js";

export interface PredictContext {
  readonly graph: Graph;
  /** The workload's initial params (nnc's initializers, seeded), float32. */
  readonly params: Readonly<Record<string, Float32Array>>;
  /** The input's shape after the batch: [784], or [1, 28, 28] for a conv net. */
  readonly inputShape: readonly number[];
  /** The same model and params as `nnc export` writes them. */
  readonly onnx: string;
}

export interface Predictor {
  /**
   * The model's first output for `rows` rows of x (row-major, rows × the input's shape): a new
   * array, or the peer's own buffer valid until the next call. A promise where the peer's API
   * is asynchronous (onnxruntime's `session.run`): timed with the await, as its users wait.
   */
  predict(x: Float32Array, rows: number): Float32Array | Promise<Float32Array>;
  /** Facts for the report: versions, threads, backend. */
  readonly info: Readonly<Record<string, string>>;
  dispose?(): void | Promise<void>;
}

export type MakePredictor = (ctx: PredictContext) => Promise<Predictor>;

export const nncPredictor: MakePredictor = async ({ graph, params }) => {
  enableFma();
  const model = await compile(graph, "f32", "wasm");
  const own = model.adopt ? model.adopt({ ...params }) : params;
  const input = graph.inputs.find((i) => i.role === "input")!.name;
  const output = graph.outputs[0]!.name;
  return {
    predict: (x) => model.predict(own, { [input]: x })[output] as Float32Array,
    info: { threads: String(model.threads?.() ?? 1), fma: String(fmaAvailable() && process.env.NNC_FMA !== "0") },
  };
};
