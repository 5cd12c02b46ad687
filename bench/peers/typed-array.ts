// The baseline: the book's numpy code ported to TypeScript the way a reader of the book would,
// one numpy call per helper, naive loops over Float64Array, a new array per result as numpy
// makes one. `np.dot` is the textbook triple loop (i, j, then the dot product over k), `.T` a
// copy. Two classes, after ch. 4's TwoLayerNet.gradient and ch. 6's layer-based MultiLayerNet
// (common/layers.py, common/optimizer.py). Two changes from the book, shared with the numpy
// peer: the step returns the loss of its own forward pass (the book's training loop runs a
// second forward pass for it), and the first Affine layer does not compute the gradient of the
// input (TwoLayerNet.gradient does not either; MultiLayerNet's layers do, for nothing).
import { Unavailable, type NodePeer, type PeerContext } from "../harness/peers.js";
import type { Stepper } from "../harness/protocol.js";
import { CLASSES, FEATURES } from "../harness/data.js";
import type { Workload } from "../harness/workloads.js";

// ---- numpy, the parts the book uses ----------------------------------------------------------------

interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

const matrix = (rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols)): Matrix => ({ rows, cols, data });

/** np.dot(a, b) */
function dot(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k]! * b.data[k * b.cols + j]!;
      out.data[i * b.cols + j] = s;
    }
  }
  return out;
}

/** a.T */
function T(a: Matrix): Matrix {
  const out = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return out;
}

/** a + b, b a row broadcast over a's rows (the bias add). */
function addRow(a: Matrix, b: Float64Array): Matrix {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] = a.data[i * a.cols + j]! + b[j]!;
  return out;
}

/** np.sum(a, axis=0) */
function sumRows(a: Matrix): Float64Array {
  const out = new Float64Array(a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j]! += a.data[i * a.cols + j]!;
  return out;
}

/** An elementwise function of one or two same-shaped matrices. */
function map(a: Matrix, f: (x: number) => number): Matrix {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = f(a.data[i]!);
  return out;
}

function zip(a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = f(a.data[i]!, b.data[i]!);
  return out;
}

// ---- common/functions.py -------------------------------------------------------------------------

const sigmoid = (x: Matrix): Matrix => map(x, (v) => 1 / (1 + Math.exp(-v)));

/** (1.0 - sigmoid(x)) * sigmoid(x) */
const sigmoidGrad = (x: Matrix): Matrix => zip(map(sigmoid(x), (s) => 1 - s), sigmoid(x), (a, b) => a * b);

/** x - max(x) per row, then exp(x) / sum(exp(x)) per row. */
function softmax(x: Matrix): Matrix {
  const shifted = matrix(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < x.cols; j++) max = Math.max(max, x.data[i * x.cols + j]!);
    for (let j = 0; j < x.cols; j++) shifted.data[i * x.cols + j] = x.data[i * x.cols + j]! - max;
  }
  const e = map(shifted, Math.exp);
  const sums = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) sums[i]! += e.data[i * x.cols + j]!;
  const out = matrix(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) out.data[i * x.cols + j] = e.data[i * x.cols + j]! / sums[i]!;
  return out;
}

/** One-hot t: -Σ log(y[i, argmax t_i] + 1e-7) / batch_size */
function crossEntropyError(y: Matrix, t: Matrix): number {
  let s = 0;
  for (let i = 0; i < y.rows; i++) {
    let label = 0;
    for (let j = 1; j < t.cols; j++) if (t.data[i * t.cols + j]! > t.data[i * t.cols + label]!) label = j;
    s += Math.log(y.data[i * y.cols + label]! + 1e-7);
  }
  return -s / y.rows;
}

// ---- ch04/two_layer_net.py -------------------------------------------------------------------------

type Params = Record<string, Float64Array>;
type Grads = Record<string, Float64Array>;

interface Net {
  readonly params: Params;
  /** The book's gradient(x, t), with the loss of its forward pass. */
  gradient(x: Matrix, t: Matrix): { loss: number; grads: Grads };
}

function twoLayerNet(w: Workload, params: Params): Net {
  const [l1, l2] = w.layers as [Workload["layers"][0], Workload["layers"][0]];
  return {
    params,
    gradient(x, t) {
      const W1 = matrix(l1.in, l1.out, params[l1.W]!);
      const W2 = matrix(l2.in, l2.out, params[l2.W]!);
      const b1 = params[l1.b]!;
      const b2 = params[l2.b]!;
      const batchNum = x.rows;
      // forward
      const a1 = addRow(dot(x, W1), b1);
      const z1 = sigmoid(a1);
      const a2 = addRow(dot(z1, W2), b2);
      const y = softmax(a2);
      const loss = crossEntropyError(y, t);
      // backward
      const dy = zip(y, t, (yi, ti) => (yi - ti) / batchNum);
      const grads: Grads = {};
      grads[l2.W] = dot(T(z1), dy).data;
      grads[l2.b] = sumRows(dy);
      const da1 = dot(dy, T(W2));
      const dz1 = zip(sigmoidGrad(a1), da1, (g, d) => g * d);
      grads[l1.W] = dot(T(x), dz1).data;
      grads[l1.b] = sumRows(dz1);
      return { loss, grads };
    },
  };
}

