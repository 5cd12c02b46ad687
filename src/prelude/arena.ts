// What a module compiled with `--backend wasm` carries besides the JS runtime: its WebAssembly
// (instantiated once when the module is imported) and the arena, the one WebAssembly memory that
// holds every array the kernels touch:
//   [params and state, at fixed offsets] [predict's buffers] [lossAndGrads' buffers] ...
// Each program's buffers are carved out of a region of its own for the batch size of the call
// (a region that is too small is replaced by a larger one at the top), so a kernel reads and
// writes its operands where they are: no copies, except operands packed as rows, and the
// caller's inputs and params copied in once per call (params not at all when they are the
// arena's own views, from `adopt`). The memory is shared where the platform allows it (Node;
// a browser page that is cross-origin isolated): then growing it keeps every view valid. Where
// it is not, growing detaches the views, and `arenaGeneration` tells the caches to remake them.
// Browsers refuse to compile modules over 4 KB synchronously on the main thread, so the module
// is instantiated with a top-level `await WebAssembly.instantiate`, which works everywhere (and
// where a Content-Security-Policy refuses it, the module still loads: see instantiateKernels).

/**
 * The kernels with fused multiply-adds (relaxed SIMD: Chrome 114+, Node 22+; Node 20 with
 * --experimental-wasm-relaxed-simd) where the platform validates them, else with a multiply and an
 * add. NNC_FMA=0 asks for the latter. Fused sums round once per multiply-add, so the two differ by
 * float32 rounding.
 */
export const WASM_BYTES = (() => {
  const bytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const fused = bytes(WASM_FUSED);
  const off = typeof process === "object" && process.env !== undefined && process.env.NNC_FMA === "0";
  return !off && WebAssembly.validate(fused) ? fused : bytes(WASM_PLAIN);
})();
/** Shared memory where the platform has it (Node; cross-origin isolated pages): views then survive growth. */
export const SHARED = (() => {
  try {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    return isolated !== false && new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
})();
WASM_BYTES[MEMORY_FLAGS_AT] = SHARED ? 3 : 1; // the memory import's flags: shared or not
export const MEMORY = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: SHARED });
export const WASM = await instantiateKernels();

/**
 * The kernels, instantiated. A page whose Content-Security-Policy refuses to compile WebAssembly
 * (script-src without 'wasm-unsafe-eval') must still be able to import the module: then every
 * kernel throws, at its first use, an Error that says what to allow (or to compile with --backend js).
 */
async function instantiateKernels(): Promise<Record<string, (...args: number[]) => void>> {
  try {
    return (await WebAssembly.instantiate(WASM_BYTES, { env: { memory: MEMORY } })).instance.exports as Record<
      string,
      (...args: number[]) => void
    >;
  } catch (e) {
    const why =
      "this model's kernels are WebAssembly, and compiling it was refused (" +
      String((e as Error)?.message ?? e) +
      "): allow it with 'wasm-unsafe-eval' in the page's Content-Security-Policy script-src, or compile the model with --backend js";
    const refused = () => {
      throw new Error(why);
    };
    // Every export throws; but not `then`, which awaiting the object asks for.
    return new Proxy({}, { get: (_, key) => (key === "then" ? undefined : refused) });
  }
}

/** Bumped when the memory grows without being shared: every view made before is detached then. */
export let arenaGeneration = 0;
/** Bytes of the arena in use: the params, then the programs' regions. */
export let arenaTop = PARAM_BYTES;
let heapView = new F(MEMORY.buffer);

/** The whole arena as floats. */
export function heap(): Floats {
  if (heapView.byteLength !== MEMORY.buffer.byteLength) heapView = new F(MEMORY.buffer);
  return heapView;
}

/** Grows the memory to at least `bytes`. */
export function reserve(bytes: number): void {
  const have = MEMORY.buffer.byteLength;
  if (bytes <= have) return;
  if (bytes > MAX_PAGES * 65536)
    throw new RangeError(
      "this batch needs " +
        Math.ceil(bytes / 1048576) +
        " MB of WebAssembly memory, more than the " +
        MAX_PAGES / 16 +
        " MB a module has: use smaller batches",
    );
  MEMORY.grow(Math.ceil((bytes - have) / 65536));
  if (!SHARED) arenaGeneration++;
}

