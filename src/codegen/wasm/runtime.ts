// What a module compiled with `--backend wasm` carries besides the JS runtime: the WebAssembly
// bytes of its matmul kernels (base64, instantiated once when the module is imported) and the
// arena, the one WebAssembly memory that holds every array the kernels touch:
//   [params and state, at fixed offsets] [predict's buffers] [lossAndGrads' buffers] ...
// Each program's buffers are carved out of a region of its own for the batch size of the call
// (a region that is too small is replaced by a larger one at the top), so a matmul reads and
// writes its operands where they are: no copies, except Wᵀ packed as [k × n] rows, and the
// caller's inputs and params copied in once per call (params not at all when they are the
// arena's own views, from `adopt`). The memory is shared where the platform allows it (Node;
// a browser page that is cross-origin isolated): then growing it keeps every view valid. Where
// it is not, growing detaches the views, and `arenaGeneration` tells the caches to remake them.
// Browsers refuse to compile modules over 4 KB synchronously on the main thread, so the module
// is instantiated with a top-level `await WebAssembly.instantiate`, which works everywhere.
import { data, js, literal, type Code } from "../code.js";

/** Module-level names the wasm backend's text uses (kernel locals avoid them). */
export const WASM_HELPERS = [
  "WASM",
  "WASM_BYTES",
  "MEMORY",
  "SHARED",
  "PARAM_LAYOUT",
  "PACK_AT",
  "arenaGeneration",
  "arenaTop",
  "heapView",
  "heap",
  "paramViews",
  "paramGeneration",
  "reserve",
  "arenaView",
  "ARENA_BUFFERS",
  "inArena",
  "keep",
  "arenaParams",
  "paramsIn",
  "region",
  "carve",
  "arenaFeed",
  "packB",
];

/** A 64 KiB page of WebAssembly memory. */
const PAGE = 65536;
/** The arena's limit: 2 GiB (a batch that needs more gets a clear error). */
export const MAX_PAGES = 32768;

export interface ArenaLayout {
  /** Each param's (and state's) name, byte offset and number of floats. */
  readonly params: readonly (readonly [string, number, number])[];
  /** Bytes the params take: the programs' regions start here. */
  readonly paramBytes: number;
}

/** Params at 16-byte aligned offsets from 0, in the order given. */
export function arenaLayout(params: readonly { readonly name: string; readonly size: number }[]): ArenaLayout {
  let at = 0;
  const out = params.map((p): [string, number, number] => {
    const entry: [string, number, number] = [p.name, at, p.size];
    at += align16(p.size * 4);
    return entry;
  });
  return { params: out, paramBytes: at };
}

export function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

