// The pooling kernels in JavaScript, plane by plane (batch × channels planes), in the reference's
// order (src/graph/ops/pool-ref.ts): a window's maximum is its first largest element in
// row-major window order; average pooling adds x·(1/size²) tap by tap. With the wasm backend each
// runs as WebAssembly over the arena, plane by plane on the threads (./wasm.ts).
import { js, type Code, type Name } from "../../code.js";
import type { KernelPlugin } from "../types.js";
import { wholeKernel } from "../whole.js";
import { windowLoops, type TapNames } from "../window-js.js";
import { poolPlan, renderWasmPool, type PoolData } from "./wasm.js";

declare module "../types.js" {
  interface KernelData {
    max_pool: PoolData;
    max_pool_backward: PoolData;
    max_pool_gather: PoolData;
    avg_pool: PoolData;
    avg_pool_backward: PoolData;
  }
}

interface Pool {
  /** The input's and the pooled tensor's extents, [batch, channels, height, width]. */
  readonly x: readonly Code[];
  readonly y: readonly Code[];
  readonly size: number;
  readonly stride: number;
  readonly pad: number;
}

type PerOutput = (taps: Code, o: Name) => Code;

/** Over every (batch, channel) plane: xo and yo are the plane's offsets in the input and the pooled tensor. */
function planes(
  p: Pool,
  local: (hint: string) => Name,
  tap: (t: TapNames, xo: Name, yo: Name) => Code,
  perOutput?: (xo: Name, yo: Name) => PerOutput,
): Code {
  const [n, c, h, w] = p.x;
  const [, , oh, ow] = p.y;
  const [q, xo, yo] = [local("p"), local("xo"), local("yo")];
  const g = { h: h!, w: w!, oh: oh!, ow: ow!, kh: p.size, kw: p.size, stride: p.stride, pad: p.pad };
  const loops = windowLoops(g, local, (t) => tap(t, xo, yo), perOutput?.(xo, yo));
  return js`for (let ${q} = 0; ${q} < ${n!} * ${c!}; ${q}++) {
      const ${xo} = ${q} * ${h!} * ${w!};
      const ${yo} = ${q} * ${oh!} * ${ow!};
      ${loops}
    }`;
}

/** The max-pool loops: `use(best, xo, yo, o)` after each window's first maximum is found. */
function argmaxPlanes(p: Pool, x: Name, local: (hint: string) => Name, use: (best: Name, xo: Name, yo: Name, o: Name) => Code): Code {
  const best = local("best");
  return planes(
    p,
    local,
    (t, xo) => js`if (${best} < 0 || ${x}[${xo} + ${t.i}] > ${x}[${xo} + ${best}]) ${best} = ${t.i};`,
    (xo, yo) => (taps, o) => js`let ${best} = -1; ${taps} ${use(best, xo, yo, o)}`,
  );
}

/** With the wasm backend: WebAssembly over the arena's planes (./wasm.ts). */
const WASM = { arenaOperands: true, plan: poolPlan, wasm: renderWasmPool } as const;

export const maxPool: KernelPlugin<"max_pool"> = {
  ...wholeKernel<"max_pool">(({ inputs: [x], shapes, output, outShape, attrs, local }) =>
    argmaxPlanes(
      { x: shapes[0]!, y: outShape, ...attrs },
      x!,
      local,
      (best, xo, yo, o) => js`${output}[${yo} + ${o}] = ${x!}[${xo} + ${best}];`,
    ),
  ),
  ...WASM,
};

export const maxPoolBackward: KernelPlugin<"max_pool_backward"> = {
  ...wholeKernel<"max_pool_backward">(({ inputs: [x, dy], shapes, output, attrs, local }) => {
    const loops = argmaxPlanes({ x: shapes[0]!, y: shapes[1]!, ...attrs }, x!, local, (best, xo, yo, o) => {
      return js`${output}[${xo} + ${best}] += ${dy!}[${yo} + ${o}];`;
    });
    return js`${output}.fill(0); ${loops}`;
  }),
  ...WASM,
};

export const maxPoolGather: KernelPlugin<"max_pool_gather"> = {
  ...wholeKernel<"max_pool_gather">(({ inputs: [x, g], shapes, output, outShape, attrs, local }) =>
    argmaxPlanes(
      { x: shapes[0]!, y: outShape, ...attrs },
      x!,
      local,
      (best, xo, yo, o) => js`${output}[${yo} + ${o}] = ${g!}[${xo} + ${best}];`,
    ),
  ),
  ...WASM,
};

export const avgPool: KernelPlugin<"avg_pool"> = {
  ...wholeKernel<"avg_pool">(({ inputs: [x], shapes, output, outShape, attrs, local }) => {
    const scale = 1 / (attrs.size * attrs.size);
    const loops = planes({ x: shapes[0]!, y: outShape, ...attrs }, local, (t, xo, yo) => {
      return js`${output}[${yo} + ${t.o}] += ${x!}[${xo} + ${t.i}] * ${scale};`;
    });
    return js`${output}.fill(0); ${loops}`;
  }),
  ...WASM,
};

export const avgPoolBackward: KernelPlugin<"avg_pool_backward"> = {
  ...wholeKernel<"avg_pool_backward">(({ inputs: [dy], shapes, output, outShape, attrs, local }) => {
    const scale = 1 / (attrs.size * attrs.size);
    const loops = planes({ x: outShape, y: shapes[0]!, ...attrs }, local, (t, xo, yo) => {
      return js`${output}[${xo} + ${t.i}] += ${dy!}[${yo} + ${t.o}] * ${scale};`;
    });
    return js`${output}.fill(0); ${loops}`;
  }),
  ...WASM,
};
