// The book's ch. 7 visualize_filter.py: the 30 first-layer filters (5×5) of SimpleConvNet
// (models/simple_conv_net.nn) as grayscale images before and after training, and the feature maps
// that layer makes of a few test digits (relu(conv2d(x, W1) + b1), as the book's "what the first
// layer sees"). The book trains 20 epochs (train_convnet.py) before drawing; the full run here
// trains one epoch of the book's settings (600 steps of 100, Adam lr 0.001), where the filters
// already show their structure; --quick trains 60 steps on 1,000 images.
import type { Params } from "../runtime/executable.js";
import { subset } from "../runtime/data/index.js";
import { OPS } from "../graph/ops/index.js";
import { tensor } from "../graph/tensor.js";
import { imageGrid, type GrayImage } from "./image-grid.js";
import { short, testAccuracy, trainRun } from "./training.js";
import type { Claim, Experiment } from "./types.js";

const FULL = { trainRows: 60000, iters: 600 };
const QUICK = { trainRows: 1000, iters: 60 };
const [FILTERS, K, SIDE] = [30, 5, 28];
const DIGITS = 3;
const MAPS = 8;

function filters(params: Params, label: string): GrayImage[] {
  const W = params.W1!;
  return Array.from({ length: FILTERS }, (_, f) => ({
    title: `${label} ${f + 1}`,
    rows: K,
    cols: K,
    pixels: W.subarray(f * K * K, (f + 1) * K * K),
  }));
}

/**
 * How rough a filter is: the mean squared difference of neighbouring weights over twice the
 * weights' variance; about 1 for independent noise, lower for smooth, structured filters.
 */
export function roughness(w: ArrayLike<number>, k: number): number {
  let [sum, sq, diff, pairs] = [0, 0, 0, 0];
  for (let i = 0; i < k * k; i++) [sum, sq] = [sum + w[i]!, sq + w[i]! * w[i]!];
  const variance = sq / (k * k) - (sum / (k * k)) ** 2;
  for (let r = 0; r < k; r++)
    for (let c = 0; c < k; c++) {
      if (c + 1 < k) [diff, pairs] = [diff + (w[r * k + c]! - w[r * k + c + 1]!) ** 2, pairs + 1];
      if (r + 1 < k) [diff, pairs] = [diff + (w[r * k + c]! - w[(r + 1) * k + c]!) ** 2, pairs + 1];
    }
  return diff / pairs / (2 * variance);
}

const meanRoughness = (p: Params) =>
  Array.from({ length: FILTERS }, (_, f) => roughness(p.W1!.subarray(f * K * K, (f + 1) * K * K), K)).reduce((a, b) => a + b, 0) / FILTERS;

export const convFiltersExperiment: Experiment = {
  name: "conv-filters",
  summary: "SimpleConvNet's 30 first-layer 5×5 filters before and after training, and the feature maps of a few digits",
  book: "ch. 7, Visualizing the First-Layer Weights (visualize_filter.py)",
  async run(ctx) {
    const settings = ctx.quick ? QUICK : FULL;
    const { train, test } = ctx.mnist();
    // The book's init (the model file's default is He): its figure starts from these filters.
    const g = ctx.model("simple_conv_net.nn", { init: "normal(0.01)" });
    const exe = await ctx.executable(g);
    const before = exe.init(ctx.seed);
    const config = {
      optimizer: { name: "adam", args: { lr: 0.001 } },
      batchSize: 100,
      iters: settings.iters,
      seed: ctx.seed,
      weightDecay: 0,
      evaluate: false,
    };
    const run = trainRun(ctx, g, exe, { train: subset(train, settings.trainRows) }, config, { label: "SimpleConvNet", logEvery: 100 });
    const after = run.params;
    const accuracy = testAccuracy(g, exe, run, test);

    ctx.figure(
      "filters-before.svg",
      await imageGrid("The 30 first-layer filters before training (normal(0.01))", filters(before, "filter"), 10),
    );
    ctx.figure(
      "filters-after.svg",
      await imageGrid(`The 30 first-layer filters after ${settings.iters} steps`, filters(after, "filter"), 10),
    );

    // Feature maps of the first test digits: relu(conv2d(x, W1) + b1), the first MAPS filters.
    const maps: GrayImage[] = [];
    const W1 = tensor([FILTERS, 1, K, K], after.W1!);
    for (let d = 0; d < DIGITS; d++) {
      const x = tensor([1, 1, SIDE, SIDE], test.x.subarray(d * SIDE * SIDE, (d + 1) * SIDE * SIDE));
      maps.push({ title: `digit ${d + 1}: input`, rows: SIDE, cols: SIDE, pixels: x.data });
      const y = OPS.conv2d.eval([x, W1], { stride: 1, pad: 0 }, { training: false, stream: () => () => 0, dims: new Map(), feed: () => x });
      const side = SIDE - K + 1;
      for (let f = 0; f < MAPS; f++) {
        const plane = y.data.subarray(f * side * side, (f + 1) * side * side).map((v) => Math.max(0, v + after.b1![f]!));
        maps.push({ title: `digit ${d + 1}: filter ${f + 1}`, rows: side, cols: side, pixels: plane });
      }
    }
    ctx.figure(
      "feature-maps.svg",
      await imageGrid(`What the first layer sees: relu(conv(x) + b) of ${DIGITS} test digits`, maps, MAPS + 1, 56),
    );

    const [roughBefore, roughAfter] = [meanRoughness(before), meanRoughness(after)];
    const claims: Claim[] = [
      {
        claim: "training turns the first layer's random filters into smooth, structured ones (edges, blobs)",
        holds: roughAfter < 0.75 * roughBefore,
        evidence: `mean roughness (neighbour difference² / 2·variance; noise ≈ 1) ${short(roughBefore)} before, ${short(roughAfter)} after`,
      },
    ];
    return {
      settings: { ...settings, batchSize: 100, optimizer: "adam(lr = 0.001)", model: "models/simple_conv_net.nn", init: "normal(0.01)" },
      results: {
        testAccuracy: accuracy,
        initialStd: Math.hypot(...before.W1!) / Math.sqrt(before.W1!.length),
        roughnessBefore: roughBefore,
        roughnessAfter: roughAfter,
        seconds: run.seconds,
      },
      claims,
    };
  },
};
