// The JS side of a fused loop run in WebAssembly (loop.ts): the call of its function through the
// thread protocol's `runLoop`, with the byte offsets of its arrays in the arena. A loop whose
// reductions stay within rows may be shared between threads; the others run in one call.
import { comment, join, js, type Code } from "../code.js";
import type { KernelEnv } from "../env.js";
import type { LoopKernel, Size } from "../plan.js";
import { resolve } from "../schedule.js";
import { mul } from "../size.js";
import type { WasmFunctions } from "./functions.js";
import { loopFunction, MAX_ARRAYS, type WasmLoop } from "./loop.js";

/** The byte offsets of a loop function's arrays, as its call passes them (q0 … q5). */
export function loopArrays(fn: WasmLoop | { readonly arrays: WasmLoop["arrays"] } | undefined, env: KernelEnv): Code[] {
  const arrays = (fn?.arrays ?? []).map(({ storage, node }) => js`${env.array(storage, env.hint(resolve(env.g, node)))}.byteOffset`);
  while (arrays.length < MAX_ARRAYS) arrays.push(js`0`);
  return arrays;
}

/** Whether any extent or stride of the loop depends on the batch size (its function reads `batch` then). */
export function loopUsesBatch(k: LoopKernel): boolean {
  const sizes: Size[] = [...k.dims];
  for (const s of k.steps) {
    if (s.kind === "load" || s.kind === "accumulate") sizes.push(...s.strides);
    const operands = s.kind === "compute" ? s.args : s.kind === "load" ? [] : [s.value];
    for (const o of operands) if (o.kind === "inline" && o.value.kind === "size") sizes.push(o.value.size);
  }
  return sizes.some((s) => s.p > 0);
}

/** The call of `fn` (made by loopFunction for `k`) over all of k's rows. */
export function loopCall(k: LoopKernel, fn: WasmLoop, index: number, env: KernelEnv): Code {
  const batch = loopUsesBatch(k) ? env.size({ c: 1, p: 1 }) : js`0`;
  const elements = fn.splittable ? env.size(mul(fn.rows, fn.width)) : js`0`;
  return js`runLoop(${index}, ${env.size(fn.rows)}, ${batch}, ${elements}, ${join(loopArrays(fn, env))});`;
}

/** The loop run in WebAssembly, or undefined when its JS loop must run (loop.ts says what it takes). */
export function renderWasmLoop(
  k: LoopKernel,
  env: KernelEnv,
  functions: WasmFunctions,
  inArena: Parameters<typeof loopFunction>[2],
): Code | undefined {
  const fn = loopFunction(k, env.g, inArena);
  if (!fn) return undefined;
  const what = fn.splittable
    ? "in WebAssembly (f32x4), rows shared between threads when many"
    : "in WebAssembly (f32x4), its sums across rows in one call";
  return js`${comment(what)}${loopCall(k, fn, functions.epilogue(fn), env)}`;
}
