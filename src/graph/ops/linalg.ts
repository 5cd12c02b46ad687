// Matrix multiplication of 2-D tensors, op(A) @ op(B), where op transposes when its flag is set.
// The flags let gradient rules multiply by a transpose without materializing it.
import { showShape, type Dim, type NodeId, type Shape } from "../ir.js";
import { matmul } from "../tensor.js";
import { int } from "./onnx.js";
import { ShapeError, type OpDef } from "./types.js";

function operand(s: Shape, trans: boolean, which: string): [Dim, Dim] {
  if (s.length !== 2) throw new ShapeError(`@ needs 2-D operands, but the ${which} operand has shape ${showShape(s)}`);
  return trans ? [s[1]!, s[0]!] : [s[0]!, s[1]!];
}

export const linalgOps = {
  // C = op(A) op(B):  dA = dC op(B)ᵀ and dB = op(A)ᵀ dC, each written back in A's and B's layout.
  matmul: {
    arity: 2,
    shape: ([a, b], { transA, transB }) => {
      const [m, k] = operand(a!, transA, "left");
      const [k2, n] = operand(b!, transB, "right");
      if (k !== k2) {
        throw new ShapeError(
          `inner dimensions of @ do not match: ${showShape(a!)}${transA ? "ᵀ" : ""} @ ${showShape(b!)}${transB ? "ᵀ" : ""} (${k} vs ${k2})`,
        );
      }
      return [m, n];
    },
    // A heavy kernel: src/codegen/kernels/matmul/.
    kernel: { kind: "kernel" },
    // MatMul, or Gemm where a flag transposes an operand (Gemm reads it in place, as we do).
    onnx: {
      kind: "emit",
      emit: (e, { inputs, attrs: { transA, transB } }) =>
        transA || transB ? e.node("Gemm", inputs, { transA: int(+transA), transB: int(+transB) }) : e.node("MatMul", inputs),
    },
    eval: ([a, b], { transA, transB }) => matmul(a!, b!, transA, transB),
    grad: (b, n, d, wants) => {
      const [A, B] = [n.inputs[0]!, n.inputs[1]!];
      const { transA: ta, transB: tb } = n.attrs;
      const dA = !wants[0] ? null : ta ? b.matmul(B, d, tb, true) : b.matmul(d, B, false, !tb);
      const dB = !wants[1] ? null : tb ? b.matmul(d, A, true, ta) : b.matmul(A, d, !ta, false);
      return [dA, dB];
    },
    // A 2-D transpose feeding a matmul becomes its transA/transB flag (read in place).
    rewrite: (b, [a, c]: readonly NodeId[], { transA, transB }) => {
      const swapped = (id: NodeId) => {
        const n = b.node(id);
        return n.op === "transpose" && n.attrs.perm.join() === "1,0" ? n.inputs[0]! : undefined;
      };
      const ta = swapped(a!);
      const tb = swapped(c!);
      if (ta === undefined && tb === undefined) return undefined;
      return b.matmul(ta ?? a!, tb ?? c!, ta !== undefined ? !transA : transA, tb !== undefined ? !transB : transB);
    },
    domain: ["any", "any"],
    sample: (g) => {
      const [m, k, n] = [g.int(1, 4), g.int(1, 4), g.int(1, 4)];
      const transA = g.bool();
      const transB = g.bool();
      return { shapes: [transA ? [k, m] : [m, k], transB ? [n, k] : [k, n]], attrs: { transA, transB } };
    },
  },
} satisfies { matmul: OpDef<"matmul"> };
