// TensorFlow.js, as its users write a training step: the same math as the book in tf ops
// (affine layers, the activation, softmax, -Σ t·log(y + 1e-7) / batch), gradients from tfjs's
// autodiff (optimizer.minimize with tf.train.sgd; tf.variableGrads and the book's Adam in tf
// ops). Batches are made tensors once, before timing, as a tf.data pipeline would hold them.
// Prod mode skips tfjs's debug checks.
// The wasm backend reads its .wasm files from node_modules: nothing is downloaded.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { CLASSES, FEATURES } from "../harness/data.js";
import type { NodePeer, PeerContext } from "../harness/peers.js";
import type { Stepper } from "../harness/protocol.js";
import type { OptimizerSpec } from "../harness/workloads.js";

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

export function tfjs(backend: TfBackend): NodePeer {
  return {
    async create({ workload: w, data }: PeerContext): Promise<Stepper> {
      await useBackend(backend);
      const B = w.batchSize;
      const layers = w.layers.map((l) => ({
        W: tf.variable(tf.tensor2d(Float32Array.from(data.init[l.W]!), [l.in, l.out]), true, l.W),
        b: tf.variable(tf.tensor1d(Float32Array.from(data.init[l.b]!)), true, l.b),
      }));
      const vars = layers.flatMap((l) => [l.W, l.b]);
      const update = optimizer(w.optimizer, vars);
      const activation = w.activation === "relu" ? tf.relu : tf.sigmoid;
      const xs = Array.from({ length: data.batches }, (_, k) => tf.tensor2d(data.x.slice(k * B * FEATURES, (k + 1) * B * FEATURES), [B, FEATURES]));
      const ts = Array.from({ length: data.batches }, (_, k) => tf.tensor2d(data.t.slice(k * B * CLASSES, (k + 1) * B * CLASSES), [B, CLASSES]));
      const loss = (x: tf.Tensor2D, t: tf.Tensor2D): tf.Scalar => {
        let h: tf.Tensor2D = x;
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
