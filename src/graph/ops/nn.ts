// Neural-network ops that are not plain arithmetic: fused softmax + cross-entropy, one-hot
// encoding, dropout masks, batch normalization and stop_gradient.
import { batchMoments, rows, softmax, statisticAxes } from "../composite.js";
import { showShape } from "../ir.js";
import { map, reduce, scalar, tensor, zip, type Tensor } from "../tensor.js";
import { constant, gt, uniform } from "./expr.js";
import { evalExpr, none } from "./map.js";
import { alias, float } from "./onnx.js";
import { ShapeError, type MapMode, type OpDef } from "./types.js";

function logSoftmaxRows(x: Tensor): Tensor {
  const m = reduce(x, [1], true, -Infinity, Math.max);
  const s = zip(x, m, (a, b) => a - b);
  const lse = map(
    reduce(map(s, Math.exp), [1], true, 0, (a, v) => a + v),
    Math.log,
  );
  return zip(s, lse, (a, b) => a - b);
}

function batchNormEval(x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  const xn = zip(
    zip(x, mean, (a, m) => a - m),
    variance,
    (c, v) => c / Math.sqrt(v + eps),
  );
  return zip(
    zip(xn, gamma, (a, g) => a * g),
    beta,
    (a, c) => a + c,
  );
}

/** How a [features] vector lines up with x: [n] for [batch, n], [C, 1, 1] for [batch, C, H, W]. */
function featureView<D>(x: readonly D[]): (D | 1)[] {
  return [x[1]!, ...x.slice(2).map(() => 1 as const)];
}

// Training: 1 where the unit is kept (a draw above ratio), else 0. Inference: 1 - ratio.
const dropoutMask = ({ ratio }: { readonly ratio: number }, { training }: MapMode) => (training ? gt(uniform, ratio) : constant(1 - ratio));

