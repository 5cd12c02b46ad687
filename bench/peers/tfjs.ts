// TensorFlow.js, as its users write a training step: the same math as the book in tf ops
// (affine layers, the activation, softmax, -Σ t·log(y + 1e-7) / batch), gradients from tfjs's
// autodiff (optimizer.minimize with tf.train.sgd; tf.variableGrads and the book's Adam in tf
// ops). Batches are made tensors once, before timing, as a tf.data pipeline would hold them.
// Prod mode skips tfjs's debug checks. A conv layer (SimpleConvNet) runs in tfjs's own layout,
// NHWC images and [KH, KW, C, F] filters (its NCHW conv2d is not supported by every backend): the
// batches are laid out so once, before timing, the filters are transposed in each step (they are
// the variable the check compares), and the pooled maps go back to NCHW before flatten so that
// the affine layer's rows are in nnc's (and numpy's) order.
// The wasm backend reads its .wasm files from node_modules: nothing is downloaded.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { CLASSES, FEATURES } from "../harness/data.js";
import { Unavailable, type NodePeer, type PeerContext } from "../harness/peers.js";
import type { Stepper } from "../harness/protocol.js";
import type { ConvLayer, OptimizerSpec } from "../harness/workloads.js";

export type TfBackend = "cpu" | "wasm";

async function useBackend(backend: TfBackend): Promise<void> {
  tf.enableProdMode();
  if (backend === "wasm") {
    const pkg = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json");
    setWasmPaths(join(dirname(pkg), "dist") + "/");
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not start its ${backend} backend`);
  await tf.ready();
}

/**
 * A step of the optimizer: the loss, its gradients (tfjs's autodiff) and the update; returns the
 * loss. SGD is tfjs's own (the same p -= lr·g). Adam is the book's, in tf ops: tf.train.adam adds
 * eps to the bias-corrected √v̂ where the book adds it to √v, which changes the step of params
 * whose gradients are tiny (rarely lit pixels' weights) enough to fail the cross-peer check.
 */
function optimizer(o: OptimizerSpec, vars: tf.Variable[]): { step: (f: () => tf.Scalar) => tf.Scalar; dispose: () => void } {
  if (o.name === "sgd") {
    const sgd = tf.train.sgd(o.lr);
    return { step: (f) => sgd.minimize(f, true, vars)!, dispose: () => sgd.dispose() };
  }
  const m = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const v = vars.map((p) => tf.variable(tf.zerosLike(p), false));
  let iter = 0;
  const step = (f: () => tf.Scalar): tf.Scalar => {
    const { value, grads } = tf.variableGrads(f, vars);
    iter++;
    const lrT = (o.lr * Math.sqrt(1 - o.beta2 ** iter)) / (1 - o.beta1 ** iter);
    tf.tidy(() => {
      vars.forEach((p, i) => {
        const g = grads[p.name]!;
        m[i]!.assign(tf.add(m[i]!, tf.mul(1 - o.beta1, tf.sub(g, m[i]!))));
        v[i]!.assign(tf.add(v[i]!, tf.mul(1 - o.beta2, tf.sub(tf.square(g), v[i]!))));
        p.assign(tf.sub(p, tf.div(tf.mul(lrT, m[i]!), tf.add(tf.sqrt(v[i]!), o.eps))));
      });
    });
    tf.dispose(Object.values(grads));
    return value;
  };
  return { step, dispose: () => tf.dispose([...m, ...v]) };
}

/** The conv layer's variables (nnc's layout) and its forward pass on NHWC images, to [batch, F·OH·OW] in NCHW order. */
function convLayer(c: ConvLayer, init: Readonly<Record<string, Float64Array>>) {
  const W = tf.variable(tf.tensor4d(Float32Array.from(init[c.W]!), [c.filters, c.image[0], c.size, c.size]), true, c.W);
  const b = tf.variable(tf.tensor3d(Float32Array.from(init[c.b]!), [c.filters, 1, 1]), true, c.b);
  const forward = (x: tf.Tensor4D, activation: (a: tf.Tensor) => tf.Tensor): tf.Tensor2D => {
    const a = tf.add(tf.conv2d(x, tf.transpose<tf.Tensor4D>(W, [2, 3, 1, 0]), c.stride, c.pad), tf.reshape(b, [c.filters]));
    const pooled = tf.maxPool(activation(a) as tf.Tensor4D, c.pool, c.pool, 0);
    return tf.reshape(tf.transpose(pooled, [0, 3, 1, 2]), [x.shape[0], -1]);
  };
  return { W, b, forward };
}

export function tfjs(backend: TfBackend): NodePeer {
  return {
    async create({ workload: w, data }: PeerContext): Promise<Stepper> {
      await useBackend(backend);
      if (w.conv && !tf.getKernel("Conv2DBackpropFilter", tf.getBackend())) {
        throw new Unavailable(
          `tfjs's ${backend} backend has no Conv2DBackpropFilter kernel (a conv layer's filter gradient): it cannot train a conv net`,
        );
      }
      const B = w.batchSize;
      const layers = w.layers.map((l) => ({
        W: tf.variable(tf.tensor2d(Float32Array.from(data.init[l.W]!), [l.in, l.out]), true, l.W),
        b: tf.variable(tf.tensor1d(Float32Array.from(data.init[l.b]!)), true, l.b),
      }));
      const conv = w.conv && convLayer(w.conv, data.init);
      const vars = [...(conv ? [conv.W, conv.b] : []), ...layers.flatMap((l) => [l.W, l.b])];
      const update = optimizer(w.optimizer, vars);
      const activation = w.activation === "relu" ? tf.relu : tf.sigmoid;
      const image = (k: number): tf.Tensor2D | tf.Tensor4D => {
        const rows = data.x.slice(k * B * FEATURES, (k + 1) * B * FEATURES);
        if (!w.conv) return tf.tensor2d(rows, [B, FEATURES]);
        const [c, h, wd] = w.conv.image;
        return tf.tidy(() => tf.transpose(tf.tensor4d(rows, [B, c, h, wd]), [0, 2, 3, 1]));
      };
      const xs = Array.from({ length: data.batches }, (_, k) => image(k));
      const ts = Array.from({ length: data.batches }, (_, k) => tf.tensor2d(data.t.slice(k * B * CLASSES, (k + 1) * B * CLASSES), [B, CLASSES]));
      const loss = (x: tf.Tensor2D | tf.Tensor4D, t: tf.Tensor2D): tf.Scalar => {
        let h = (conv ? conv.forward(x as tf.Tensor4D, activation) : x) as tf.Tensor2D;
        layers.forEach((l, i) => {
          const a = tf.add<tf.Tensor2D>(tf.matMul(h, l.W), l.b);
          h = i < layers.length - 1 ? (activation(a) as tf.Tensor2D) : a;
        });
        const y = tf.softmax(h);
        return tf.div(tf.neg(tf.sum(tf.mul(t, tf.log(tf.add(y, 1e-7))))), B);
      };
      return {
        step(k) {
          const cost = update.step(() => loss(xs[k]!, ts[k]!));
          const value = cost.dataSync()[0]!;
          cost.dispose();
          return value;
        },
        params: () => Object.fromEntries(vars.map((v) => [v.name, v.dataSync()])),
        dispose() {
          update.dispose();
          tf.dispose([...vars, ...xs, ...ts]);
        },
      };
    },
    async describe() {
      await useBackend(backend);
      const facts: Record<string, string> = { version: tf.version.tfjs, backend: tf.getBackend() };
      if (backend === "wasm") {
        facts.simd = String(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
        facts.threads = String(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"));
      }
      return facts;
    },
  };
}
