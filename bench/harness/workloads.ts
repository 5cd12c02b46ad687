// The workloads `npm run bench` times: one training step (forward + backward + optimizer update)
// of one of the book's networks on real MNIST batches. Adding a workload is one entry in
// WORKLOADS; every peer reads the network from `conv`, `layers`, `activation` and `optimizer`, and
// nnc compiles `model` (whose params must match `conv` and `layers`, which the harness checks).

export type Activation = "sigmoid" | "relu";

export type OptimizerSpec =
  | { readonly name: "sgd"; readonly lr: number }
  | { readonly name: "adam"; readonly lr: number; readonly beta1: number; readonly beta2: number; readonly eps: number };

/** One affine layer `x @ W + b`; every layer but the last is followed by the activation. */
export interface Layer {
  readonly W: string;
  readonly b: string;
  readonly in: number;
  readonly out: number;
}

/**
 * A convolution layer before the affine layers (the book's SimpleConvNet): conv2d (NCHW, filters
 * W: [filters, channels, size, size], bias b: [filters, 1, 1]) → the activation → a max pool of
 * pool × pool, stride pool → flatten, whose width is the first affine layer's `in`.
 */
export interface ConvLayer {
  readonly W: string;
  readonly b: string;
  /** The input image: [channels, height, width]. */
  readonly image: readonly [number, number, number];
  readonly filters: number;
  readonly size: number;
  readonly stride: number;
  readonly pad: number;
  readonly pool: number;
}

export interface Workload {
  /** Used in file names: bench/results/<date>-<id>.json. */
  readonly id: string;
  readonly title: string;
  /** The .nn file nnc compiles (relative to the repository) and its `--set` overrides. */
  readonly model: { readonly file: string; readonly set: Readonly<Record<string, string>> };
  /** Which class of the book the typed-array and numpy ports follow. */
  readonly book: "TwoLayerNet" | "MultiLayerNet" | "SimpleConvNet";
  readonly batchSize: number;
  readonly conv?: ConvLayer;
  readonly layers: readonly Layer[];
  readonly activation: Activation;
  /** Softmax, then the book's cross_entropy_error, averaged over the batch. */
  readonly loss: "softmax-cross-entropy";
  readonly optimizer: OptimizerSpec;
  /** Seeds of the initial weights (nnc's initializers) and of the batches drawn from MNIST. */
  readonly seeds: { readonly init: number; readonly data: number };
}

function dense(sizes: readonly number[], names: (i: number, last: boolean) => { W: string; b: string }): Layer[] {
  return sizes.slice(1).map((out, i) => ({ ...names(i, i === sizes.length - 2), in: sizes[i]!, out }));
}

export const WORKLOADS: readonly Workload[] = [
  {
    id: "two-layer-net",
    title: "TwoLayerNet 784-50-10, sigmoid, SGD lr 0.1, batch 100",
    model: { file: "models/two_layer_net.nn", set: {} },
    book: "TwoLayerNet",
    batchSize: 100,
    layers: dense([784, 50, 10], (i) => ({ W: `W${i + 1}`, b: `b${i + 1}` })),
    activation: "sigmoid",
    loss: "softmax-cross-entropy",
    optimizer: { name: "sgd", lr: 0.1 },
    seeds: { init: 1, data: 2 },
  },
  {
    // The book's ch. 6 "5-layer network, 100 units per layer" (optimizer_compare_mnist.py):
    // MultiLayerNet(hidden_size_list=[100] * 4), i.e. four hidden layers and the output layer.
    id: "multi-layer-net",
    title: "MultiLayerNet 784-100x4-10, ReLU, He init, Adam lr 0.001, batch 128",
    model: { file: "models/multi_layer_net.nn", set: { depth: "4" } },
    book: "MultiLayerNet",
    batchSize: 128,
    layers: dense([784, 100, 100, 100, 100, 10], (i, last) => (last ? { W: "W", b: "b" } : { W: `layers.${i}.W`, b: `layers.${i}.b` })),
    activation: "relu",
    loss: "softmax-cross-entropy",
    // The book's Adam defaults (common/optimizer.py), which nnc's `adam` shares.
    optimizer: { name: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7 },
    seeds: { init: 1, data: 2 },
  },
  {
    // The book's ch. 7 SimpleConvNet (ch07/simple_convnet.py, train_convnet.py): conv 30 filters
    // 5×5, pad 0, stride 1 → ReLU → max pool 2×2 → affine 100 → ReLU → affine 10; its init.
    id: "simple-conv-net",
    title: "SimpleConvNet conv 30×5×5 - pool 2 - 100 - 10, ReLU, Adam lr 0.001, batch 100",
    model: { file: "models/simple_conv_net.nn", set: {} },
    book: "SimpleConvNet",
    batchSize: 100,
    conv: { W: "W1", b: "b1", image: [1, 28, 28], filters: 30, size: 5, stride: 1, pad: 0, pool: 2 },
    layers: [
      { W: "hidden_layer.W", b: "hidden_layer.b", in: 30 * 12 * 12, out: 100 },
      { W: "scores.W", b: "scores.b", in: 100, out: 10 },
    ],
    activation: "relu",
    loss: "softmax-cross-entropy",
    optimizer: { name: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7 },
    seeds: { init: 1, data: 2 },
  },
];

/** The conv layer's output extent along height or width, before pooling. */
export function convOut(c: ConvLayer, along: 1 | 2): number {
  return Math.floor((c.image[along] + 2 * c.pad - c.size) / c.stride) + 1;
}

/** The params of the workload in order (the conv layer's, then each affine layer's), with their lengths. */
export function paramLengths(w: Workload): [string, number][] {
  const c = w.conv;
  const conv: [string, number][] = c
    ? [
        [c.W, c.filters * c.image[0] * c.size * c.size],
        [c.b, c.filters],
      ]
    : [];
  return [
    ...conv,
    ...w.layers.flatMap((l): [string, number][] => [
      [l.W, l.in * l.out],
      [l.b, l.out],
    ]),
  ];
}

/** What the predict phase (latency.ts) reads of a workload: the model, its seeds, and (for tfjs's dense port) its affine layers. */
export type PredictWorkload = Pick<Workload, "id" | "title" | "model" | "batchSize" | "layers" | "activation" | "seeds">;

export function workloadById(id: string): Workload {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`no workload '${id}' (workloads: ${WORKLOADS.map((x) => x.id).join(", ")})`);
  return w;
}

export function paramCount(w: Workload): number {
  return paramLengths(w).reduce((n, [, length]) => n + length, 0);
}
