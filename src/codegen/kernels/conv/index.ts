// The convolution kernels in JavaScript: conv2d and its two adjoints as direct loops over
// (batch, filter, channel) planes, each adding its taps in the reference's order
// (src/graph/ops/window.ts), so float64 modules agree with the interpreter to the last bits.
import { js, type Code, type Name } from "../../code.js";
import type { KernelPlugin } from "../types.js";
import { wholeKernel } from "../whole.js";
import { windowLoops, type TapNames } from "../window-js.js";
import { convPlan, convScratch, renderWasmConv, type ConvData } from "./wasm.js";

declare module "../types.js" {
  interface KernelData {
    conv2d: ConvData;
    conv2d_backward_input: ConvData;
    conv2d_backward_filter: ConvData;
  }
}

interface Planes {
  readonly x: readonly Code[];
  readonly w: readonly Code[];
  readonly y: readonly Code[];
  readonly stride: number;
  readonly pad: number;
}

/** Zeroes `out`, then runs `tap(xo, wo, yo)` over every tap of every (batch, filter, channel) plane. */
function planes(p: Planes, out: Name, local: (hint: string) => Name, tap: (t: TapNames, xo: Name, wo: Name, yo: Name) => Code): Code {
  const [n, c, h, w] = p.x;
  const [f, , kh, kw] = p.w;
  const [, , oh, ow] = p.y;
  const [b, fi, ci, xo, wo, yo] = [local("b"), local("f"), local("c"), local("xo"), local("wo"), local("yo")];
  const loops = windowLoops({ h: h!, w: w!, oh: oh!, ow: ow!, kh: kh!, kw: kw!, stride: p.stride, pad: p.pad }, local, (t) =>
    tap(t, xo, wo, yo),
  );
  return js`${out}.fill(0);
    for (let ${b} = 0; ${b} < ${n!}; ${b}++) for (let ${fi} = 0; ${fi} < ${f!}; ${fi}++) for (let ${ci} = 0; ${ci} < ${c!}; ${ci}++) {
      const ${xo} = (${b} * ${c!} + ${ci}) * ${h!} * ${w!};
      const ${wo} = (${fi} * ${c!} + ${ci}) * ${kh!} * ${kw!};
      const ${yo} = (${b} * ${f!} + ${fi}) * ${oh!} * ${ow!};
      ${loops}
    }`;
}

/** With the wasm backend: im2col and the matmul row kernel, operands in the arena (./wasm.ts). */
const WASM = { arenaOperands: true, plan: convPlan, arenaScratch: convScratch, wasm: renderWasmConv, wasmPrelude: ["im2col"] } as const;

export const conv2d: KernelPlugin<"conv2d"> = {
  ...wholeKernel<"conv2d">(({ inputs: [x, W], shapes, output, outShape, attrs, local }) =>
    planes({ x: shapes[0]!, w: shapes[1]!, y: outShape, ...attrs }, output, local, (t, xo, wo, yo) => {
      return js`${output}[${yo} + ${t.o}] += ${x!}[${xo} + ${t.i}] * ${W!}[${wo} + ${t.k}];`;
    }),
  ),
  ...WASM,
};

export const conv2dBackwardInput: KernelPlugin<"conv2d_backward_input"> = {
  ...wholeKernel<"conv2d_backward_input">(({ inputs: [dy, W], shapes, output, outShape, attrs, local }) =>
    planes({ x: outShape, w: shapes[1]!, y: shapes[0]!, ...attrs }, output, local, (t, xo, wo, yo) => {
      return js`${output}[${xo} + ${t.i}] += ${dy!}[${yo} + ${t.o}] * ${W!}[${wo} + ${t.k}];`;
    }),
  ),
  ...WASM,
};

export const conv2dBackwardFilter: KernelPlugin<"conv2d_backward_filter"> = {
  ...wholeKernel<"conv2d_backward_filter">(({ inputs: [x, dy], shapes, output, outShape, attrs, local }) =>
    planes({ x: shapes[0]!, w: outShape, y: shapes[1]!, ...attrs }, output, local, (t, xo, wo, yo) => {
      return js`${output}[${wo} + ${t.k}] += ${x!}[${xo} + ${t.i}] * ${dy!}[${yo} + ${t.o}];`;
    }),
  ),
  ...WASM,
};
