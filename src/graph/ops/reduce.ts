// Reductions over a set of axes, and `count`, the number of elements they cover (which depends on
// the batch size when the batch axis is reduced, so `mean` = sum / count stays exact).
import { js } from "../../codegen/code.js";
import { reduce, scalar, sizeOf, type Tensor } from "../tensor.js";
import { reducedShape, checkAxes } from "./shapes.js";
import type { OpDef, SampleGen } from "./types.js";

function sampleReduce(g: SampleGen): { shapes: number[][]; attrs: { axes: number[]; keepdims: boolean } } {
  const shape = Array.from({ length: g.int(1, 3) }, () => g.int(1, 4));
  const axes = shape.map((_, i) => i).filter(() => g.bool());
  return { shapes: [shape], attrs: { axes, keepdims: g.bool() } };
}

/** The shape `dOut` must be reshaped to before broadcasting back: the reduced axes kept as 1. */
function keptShape(inShape: readonly (number | string)[], axes: readonly number[]): (number | string)[] {
  return inShape.map((d, i) => (axes.includes(i) ? 1 : d));
}

export const reduceOps = {
  // d sum(x) / dx = 1 everywhere: broadcast dOut back over the reduced axes.
  sum: {
    arity: 1,
    shape: ([x], { axes, keepdims }) => reducedShape(x!, axes, keepdims),
    kernel: { kind: "reduce", init: js`0`, combine: (acc, x) => js`${acc} + ${x}` },
    eval: ([x], { axes, keepdims }) => reduce(x!, axes, keepdims, 0, (a, v) => a + v),
    grad: (b, n, d) => {
      const x = b.shape(n.inputs[0]!);
      return [b.broadcast(b.reshape(d, keptShape(x, n.attrs.axes)), x)];
    },
    domain: ["any"],
    sample: sampleReduce,
  },
  // d max(x) / dx = 1 where x is the maximum (ties are kinks, kept out of the test domain).
  max: {
    arity: 1,
    shape: ([x], { axes, keepdims }) => reducedShape(x!, axes, keepdims),
    kernel: { kind: "reduce", init: js`-Infinity`, combine: (acc, x) => js`Math.max(${acc}, ${x})` },
    eval: ([x], { axes, keepdims }) => reduce(x!, axes, keepdims, -Infinity, Math.max),
    grad: (b, n, d) => {
      const x = n.inputs[0]!;
      const xs = b.shape(x);
      const kept = keptShape(xs, n.attrs.axes);
      const mask = b.ge(x, b.broadcast(b.reshape(n.id, kept), xs));
      return [b.mul(b.broadcast(b.reshape(d, kept), xs), mask)];
    },
    domain: ["awayFromKinks"],
    sample: sampleReduce,
  },
  // A size, not a function of x's values: no gradient.
  count: {
    arity: 1,
    shape: ([x], { axes }) => {
      checkAxes(x!, axes);
      return [];
    },
    kernel: { kind: "size" },
    eval: ([x], { axes }): Tensor => scalar(sizeOf(axes.map((a) => x!.shape[a]!))),
    grad: () => [null],
    domain: ["any"],
    sample: (g) => ({ shapes: sampleReduce(g).shapes, attrs: { axes: [0] } }),
  },
} satisfies { [K in "sum" | "max" | "count"]: OpDef<K> };