/** The memory's buffers (one more each time a shared memory grows): an array on one of them is in the arena. */
export const ARENA_BUFFERS = new WeakSet<ArrayBufferLike>();

export function arenaView(at: number, n: number): Floats {
  ARENA_BUFFERS.add(MEMORY.buffer);
  return new F(MEMORY.buffer, at, n);
}

/** True when `a` is a float array of n elements in the arena (any view of it, subarrays too). */
export function inArena(a: unknown, n: number): a is Floats {
  return a instanceof F && a.length === n && ARENA_BUFFERS.has(a.buffer);
}

let paramViews: Record<string, Floats> = {};
let paramGeneration = -1;

/** Views of the params' place in the arena, by name. */
export function arenaParams(): Record<string, Floats> {
  if (paramGeneration !== arenaGeneration) {
    paramViews = {};
    for (const [name, at, n] of PARAM_LAYOUT) paramViews[name] = arenaView(at, n);
    paramGeneration = arenaGeneration;
  }
  return paramViews;
}

/** Where a call reads each param: reused by every call (the kernels only take byte offsets). */
const placed: Record<string, Floats> = {};

/**
 * The params where the kernels read them: in place when they lie in the arena already (init's
 * arrays, adopted views, zeros), else copied into their place in the layout.
 */
export function paramsIn(params: Record<string, Floats>): Record<string, Floats> {
  const views = arenaParams();
  for (const [name, , n] of PARAM_LAYOUT) {
    const p = params[name]!;
    if (p === views[name] || inArena(p, n)) placed[name] = p;
    else (placed[name] = views[name]!).set(p);
  }
  return placed;
}

/** The params copied into their place in the layout, as views there (adopt). */
export function adoptParams(params: Record<string, Floats>): Record<string, Floats> {
  const views = arenaParams();
  for (const [name] of PARAM_LAYOUT) if (params[name] !== views[name]) views[name]!.set(params[name]!);
  return { ...views };
}

interface Region {
  at: number;
  bytes: number;
}

/** A program's place in the arena: a byte offset and a length, replaced when a call needs more. */
export function region(): Region {
  return { at: 0, bytes: 0 };
}

/** Consecutive views of `sizes` floats in region `r`, which moves to the top of the arena, half as large again, when too small. */
export function carve(r: Region, sizes: readonly number[]): Floats[] {
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

/** Makes room for n more floats at the top of the arena, for good; their byte offset. */
export function claimTop(n: number): number {
  const at = arenaTop;
  arenaTop += (n * 4 + 15) & ~15;
  reserve(arenaTop);
  return at;
}

/**
 * A call's results (outputs, gradients), which the caller keeps until its next call of the same
 * function: the arena's own views where the memory is shared; where it is not, a later call that
 * grows the memory would detach them, so copies (one set per batch size, reused).
 */
export function keep(buffers: { own?: Record<string, Floats> }, results: Record<string, Floats>): Record<string, Floats> {
  if (SHARED) return results;
  const own = (buffers.own ??= {});
  for (const name in results) {
    const view = results[name]!;
    const copy = (own[name] ??= new F(view.length));
    copy.set(view);
    results[name] = copy;
  }
  return results;
}

/** The caller's input where the kernels read it: as it is when it lies in the arena already (batchBuffers, or data kept there with zeros), else copied into its buffer. */
export function arenaFeed(to: Floats, data: Record<string, ArrayLike<number>>, name: string): Floats {
  const v = data[name];
  if (inArena(v, to.length)) return v;
  to.set(v!);
  return to;
}

/** Byte offset of the arena's area for operands packed as rows; set by each program call. */
// eslint-disable-next-line prefer-const -- the module's program functions set it before their kernels run
export let PACK_AT = 0;

/** op(B) ([k × n], element (p, j) at p·inner + j·col) into the arena at byte `at` as [k × n] rows (in WebAssembly when B lies in the arena). */
export function packB(at: number, src: ArrayLike<number>, k: number, n: number, inner: number, col: number): void {
  if (src instanceof F && ARENA_BUFFERS.has(src.buffer)) {
    WASM.pack!(at, src.byteOffset, k, n, inner, col);
    return;
  }
  const mem = heap();
  const base = at >> 2;
  for (let p = 0; p < k; p++) {
    const to = base + p * n;
    const from = p * inner;
    for (let j = 0; j < n; j++) mem[to + j] = src[from + j * col]!;
  }
}
