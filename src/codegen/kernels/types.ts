// What a heavy kernel is to the code generator: a plugin, one folder under src/codegen/kernels/,
// holding its plan (pure data: extents, strides, tiles), its renderers (JavaScript, and
// WebAssembly where it has one) and what it asks of the passes around it (a fused epilogue,
// operands kept as float32 in the wasm arena, scratch arrays). Schedule, lower, render and the
// module consult the registry (kernels/index.ts) through this interface; none names a kernel.
import type { Graph, Node, NodeId, Shape } from "../../graph/ir.js";
import type { OpKind } from "../../graph/ops/attrs.js";
import type { Code } from "../code.js";
import type { KernelEnv } from "../env.js";
import type { LoopKernel, Size, Storage } from "../plan.js";
import type { WasmFunctions } from "../wasm/functions.js";

/**
 * Each kernel's plan data, by the op it computes. A kernel folder adds its entry by declaration
 * merging (`declare module "../types.js" { interface KernelData { matmul: MatmulData } }`), so
 * the registry's type requires a plugin for every op listed here.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KernelData {}

/** The ops computed by a heavy kernel (their OpDef's kernel kind is "kernel"). */
export type HeavyOp = keyof KernelData & OpKind;

/** A heavy kernel in a program: where its inputs and output live, and its plugin's plan data. */
export interface HeavyKernel<K extends HeavyOp = HeavyOp> {
  readonly kind: "kernel";
  readonly op: K;
  readonly node: NodeId;
  readonly inputs: readonly Storage[];
  readonly out: number;
  /** Float64 scratch slots, one per shape of the plugin's `temps`. */
  readonly temps: readonly number[];
  readonly data: KernelData[K];
  /** Fused elementwise work on the output, run on each block of rows as soon as it is computed. */
  readonly epilogue?: LoopKernel;
}

/** What planning a kernel may ask: the graph, the batch size if fixed, where values live. */
export interface PlanContext {
  readonly g: Graph;
  readonly batch: number | undefined;
  readonly storageOf: (id: NodeId) => Storage;
  /** Whether kernels may skip an operand's zeros (CompileOptions.zeroSkipping). */
  readonly zeroSkipping: boolean;
}

/** The JS text of a fused epilogue over rows [start, end), with what must run before the loop. */
export type EpilogueRows = (rows: { start: Code; end: Code }) => { init: Code; loop: Code };

/** What the wasm backend gives a kernel's wasm renderer. */
export interface WasmTarget {
  readonly functions: WasmFunctions;
  /** Whether an array lives in the arena (float32 slots, params, inputs). */
  readonly inArena: (s: Storage) => boolean;
  /** The fused epilogue's JS text over all rows, for epilogues WebAssembly cannot run. */
  readonly jsEpilogue?: () => Code;
}

export interface KernelPlugin<K extends HeavyOp> {
  /** Elementwise work reading its output at the element may run over each block of rows it computes. */
  readonly fusesEpilogue: boolean;
  /** With the wasm backend, its operands and result are float32 arrays in the arena, read in place. */
  readonly arenaOperands: boolean;
  /** Float64 scratch arrays, by shape, given its inputs' shapes. */
  readonly temps?: (inputs: readonly Shape[]) => readonly Shape[];
  /** Inputs the JS backend copies to float64 once per call when the caller feeds them (read many times each). */
  readonly stagedInputs?: readonly number[];
  readonly plan: (node: Node<K>, c: PlanContext) => KernelData[K];
  /** Floats of scratch it needs in its program's arena region (a packed operand), if any. */
  readonly arenaScratch?: (k: HeavyKernel<K>) => Size | undefined;
  readonly js: (k: HeavyKernel<K>, env: KernelEnv, epilogue?: EpilogueRows) => Code;
  /** Absent: the wasm backend runs the JS renderer's text. */
  readonly wasm?: (k: HeavyKernel<K>, env: KernelEnv, target: WasmTarget) => Code;
  /** Prelude parts (src/prelude/<part>.ts) its WebAssembly rendering calls: only modules that run it carry them. */
  readonly wasmPrelude?: readonly string[];
}

export type KernelRegistry = { readonly [K in HeavyOp]: KernelPlugin<K> };
