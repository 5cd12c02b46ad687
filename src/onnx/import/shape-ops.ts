// Shape arithmetic that exporters write for a Reshape's target (PyTorch's `x.view(x.size(0), -1)`:
// Shape, Gather, Unsqueeze, Concat), evaluated at import time on the input's dimensions, the
// batch kept as a symbol. Only dimensions flow through these; a tensor's values do not.
import type { Dim } from "../../graph/ir.js";
import type { NodeProto } from "../proto.js";
import { Attributes, ImportContext, type Value } from "./context.js";
import type { OpImport } from "./ops.js";

/** A value's entries as dimensions: a dims value, or an int constant. */
function dimsOf(v: Value | undefined, a: Attributes, what: string): { dims: readonly Dim[]; scalar: boolean } {
  if (v?.kind === "dims") return v;
  if (v?.kind === "const") return { dims: [...v.data], scalar: v.shape.length === 0 };
  return a.fail(`${what} is computed from tensor values at run time; nnc follows only shapes known at import time`);
}

function setDims(cx: ImportContext, node: NodeProto, dims: readonly Dim[], scalar = false): void {
  cx.values.set(node.output[0]!, { kind: "dims", dims, scalar });
}

/** Unsqueeze's axes: an input from opset 13, an attribute before. */
function axesOf(cx: ImportContext, a: Attributes, input: Value | undefined): number[] {
  const axes = cx.opset >= 13 ? dimsOf(input, a, "the axes").dims : a.ints("axes");
  if (!axes || axes.some((d) => typeof d !== "number")) return a.fail("the axes must be constant");
  return axes.map(Number);
}

export const SHAPE_IMPORTS: Readonly<Record<string, OpImport>> = {
  Shape: {
    attrs: ["start", "end"],
    run: (cx, node, [x], a) => {
      if (x?.kind === "dims") return setDims(cx, node, [x.scalar ? 0 : x.dims.length]);
      const s = x!.kind === "tensor" ? x!.shape : x!.kind === "const" ? x!.shape : [];
      setDims(cx, node, s.slice(a.int("start", 0), a.has("end") ? a.int("end", s.length) : s.length));
    },
  },
  Gather: {
    attrs: ["axis"],
    run: (cx, node, [data, indices], a) => {
      if (data?.kind === "tensor") a.fail("gathering from a tensor is not supported (nnc gathers from shapes only)");
      if (a.int("axis", 0) !== 0) a.fail("only axis 0 of a shape is supported");
      const from = dimsOf(data, a, "the data");
      const at = dimsOf(indices, a, "the indices");
      const picked = at.dims.map((i) => {
        const k = Number(i) < 0 ? Number(i) + from.dims.length : Number(i);
        return from.dims[k] ?? a.fail(`index ${i} is out of range for [${from.dims}]`);
      });
      setDims(cx, node, picked, at.scalar);
    },
  },
  Unsqueeze: {
    attrs: ["axes"],
    run: (cx, node, [x, axesInput], a) => {
      const axes = axesOf(cx, a, axesInput);
      const v = dimsOf(x, a, "the input");
      if (!v.scalar || axes.length !== 1 || (axes[0] !== 0 && axes[0] !== -1))
        a.fail("nnc unsqueezes a scalar dimension into a 1-D shape only");
      setDims(cx, node, v.dims);
    },
  },
  Concat: {
    attrs: ["axis"],
    run: (cx, node, ins, a) => {
      if (ins.some((v) => v?.kind === "tensor")) a.fail("concatenating tensors is not supported (nnc concatenates shapes only)");
      const parts = ins.map((v, i) => dimsOf(v, a, `input ${i}`));
      if (parts.some((p) => p.scalar)) a.fail("scalars cannot be concatenated");
      setDims(
        cx,
        node,
        parts.flatMap((p) => p.dims),
      );
    },
  },
};
