// The compiled module's contract, written once: the TypeScript type of a loaded module (what
// `load` returns and what nnc's runtime trains: src/runtime/executable.ts derives from it), and
// for each export its documentation and its declaration in the module's .d.ts (dts.ts prints
// them with the model's own types). `EXPORTS` must name every member of `ModelModule`: a missing
// or extra export is a compile error, and test/codegen/contract.test.ts checks that a compiled
// module exports exactly these.
import { js, type Code } from "./code.js";

export type FloatArray = Float32Array | Float64Array;
/** Trainable params and batch-norm state (or gradients, or outputs), by name. */
export type Params = Record<string, FloatArray>;
/** Fed arrays by name: flat, row-major. */
export type Feeds = Readonly<Record<string, ArrayLike<number>>>;

export interface ModelModule {
  readonly meta: Readonly<Record<string, unknown>>;
  init(seed?: number): Params;
  predict(params: Params, inputs: Feeds): Params;
  lossAndGrads(params: Params, batch: Feeds, options?: { readonly seed?: number }): { loss: number; grads: Params };
  batchBuffers(batch: number): Params;
  adopt(params: Params): Params;
  threads(): number;
  zeros(n: number): FloatArray;
  updateSgd(p: FloatArray, g: FloatArray, lr: number): boolean;
  updateAdam(
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
  updateMomentum(p: FloatArray, g: FloatArray, v: FloatArray, lr: number, momentum: number, nesterov: boolean): boolean;
  loadParams(bytes: Uint8Array): Params;
  saveParams(params: Params): Uint8Array;
}

/** An export's doc comment and its .d.ts declaration; `A` is the module's array type (Float32Array or Float64Array). */
export interface ExportDecl {
  readonly doc: string;
  readonly dts: (A: Code) => Code;
}

export const EXPORTS: { readonly [K in keyof ModelModule]: ExportDecl } = {
  meta: {
    doc: "What the model reads, holds and returns: names, shapes, dtypes, initializers, train settings.",
    dts: () => js`export declare const meta: ModelMeta;`,
  },
  init: {
    doc: [
      "Params and state from the model's initializers; the same seed gives the same values as nnc's runtime.",
      "The arrays come from zeros(): where the module has a memory of its own (the wasm backend's arena),",
      "there, where predict and lossAndGrads read them in place; each call takes new room there, for good.",
    ].join("\n"),
    dts: () => js`export declare function init(seed?: number): Params;`,
  },
  predict: {
    doc: [
      "Outputs in inference mode (dropout passes everything, batch norm uses running statistics).",
      "The batch size is taken from the inputs' lengths. The returned arrays are buffers of the",
      "module, valid until the next call to predict: copy them to keep them.",
    ].join("\n"),
    dts: () => js`export declare function predict(params: Params, inputs: Inputs): Outputs;`,
  },
  lossAndGrads: {
    doc: [
      "Loss and gradients in training mode; batch-norm running statistics in params are updated in",
      "place. options.seed seeds the dropout masks (as nnc's interpreter does). The returned",
      "gradients are buffers of the module, valid until the next call to lossAndGrads.",
    ].join("\n"),
    dts: () =>
      js`export declare function lossAndGrads(
  params: Params,
  batch: Batch,
  options?: { readonly seed?: number },
): { loss: number; grads: Grads };`,
  },
  batchBuffers: {
    doc: [
      "Arrays for lossAndGrads' inputs and targets at this batch size. With the wasm backend they are",
      "the buffers the call reads: fill them and pass them, and it copies nothing.",
    ].join("\n"),
    dts: (A) => js`export declare function batchBuffers(batch: number): { [K in keyof Batch]: ${A} };`,
  },
  adopt: {
    doc: [
      "The params moved into the module's own memory (the wasm backend's arena): views there that",
      "predict and lossAndGrads read without copying, for an optimizer to update in place. One set at",
      "a time: adopting another overwrites them. Modules without WebAssembly, and pages whose memory",
      "cannot be shared, return the params as they are.",
    ].join("\n"),
    dts: () => js`export declare function adopt(params: Params): Params;`,
  },
  threads: {
    doc: "The threads large matmuls run on: more than 1 only in Node with the wasm backend (NNC_THREADS sets it).",
    dts: () => js`export declare function threads(): number;`,
  },
  zeros: {
    doc: "n zeroed floats for an optimizer's state: in the module's memory with the wasm backend, so updateSgd and updateAdam can run in place.",
    dts: (A) => js`export declare function zeros(n: number): ${A};`,
  },
  updateSgd: {
    doc: "SGD's update p -= lr·g in WebAssembly when p and g are in the module's memory: true when done, false when your own loop must do it.",
    dts: (A) => js`export declare function updateSgd(p: ${A}, g: ${A}, lr: number): boolean;`,
  },
  updateMomentum: {
    doc: [
      "Momentum's update (v = momentum·v - lr·g; p += v) or, with nesterov, Nesterov's (nnc's runtime",
      "optimizers, to the bit) in WebAssembly when p, g and v are in the module's memory: true when",
      "done, false when your own loop must do it.",
    ].join("\n"),
    dts: (A) =>
      js`export declare function updateMomentum(p: ${A}, g: ${A}, v: ${A}, lr: number, momentum: number, nesterov: boolean): boolean;`,
  },
  updateAdam: {
    doc: [
      "Adam's update (nnc's runtime optimizer, in float32: lrT is the bias-corrected step size,",
      "decay the decoupled weight decay) in WebAssembly when p, g, m and v are in the module's memory:",
      "true when done, false when your own loop must do it.",
    ].join("\n"),
    dts: (A) =>
      js`export declare function updateAdam(
  p: ${A},
  g: ${A},
  m: ${A},
  v: ${A},
  lrT: number,
  beta1: number,
  beta2: number,
  eps: number,
  decay: number,
): boolean;`,
  },
  loadParams: {
    doc: [
      "Params and batch-norm state from a safetensors file's bytes (what nnc train writes: params.safetensors,",
      "checkpoints), e.g. `loadParams(new Uint8Array(await (await fetch(url)).arrayBuffer()))`. A missing",
      "tensor or a wrong shape is an Error naming it; tensors the model does not hold are passed over.",
    ].join("\n"),
    dts: () => js`export declare function loadParams(bytes: Uint8Array): Params;`,
  },
  saveParams: {
    doc: "The params and batch-norm state as safetensors bytes, which nnc eval, nnc train --init-from and the safetensors libraries read.",
    dts: () => js`export declare function saveParams(params: Params): Uint8Array;`,
  },
};
