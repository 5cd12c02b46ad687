// Ops that move data without arithmetic: reshape, transpose, broadcast.
import { concreteShape, showShape, type Shape } from "../ir.js";
import { broadcastTo, transpose } from "../tensor.js";
import { arg } from "./expr.js";
import { broadcastShape, sameSize } from "./shapes.js";
import { OnnxUnsupported, int, ints, onnxOp } from "./onnx.js";
import { ShapeError, type OpDef } from "./types.js";

/** A target shape with its one symbolic dim (the batch) as -1, which Reshape infers. */
function reshapeTarget(shape: Shape): number[] {
  if (shape.filter((d) => typeof d !== "number").length > 1) {
    throw new OnnxUnsupported(`a reshape to ${showShape(shape)} has more than one symbolic dimension`);
  }
  return shape.map((d) => (typeof d === "number" ? d : -1));
}

/** [batch, C, H, W] -> [batch, C·H·W]: what ONNX's Flatten (axis 1) does. */
function isFlatten(input: Shape, shape: Shape): boolean {
  const rest = input.slice(1);
  const size = rest.every((d) => typeof d === "number") ? rest.reduce<number>((a, d) => a * Number(d), 1) : undefined;
  return input.length > 2 && shape.length === 2 && shape[0] === input[0] && shape[1] === size;
}

/** Expand's shape: a symbolic dim the input already has becomes 1 (Expand broadcasts both ways). */
function expandTarget(input: Shape, shape: Shape): number[] {
  const offset = shape.length - input.length;
  return shape.map((d, i) => {
    if (typeof d === "number") return d;
    if (input[i - offset] === d) return 1;
    throw new OnnxUnsupported(`a broadcast of ${showShape(input)} to ${showShape(shape)} creates the symbolic dimension '${d}'`);
  });
}

export const layoutOps = {
  // Reshape keeps the elements in row-major order; its gradient reshapes back.
  reshape: {
    arity: 1,
    shape: ([x], { shape }) => {
      if (!sameSize(x!, shape)) {
        throw new ShapeError(`cannot reshape ${showShape(x!)} to ${showShape(shape)}: the sizes differ`);
      }
      return shape;
    },
    kernel: { kind: "view" },
    onnx: {
      kind: "emit",
      emit: (e, n) =>
        isFlatten(n.inputShapes[0]!, n.attrs.shape)
          ? e.node("Flatten", n.inputs, { axis: int(1) })
          : e.node("Reshape", [n.inputs[0]!, e.ints(reshapeTarget(n.attrs.shape))]),
    },
    eval: ([x], { shape }, ctx) => ({ shape: concreteShape(shape, ctx.dims), data: x!.data }),
    grad: (b, n, d) => [b.reshape(d, b.shape(n.inputs[0]!))],
    domain: ["any"],
    sample: (g) => {
      const a = g.int(1, 4);
      const c = g.int(1, 4);
      return { shapes: [[a, c]], attrs: { shape: g.bool() ? [c, a] : [a * c] } };
    },
  },
  // The gradient of a permutation is the inverse permutation.
  transpose: {
    arity: 1,
    shape: ([x], { perm }) => {
      const ok = perm.length === x!.length && [...perm].sort().every((p, i) => p === i);
      if (!ok) throw new ShapeError(`transpose of ${showShape(x!)} needs a permutation of ${x!.length} axes, got [${perm.join(", ")}]`);
      return perm.map((p) => x![p]!);
    },
    kernel: { kind: "map", expr: () => arg(0), permute: (a) => a.perm },
    onnx: onnxOp("Transpose", (a) => ({ perm: ints(a.perm) })),
    eval: ([x], { perm }) => transpose(x!, perm),
    grad: (b, n, d) => {
      const inverse = n.attrs.perm.map((_, i) => n.attrs.perm.indexOf(i));
      return [b.transpose(d, inverse)];
    },
    // The transpose of a matmul read nowhere else is the swapped product: (AB)ᵀ = BᵀAᵀ.
    rewrite: (b, [x], { perm }, onlyUse) => {
      const m = b.node(x!);
      if (!onlyUse || perm.join() !== "1,0" || m.op !== "matmul") return undefined;
      return b.matmul(m.inputs[1]!, m.inputs[0]!, !m.attrs.transB, !m.attrs.transA);
    },
    domain: ["any"],
    sample: (g) => {
      const shape = Array.from({ length: g.int(2, 3) }, () => g.int(1, 4));
      const perm = shape.map((_, i) => i).reverse();
      return { shapes: [shape], attrs: { perm } };
    },
  },
  // Broadcasting copies; the driver sums the gradient back to the input's shape.
  broadcast: {
    arity: 1,
    shape: ([x], { shape }) => {
      const out = broadcastShape(x!, shape, "broadcast source and target");
      if (out.length !== shape.length || out.some((d, i) => d !== shape[i])) {
        throw new ShapeError(`cannot broadcast ${showShape(x!)} to ${showShape(shape)}`);
      }
      return shape;
    },
    kernel: { kind: "map", expr: () => arg(0) },
    onnx: { kind: "emit", emit: (e, n) => e.node("Expand", [n.inputs[0]!, e.ints(expandTarget(n.inputShapes[0]!, n.attrs.shape))]) },
    eval: ([x], { shape }, ctx) => broadcastTo(x!, concreteShape(shape, ctx.dims)),
    grad: (_b, _n, d) => [d],
    domain: ["any"],
    sample: (g) => {
      const shape = Array.from({ length: g.int(1, 3) }, () => g.int(1, 4));
      const src = shape.slice(g.int(0, shape.length)).map((d) => (g.bool() ? d : 1));
      return { shapes: [src], attrs: { shape } };
    },
  },
} satisfies { [K in "reshape" | "transpose" | "broadcast"]: OpDef<K> };
