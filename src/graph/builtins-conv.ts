// The .nn builtins of convolutional networks: conv2d, max_pool, avg_pool over NCHW tensors
// (numpy/PyTorch/ONNX semantics; the ops and their shape rules are in ops/conv.ts and
// ops/pool.ts, whose errors are reported at the call) and flatten.
import { fail } from "../diagnostics.js";
import type { Builtin, BuiltinParam } from "./builtins.js";
import { showShape } from "./ir.js";
import { describeKind, num, tensorValue, type Value } from "./values.js";

const X: BuiltinParam = { name: "x", kind: "tensor" };

function t(v: Value) {
  if (v.kind !== "tensor") throw new Error(`internal: expected a tensor, got ${describeKind(v.kind)}`);
  return v.id;
}

function n(v: Value): number {
  if (v.kind !== "num") throw new Error(`internal: expected a number, got ${describeKind(v.kind)}`);
  return v.value;
}

function pooling(op: "max_pool" | "avg_pool", what: string): Builtin {
  return {
    params: [
      X,
      { name: "size", kind: "num", default: num(2) },
      // Absent: the window's size, so windows do not overlap.
      { name: "stride", kind: "num", default: { kind: "error" }, shownDefault: "size" },
      { name: "pad", kind: "num", default: num(0) },
    ],
    summary: `${what} over size × size windows of [batch, channels, height, width] (pad < size)`,
    call: (c, [x, size, stride, pad]) => {
      const s = n(size!);
      const attrs = { size: s, stride: stride!.kind === "error" ? s : n(stride!), pad: n(pad!) };
      return tensorValue(c.b.add(op, [t(x!)], attrs));
    },
  };
}

export const CONV_BUILTINS: Readonly<Record<string, Builtin>> = {
  conv2d: {
    params: [
      X,
      { name: "W", kind: "tensor" },
      { name: "stride", kind: "num", default: num(1) },
      { name: "pad", kind: "num", default: num(0) },
    ],
    summary:
      "2-D cross-correlation: x [batch, C, H, W], W [F, C, KH, KW] -> [batch, F, (H + 2·pad - KH) / stride + 1, (W + 2·pad - KW) / stride + 1]",
    call: (c, [x, W, stride, pad]) => tensorValue(c.b.add("conv2d", [t(x!), t(W!)], { stride: n(stride!), pad: n(pad!) })),
  },
  max_pool: pooling("max_pool", "the maximum"),
  avg_pool: pooling("avg_pool", "the average (padding counts as zeros)"),
  flatten: {
    params: [X],
    summary: "[batch, ...] -> [batch, product of the other dimensions]",
    call: (c, [x]) => {
      const id = t(x!);
      const [first, ...rest] = c.b.shape(id);
      let size = 1;
      for (const d of rest) {
        if (typeof d !== "number") fail(`flatten: only the first dimension may be '${d}', got ${showShape(c.b.shape(id))}`, c.span);
        size *= d;
      }
      if (first === undefined) fail(`flatten needs a tensor with a batch dimension, got a scalar`, c.span);
      return tensorValue(c.b.reshape(id, [first, size]));
    },
  },
};
