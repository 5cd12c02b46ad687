// What training needs of a model: the compiled module's contract (init, predict, lossAndGrads).
// Compiled modules from `compileToString` provide it; `interpreted` provides it with the
// reference interpreter (float64, slow, obviously right) for small models and tests.
import { differentiate } from "../graph/autodiff.js";
import { run, type Feeds } from "../graph/interpret.js";
import type { Graph } from "../graph/ir.js";
import { tensor } from "../graph/tensor.js";
import { initValues } from "./initializers.js";
import type { OptimizerKernels } from "./optimizers.js";

export type FloatArray = Float32Array | Float64Array;
export type Params = Record<string, FloatArray>;

export interface Executable {
  /** Params and state (batch-norm running statistics) from the model's initializers. */
  init(seed?: number): Params;
  /**
   * The params moved into the executable's own memory (the wasm backend's arena): views that
   * predict and lossAndGrads read without a copy, updated in place by the optimizer. One set at a
   * time. Optional: without it, params are plain arrays.
   */
  adopt?(params: Params): Params;
  /** The threads its large matmuls run on (the wasm backend in Node). Optional: 1 without it. */
  threads?(): number;
  /** Arrays for lossAndGrads' inputs and targets at this batch size, which it reads without a copy when it can. Optional. */
  batchBuffers?(batch: number): Record<string, FloatArray>;
  /** n zeroed floats in the executable's memory, for an optimizer's state. Optional. */
  zeros?(n: number): FloatArray;
  /** SGD's and Adam's updates in WebAssembly when every array is in its memory: true when done. Optional. */
  updateSgd?(p: FloatArray, g: FloatArray, lr: number): boolean;
  updateAdam?(
    p: FloatArray,
    g: FloatArray,
    m: FloatArray,
    v: FloatArray,
    lrT: number,
    beta1: number,
    beta2: number,
    eps: number,
    decay: number,
  ): boolean;
  /** Outputs in inference mode; inputs are flat row-major arrays, the batch size taken from their length. */
  predict(params: Params, inputs: Readonly<Record<string, FloatArray>>): Record<string, FloatArray>;
  /** Loss and gradients of the trainable params in training mode; updates state in place. */
  lossAndGrads(params: Params, batch: Readonly<Record<string, FloatArray>>, options?: { seed?: number }): { loss: number; grads: Params };
}

/** The vector updates and state memory an executable offers the built-in optimizers (the wasm backend's), if any. */
export function optimizerKernels(exe: Executable): OptimizerKernels | undefined {
  return exe.zeros && exe.updateSgd && exe.updateAdam
    ? { zeros: exe.zeros, updateSgd: exe.updateSgd, updateAdam: exe.updateAdam }
    : undefined;
}

/** The reference interpreter behind the Executable contract. */
export function interpreted(forward: Graph): Executable {
  // A model without a loss (the book's activation histograms) can still predict.
  const g = forward.loss !== undefined ? differentiate(forward) : forward;
  const feeds = (params: Params, values: Readonly<Record<string, FloatArray>>, names: readonly string[]): Feeds => {
    const out: Record<string, ReturnType<typeof tensor>> = {};
    const spec0 = g.inputs.find((i) => names.includes(i.name));
    const first = spec0 ? values[spec0.name] : undefined;
    const rowSize = spec0 ? spec0.shape.slice(1).reduce<number>((a, d) => a * (d as number), 1) : 1;
    const batch = first ? first.length / rowSize : 1;
    for (const spec of g.inputs) {
      if (!names.includes(spec.name)) continue;
      const v = values[spec.name];
      if (!v) throw new Error(`missing ${spec.role} '${spec.name}'`);
      out[spec.name] = tensor(
        spec.shape.map((d) => (typeof d === "number" ? d : batch)),
        v,
      );
    }
    for (const p of [...g.params, ...g.states]) out[p.name] = tensor(p.shape, params[p.name]!);
    return out;
  };
  const inputNames = g.inputs.filter((i) => i.role === "input").map((i) => i.name);
  const allNames = g.inputs.map((i) => i.name);
  return {
    init: (seed = 0) => initValues(g, seed),
    predict(params, inputs) {
      const r = run({ ...g, grads: [], loss: undefined } as Graph, feeds(params, inputs, inputNames), { training: false });
      return Object.fromEntries(Object.entries(r.outputs).map(([k, t]) => [k, t.data]));
    },
    lossAndGrads(params, batch, options = {}) {
      const r = run({ ...g, outputs: [] }, feeds(params, batch, allNames), { training: true, seed: options.seed ?? 0 });
      for (const [name, t] of Object.entries(r.state)) params[name]!.set(t.data);
      return { loss: r.loss!, grads: Object.fromEntries(Object.entries(r.grads).map(([k, t]) => [k, t.data])) };
    },
  };
}