// ---- common/layers.py and common/multi_layer_net.py ----------------------------------------------

interface Layer {
  forward(x: Matrix): Matrix;
  backward(dout: Matrix): Matrix;
}

class Affine implements Layer {
  private x: Matrix | undefined;
  dW: Float64Array | undefined;
  db: Float64Array | undefined;
  constructor(
    private readonly W: Matrix,
    private readonly b: Float64Array,
    private readonly needDx: boolean,
  ) {}
  forward(x: Matrix): Matrix {
    this.x = x;
    return addRow(dot(x, this.W), this.b);
  }
  backward(dout: Matrix): Matrix {
    this.dW = dot(T(this.x!), dout).data;
    this.db = sumRows(dout);
    return this.needDx ? dot(dout, T(this.W)) : dout;
  }
}

class Relu implements Layer {
  private mask: Uint8Array | undefined;
  forward(x: Matrix): Matrix {
    this.mask = Uint8Array.from(x.data, (v) => (v <= 0 ? 1 : 0));
    return map(x, (v) => (v <= 0 ? 0 : v));
  }
  backward(dout: Matrix): Matrix {
    for (let i = 0; i < dout.data.length; i++) if (this.mask![i]) dout.data[i] = 0;
    return dout;
  }
}

class Sigmoid implements Layer {
  private out: Matrix | undefined;
  forward(x: Matrix): Matrix {
    return (this.out = sigmoid(x));
  }
  backward(dout: Matrix): Matrix {
    return zip(dout, this.out!, (d, o) => d * (1 - o) * o);
  }
}

function multiLayerNet(w: Workload, params: Params): Net {
  const affines = w.layers.map((l, i) => new Affine(matrix(l.in, l.out, params[l.W]!), params[l.b]!, i > 0));
  const layers: Layer[] = affines.flatMap((a, i) => (i < affines.length - 1 ? [a, w.activation === "relu" ? new Relu() : new Sigmoid()] : [a]));
  return {
    params,
    gradient(x, t) {
      // forward: the layers, then SoftmaxWithLoss
      let out = x;
      for (const layer of layers) out = layer.forward(out);
      const y = softmax(out);
      const loss = crossEntropyError(y, t);
      // backward: SoftmaxWithLoss (one-hot t), then the layers in reverse
      let dout = zip(y, t, (yi, ti) => (yi - ti) / x.rows);
      for (let i = layers.length - 1; i >= 0; i--) dout = layers[i]!.backward(dout);
      const grads: Grads = {};
      w.layers.forEach((l, i) => {
        grads[l.W] = affines[i]!.dW!;
        grads[l.b] = affines[i]!.db!;
      });
      return { loss, grads };
    },
  };
}

// ---- common/optimizer.py ---------------------------------------------------------------------------

function optimizer(w: Workload): (params: Params, grads: Grads) => void {
  const o = w.optimizer;
  if (o.name === "sgd") {
    return (params, grads) => {
      for (const key in params) {
        const p = params[key]!;
        const g = grads[key]!;
        for (let i = 0; i < p.length; i++) p[i]! -= o.lr * g[i]!;
      }
    };
  }
  let iter = 0;
  const m: Params = {};
  const v: Params = {};
  return (params, grads) => {
    iter++;
    const lrT = (o.lr * Math.sqrt(1 - o.beta2 ** iter)) / (1 - o.beta1 ** iter);
    for (const key in params) {
      const p = params[key]!;
      const g = grads[key]!;
      const mk = (m[key] ??= new Float64Array(p.length));
      const vk = (v[key] ??= new Float64Array(p.length));
      for (let i = 0; i < p.length; i++) {
        mk[i]! += (1 - o.beta1) * (g[i]! - mk[i]!);
        vk[i]! += (1 - o.beta2) * (g[i]! ** 2 - vk[i]!);
        p[i]! -= (lrT * mk[i]!) / (Math.sqrt(vk[i]!) + o.eps);
      }
    }
  };
}

// ---- the peer ------------------------------------------------------------------------------------------

export const typedArray: NodePeer = {
  async create({ workload: w, data }: PeerContext): Promise<Stepper> {
    if (w.conv) throw new Unavailable("no port of the book's conv layers (im2col Convolution and Pooling) here; the numpy peers run them");
    const params: Params = {};
    for (const [name, v] of Object.entries(data.init)) params[name] = Float64Array.from(v);
    const net = w.book === "TwoLayerNet" ? twoLayerNet(w, params) : multiLayerNet(w, params);
    const update = optimizer(w);
    const B = w.batchSize;
    // The batches as float64 matrices once, as `x_train[batch_mask]` would hand them over.
    const xs = Array.from({ length: data.batches }, (_, k) => matrix(B, FEATURES, Float64Array.from(data.x.subarray(k * B * FEATURES, (k + 1) * B * FEATURES))));
    const ts = Array.from({ length: data.batches }, (_, k) => matrix(B, CLASSES, Float64Array.from(data.t.subarray(k * B * CLASSES, (k + 1) * B * CLASSES))));
    return {
      step(k) {
        const { loss, grads } = net.gradient(xs[k]!, ts[k]!);
        update(net.params, grads);
        return loss;
      },
      params: () => net.params,
    };
  },
};
