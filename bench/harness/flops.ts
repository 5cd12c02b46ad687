// The FLOPs of one training step, counted from the shapes (the same count for every peer, so
// GFLOP/s compares like with like). A matrix product [m, k] x [k, n] is 2·m·k·n. Per affine
// layer with batch B, in → out:
//   forward   x·W                   2·B·in·out
//   backward  xᵀ·dY (dW)            2·B·in·out
//             dY·Wᵀ (dx)            2·B·in·out, except for the first layer: the input needs no
//                                   gradient (the book's TwoLayerNet skips it, its layer-based
//                                   MultiLayerNet computes it anyway; it is not counted)
// Elementwise work counts one FLOP per add, multiply, divide, max, exp, log or sqrt:
//   bias add B·out and bias gradient (column sum) B·out per layer
//   sigmoid 1/(1+exp(-a)) 4, its gradient s·(1-s)·d 3; ReLU 1, its gradient (a select) 1
//   softmax 5 per logit (max, subtract, exp, sum, divide), its gradient with the loss
//   (y - t)/B 2, the loss -Σ t·log(y + 1e-7)/B 3 per row (add, log, sum)
//   update: SGD p -= lr·g 2 per param; Adam (the book's) 12 per param (m: 3, v: 4, p: 5)
// A conv layer (filters F, taps per filter C·K·K, P output positions per image) counts as the
// products of its im2col form: forward 2·B·F·CKK·P, the filter gradient as much, and no input
// gradient (it is the first layer); the bias add and its gradient B·F·P each, the activation's
// forward and backward over B·F·P, and the max pool one comparison per input element.
import { convOut, type Workload } from "./workloads.js";

export interface FlopCount {
  readonly matmul: number;
  readonly elementwise: number;
  readonly total: number;
}

const ACTIVATION = { sigmoid: { forward: 4, backward: 3 }, relu: { forward: 1, backward: 1 } } as const;
const UPDATE = { sgd: 2, adam: 12 } as const;

export function stepFlops(w: Workload): FlopCount {
  const B = w.batchSize;
  let matmul = 0;
  let elementwise = 0;
  const c = w.conv;
  if (c) {
    const taps = c.image[0] * c.size * c.size;
    const outputs = B * c.filters * convOut(c, 1) * convOut(c, 2);
    const a = ACTIVATION[w.activation];
    matmul += 2 * 2 * outputs * taps;
    elementwise += 2 * outputs + (a.forward + a.backward) * outputs + outputs;
    elementwise += UPDATE[w.optimizer.name] * (c.filters * taps + c.filters);
  }
  w.layers.forEach((l, i) => {
    const mm = 2 * B * l.in * l.out;
    matmul += mm * (i === 0 ? 2 : 3);
    elementwise += 2 * B * l.out; // bias add, bias gradient
    elementwise += UPDATE[w.optimizer.name] * (l.in * l.out + l.out);
    if (i < w.layers.length - 1) {
      const a = ACTIVATION[w.activation];
      elementwise += (a.forward + a.backward) * B * l.out;
    } else {
      elementwise += (5 + 2) * B * l.out + 3 * B; // softmax, its gradient with the loss, the loss
    }
  });
  return { matmul, elementwise, total: matmul + elementwise };
}
