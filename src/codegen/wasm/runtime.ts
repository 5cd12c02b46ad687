// What a module compiled with `--backend wasm` carries besides the JS runtime: the WebAssembly
// bytes of its matmul kernels (base64, instantiated once when the module is imported) and the
// helpers that move operands in and out of the one memory they share. Browsers refuse to compile
// modules over 4 KB synchronously on the main thread, so the module is instantiated with a
// top-level `await WebAssembly.instantiate`, which works in Node and browsers alike.
import { js, literal, type Code } from "../code.js";

/** Module-level names the wasm backend's text uses (kernel locals avoid them). */
export const WASM_HELPERS = ["WASM", "wasmArena", "copyIn", "packB", "unpackC"];

export function wasmPrelude(bytes: Uint8Array): Code {
  const base64 = Buffer.from(bytes).toString("base64");
  return js`
// ---- WebAssembly: the matmul kernels (f32x4 register tiles), ${bytes.length} bytes ----

const WASM = (await WebAssembly.instantiate(Uint8Array.from(atob(${literal(base64)}), (c) => c.charCodeAt(0)))).instance.exports;
let wasmView = new Float32Array(WASM.memory.buffer);

/** The kernels' memory as floats, grown (once per new batch size) to hold at least n of them. */
function wasmArena(n) {
  const bytes = n * 4;
  if (bytes > WASM.memory.buffer.byteLength) WASM.memory.grow(Math.ceil((bytes - WASM.memory.buffer.byteLength) / 65536));
  if (wasmView.buffer !== WASM.memory.buffer) wasmView = new Float32Array(WASM.memory.buffer);
  return wasmView;
}

/** The first n elements of src into the arena at element offset off. */
function copyIn(mem, off, src, n) {
  if (src.length === n) mem.set(src, off);
  else for (let i = 0; i < n; i++) mem[off + i] = src[i];
}

/** op(B) ([k × n], element (p, j) at p·inner + j·col) into the arena as [k × n] rows. */
function packB(mem, off, src, k, n, inner, col) {
  if (col === 1 && inner === n) return copyIn(mem, off, src, k * n);
  for (let p = 0; p < k; p++) {
    const to = off + p * n;
    const from = p * inner;
    for (let j = 0; j < n; j++) mem[to + j] = src[from + j * col];
  }
}

/** The n elements at off in the arena into dst. */
function unpackC(dst, mem, off, n) {
  dst.set(mem.subarray(off, off + n));
}
`;
}
