// What the prelude files see of the compiled module they are inlined into: the constants the
// generated module declares before its prelude (src/codegen/prelude.ts writes them), and the few
// WebAssembly types they use (the project's libs are ES2022 and Node's, which have none).

type Floats = Float32Array | Float64Array;

/** The module's float type: Float32Array (f32 modules) or Float64Array. */
declare const F: {
  new (length: number): Floats;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): Floats;
  from(values: ArrayLike<number>): Floats;
  readonly name: string;
};

/** The module's `meta` export: its name, and its params' and state's names and shapes. */
declare const meta: {
  readonly model: string;
  readonly params: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly state: readonly { readonly name: string; readonly shape: readonly number[] }[];
};

/** The wasm module's bytes (base64): with plain multiply-adds, and fused (relaxed SIMD). */
declare const WASM_PLAIN: string;
declare const WASM_FUSED: string;
/** Where in those bytes the memory import's flags are (shared or not, set at load). */
declare const MEMORY_FLAGS_AT: number;
/** The arena's first size and its limit, in 64 KiB pages. */
declare const INITIAL_PAGES: number;
declare const MAX_PAGES: number;
/** Each param's (and state's) name, byte offset and size in floats: they come first in the arena. */
declare const PARAM_LAYOUT: readonly (readonly [string, number, number])[];
/** Bytes the params take: the programs' regions start here. */
declare const PARAM_BYTES: number;
/** The wasm module's row kernels (exports kernel0 …) and epilogues (epilogue0 …). */
declare const KERNEL_COUNT: number;
declare const EPILOGUE_COUNT: number;
/** What each worker thread runs (src/prelude/threads.ts and worker.ts, as text). */
declare const WORKER_SOURCE: string;

declare namespace WebAssembly {
  type ExportValue = unknown;
  type Exports = Record<string, ExportValue>;
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean });
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(pages: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: object);
    readonly exports: Exports;
  }
  function validate(bytes: Uint8Array): boolean;
  function instantiate(bytes: Uint8Array, imports?: object): Promise<{ module: Module; instance: Instance }>;
}