export function wasmPrelude({ bytes, flagsAt, fma }: { bytes: Uint8Array; flagsAt: number; fma: Uint8Array }, layout: ArenaLayout): Code {
  const base64 = (b: Uint8Array) => literal(Buffer.from(b).toString("base64"));
  const pages = Math.max(1, Math.ceil(layout.paramBytes / PAGE));
  return js`
// ---- WebAssembly: the matmul kernels (f32x4 register tiles), ${bytes.length} bytes, and the arena they work in ----

/**
 * The kernels with fused multiply-adds (relaxed SIMD: Chrome 114+, Node 22+; Node 20 with
 * --experimental-wasm-relaxed-simd) where the platform validates them, else with a multiply and an
 * add. NNC_FMA=0 asks for the latter. Fused sums round once per multiply-add, so the two differ by
 * float32 rounding.
 */
const WASM_BYTES = (() => {
  const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const fused = bytes(${base64(fma)});
  const off = typeof process === "object" && process.env !== undefined && process.env.NNC_FMA === "0";
  return !off && WebAssembly.validate(fused) ? fused : bytes(${base64(bytes)});
})();
/** Shared memory where the platform has it (Node; cross-origin isolated pages): views then survive growth. */
const SHARED = (() => {
  try {
    return globalThis.crossOriginIsolated !== false && new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
})();
WASM_BYTES[${flagsAt}] = SHARED ? 3 : 1; // the memory import's flags: shared or not
const MEMORY = new WebAssembly.Memory({ initial: ${pages}, maximum: ${MAX_PAGES}, shared: SHARED });
const WASM = (await WebAssembly.instantiate(WASM_BYTES, { env: { memory: MEMORY } })).instance.exports;

/** Each param's name, byte offset and size in floats: they come first in the arena. */
const PARAM_LAYOUT = ${data(layout.params)};
/** Bumped when the memory grows without being shared: every view made before is detached then. */
let arenaGeneration = 0;
/** Bytes of the arena in use: the params, then the programs' regions. */
let arenaTop = ${layout.paramBytes};
let heapView = new F(MEMORY.buffer);

/** The whole arena as floats. */
function heap() {
  if (heapView.byteLength !== MEMORY.buffer.byteLength) heapView = new F(MEMORY.buffer);
  return heapView;
}

/** Grows the memory to at least \`bytes\`. */
function reserve(bytes) {
  const have = MEMORY.buffer.byteLength;
  if (bytes <= have) return;
  if (bytes > ${MAX_PAGES * PAGE}) throw new RangeError("this batch needs " + Math.ceil(bytes / 1048576) + " MB of WebAssembly memory, more than the 2048 MB a module has: use smaller batches");
  MEMORY.grow(Math.ceil((bytes - have) / ${PAGE}));
  if (!SHARED) arenaGeneration++;
}

/** The memory's buffers (one more each time a shared memory grows): an array on one of them is in the arena. */
const ARENA_BUFFERS = new WeakSet();

function arenaView(at, n) {
  ARENA_BUFFERS.add(MEMORY.buffer);
  return new F(MEMORY.buffer, at, n);
}

/** True when \`a\` is a float array of n elements in the arena (any view of it, subarrays too). */
function inArena(a, n) {
  return a instanceof F && a.length === n && ARENA_BUFFERS.has(a.buffer);
}

let paramViews = {};
let paramGeneration = -1;

/** Views of the params' place in the arena, by name. */
function arenaParams() {
  if (paramGeneration !== arenaGeneration) {
    paramViews = {};
    for (const [name, at, n] of PARAM_LAYOUT) paramViews[name] = arenaView(at, n);
    paramGeneration = arenaGeneration;
  }
  return paramViews;
}

/** The params' values in the arena: copied in, unless \`params\` holds the arena's own views (see adopt). */
function paramsIn(params) {
  const views = arenaParams();
  for (const [name] of PARAM_LAYOUT) if (params[name] !== views[name]) views[name].set(params[name]);
  return views;
}

/** A program's place in the arena: a byte offset and a length, replaced when a call needs more. */
function region() {
  return { at: 0, bytes: 0 };
}

/** Consecutive views of \`sizes\` floats in region \`r\`, which moves to the top of the arena, half as large again, when too small. */
function carve(r, sizes) {
  let bytes = 0;
  for (const n of sizes) bytes += (n * 4 + 15) & ~15;
  if (bytes > r.bytes) {
    r.bytes = (Math.ceil(bytes * 1.5) + 15) & ~15;
    r.at = arenaTop;
    reserve(arenaTop + r.bytes);
    arenaTop += r.bytes;
  }
  const views = [];
  let at = r.at;
  for (const n of sizes) {
    views.push(arenaView(at, n));
    at += (n * 4 + 15) & ~15;
  }
  return views;
}

/**
 * A call's results (outputs, gradients), which the caller keeps until its next call of the same
 * function: the arena's own views where the memory is shared; where it is not, a later call that
 * grows the memory would detach them, so copies (one set per batch size, reused).
 */
function keep(buffers, results) {
  if (SHARED) return results;
  const own = (buffers.own ??= {});
  for (const name in results) {
    const view = results[name];
    const copy = (own[name] ??= new F(view.length));
    copy.set(view);
    results[name] = copy;
  }
  return results;
}

/** The caller's input where the kernels read it: as it is when it lies in the arena already (batchBuffers, or data kept there with zeros), else copied into its buffer. */
function arenaFeed(to, data, name) {
  const v = data[name];
  if (inArena(v, to.length)) return v;
  to.set(v);
  return to;
}

/** Byte offset of the arena's area for a B that is not stored as [k × n] rows; set by each program call. */
let PACK_AT = 0;

/** op(B) ([k × n], element (p, j) at p·inner + j·col) into the arena at byte \`at\` as [k × n] rows. */
function packB(at, src, k, n, inner, col) {
  const mem = heap();
  const base = at >> 2;
  for (let p = 0; p < k; p++) {
    const to = base + p * n;
    const from = p * inner;
    for (let j = 0; j < n; j++) mem[to + j] = src[from + j * col];
  }
}
`;
}
