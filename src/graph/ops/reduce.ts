// Reductions over a set of axes, and `count`, the number of elements they cover (which depends on
// the batch size when the batch axis is reduced, so `mean` = sum / count stays exact).
import { reduce, scalar, sizeOf, zip, type Tensor } from "../tensor.js";
import { BINARY } from "./expr.js";
import { reducedShape, checkAxes } from "./shapes.js";
import { ONNX_FLOAT, int, ints, type OnnxForm } from "./onnx.js";
import type { OpDef, SampleGen } from "./types.js";

type Reduction = "sum" | "max";

/**
 * ReduceSum (axes an input from opset 13) or ReduceMax (from opset 18). No axes reduce nothing
 * in nnc but everything in ONNX, so that case is the input itself.
 */
function onnxReduce<K extends Reduction>(op: "ReduceSum" | "ReduceMax", axesInputFrom: number): OnnxForm<K> {
  return {
    kind: "emit",
    emit: (e, { inputs: [x], attrs: { axes, keepdims } }) => {
      if (axes.length === 0) return x!;
      const keep = { keepdims: int(+keepdims) };
      return e.opset >= axesInputFrom ? e.node(op, [x!, e.ints(axes)], keep) : e.node(op, [x!], { ...keep, axes: ints(axes) });
    },
  };
}

function sampleReduce(g: SampleGen): { shapes: number[][]; attrs: { axes: number[]; keepdims: boolean } } {
  const shape = Array.from({ length: g.int(1, 3) }, () => g.int(1, 4));
  const axes = shape.map((_, i) => i).filter(() => g.bool());
  return { shapes: [shape], attrs: { axes, keepdims: g.bool() } };
}

/** The shape `dOut` must be reshaped to before broadcasting back: the reduced axes kept as 1. */
function keptShape<D extends number | string>(inShape: readonly D[], axes: readonly number[]): (D | 1)[] {
  return inShape.map((d, i) => (axes.includes(i) ? 1 : d));
}

export const reduceOps = {
  // d sum(x) / dx = 1 everywhere: broadcast dOut back over the reduced axes.
  sum: {
    arity: 1,
    shape: ([x], { axes, keepdims }) => reducedShape(x!, axes, keepdims),
    kernel: { kind: "reduce", init: 0, combine: "add", axes: (a) => a.axes },
    onnx: onnxReduce("ReduceSum", 13),
    eval: ([x], { axes, keepdims }) => reduce(x!, axes, keepdims, 0, BINARY.add),
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
    kernel: { kind: "reduce", init: -Infinity, combine: "max", axes: (a) => a.axes },
    onnx: onnxReduce("ReduceMax", 18),
    eval: ([x], { axes, keepdims }) => reduce(x!, axes, keepdims, -Infinity, BINARY.max),
    grad: (b, n, d) => {
      const x = n.inputs[0]!;
      const xs = b.shape(x);
      const kept = keptShape(xs, n.attrs.axes);
      const mask = b.ge(x, b.broadcast(b.reshape(n.id, kept), xs));
      return [b.mul(b.broadcast(b.reshape(d, kept), xs), mask)];
    },
    domain: ["awayFromKinks"],
    sample: sampleReduce,
    // Each element is at (1) or below (0) the maximum of its group.
    kinks: ([x], out, { axes }) => zip(x!, { shape: keptShape(x!.shape, axes), data: out.data }, (a, m) => (a >= m ? 1 : 0)),
  },
  // A size, not a function of x's values: no gradient.
  count: {
    arity: 1,
    shape: ([x], { axes }) => {
      checkAxes(x!, axes);
      return [];
    },
    kernel: { kind: "size" },
    // A constant, or the product of the input's runtime dims (the batch) as a float.
    onnx: {
      kind: "emit",
      emit: (e, { inputs: [x], inputShapes: [s], attrs: { axes } }) => {
        const dims = axes.map((a) => s![a]!);
        if (dims.every((d): d is number => typeof d === "number")) return e.floats([sizeOf(dims)]);
        const picked = e.node("Gather", [e.node("Shape", [x!]), e.ints(axes)]);
        return e.node("Cast", [e.node("ReduceProd", [picked], { keepdims: int(0) })], { to: int(ONNX_FLOAT) });
      },
    },
    eval: ([x], { axes }): Tensor => scalar(sizeOf(axes.map((a) => x!.shape[a]!))),
    grad: () => [null],
    domain: ["any"],
    sample: (g) => ({ shapes: sampleReduce(g).shapes, attrs: { axes: [0] } }),
  },
} satisfies { [K in "sum" | "max" | "count"]: OpDef<K> };
