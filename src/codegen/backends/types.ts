// A backend decides where a compiled module's arrays live and what runs its heavy kernels: plain
// JavaScript (`js`: typed arrays allocated once per batch size), or WebAssembly (`wasm`: one
// arena memory holding every array the kernels touch, heavy kernels as SIMD functions shared
// between threads). The module's assembly (module/) and the kernels' rendering ask it through
// this interface, and nothing outside src/codegen/backends/ knows which one runs.
import type { InputSpec } from "../../graph/ir.js";
import type { Code, Name, Namer } from "../code.js";
import type { Program, Storage } from "../plan.js";
import type { WasmFunctions } from "../wasm/functions.js";

/** What a backend knows of one program (predict or lossAndGrads) when it lays out its storage. */
export interface ProgramInfo {
  readonly prog: Program;
  /** The export's name (`predict`), used to name module-level values. */
  readonly fn: string;
  /** The inputs the program reads, in the order of its FEEDS table. */
  readonly feeds: readonly InputSpec[];
  readonly batch: number | undefined;
  /** Module-level names, and the program function's own locals. */
  readonly names: Namer;
  readonly local: Namer;
  /** The program's local for an array (a feed or a param), as the kernels' calls use it. */
  readonly varOf: (s: Storage) => Name;
  /** The argument holding the fed arrays (`inputs` or `data`). */
  readonly arg: Name;
}

/** How one program gets its buffers, its feeds and params, and hands back its results. */
export interface ProgramStorage {
  /** Module-level declarations the buffers need. */
  readonly decls: Code;
  /** Buffers after the slots (staged copies, input buffers, …), by the names the call gives them. */
  readonly extras: readonly Name[];
  /** Statements that set `b` to the buffers (the program's slots in order, then the extras) for `batch`. */
  readonly allocate: Code;
  /** A condition under which cached buffers must be made again (or undefined). */
  readonly stale?: Code;
  /** Statements after the buffers are taken (`all` names them): locals for feeds and params. */
  readonly setup: (all: Name) => readonly Code[];
  /** The results record (outputs or gradients) as returned. */
  readonly results: (all: Name, record: Code) => Code;
  /** What `batchBuffers` gives, after "Arrays for lossAndGrads' inputs and targets at this batch size". */
  readonly batchBuffersDoc: string;
  /** The body of `batchBuffers(batch)`: arrays for the program's feeds. */
  readonly batchBuffers: (cache: Name, first: number) => Code;
}

export interface Backend {
  readonly name: "js" | "wasm";
  /** What heavy kernels render against: its WebAssembly functions, and which arrays live in its arena. */
  kernelScope(prog: Program): { readonly wasm?: WasmFunctions; readonly inArena?: (s: Storage) => boolean };
  storage(p: ProgramInfo): ProgramStorage;
  /** The exports whose code differs by backend: adopt, threads, zeros, updateSgd, updateAdam, updateMomentum. */
  exports(params: Name): Code;
  /** The runtime it needs, at the module's end (after every kernel is rendered). */
  prelude(): Code;
}
