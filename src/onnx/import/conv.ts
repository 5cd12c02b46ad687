// ONNX's convolution and pooling ops as nnc's conv2d, max_pool, avg_pool over [batch, C, H, W]:
// square pooling windows, the same stride and padding on both axes and all four sides, no
// dilation or groups. What nnc cannot express is an error that says which attribute.
import { showShape, type Dim, type Shape } from "../../graph/ir.js";
import type { NodeProto } from "../proto.js";
import { Attributes, checkRank, ImportContext, shapeOf, type Value } from "./context.js";
import type { OpImport } from "./ops.js";

interface Window {
  readonly stride: number;
  readonly pad: number;
}

const WINDOW_ATTRS = ["auto_pad", "dilations", "kernel_shape", "pads", "strides"];

const extent = (n: Dim, k: number, w: Window, ceil = false): Dim =>
  typeof n === "number" ? (ceil ? Math.ceil : Math.floor)((n + 2 * w.pad - k) / w.stride) + 1 : n;

function text(a: Attributes, name: string, fallback: string): string {
  const s = a.get(name)?.s;
  return s ? new TextDecoder().decode(s) : fallback;
}

/** One stride and one pad for both axes (from strides, pads or auto_pad), else an error. */
function windowOf(a: Attributes, x: Shape, k: readonly [number, number]): Window {
  if ((a.ints("dilations") ?? [1, 1]).some((d) => d !== 1)) a.fail(`dilations [${a.ints("dilations")}] are not supported (only 1)`);
  const strides = a.ints("strides") ?? [1, 1];
  if (strides.length !== 2 || strides[0] !== strides[1]) a.fail(`strides [${strides}] differ by axis; nnc takes one stride for both`);
  const stride = strides[0]!;
  const autoPad = text(a, "auto_pad", "NOTSET");
  if (autoPad === "VALID") return { stride, pad: 0 };
  if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    const totals = [0, 1].map((i) => {
      const n = Number(x[2 + i]);
      return Math.max((Math.ceil(n / stride) - 1) * stride + k[i]! - n, 0);
    });
    if (totals[0] !== totals[1] || totals[0]! % 2 !== 0)
      a.fail(`auto_pad ${autoPad} pads the sides unequally here; nnc pads all sides alike`);
    return { stride, pad: totals[0]! / 2 };
  }
  if (autoPad !== "NOTSET") a.fail(`auto_pad '${autoPad}' is not supported`);
  const pads = a.ints("pads") ?? [0, 0, 0, 0];
  if (pads.some((p) => p !== pads[0])) a.fail(`pads [${pads}] differ by side; nnc pads all sides alike`);
  return { stride, pad: pads[0] ?? 0 };
}

/** `, stride = 2, pad = 1`, leaving out what is the builtin's default. */
function args(w: Window, defaultStride: number): string {
  return `${w.stride === defaultStride ? "" : `, stride = ${w.stride}`}${w.pad === 0 ? "" : `, pad = ${w.pad}`}`;
}

function spatial(cx: ImportContext, node: NodeProto, x: Value | undefined, a: Attributes): Shape {
  checkRank(x!, [4], "the input", a);
  if (node.output[1]) a.fail("its second output (indices) is not supported");
  return shapeOf(x!);
}

function pool(fn: "max_pool" | "avg_pool", attrs: readonly string[]): OpImport {
  return {
    attrs: [...WINDOW_ATTRS, "ceil_mode", ...attrs],
    run: (cx, node, [x], a) => {
      const s = spatial(cx, node, x, a);
      const k = a.ints("kernel_shape") ?? [];
      if (k.length !== 2 || k[0] !== k[1]) a.fail(`kernel_shape [${k}] is not square; nnc pools size × size windows`);
      if (a.int("storage_order", 0) !== 0) a.fail("storage_order 1 (column-major) is not supported");
      const size = k[0]!;
      const w = windowOf(a, s, [size, size]);
      if (fn === "avg_pool" && w.pad > 0 && a.int("count_include_pad", 0) !== 1) {
        a.fail("count_include_pad = 0 with padding is not supported (nnc's avg_pool counts padding as zeros)");
      }
      const shape = [s[0]!, s[1]!, extent(s[2]!, size, w), extent(s[3]!, size, w)];
      const ceil = [s[0]!, s[1]!, extent(s[2]!, size, w, true), extent(s[3]!, size, w, true)];
      if (a.int("ceil_mode", 0) === 1 && showShape(ceil) !== showShape(shape))
        a.fail("ceil_mode = 1 is not supported here (nnc rounds down)");
      cx.bind(node.output[0]!, `${fn}(${cx.operand(x!)}, ${size}${args(w, size)})`, shape);
    },
  };
}

export const CONV_IMPORTS: Readonly<Record<string, OpImport>> = {
  // Conv(x, W, B): conv2d(x, W) + B, the bias stored as [F, 1, 1] so that it broadcasts.
  Conv: {
    attrs: [...WINDOW_ATTRS, "group"],
    run: (cx, node, [x, W, B], a) => {
      const s = spatial(cx, node, x, a);
      if (a.int("group", 1) !== 1) a.fail(`group ${a.int("group", 1)} is not supported (only 1)`);
      checkRank(W!, [4], "W", a);
      const [f, c, kh, kw] = shapeOf(W!).map(Number) as [number, number, number, number];
      const k = a.ints("kernel_shape");
      if (k && (k[0] !== kh || k[1] !== kw)) a.fail(`kernel_shape [${k}] differs from W's [${kh}, ${kw}]`);
      if (s[1] !== c) a.fail(`the input has ${s[1]} channels, W expects ${c}`);
      const w = windowOf(a, s, [kh, kw]);
      const conv = `conv2d(${cx.operand(x!)}, ${cx.operand(W!)}${args(w, 1)})`;
      const shape = [s[0]!, f, extent(s[2]!, kh, w), extent(s[3]!, kw, w)];
      if (!B) return void cx.bind(node.output[0]!, conv, shape);
      const bias =
        B.kind === "const" ? cx.param(B, "[F,1,1]", { shape: [f, 1, 1], data: B.data }) : `reshape(${cx.operand(B)}, [${f}, 1, 1])`;
      cx.bind(node.output[0]!, `${conv} + ${bias}`, shape);
    },
  },
  MaxPool: pool("max_pool", ["storage_order"]),
  AveragePool: pool("avg_pool", ["count_include_pad"]),
  GlobalAveragePool: {
    attrs: [],
    run: (cx, node, [x], a) => {
      const s = spatial(cx, node, x, a);
      cx.bind(node.output[0]!, `mean(${cx.operand(x!)}, [2, 3], keepdims = 1)`, [s[0]!, s[1]!, 1, 1]);
    },
  },
};
