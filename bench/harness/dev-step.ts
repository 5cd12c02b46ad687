// The training step of the developer scripts (step-profile.ts, sparse-step.ts): a model compiled
// for the wasm backend with FMA, its params from init(1), the optimizer `nnc train` would make
// (OPTIMIZER, default sgd: lr 0.1; others 0.001) with the module's update kernels, and the batch
// buffers lossAndGrads reads in place. The caller fills the feed.
import { readFileSync } from "node:fs";
import { compileToString, load, type CompiledModel } from "../../src/codegen/index.js";
import { frontend } from "../../src/index.js";
import { optimizerKernels } from "../../src/runtime/executable.js";
import { enableFma } from "../../src/runtime/fma.js";
import { createOptimizer } from "../../src/runtime/optimizer-registry.js";

export interface DevStep {
  /** The module's text (its wasm listing names the functions). */
  readonly text: string;
  readonly exe: CompiledModel;
  readonly params: ReturnType<CompiledModel["init"]>;
  /** The model's input and target names, and their batch buffers. */
  readonly input: string;
  readonly feed: ReturnType<NonNullable<CompiledModel["batchBuffers"]>>;
  readonly x: Float32Array;
  readonly t: Float32Array;
  /** lossAndGrads on the feed (or `on`, arrays in the module's memory), then the update; returns the loss. */
  readonly step: (on?: DevStep["feed"]) => number;
}

export async function devStep(file: string, batch: number, options: { zeroSkipping?: boolean } = {}): Promise<DevStep> {
  enableFma();
  const g = frontend(readFileSync(file, "utf8"), file).graphs[0]!;
  const text = compileToString(g, { dtype: "f32", backend: "wasm", ...options });
  const exe = await load(text);
  const params = exe.init(1);
  const opt = process.env.OPTIMIZER ?? "sgd";
  const kernels = optimizerKernels(exe);
  const optimizer = createOptimizer(opt, { lr: opt === "sgd" ? 0.1 : 0.001 }, { decays: () => true, ...(kernels && { kernels }) });
  let state = optimizer.init(params);
  const input = g.inputs.find((i) => i.role === "input")!.name;
  const target = g.inputs.find((i) => i.role === "target")!.name;
  const feed = exe.batchBuffers!(batch);
  let n = 0;
  const step = (on = feed) => {
    const { loss, grads } = exe.lossAndGrads(params, on);
    state = optimizer.update(params, grads, state, ++n);
    return loss;
  };
  return { text, exe, params, input, feed, x: feed[input] as Float32Array, t: feed[target] as Float32Array, step };
}
