// Pooling over the spatial axes of NCHW tensors, size × size windows, channel by channel
// (reference loops in ./pool-ref.ts):
//   max_pool(x)                 each window's maximum (padding never wins)
//   max_pool_backward(x, dy)    dy added at each window's maximum of x: max_pool's gradient
//   max_pool_gather(x, g)       g read at each window's maximum of x: the adjoint of the above
//   avg_pool(x)                 each window's sum / size² (padding counts as zeros)
//   avg_pool_backward(dy)       dy / size² spread over each window: avg_pool's adjoint
// Which element is a window's maximum is piecewise constant in x, so the backward ops have no
// gradient in x (ties are kinks); in their other input they are linear, and adjoint in pairs.
import { showShape, type Shape } from "../ir.js";
import type { PoolAttrs } from "./pool-ref.js";
import { avgPoolBackwardRef, avgPoolRef, maxPoolBackwardRef, maxPoolGatherRef, maxPoolRef, maxPoolSides } from "./pool-ref.js";
import { int, ints, windowAttrs } from "./onnx.js";
import { ShapeError, type OpDef, type SampleGen } from "./types.js";
import { nchw, spatialOut } from "./window.js";

/** The pooled shape of x, or a ShapeError naming the rule that fails. */
function pooled(op: string, x: Shape, a: PoolAttrs): Shape {
  const [n, c, h, w] = nchw(op, x, "an input");
  if (!Number.isInteger(a.size) || a.size < 1) throw new ShapeError(`${op}: size must be a positive integer, got ${a.size}`);
  // pad < size keeps at least one input element in every window.
  if (a.pad >= a.size)
    throw new ShapeError(`${op}: pad must be less than size (a window would hold only padding), got pad ${a.pad}, size ${a.size}`);
  return [n, c, ...spatialOut(op, h, w, a.size, a.size, a, "window")];
}

