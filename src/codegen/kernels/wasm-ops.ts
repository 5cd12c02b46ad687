// What the window kernels in WebAssembly (conv/wasm-function.ts, pool/wasm.ts) write with besides
// the encoder's FunctionBody (src/codegen/wasm/body.ts): a few more instructions, appended to a
// body the way it appends its own (the bytes, and the text for listings), and the counted loop.
import type { FunctionBody } from "../wasm/encode.js";
import { uleb } from "../wasm/leb.js";

function op(f: FunctionBody, text: string, ...bytes: number[]): FunctionBody {
  f.bytes.push(...bytes);
  f.text.push(text);
  return f;
}

/** Calls function `index` of the module (its row kernels come first: kernel k is function k). */
export const call = (f: FunctionBody, index: number) => op(f, `call ${index}`, 0x10, ...uleb(index));
/** Unsigned: a negative index is never below a size (a range check in one comparison). */
export const ltU = (f: FunctionBody) => op(f, "i32.lt_u", 0x49);
export const divU = (f: FunctionBody) => op(f, "i32.div_u", 0x6e);
export const i32Load = (f: FunctionBody, offset = 0) => op(f, `i32.load ${offset}`, 0x28, 2, ...uleb(offset));
export const f32Gt = (f: FunctionBody) => op(f, "f32.gt", 0x5e);
/** [a, b, condition] -> condition ? a : b, without a branch. */
export const select = (f: FunctionBody) => op(f, "select", 0x1b);

/** i8x16.shuffle: [a, b] -> the float32 lanes `lanes` of a's and b's (0-3 a's, 4-7 b's). */
export const shuffle = (f: FunctionBody, lanes: readonly number[]) => {
  const bytes = lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
  return op(f, `i8x16.shuffle ${bytes.join(" ")}`, 0xfd, ...uleb(0x0d), ...bytes);
};

/** `for (at = from(); at < to(); at += step) body()` over an i32 local. */
export function loop(f: FunctionBody, at: number, from: () => void, to: () => void, step: number, body: () => void): void {
  from();
  f.set(at).block().loop();
  f.get(at);
  to();
  f.ltS().eqz().brIf(1);
  body();
  f.get(at).i32(step).add().set(at).br(0);
  f.end().end();
}
