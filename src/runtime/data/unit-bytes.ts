// Bytes to floats in [0, 1] (b / 255), as IDX images' pixels are read: a small WebAssembly SIMD
// kernel, 16 bytes at a time, through its own memory in chunks. f32x4.div rounds b / 255 once, to
// the nearest float32, as Math.fround(b / 255) does (b / 255 repeats every 8 bits, so it is never
// near a float32 halfway point and float64's first rounding cannot move it; every byte is tested).
// MNIST's 47 MB of training pixels into `nnc train`'s module memory: 190 → ~115 ms, where a
// JavaScript loop over a table stored slowly into the shared memory; the kernel itself takes ~16
// ms, most of the rest is the first touch of 188 MB.
import { instantiateSync, WebAssemblyApi, type WasmMemory } from "../../codegen/wasm/api.js";
import { encodeModule, FunctionBody, I32, V128 } from "../../codegen/wasm/encode.js";

/** Bytes per call: 64 KiB in at 0, 256 KiB of floats out after them. */
const CHUNK = 1 << 16;

/** Each byte b as the float32 nearest to b / 255: the reference, and the chunks' last bytes. */
export const BYTE_SCALE = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/** unit(n): the n bytes at 0 (n a multiple of 16) as floats from CHUNK on. */
function unitFunction(): FunctionBody {
  const f = new FunctionBody([I32]);
  const N = 0;
  const [i, out] = [f.local(I32), f.local(I32)];
  const [bytes, half, scale] = [f.local(V128), f.local(V128), f.local(V128)];
  f.f32(255).f32x4Splat().set(scale);
  f.i32(0).set(i);
  f.i32(CHUNK).set(out);
  f.block().loop();
  f.get(i).get(N).ltS().eqz().brIf(1);
  f.get(i).v128Load().set(bytes);
  for (const h of ["low", "high"] as const) {
    f.get(bytes).i16x8ExtendI8x16U(h).set(half);
    for (const q of ["low", "high"] as const) {
      f.get(out);
      f.get(half).i32x4ExtendI16x8U(q).f32x4ConvertI32x4S().get(scale).f32x4Div().v128Store();
      f.get(out).i32(16).add().set(out);
    }
  }
  f.get(i).i32(16).add().set(i).br(0);
  f.end().end();
  return f;
}

let kernel: { unit: (n: number) => void; bytes: Uint8Array; floats: Float32Array } | undefined;

function made(): typeof kernel {
  if (kernel === undefined && WebAssemblyApi !== undefined) {
    const exports = instantiateSync(encodeModule([{ name: "unit", body: unitFunction() }], 5));
    const memory = exports.memory as WasmMemory;
    kernel = {
      unit: exports.unit as (n: number) => void,
      bytes: new Uint8Array(memory.buffer, 0, CHUNK),
      floats: new Float32Array(memory.buffer, CHUNK, CHUNK),
    };
  }
  return kernel;
}

/** x[i] = src[i] / 255 as float32, for x at least as long as src. */
export function unitBytes(src: Uint8Array, x: Float32Array): void {
  const k = made();
  let from = 0;
  if (k) {
    for (; from + 16 <= src.length;) {
      const n = Math.min(CHUNK, src.length - from) & ~15;
      k.bytes.set(src.subarray(from, from + n));
      k.unit(n);
      x.set(k.floats.subarray(0, n), from);
      from += n;
    }
  }
  for (let i = from; i < src.length; i++) x[i] = BYTE_SCALE[src[i]!]!;
}
