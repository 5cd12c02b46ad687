// The instructions the zero-skipping kernel (sparse-function.ts, sparse-tile.ts) writes with
// besides the encoder's FunctionBody and kernels/wasm-ops.ts: comparisons to zero, lane tests and
// i32 stores, appended the way those append theirs (the bytes, and the text for listings).
import type { FunctionBody } from "../../wasm/encode.js";
import { uleb } from "../../wasm/leb.js";

function op(f: FunctionBody, text: string, ...bytes: number[]): FunctionBody {
  f.bytes.push(...bytes);
  f.text.push(text);
  return f;
}
const simd = (f: FunctionBody, text: string, code: number, ...imm: number[]) => op(f, text, 0xfd, ...uleb(code), ...imm);

export const ne = (f: FunctionBody) => op(f, "i32.ne", 0x47);
export const shrU = (f: FunctionBody) => op(f, "i32.shr_u", 0x76);
export const shl = (f: FunctionBody) => op(f, "i32.shl", 0x74);
/** The number of set bits. */
export const popcnt = (f: FunctionBody) => op(f, "i32.popcnt", 0x69);
/** [a, indices] -> the bytes of a at the indices (an index of 16 or more gives 0). */
export const swizzle = (f: FunctionBody) => simd(f, "i8x16.swizzle", 0x0e);
export const i32x4Mul = (f: FunctionBody) => simd(f, "i32x4.mul", 0xb5);
export const i32Store = (f: FunctionBody, offset = 0) => op(f, `i32.store ${offset}`, 0x36, 2, ...uleb(offset));
/** [a, b] -> 1 where a ≠ b (NaN ≠ everything; -0 = 0), else 0. */
export const f32Ne = (f: FunctionBody) => op(f, "f32.ne", 0x5c);
/** All-ones lanes where a ≠ b. */
export const f32x4Ne = (f: FunctionBody) => simd(f, "f32x4.ne", 0x42);
export const v128Or = (f: FunctionBody) => simd(f, "v128.or", 0x50);
/** 1 if any bit of the vector is set, else 0. */
export const anyTrue = (f: FunctionBody) => simd(f, "v128.any_true", 0x53);
/** The top bit of each i32 lane, as bits 0-3 of an i32. */
export const bitmask = (f: FunctionBody) => simd(f, "i32x4.bitmask", 0xa4);
export const i32x4ExtractLane = (f: FunctionBody, lane: number) => simd(f, `i32x4.extract_lane ${lane}`, 0x1b, lane);
/** [a, b] -> the bytes of (a, b) at the 16 constant indices (0-15 a's, 16-31 b's). */
export const shuffle = (f: FunctionBody, bytes: readonly number[]) => simd(f, `i8x16.shuffle ${bytes.join(" ")}`, 0x0d, ...bytes);
