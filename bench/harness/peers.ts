// The implementations `npm run bench` runs side by side. Adding one is one entry in PEERS: a Node
// peer names the module that makes its Stepper (loaded only inside its runner process), a Python
// peer is run by bench/peers/numpy_runner.py. Each runs in a process of its own, so one peer's
// garbage, JIT state or thread pool does not slow the next.
import type { BenchData } from "./data.js";
import type { Stepper } from "./protocol.js";
import type { Workload } from "./workloads.js";

export type Dtype = "f32" | "f64";
export type Family = "nnc" | "typed-array" | "tfjs" | "numpy" | "jax";

export interface PeerContext {
  readonly workload: Workload;
  readonly data: BenchData;
  readonly dtype: Dtype;
  /** The repository's root folder. */
  readonly root: string;
}

/** What a Node peer's module provides. `create` makes a fresh peer from `data.init`. */
export interface NodePeer {
  create(ctx: PeerContext): Promise<Stepper>;
  /** Facts for the report: versions, backends, kernels. */
  describe?(ctx: PeerContext): Promise<Record<string, string>>;
}

/** Thrown by a peer that cannot run here (no code generator yet, no numpy); the bench goes on. */
export class Unavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "Unavailable";
  }
}

export interface PeerEntry {
  readonly id: string;
  readonly label: string;
  readonly family: Family;
  readonly dtype: Dtype;
  readonly runner:
    | {
        readonly kind: "node";
        readonly load: () => Promise<NodePeer>;
        readonly env?: Readonly<Record<string, string>>;
        readonly nodeFlags?: readonly string[];
      }
    | {
        readonly kind: "python";
        readonly script: string;
        readonly env?: Readonly<Record<string, string>>;
        /** Run by NNC_PYTHON (a Python with jax) instead of python3. */
        readonly nncPython?: true;
      };
  /** How the peer is set up, for the report. */
  readonly setup: string;
  /** Run only when asked for by --peer (slow, and not a peer to compare with). */
  readonly optional?: boolean;
}

