// The runtime code a compiled module carries, from src/prelude/ (type-checked TypeScript, turned
// into text by scripts/gen-prelude.mjs): the parts a module needs, after the constants they read
// (src/prelude/globals.d.ts declares them). Every file of src/prelude/ is a part; those not named
// below go into every module, so a helper added there is in every module with no other change.
import { comment, data, js, join, literal, type Code } from "./code.js";
import { PRELUDE_PARTS } from "./prelude-parts/index.generated.js";
import type { ArenaLayout } from "./wasm/runtime.js";

/** Parts only a module with WebAssembly carries, in order (arena before the pool, which reads its exports). */
const WASM_PARTS = ["arena", "threads", "pool", "arena-updates"];
/** Parts a kernel plugin asks for (`wasmPrelude`): only a module whose plan runs that kernel carries them. */
const KERNEL_PARTS = ["im2col"];
/** Parts only a module without WebAssembly carries. */
const JS_PARTS = ["plain-updates"];
/** Not a part of the module: the worker's script (with the text of threads.ts). */
const WORKER_PARTS = ["threads", "worker"];
/** Every other part, in every module: these first (in the order a reader meets them), then the rest by name. */
const FIRST = ["random", "init", "checks"];
const COMMON_PARTS = Object.keys(PRELUDE_PARTS)
  .filter((k) => ![...WASM_PARTS, ...KERNEL_PARTS, ...JS_PARTS, ...WORKER_PARTS].includes(k))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
function rank(key: string): number {
  const i = FIRST.indexOf(key);
  return i < 0 ? FIRST.length : i;
}

/** What a module with WebAssembly declares for its prelude (see globals.d.ts). */
export interface WasmConstants {
  readonly bytes: Uint8Array;
  readonly fma: Uint8Array;
  /** Where the memory import's flags are in both modules' bytes. */
  readonly flagsAt: number;
  readonly layout: ArenaLayout;
  readonly kernels: number;
  readonly epilogues: number;
  readonly maxPages: number;
  /** A readable listing of the wasm functions (comment lines). */
  readonly listing: readonly string[];
  /** The kernel plugins' own parts the plan needs (KERNEL_PARTS), in that order. */
  readonly kernelParts: readonly string[];
}

/** Every top-level name any prelude part or the module's constants declare: generated names avoid them. */
export const PRELUDE_NAMES: readonly string[] = [
  "F",
  "WASM_PLAIN",
  "WASM_FUSED",
  "MEMORY_FLAGS_AT",
  "INITIAL_PAGES",
  "MAX_PAGES",
  "PARAM_LAYOUT",
  "PARAM_BYTES",
  "KERNEL_COUNT",
  "EPILOGUE_COUNT",
  "WORKER_SOURCE",
  ...new Set(Object.values(PRELUDE_PARTS).flatMap((p) => p.names)),
];

const part = (key: string): Code => js`${comment(`---- src/prelude/${key}.ts ----`)}${PRELUDE_PARTS[key]!.code}`;

/** The prelude of a module: the common parts, then the plain or the WebAssembly ones after their constants. */
export function prelude(wasm?: WasmConstants): Code {
  const kernelParts = KERNEL_PARTS.filter((k) => wasm?.kernelParts.includes(k));
  const own = wasm ? [wasmConstants(wasm), ...WASM_PARTS.map(part), ...kernelParts.map(part)] : JS_PARTS.map(part);
  return join([...COMMON_PARTS.map(part), ...own], js`\n\n`);
}

/** The constants the WebAssembly parts read: the bytes (with their listing), the arena's layout, the worker's script. */
function wasmConstants(w: WasmConstants): Code {
  const base64 = (b: Uint8Array) => literal(toBase64(b));
  const worker = WORKER_PARTS.map((k) => PRELUDE_PARTS[k]!.code.text).join("\n\n");
  return js`// ---- WebAssembly: ${w.bytes.length} bytes; its functions: ----
${join(w.listing.map(comment), js``)}const WASM_PLAIN = ${base64(w.bytes)};
const WASM_FUSED = ${base64(w.fma)}; // the same with fused multiply-adds (relaxed SIMD)
const MEMORY_FLAGS_AT = ${w.flagsAt};
const INITIAL_PAGES = ${Math.max(1, Math.ceil(w.layout.paramBytes / 65536))};
const MAX_PAGES = ${w.maxPages};
/** Each param's name, byte offset and size in floats: they come first in the arena. */
const PARAM_LAYOUT = ${data(w.layout.params)};
const PARAM_BYTES = ${w.layout.paramBytes};
const KERNEL_COUNT = ${w.kernels};
const EPILOGUE_COUNT = ${w.epilogues};
/** What each worker thread runs: src/prelude/threads.ts and worker.ts. */
const WORKER_SOURCE = ${literal(worker)};`;
}

/** Base64 without Node's Buffer, so that the code generator runs in a browser page too. */
function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
