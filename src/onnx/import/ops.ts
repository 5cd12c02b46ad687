// The ONNX ops `nnc import` reads, one entry each: the attributes it supports and how it writes
// the node as .nn (a binding per node, its operands names or numbers). Anything else is an
// error naming the node, the op and what is supported: nothing is approximated.
import { type Shape } from "../../graph/ir.js";
import { broadcastShape } from "../../graph/ops/shapes.js";
import { ShapeError } from "../../graph/ops/types.js";
import type { NodeProto } from "../proto.js";
import { Attributes, checkRank, constantAttribute, ImportContext, literal, shapeOf, type Value } from "./context.js";
import { CONV_IMPORTS } from "./conv.js";
import { flattenShape, reshapeTarget, transposed } from "./reshape.js";
import { SHAPE_IMPORTS } from "./shape-ops.js";

/** `ins` holds undefined for an optional input left out (''). */
type Handler = (cx: ImportContext, node: NodeProto, ins: readonly (Value | undefined)[], a: Attributes) => void;

export interface OpImport {
  readonly attrs: readonly string[];
  readonly run: Handler;
}

const out = (node: NodeProto) => node.output[0]!;
const alias = (cx: ImportContext, node: NodeProto, v: Value) => cx.values.set(out(node), v);

function broadcast(a: Attributes, x: Shape, y: Shape): Shape {
  try {
    return broadcastShape(x, y);
  } catch (e) {
    if (e instanceof ShapeError) a.fail(e.message);
    throw e;
  }
}

/** An elementwise function of one input: `fn(x, extra args)`. */
function unary(fn: string, attrs: readonly string[] = [], args: (a: Attributes) => string = () => ""): OpImport {
  return { attrs, run: (cx, node, [x], a) => cx.bind(out(node), `${fn}(${cx.operand(x!)}${args(a)})`, shapeOf(x!)) };
}

/** A binary operator with numpy broadcasting, as nnc's. */
function binary(op: string): OpImport {
  return {
    attrs: [],
    run: (cx, node, [x, y], a) => cx.bind(out(node), `${cx.operand(x!)} ${op} ${cx.operand(y!)}`, broadcast(a, shapeOf(x!), shapeOf(y!))),
  };
}

/**
 * Softmax and LogSoftmax: nnc's run along the last axis; another axis is swapped with the last
 * one around them (from opset 13; before, ONNX flattened the input to a matrix at the axis).
 */
function lastAxisOp(fn: string): OpImport {
  return {
    attrs: ["axis"],
    run: (cx, node, [x], a) => {
      const rank = shapeOf(x!).length;
      const axis = (a.int("axis", cx.opset >= 13 ? -1 : 1) + rank) % rank;
      if (axis === rank - 1) return void cx.bind(out(node), `${fn}(${cx.operand(x!)})`, shapeOf(x!));
      if (cx.opset < 13) a.fail(`axis ${axis} of a rank-${rank} input before opset 13 (a flattening softmax) is not supported`);
      const swap = [...Array(rank).keys()].map((i) => (i === axis ? rank - 1 : i === rank - 1 ? axis : i));
      const perm = `[${swap.join(", ")}]`;
      cx.bind(out(node), `transpose(${fn}(transpose(${cx.operand(x!)}, ${perm})), ${perm})`, shapeOf(x!));
    },
  };
}

/** op(v) for Gemm and MatMul: a constant becomes a param stored in the layout used (transposed, scaled). */
function matrix(cx: ImportContext, v: Value, trans: boolean, scale: number, a: Attributes, what: string): { ref: string; shape: Shape } {
  checkRank(v, [2], what, a);
  if (v.kind === "const") {
    const data = transposed(v, trans, scale);
    const layout = `${trans ? "T" : ""}${scale === 1 ? "" : `*${scale}`}`;
    const note = layout === "" ? undefined : `${v.onnxName}${trans ? ", transposed" : ""}${scale === 1 ? "" : `, times ${scale}`}`;
    return { ref: cx.param(v, layout, data, note), shape: data.shape };
  }
  const ref = trans ? `transpose(${cx.operand(v)})` : cx.operand(v);
  const s = shapeOf(v);
  const shape = trans ? [s[1]!, s[0]!] : s;
  return { ref: scale === 1 ? ref : `(${literal(scale)} * ${ref})`, shape };
}

function product(cx: ImportContext, node: NodeProto, a: Attributes, A: { ref: string; shape: Shape }, B: { ref: string; shape: Shape }) {
  if (A.shape[1] !== B.shape[0]) a.fail(`inner dimensions differ: [${A.shape}] @ [${B.shape}]`);
  return { expr: `${A.ref} @ ${B.ref}`, shape: [A.shape[0]!, B.shape[1]!] };
}