export const PEERS: readonly PeerEntry[] = [
  {
    id: "nnc-f32",
    label: "nnc compiled f32",
    family: "nnc",
    dtype: "f32",
    runner: { kind: "node", load: () => import("../peers/nnc.js").then((m) => m.compiled) },
    setup: "the .nn model through nnc's code generator (Float32Array), lossAndGrads + nnc's runtime optimizer",
  },
  {
    id: "nnc-wasm-f32",
    label: "nnc compiled wasm f32",
    family: "nnc",
    dtype: "f32",
    runner: { kind: "node", load: () => import("../peers/nnc.js").then((m) => m.compiledWasm) },
    setup:
      "the .nn model through nnc's code generator with --backend wasm (nnc train's default), as nnc train runs it: fused multiply-adds (relaxed SIMD, turned on in Node 20 by enableFma), matmuls in WebAssembly SIMD (f32x4) on an arena shared with a worker thread that takes part of the rows of large ones, params adopted into the arena, updates in WebAssembly",
  },
  {
    id: "nnc-wasm-f32-1t",
    label: "nnc wasm f32, 1 thread",
    family: "nnc",
    dtype: "f32",
    runner: { kind: "node", load: () => import("../peers/nnc.js").then((m) => m.compiledWasm), env: { NNC_THREADS: "1" } },
    setup: "the same with NNC_THREADS=1: every kernel on the calling thread (a per-core comparison with numpy's one-thread row)",
  },
  {
    id: "nnc-wasm-nofma",
    label: "nnc wasm f32, no FMA",
    family: "nnc",
    dtype: "f32",
    runner: { kind: "node", load: () => import("../peers/nnc.js").then((m) => m.compiledWasm), env: { NNC_FMA: "0" } },
    setup: "the same with NNC_FMA=0: a multiply and an add per multiply-add, as a platform without relaxed SIMD runs the module",
  },
  {
    id: "nnc-wasm-dense",
    label: "nnc wasm f32, no zero skipping",
    family: "nnc",
    dtype: "f32",
    runner: { kind: "node", load: () => import("../peers/nnc.js").then((m) => m.compiledWasmDense) },
    setup:
      "the same compiled with zeroSkipping: false: every matmul dense, as on inputs without zeros (MNIST's pixels are 81% zeros, which the default skips)",
  },
  {
    id: "nnc-readme",
    label: "nnc wasm f32, README's example",
    family: "nnc",
    dtype: "f32",
    runner: { kind: "node", load: () => import("../peers/nnc-readme.js").then((m) => m.readmeExample) },
    setup:
      "README's own example of a compiled module: init() params, each batch filled into batchBuffers(batch), lossAndGrads(params, { x, t }), then updateSgd (SGD workloads only)",
  },
  {
    id: "nnc-f64",
    label: "nnc compiled f64",
    family: "nnc",
    dtype: "f64",
    runner: { kind: "node", load: () => import("../peers/nnc.js").then((m) => m.compiled) },
    setup: "the .nn model through nnc's code generator (Float64Array), lossAndGrads + nnc's runtime optimizer",
  },
  {
    id: "nnc-interpreter",
    label: "nnc interpreter f64",
    family: "nnc",
    dtype: "f64",
    runner: { kind: "node", load: () => import("../peers/nnc.js").then((m) => m.interpreter) },
    setup: "nnc's reference interpreter (float64 tensors, obviously right, slow), lossAndGrads + nnc's runtime optimizer",
    optional: true,
  },
  {
    id: "typed-array",
    label: "typed-array port f64",
    family: "typed-array",
    dtype: "f64",
    runner: { kind: "node", load: () => import("../peers/typed-array.js").then((m) => m.typedArray) },
    setup: "bench/peers/typed-array.ts: the book's numpy code ported line by line, naive loops over Float64Array, allocating as numpy does",
  },
  {
    id: "tfjs-cpu",
    label: "tfjs cpu f32",
    family: "tfjs",
    dtype: "f32",
    runner: { kind: "node", load: () => import("../peers/tfjs.js").then((m) => m.tfjs("cpu")) },
    setup: "@tensorflow/tfjs, cpu backend, prod mode; the same math in tf ops, optimizer.minimize (tf.train.sgd / adam)",
  },
  {
    id: "tfjs-wasm",
    label: "tfjs wasm f32",
    family: "tfjs",
    dtype: "f32",
    runner: { kind: "node", load: () => import("../peers/tfjs.js").then((m) => m.tfjs("wasm")) },
    setup: "@tensorflow/tfjs-backend-wasm (its .wasm files from node_modules via setWasmPaths), prod mode; same ops as tfjs cpu",
  },
  {
    id: "numpy-f64",
    label: "numpy f64",
    family: "numpy",
    dtype: "f64",
    runner: { kind: "python", script: "numpy_runner.py" },
    setup: "the book's own classes and functions (bench/peers/numpy_*.py) on float64 arrays, in python3",
  },
  {
    id: "numpy-f32",
    label: "numpy f32",
    family: "numpy",
    dtype: "f32",
    runner: { kind: "python", script: "numpy_runner.py" },
    setup: "the book's own classes and functions (bench/peers/numpy_*.py) on float32 arrays, in python3",
  },
  {
    id: "numpy-f32-1t",
    label: "numpy f32, 1 thread",
    family: "numpy",
    dtype: "f32",
    runner: { kind: "python", script: "numpy_runner.py", env: { OPENBLAS_NUM_THREADS: "1" } },
    setup: "numpy f32 with OPENBLAS_NUM_THREADS=1: per core, as nnc's single-threaded kernels run (and steady when the other core is busy)",
  },
  {
    id: "jax-f32",
    label: "JAX f32 (nnc --target jax)",
    family: "jax",
    dtype: "f32",
    runner: { kind: "python", script: "jax_runner.py", nncPython: true },
    setup:
      "the .nn model through nnc compile --target jax (what nnc train --engine jax runs), jax.value_and_grad and nnc's SGD/Adam in one jit-compiled XLA step, in NNC_PYTHON (or python3)",
  },
];

export function peerById(id: string): PeerEntry {
  const p = PEERS.find((x) => x.id === id);
  if (!p) throw new Error(`no peer '${id}' (peers: ${PEERS.map((x) => x.id).join(", ")})`);
  return p;
}
