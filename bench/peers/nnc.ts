// nnc itself: the workload's .nn model compiled by nnc's code generator, trained the way
// `nnc train` trains it (the Executable's lossAndGrads, then the runtime's optimizer update).
// The generator is found through the library's API: `compileToString` + `load` exported by
// src/index.ts, or else the runtime's `executableFor` once it returns the "js" backend. Until
// either exists the peer reports itself unavailable. `interpreter` is the reference interpreter
// behind the same contract (float64), for checking the harness's nnc path.
import * as api from "../../src/index.js";
import { executableFor } from "../../src/runtime/backend.js";
import { interpreted, optimizerKernels, type Executable, type FloatArray, type Params } from "../../src/runtime/executable.js";
import { createOptimizer } from "../../src/runtime/optimizer-registry.js";
import { enableFma, fmaAvailable } from "../../src/runtime/fma.js";
import { modelGraph, FEATURES, CLASSES } from "../harness/data.js";
import { Unavailable, type Dtype, type NodePeer, type PeerContext } from "../harness/peers.js";
import type { Stepper } from "../harness/protocol.js";
import type { Graph } from "../../src/index.js";

type CompileToString = (g: Graph, options: { dtype: Dtype; backend?: "js" | "wasm"; zeroSkipping?: boolean }) => string;
type Load = (text: string) => Executable | Promise<Executable>;

/** The code generator's module; tsconfig.bench.json compiles it when it exists. */
const CODEGEN = "../../src/codegen/index.js";

/** `compileToString` and `load` from the library's API, or else from src/codegen. */
async function codegen(): Promise<{ compileToString: CompileToString; load: Load } | undefined> {
  const found = (m: Record<string, unknown>) =>
    typeof m.compileToString === "function" && typeof m.load === "function"
      ? (m as unknown as { compileToString: CompileToString; load: Load })
      : undefined;
  const fromApi = found(api as unknown as Record<string, unknown>);
  if (fromApi) return fromApi;
  try {
    return found((await import(CODEGEN)) as Record<string, unknown>);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw e;
  }
}

/** The compiled Executable (matmuls in JS kernels, or in WebAssembly SIMD), or why there is none yet. */
export async function compile(g: Graph, dtype: Dtype, matmuls: "js" | "wasm" = "js", zeroSkipping = true): Promise<Executable> {
  const gen = await codegen();
  if (gen) return await gen.load(gen.compileToString(g, { dtype, backend: matmuls, zeroSkipping }));
  const { exe, backend } = await executableFor(g, { dtype, backend: "js" });
  if (backend === "js") return exe;
  throw new Unavailable("not available yet: nnc has no code generator in src/ yet");
}

function peer(make: (g: Graph, dtype: Dtype) => Promise<Executable>, compiles: boolean): NodePeer {
  return {
    async create({ workload: w, data, dtype, root }: PeerContext): Promise<Stepper> {
      const g = modelGraph(w, root);
      const t0 = performance.now();
      const exe = await make(g, dtype);
      const compileMs = performance.now() - t0;
      const Ctor = dtype === "f32" ? Float32Array : Float64Array;
      const initial: Params = {};
      for (const [name, v] of Object.entries(data.init)) initial[name] = Ctor.from(v);
      // As nnc train does: the params in the executable's own memory when it has one (wasm).
      const params: Params = exe.adopt ? exe.adopt(initial) : initial;
      const { lr, ...rest } =
        w.optimizer.name === "sgd"
          ? { lr: w.optimizer.lr }
          : { lr: w.optimizer.lr, beta1: w.optimizer.beta1, beta2: w.optimizer.beta2, eps: w.optimizer.eps };
      const kernels = optimizerKernels(exe);
      const optimizer = createOptimizer(w.optimizer.name, { lr, ...rest }, { decays: () => true, ...(kernels && { kernels }) });
      let state = optimizer.init(params);
      const input = g.inputs.find((i) => i.role === "input")!.name;
      const target = g.inputs.find((i) => i.role === "target")!.name;
      const B = w.batchSize;
      // The batches made once, as the numpy peers' are; in the executable's own memory when it has
      // one (wasm), where lossAndGrads reads them without a copy, as numpy reads its arrays.
      const inMemory = exe.zeros !== undefined && exe.zeros(1).buffer instanceof SharedArrayBuffer;
      const array = (values: Float32Array): FloatArray => {
        const out = inMemory && dtype === "f32" ? exe.zeros!(values.length) : new Ctor(values.length);
        out.set(values);
        return out;
      };
      const feeds: Record<string, FloatArray>[] = Array.from({ length: data.batches }, (_, k) => ({
        [input]: array(data.x.subarray(k * B * FEATURES, (k + 1) * B * FEATURES)),
        [target]: array(data.t.subarray(k * B * CLASSES, (k + 1) * B * CLASSES)),
      }));
      let steps = 0;
      return {
        step(k) {
          const { loss, grads } = exe.lossAndGrads(params, feeds[k]!);
          state = optimizer.update(params, grads, state, ++steps);
          return loss;
        },
        params: () => params,
        info: compiles
          ? {
              compileMs: compileMs.toFixed(1),
              ...(exe.threads && { threads: String(exe.threads()), fma: String(fmaAvailable() && process.env.NNC_FMA !== "0") }),
            }
          : {},
      };
    },
  };
}

export const compiled: NodePeer = peer(compile, true);
/** As nnc train runs it: fused multiply-adds where they can be had (NNC_FMA=0 declines). */
export const compiledWasm: NodePeer = peer((g, dtype) => {
  enableFma();
  return compile(g, dtype, "wasm");
}, true);
/** The same with every product dense (zeroSkipping: false): what nnc does on inputs without zeros. */
export const compiledWasmDense: NodePeer = peer((g, dtype) => {
  enableFma();
  return compile(g, dtype, "wasm", false);
}, true);
export const interpreter: NodePeer = peer(async (g) => interpreted(g), false);