function sameShape(op: string, what: string, s: Shape, expected: Shape): void {
  if (s.length !== expected.length || s.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${op}: ${what} has shape ${showShape(s)}, expected ${showShape(expected)}`);
  }
}

function sampleInput(g: SampleGen): { x: number[]; attrs: PoolAttrs } {
  const size = g.int(1, 3);
  const pad = g.int(0, size - 1);
  const side = () => Math.max(1, size - 2 * pad, g.int(1, 6));
  return { x: [g.int(1, 2), g.int(1, 2), side(), side()], attrs: { size, stride: g.int(1, 3), pad } };
}

function samplePooled(g: SampleGen): { x: number[]; y: number[]; attrs: PoolAttrs } {
  const { x, attrs } = sampleInput(g);
  const [, , oh, ow] = pooled("sample", x, attrs) as number[];
  return { x, y: [x[0]!, x[1]!, oh!, ow!], attrs };
}

export const poolOps = {
  // d max_pool(x) = max_pool_backward(x, dy).
  max_pool: {
    arity: 1,
    shape: ([x], a) => pooled("max_pool", x!, a),
    kernel: { kind: "kernel" },
    onnx: {
      kind: "emit",
      emit: (e, n) => e.node("MaxPool", n.inputs, { kernel_shape: ints([n.attrs.size, n.attrs.size]), ...windowAttrs(n.attrs) }),
    },
    eval: ([x], a) => maxPoolRef(x!, a),
    grad: (b, n, d) => [b.add("max_pool_backward", [n.inputs[0]!, d], n.attrs)],
    domain: ["awayFromKinks"],
    sample: (g) => {
      const { x, attrs } = sampleInput(g);
      return { shapes: [x], attrs };
    },
    kinks: ([x], _out, a) => maxPoolSides(x!, a),
  },
  // Linear in dy: d(dy) = max_pool_gather(x, g); none in x (piecewise constant).
  max_pool_backward: {
    arity: 2,
    shape: ([x, dy], a) => {
      sameShape("max_pool_backward", "the gradient", dy!, pooled("max_pool_backward", x!, a));
      return x!;
    },
    kernel: { kind: "kernel" },
    onnx: { kind: "none", why: "it is a gradient; an export writes the inference graph" },
    eval: ([x, dy], a) => maxPoolBackwardRef(x!, dy!, a),
    grad: (b, n, g, wants) => [null, wants[1] ? b.add("max_pool_gather", [n.inputs[0]!, g], n.attrs) : null],
    domain: ["awayFromKinks", "any"],
    sample: (g) => {
      const { x, y, attrs } = samplePooled(g);
      return { shapes: [x, y], attrs };
    },
    kinks: ([x], _out, a) => maxPoolSides(x!, a),
  },
  // Linear in g: d(g) = max_pool_backward(x, dOut); none in x (piecewise constant).
  max_pool_gather: {
    arity: 2,
    shape: ([x, g], a) => {
      sameShape("max_pool_gather", "the gathered tensor", g!, x!);
      return pooled("max_pool_gather", x!, a);
    },
    kernel: { kind: "kernel" },
    onnx: { kind: "none", why: "it is a gradient; an export writes the inference graph" },
    eval: ([x, g], a) => maxPoolGatherRef(x!, g!, a),
    grad: (b, n, d, wants) => [null, wants[1] ? b.add("max_pool_backward", [n.inputs[0]!, d], n.attrs) : null],
    domain: ["awayFromKinks", "any"],
    sample: (g) => {
      const { x, attrs } = sampleInput(g);
      return { shapes: [x, x], attrs };
    },
    kinks: ([x], _out, a) => maxPoolSides(x!, a),
  },
  // d avg_pool(x) = avg_pool_backward(dy).
  avg_pool: {
    arity: 1,
    shape: ([x], a) => pooled("avg_pool", x!, a),
    kernel: { kind: "kernel" },
    // Padding counts as zeros: ONNX's count_include_pad = 1.
    onnx: {
      kind: "emit",
      emit: (e, n) => {
        const window = { kernel_shape: ints([n.attrs.size, n.attrs.size]), ...windowAttrs(n.attrs) };
        return e.node("AveragePool", n.inputs, { ...window, count_include_pad: int(1) });
      },
    },
    eval: ([x], a) => avgPoolRef(x!, a),
    grad: (b, n, d) => {
      const [, , height, width] = nchw("avg_pool", b.shape(n.inputs[0]!), "an input");
      return [b.add("avg_pool_backward", [d], { ...n.attrs, height, width })];
    },
    domain: ["any"],
    sample: (g) => {
      const { x, attrs } = sampleInput(g);
      return { shapes: [x], attrs };
    },
  },
  // The adjoint of avg_pool: d(dy) = avg_pool(g).
  avg_pool_backward: {
    arity: 1,
    shape: ([dy], { height, width, ...a }) => {
      const [n, c] = nchw("avg_pool_backward", dy!, "a gradient");
      sameShape("avg_pool_backward", "the gradient", dy!, pooled("avg_pool_backward", [n, c, height, width], a));
      return [n, c, height, width];
    },
    kernel: { kind: "kernel" },
    onnx: { kind: "none", why: "it is a gradient; an export writes the inference graph" },
    eval: ([dy], { height, width, ...a }) => avgPoolBackwardRef(dy!, height, width, a),
    grad: (b, n, g) => {
      const { size, stride, pad } = n.attrs;
      return [b.add("avg_pool", [g], { size, stride, pad })];
    },
    domain: ["any"],
    sample: (g) => {
      const { x, y, attrs } = samplePooled(g);
      return { shapes: [y], attrs: { ...attrs, height: x[2]!, width: x[3]! } };
    },
  },
} satisfies { [K in "max_pool" | "max_pool_backward" | "max_pool_gather" | "avg_pool" | "avg_pool_backward"]: OpDef<K> };
