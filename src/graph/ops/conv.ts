// 2-D convolution over NCHW tensors (numpy/PyTorch/ONNX semantics: cross-correlation, zero
// padding, floor division for the output size) and its two adjoints, which are its gradients:
//   y = conv2d(x, W)                         y[n,f,oy,ox] = Σ_c,ky,kx x[n,c,oy·s-p+ky,ox·s-p+kx]·W[f,c,ky,kx]
//   dx = conv2d_backward_input(dy, W)        the transpose of x ↦ conv2d(x, W)
//   dW = conv2d_backward_filter(x, dy)       the transpose of W ↦ conv2d(x, W)
// Each is bilinear, so each one's gradient is built from the three again (they are closed under
// differentiation, and second derivatives come for free). Each is a kernel plugin
// (src/codegen/kernels/conv/).
import { showShape } from "../ir.js";
import { conv2dFilterRef, conv2dInputRef, conv2dRef, nchw, spatialOut } from "./window.js";
import { windowAttrs } from "./onnx.js";
import { ShapeError, type OpDef, type SampleGen } from "./types.js";

/** Small random geometry for the property tests: the kernel always fits the padded input. */
function sampleGeometry(g: SampleGen) {
  const [n, c, f] = [g.int(1, 2), g.int(1, 3), g.int(1, 3)];
  const [kh, kw] = [g.int(1, 3), g.int(1, 3)];
  const pad = g.int(0, 2);
  const h = Math.max(1, kh - 2 * pad, g.int(1, 6));
  const w = Math.max(1, kw - 2 * pad, g.int(1, 6));
  return { n, c, f, kh, kw, h, w, stride: g.int(1, 3), pad };
}

export const convOps = {
  // dx = conv2d_backward_input(dy, W);  dW = conv2d_backward_filter(x, dy).
  conv2d: {
    arity: 2,
    shape: ([x, W], a) => {
      const [n, c, h, w] = nchw("conv2d", x!, "an input");
      const [f, wc, kh, kw] = nchw("conv2d", W!, "a filter W");
      if (wc !== c) throw new ShapeError(`conv2d: input has ${c} channel${c === 1 ? "" : "s"}, W expects ${wc} (W: ${showShape(W!)})`);
      return [n, f, ...spatialOut("conv2d", h, w, kh, kw, a)];
    },
    kernel: { kind: "kernel" },
    onnx: { kind: "emit", emit: (e, n) => e.node("Conv", n.inputs, windowAttrs(n.attrs)) },
    eval: ([x, W], a) => conv2dRef(x!, W!, a),
    grad: (b, n, d, wants) => {
      const [x, W] = [n.inputs[0]!, n.inputs[1]!];
      const [, , height, width] = nchw("conv2d", b.shape(x), "an input");
      const [, , kh, kw] = nchw("conv2d", b.shape(W), "a filter W");
      const { stride, pad } = n.attrs;
      return [
        wants[0] ? b.add("conv2d_backward_input", [d, W], { stride, pad, height, width }) : null,
        wants[1] ? b.add("conv2d_backward_filter", [x, d], { stride, pad, kh, kw }) : null,
      ];
    },
    domain: ["any", "any"],
    sample: (g) => {
      const s = sampleGeometry(g);
      return {
        shapes: [
          [s.n, s.c, s.h, s.w],
          [s.f, s.c, s.kh, s.kw],
        ],
        attrs: { stride: s.stride, pad: s.pad },
      };
    },
  },
  // Linear in dy and in W: <conv2d_backward_input(dy, W), g> = <dy, conv2d(g, W)>, so
  // d(dy) = conv2d(g, W) and dW = conv2d_backward_filter(g, dy).
  conv2d_backward_input: {
    arity: 2,
    shape: ([dy, W], a) => {
      const [n, f, oh, ow] = nchw("conv2d_backward_input", dy!, "a gradient");
      const [wf, c, kh, kw] = nchw("conv2d_backward_input", W!, "a filter W");
      const expected = spatialOut("conv2d_backward_input", a.height, a.width, kh, kw, a);
      if (wf !== f || expected[0] !== oh || expected[1] !== ow) {
        throw new ShapeError(
          `conv2d_backward_input: gradient ${showShape(dy!)} does not match W ${showShape(W!)} on a ${a.height}×${a.width} input`,
        );
      }
      return [n, c, a.height, a.width];
    },
    kernel: { kind: "kernel" },
    onnx: { kind: "none", why: "it is a gradient; an export writes the inference graph" },
    eval: ([dy, W], a) => conv2dInputRef(dy!, W!, a.height, a.width, a),
    grad: (b, n, g, wants) => {
      const [dy, W] = [n.inputs[0]!, n.inputs[1]!];
      const [, , kh, kw] = nchw("conv2d", b.shape(W), "a filter W");
      const { stride, pad } = n.attrs;
      return [
        wants[0] ? b.add("conv2d", [g, W], { stride, pad }) : null,
        wants[1] ? b.add("conv2d_backward_filter", [g, dy], { stride, pad, kh, kw }) : null,
      ];
    },
    domain: ["any", "any"],
    sample: (g) => {
      const s = sampleGeometry(g);
      const [oh, ow] = spatialOut("sample", s.h, s.w, s.kh, s.kw, s);
      return {
        shapes: [
          [s.n, s.f, oh, ow],
          [s.f, s.c, s.kh, s.kw],
        ],
        attrs: { stride: s.stride, pad: s.pad, height: s.h, width: s.w },
      };
    },
  },
  // Linear in x and in dy: <conv2d_backward_filter(x, dy), g> = <conv2d(x, g), dy>, so
  // dx = conv2d_backward_input(dy, g) and d(dy) = conv2d(x, g).
  conv2d_backward_filter: {
    arity: 2,
    shape: ([x, dy], a) => {
      const [n, c, h, w] = nchw("conv2d_backward_filter", x!, "an input");
      const [dn, f, oh, ow] = nchw("conv2d_backward_filter", dy!, "a gradient");
      const expected = spatialOut("conv2d_backward_filter", h, w, a.kh, a.kw, a);
      if (dn !== n || expected[0] !== oh || expected[1] !== ow) {
        throw new ShapeError(
          `conv2d_backward_filter: gradient ${showShape(dy!)} does not match input ${showShape(x!)} with a ${a.kh}×${a.kw} kernel`,
        );
      }
      return [f, c, a.kh, a.kw];
    },
    kernel: { kind: "kernel" },
    onnx: { kind: "none", why: "it is a gradient; an export writes the inference graph" },
    eval: ([x, dy], a) => conv2dFilterRef(x!, dy!, a.kh, a.kw, a),
    grad: (b, n, g, wants) => {
      const [x, dy] = [n.inputs[0]!, n.inputs[1]!];
      const [, , height, width] = nchw("conv2d", b.shape(x), "an input");
      const { stride, pad } = n.attrs;
      return [
        wants[0] ? b.add("conv2d_backward_input", [dy, g], { stride, pad, height, width }) : null,
        wants[1] ? b.add("conv2d", [x, g], { stride, pad }) : null,
      ];
    },
    domain: ["any", "any"],
    sample: (g) => {
      const s = sampleGeometry(g);
      const [oh, ow] = spatialOut("sample", s.h, s.w, s.kh, s.kw, s);
      return {
        shapes: [
          [s.n, s.c, s.h, s.w],
          [s.n, s.f, oh, ow],
        ],
        attrs: { stride: s.stride, pad: s.pad, kh: s.kh, kw: s.kw },
      };
    },
  },
} satisfies { [K in "conv2d" | "conv2d_backward_input" | "conv2d_backward_filter"]: OpDef<K> };
