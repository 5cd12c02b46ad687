// onnxruntime as its users run an exported model: the .onnx file `nnc export` wrote of the workload's
// model with the same params as nnc's (bench/harness/artifacts.ts), one InferenceSession, `session.run({ x })`
// on an ort.Tensor over the request's Float32Array. Two builds:
//   - onnxruntime-node: the native CPU execution provider (MLAS kernels), intra-op threads as set;
//   - onnxruntime-web: its WebAssembly build (SIMD; threads through worker_threads when
//     numThreads > 1), as a browser runs it, here in Node. Its .wasm and glue come from the
//     package's own dist/ (wasmPaths): nothing is downloaded.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import type { InferenceSession } from "onnxruntime-node";
import type { MakePredictor, PredictContext, Predictor } from "./predictor.js";

/** What both packages share (onnxruntime-common's API). */
type Ort = Pick<typeof import("onnxruntime-node"), "InferenceSession" | "Tensor">;

async function session(ort: Ort, ctx: PredictContext, options: InferenceSession.SessionOptions, info: Record<string, string>): Promise<Predictor> {
  const s = await ort.InferenceSession.create(readFileSync(ctx.onnx), options);
  const input = ctx.graph.inputs.find((i) => i.role === "input")!.name;
  const output = ctx.graph.outputs[0]!.name;
  return {
    async predict(x, rows) {
      const out = await s.run({ [input]: new ort.Tensor("float32", x, [rows, ...ctx.inputShape]) });
      const y = out[output]!.data;
      if (!(y instanceof Float32Array)) throw new Error(`onnxruntime gave ${output} as ${y.constructor.name}, not float32`);
      return y;
    },
    info,
    dispose: () => s.release(),
  };
}

export function onnxruntimeNode(threads: number): MakePredictor {
  return async (ctx) => {
    const ort = await import("onnxruntime-node");
    const options: InferenceSession.SessionOptions = { executionProviders: ["cpu"], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all" };
    return session(ort, ctx, options, { version: ort.env.versions.node ?? "?", threads: String(threads), provider: "cpu" });
  };
}

export function onnxruntimeWeb(threads: number): MakePredictor {
  return async (ctx) => {
    const ort = await import("onnxruntime-web");
    const dist = dirname(createRequire(import.meta.url).resolve("onnxruntime-web"));
    ort.env.wasm.wasmPaths = pathToFileURL(dist).href + "/";
    ort.env.wasm.numThreads = threads;
    const options: InferenceSession.SessionOptions = { executionProviders: ["wasm"], graphOptimizationLevel: "all" };
    return session(ort, ctx, options, { version: ort.env.versions.web ?? "?", threads: String(threads), provider: "wasm (SIMD)" });
  };
}