export const IMPORTS: Readonly<Record<string, OpImport>> = {
  ...CONV_IMPORTS,
  ...SHAPE_IMPORTS,
  // A dense layer: alpha·op(A)·op(B) + beta·C. Constant operands are stored as used, so the
  // .nn reads `x @ fc1_weight + fc1_bias` for PyTorch's Linear (weight [out, in], transB = 1).
  Gemm: {
    attrs: ["alpha", "beta", "transA", "transB"],
    run: (cx, node, [A, B, C], a) => {
      const alpha = a.float("alpha", 1);
      const beta = a.float("beta", 1);
      const opA = matrix(cx, A!, a.int("transA", 0) === 1, 1, a, "A");
      const opB = matrix(cx, B!, a.int("transB", 0) === 1, alpha, a, "B");
      const { expr, shape } = product(cx, node, a, opA, opB);
      if (!C || beta === 0) return void cx.bind(out(node), expr, shape);
      const c =
        C.kind === "const" && beta !== 1 ? cx.param(C, `*${beta}`, { shape: C.shape, data: C.data.map((v) => v * beta) }) : cx.operand(C);
      const scaled = C.kind === "tensor" && beta !== 1 ? `(${literal(beta)} * ${c})` : c;
      cx.bind(out(node), `${expr} + ${scaled}`, broadcast(a, shape, shapeOf(C)));
    },
  },
  MatMul: {
    attrs: [],
    run: (cx, node, [A, B], a) => {
      const { expr, shape } = product(cx, node, a, matrix(cx, A!, false, 1, a, "A"), matrix(cx, B!, false, 1, a, "B"));
      cx.bind(out(node), expr, shape);
    },
  },
  Add: binary("+"),
  Sub: binary("-"),
  Mul: binary("*"),
  Div: binary("/"),
  Pow: binary("**"),
  Relu: unary("relu"),
  Sigmoid: unary("sigmoid"),
  Tanh: unary("tanh"),
  Exp: unary("exp"),
  Log: unary("log"),
  Sqrt: unary("sqrt"),
  Erf: unary("erf"),
  Softplus: unary("softplus"),
  LeakyRelu: unary("leaky_relu", ["alpha"], (a) => `, ${literal(a.float("alpha", 0.01))}`),
  Elu: unary("elu", ["alpha"], (a) => `, ${literal(a.float("alpha", 1))}`),
  Neg: { attrs: [], run: (cx, node, [x]) => cx.bind(out(node), `-${cx.operand(x!)}`, shapeOf(x!)) },
  Softmax: lastAxisOp("softmax"),
  LogSoftmax: lastAxisOp("log_softmax"),
  Flatten: {
    attrs: ["axis"],
    run: (cx, node, [x], a) => {
      const shape = flattenShape(shapeOf(x!), a.int("axis", 1), a);
      if (x!.kind === "const") return void alias(cx, node, { ...x!, shape: shape.map(Number) });
      const s = shapeOf(x!);
      const flatten = s.length > 2 && shape[0] === s[0];
      const ref = cx.operand(x!);
      cx.bind(out(node), flatten ? `flatten(${ref})` : `reshape(${ref}, [${shape.join(", ")}])`, shape);
    },
  },
  Reshape: {
    attrs: ["allowzero"],
    run: (cx, node, [x, s], a) => {
      if (a.int("allowzero", 0) !== 0) a.fail("allowzero = 1 is not supported (0 copies the input's dimension)");
      const target = s?.kind === "const" ? [...s.data] : s?.kind === "dims" ? s.dims : undefined;
      if (!target) return a.fail("the target shape is computed from tensor values at run time; nnc imports a shape known from the input's");
      const shape = reshapeTarget(shapeOf(x!), target, a);
      if (x!.kind === "const") return void alias(cx, node, { ...x!, shape: shape.map(Number) });
      cx.bind(out(node), `reshape(${cx.operand(x!)}, [${shape.join(", ")}])`, shape);
    },
  },
  Transpose: {
    attrs: ["perm"],
    run: (cx, node, [x], a) => {
      const rank = shapeOf(x!).length;
      const perm = a.ints("perm") ?? [...Array(rank).keys()].reverse();
      if (perm.every((p, i) => p === i)) return void alias(cx, node, x!);
      if (x!.kind === "const" && rank === 2)
        return void alias(cx, node, { ...x!, ...transposed(x!, true, 1), onnxName: `${x!.onnxName}_T` });
      const s = shapeOf(x!);
      const matrix = rank === 2 && perm[0] === 1;
      cx.bind(
        out(node),
        matrix ? `transpose(${cx.operand(x!)})` : `transpose(${cx.operand(x!)}, [${perm.join(", ")}])`,
        perm.map((p) => s[p]!),
      );
    },
  },
  // Inference: Dropout passes its input through.
  Dropout: {
    attrs: ["seed", "ratio"],
    run: (cx, node, [x, , training], a) => {
      if (node.output[1]) a.fail("its mask output is not supported (an imported model runs in inference mode)");
      if (training && (training.kind !== "const" || training.data[0] !== 0)) a.fail("training_mode is not supported (inference only)");
      alias(cx, node, x!);
    },
  },
  Identity: { attrs: [], run: (cx, node, [x]) => alias(cx, node, x!) },
  Constant: {
    attrs: ["value", "value_float", "value_floats", "value_int", "value_ints"],
    run: (cx, node) =>
      alias(cx, node, { kind: "const", onnxName: out(node), ...constantAttribute(node, `node '${out(node)}' (Constant)`) }),
  },
  // Inference mode with the running statistics, as nnc's batchnorm in predict; its params take
  // the binding's name (`bn1.gamma`, `bn1.running_mean`, ...).
  BatchNormalization: {
    attrs: ["epsilon", "momentum", "training_mode"],
    run: (cx, node, [x, scale, bias, mean, variance], a) => {
      if (a.int("training_mode", 0) !== 0) a.fail("training_mode = 1 is not supported (inference only)");
      checkRank(x!, [2, 4], "the input", a);
      const stats = [scale, bias, mean, variance];
      if (!stats.every((s) => s?.kind === "const")) a.fail("scale, B, mean and var must be initializers or constants");
      const v = cx.bind(out(node), `batchnorm(${cx.operand(x!)}, eps = ${literal(a.float("epsilon", 1e-5))})`, shapeOf(x!));
      const ref = v.kind === "tensor" ? v.ref : "";
      ["gamma", "beta", "running_mean", "running_var"].forEach((k, i) => {
        const s = stats[i]!;
        if (s.kind === "const") cx.params.push({ name: `${ref}.${k}`, shape: s.shape, data: s.data, note: s.onnxName, implicit: true });
      });
    },
  },
};