export const nnOps = {
  // Fused like the book's SoftmaxWithLoss: the loss -Σ t·log softmax(x) / batch is computed
  // through log-softmax (no log(0)), and its gradient is the short, exact (softmax(x) - t) / batch.
  // t holds one-hot rows (or any rows summing to 1); it gets no gradient.
  softmax_xent: {
    arity: 2,
    shape: ([x, t]) => {
      if (x!.length !== 2) throw new ShapeError(`softmax_cross_entropy needs [batch, classes] logits, got ${showShape(x!)}`);
      if (t!.length !== 2 || t![0] !== x![0] || t![1] !== x![1]) {
        throw new ShapeError(`softmax_cross_entropy: logits ${showShape(x!)} and targets ${showShape(t!)} differ in shape`);
      }
      return [];
    },
    // Row by row, in the reference's order: max, log-sum-exp, then Σ t·(x - max - lse).
    // A whole loop of its own: src/codegen/kernels/softmax-xent.ts.
    kernel: { kind: "kernel" },
    onnx: { kind: "none", why: "it is a loss; an export writes the model's outputs, not its loss" },
    eval: ([x, t]) => {
      const ll = zip(logSoftmaxRows(x!), t!, (a, b) => a * b);
      return scalar(-ll.data.reduce((a, v) => a + v, 0) / x!.shape[0]!);
    },
    grad: (b, n, d) => {
      const [x, t] = [n.inputs[0]!, n.inputs[1]!];
      return [b.mul(d, b.div(b.sub(softmax(b, x), t), rows(b, x))), null];
    },
    domain: ["any", "probabilities"],
    sample: (g) => {
      const s = [g.int(1, 4), g.int(2, 4)];
      return { shapes: [s, s], attrs: none() };
    },
  },
  // Class indices -> one-hot rows. Indices are data, not differentiable.
  onehot: {
    arity: 1,
    shape: ([i], { classes }) => {
      if (i!.length !== 1) throw new ShapeError(`class-index targets must have shape [batch], got ${showShape(i!)}`);
      return [i![0]!, classes];
    },
    // A whole loop of its own: src/codegen/kernels/onehot.ts.
    kernel: { kind: "kernel" },
    onnx: { kind: "none", why: "it encodes training targets, which an exported model does not read" },
    eval: ([i], { classes }) => {
      const out = tensor([i!.shape[0]!, classes]);
      i!.data.forEach((c, r) => {
        if (!Number.isInteger(c) || c < 0 || c >= classes) throw new RangeError(`class index ${c} is out of range [0, ${classes})`);
        out.data[r * classes + c] = 1;
      });
      return out;
    },
    grad: () => [null],
    domain: ["classIndex"],
    sample: (g) => ({ shapes: [[g.int(1, 4)]], attrs: { classes: g.int(2, 4) } }),
  },
  // The book's (non-inverted) dropout: in training each unit is kept with probability 1 - ratio
  // (mask 1) or dropped (mask 0); in inference every unit passes, scaled by 1 - ratio. The mask is
  // a node of its own so that forward and backward multiply by the same draw.
  dropout_mask: {
    arity: 1,
    shape: ([x]) => x!,
    kernel: { kind: "map", readsInputs: false, expr: dropoutMask },
    // Inference mode: 1 - ratio in x's shape (src/onnx folds x·mask into one Mul, or none).
    onnx: {
      kind: "emit",
      emit: (e, n) => e.node("Expand", [e.floats([1 - n.attrs.ratio]), e.node("Shape", n.inputs)]),
    },
    eval: evalExpr<"dropout_mask">(dropoutMask, (a) => a.seq),
    random: (a) => a.seq,
    grad: () => [null],
    domain: ["any"],
    sample: (g) => {
      const shape = g.bool() ? [g.int(1, 4), g.int(1, 4)] : [g.int(1, 2), g.int(1, 3), g.int(1, 3), g.int(1, 3)];
      return { shapes: [shape], attrs: { ratio: g.int(1, 9) / 10, seq: 0 } };
    },
  },
  // Batch normalization per feature of [batch, n], or per channel of [batch, C, H, W] over the
  // batch and spatial axes (Ioffe & Szegedy; PyTorch's BatchNorm2d; the book normalizes per C·H·W
  // feature instead, see DESIGN.md). Training uses the batch's mean and variance, inference the
  // running ones (inputs 3 and 4). gamma, beta and the statistics have shape [n] or [C].
  // Hand-derived gradient, in primitives so that it can be differentiated again:
  //   dβ = Σ d,  dγ = Σ d·x̂,  dx = (d̂ - mean(d̂) - x̂·mean(d̂·x̂)) / σ  with d̂ = d·γ.
  batchnorm: {
    arity: 5,
    shape: ([x, gamma, beta, rm, rv]) => {
      if ((x!.length !== 2 && x!.length !== 4) || typeof x![1] !== "number") {
        throw new ShapeError(`batchnorm needs a [batch, features] or [batch, channels, height, width] input, got ${showShape(x!)}`);
      }
      for (const [what, s] of [
        ["gamma", gamma],
        ["beta", beta],
        ["running mean", rm],
        ["running variance", rv],
      ] as const) {
        if (s!.length !== 1 || s![0] !== x![1]) {
          throw new ShapeError(`batchnorm: ${what} has shape ${showShape(s!)}, expected [${x![1]}] for input ${showShape(x!)}`);
        }
      }
      return x!;
    },
    // The reference's order of operations: mean, then Σ(x - mean)² / n, then σ = √(var + ε).
    // A whole loop of its own: src/codegen/kernels/batchnorm.ts.
    kernel: { kind: "kernel" },
    // Inference mode: the running statistics, as ONNX's default (training_mode = 0).
    onnx: { kind: "emit", emit: (e, n) => e.node("BatchNormalization", n.inputs, { epsilon: float(n.attrs.eps) }) },
    eval: ([x, gamma, beta, rm, rv], { eps }, ctx) => {
      const view = (t: Tensor): Tensor => ({ shape: featureView(x!.shape), data: t.data });
      const [g, bt] = [view(gamma!), view(beta!)];
      if (!ctx.training) return batchNormEval(x!, view(rm!), view(rv!), g, bt, eps);
      const { axes } = statisticAxes(x!.shape.length);
      const n = x!.data.length / x!.shape[1]!;
      const meanOf = (t: Tensor) =>
        map(
          reduce(t, axes, true, 0, (a, v) => a + v),
          (v) => v / n,
        );
      const mean = meanOf(x!);
      const c = zip(x!, mean, (a, m) => a - m);
      return batchNormEval(x!, mean, meanOf(map(c, (v) => v * v)), g, bt, eps);
    },
    grad: (b, n, d, wants) => {
      const [x, gamma] = [n.inputs[0]!, n.inputs[1]!];
      const xs = b.shape(x);
      const { axes, keepdims } = statisticAxes(xs.length);
      const { centered, variance } = batchMoments(b, x);
      const std = b.sqrt(b.add2(variance, b.const(n.attrs.eps)));
      const xn = b.div(centered, std);
      const dxn = b.mul(d, b.reshape(gamma, featureView(xs)));
      const mean = (v: number) => b.mean(v, axes, keepdims);
      const dx = wants[0] ? b.div(b.sub(b.sub(dxn, mean(dxn)), b.mul(xn, mean(b.mul(dxn, xn)))), std) : null;
      const dGamma = wants[1] ? b.sum(b.mul(d, xn), axes) : null;
      const dBeta = wants[2] ? b.sum(d, axes) : null;
      return [dx, dGamma, dBeta, null, null];
    },
    domain: ["any", "any", "any", "any", "positive"],
    sample: (g) => {
      const f = g.int(1, 3);
      // At least 4 rows: over 2 rows nearly equal values make the normalization arbitrarily steep.
      const x = g.bool() ? [g.int(4, 6), f] : [g.int(1, 2), f, g.int(2, 3), g.int(2, 3)];
      return { shapes: [x, [f], [f], [f], [f]], attrs: { eps: 1e-7 } };
    },
  },
  // Identity forward, no gradient: marks a value as a constant for differentiation.
  stop_gradient: {
    arity: 1,
    shape: ([x]) => x!,
    kernel: { kind: "view" },
    onnx: alias(),
    eval: ([x]) => x!,
    grad: () => [null],
    domain: ["any"],
    sample: (g) => ({ shapes: [[g.int(1, 4)]], attrs: none() }),
  },
} satisfies { [K in "softmax_xent" | "onehot" | "dropout_mask" | "batchnorm" | "stop_gradient"]: OpDef<K> };
