// TensorFlow.js's WebAssembly backend (SIMD; no threads in Node) predicting as its users write a
// model's forward pass: the workload's layers in tf ops on the same params as nnc's, made tensors
// once; per request a tensor over the Float32Array, the forward pass in tf.tidy, dataSync.
// The dense workloads read their layers from the workload; SimpleConvNet (an input of rank 4) is
// conv -> ReLU -> max pool 2×2 -> affine -> ReLU -> affine -> softmax, in tfjs's NHWC layout:
// with one input channel an NCHW image is the same bytes as NHWC, the filters are transposed to
// [kh, kw, in, out] once, and the first affine layer's rows are permuted once from nnc's
// channel-major flatten order to NHWC's, so no request pays a transpose.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import type { PredictWorkload } from "../harness/workloads.js";
import type { MakePredictor, PredictContext } from "./predictor.js";

/** The forward pass, and the weight tensors it holds (made in tf.tidy, so nothing else is kept). */
interface Port {
  readonly forward: (x: tf.Tensor) => tf.Tensor;
  readonly weights: tf.Tensor[];
}

function dense(w: PredictWorkload, p: (name: string, shape: number[]) => tf.Tensor): Port {
  const layers = w.layers.map((l) => ({ W: p(l.W, [l.in, l.out]), b: p(l.b, [l.out]) }));
  const activation = w.activation === "relu" ? tf.relu : tf.sigmoid;
  const forward = (x: tf.Tensor) => {
    let h = x;
    layers.forEach((l, i) => {
      const a = tf.add(tf.matMul(h as tf.Tensor2D, l.W as tf.Tensor2D), l.b);
      h = i < layers.length - 1 ? activation(a) : a;
    });
    return tf.softmax(h);
  };
  return { forward, weights: layers.flatMap((l) => [l.W, l.b]) };
}

/** models/simple_conv_net.nn with its defaults: stride 1, pad 0, pool 2×2 stride 2. */
function simpleConvNet(ctx: PredictContext, p: (name: string, shape: number[]) => tf.Tensor): Port {
  const shapeOf = (name: string) => ctx.graph.params.find((q) => q.name === name)!.shape.map(Number);
  const [F, C, kh, kw] = shapeOf("W1") as [number, number, number, number];
  if (C !== 1) throw new Error(`SimpleConvNet with ${C} input channels: this port assumes 1 (NCHW = NHWC)`);
  const [, H, W] = ctx.inputShape as [number, number, number];
  const ph = (H - kh + 1) >> 1;
  const pw = (W - kw + 1) >> 1;
  const W1 = tf.transpose(p("W1", [F, C, kh, kw]), [2, 3, 1, 0]);
  const b1 = p("b1", [F]);
  const [flat, hidden] = shapeOf("hidden_layer.W") as [number, number];
  const W2 = tf.reshape(tf.transpose(p("hidden_layer.W", [F, ph, pw, hidden]), [1, 2, 0, 3]), [flat, hidden]);
  const b2 = p("hidden_layer.b", [hidden]);
  const [, classes] = shapeOf("scores.W") as [number, number];
  const W3 = p("scores.W", [hidden, classes]);
  const b3 = p("scores.b", [classes]);
  const forward = (x: tf.Tensor) => {
    const nhwc = tf.reshape(x, [-1, H, W, C]) as tf.Tensor4D;
    const conv = tf.maxPool(tf.relu(tf.add(tf.conv2d(nhwc, W1 as tf.Tensor4D, 1, "valid"), b1)) as tf.Tensor4D, 2, 2, "valid");
    const h = tf.relu(tf.add(tf.matMul(tf.reshape(conv, [-1, flat]) as tf.Tensor2D, W2 as tf.Tensor2D), b2));
    return tf.softmax(tf.add(tf.matMul(h as tf.Tensor2D, W3 as tf.Tensor2D), b3));
  };
  return { forward, weights: [W1, b1, W2, b2, W3, b3] };
}

export function tfjsPredictor(w: PredictWorkload): MakePredictor {
  return async (ctx) => {
    tf.enableProdMode();
    const pkg = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json");
    setWasmPaths(join(dirname(pkg), "dist") + "/");
    if (!(await tf.setBackend("wasm"))) throw new Error("tfjs could not start its wasm backend");
    await tf.ready();
    const p = (name: string, shape: number[]) => tf.tensor(ctx.params[name]!, shape);
    // The tensors a port's weights were made from (before a transpose) go; its weights stay.
    let port: Port | undefined;
    const weights = tf.tidy(() => {
      port = ctx.inputShape.length === 3 ? simpleConvNet(ctx, p) : dense(w, p);
      return port.weights;
    });
    const { forward } = port!;
    const facts = {
      version: tf.version.tfjs,
      backend: tf.getBackend(),
      simd: String(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
      threads: (await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")) ? "several" : "1",
    };
    return {
      predict(x, rows) {
        const y = tf.tidy(() => forward(tf.tensor(x, [rows, ...ctx.inputShape])));
        const values = y.dataSync() as Float32Array;
        y.dispose();
        return values;
      },
      info: facts,
      dispose: () => tf.dispose(weights),
    };
  };
}
