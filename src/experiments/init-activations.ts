// The book's weight_init_activation_histogram.py (ch. 6, "Distribution of Activations in the
// Hidden Layers"): 1,000 standard-normal inputs through five 100-unit layers without biases
// (models/activation_histogram.nn, whose outputs are the five layers' activations), for sigmoid
// with std 1, std 0.01 and Xavier, tanh with Xavier, and ReLU with std 0.01, Xavier and He.
// Histograms of 30 bins, as the book draws them.
import { createRng } from "../runtime/rng.js";
import { curvePlot, histogramRow, type Histogram } from "./charts.js";
import type { Claim, Experiment } from "./types.js";

const CONFIGS = [
  { file: "sigmoid-std-1.svg", activation: "sigmoid", init: "normal(1)", label: "sigmoid, std = 1" },
  { file: "sigmoid-std-0.01.svg", activation: "sigmoid", init: "normal(0.01)", label: "sigmoid, std = 0.01" },
  { file: "sigmoid-xavier.svg", activation: "sigmoid", init: "xavier", label: "sigmoid, Xavier" },
  { file: "tanh-xavier.svg", activation: "tanh", init: "xavier", label: "tanh, Xavier" },
  { file: "relu-std-0.01.svg", activation: "relu", init: "normal(0.01)", label: "ReLU, std = 0.01" },
  { file: "relu-xavier.svg", activation: "relu", init: "xavier", label: "ReLU, Xavier" },
  { file: "relu-he.svg", activation: "relu", init: "he", label: "ReLU, He" },
] as const;
const LAYERS = 5;
const BINS = 30;
/** The book's layer means for ReLU with std 0.01. */
const BOOK_RELU_MEANS = [0.0396, 0.0029, 0.000197, 1.32e-5, 9.46e-7];

interface LayerStats {
  readonly mean: number;
  readonly std: number;
  /** Sigmoid: below 0.1 or above 0.9; tanh: |a| above 0.9; ReLU: exactly 0. */
  readonly saturated: number;
  readonly histogram: Histogram;
}

function layerStats(a: ArrayLike<number>, activation: string, title: string): LayerStats {
  const n = a.length;
  let sum = 0;
  let sq = 0;
  let saturated = 0;
  const [lo, hi] = activation === "tanh" ? [-1, 1] : [0, 1];
  const counts = new Array<number>(BINS).fill(0);
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    sum += v;
    sq += v * v;
    if (activation === "sigmoid" ? v < 0.1 || v > 0.9 : activation === "tanh" ? Math.abs(v) > 0.9 : v === 0) saturated++;
    // numpy.histogram's range=(lo, hi): values outside are left out, hi goes in the last bin.
    if (v >= lo && v <= hi) counts[Math.min(BINS - 1, Math.floor(((v - lo) / (hi - lo)) * BINS))]!++;
  }
  const mean = sum / n;
  const edges = Array.from({ length: BINS + 1 }, (_, b) => lo + ((hi - lo) * b) / BINS);
  return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), saturated: saturated / n, histogram: { title, edges, counts } };
}

export const initActivationsExperiment: Experiment = {
  name: "init-activations",
  summary: "activation histograms of five 100-unit layers for sigmoid, tanh and ReLU under std 1, 0.01, Xavier, He",
  book: "ch. 6, Distribution of Activations in the Hidden Layers (weight_init_activation_histogram.py)",
  async run(ctx) {
    const rows = ctx.quick ? 200 : 1000;
    const width = 100;
    const rng = createRng(ctx.seed);
    const x = new Float32Array(rows * width).map(() => rng.normal());

    const configs: ((typeof CONFIGS)[number] & { layers: LayerStats[] })[] = [];
    for (const c of CONFIGS) {
      const g = ctx.model("activation_histogram.nn", { width, activation: c.activation, init: c.init });
      const exe = await ctx.executable(g);
      const outputs = exe.predict(exe.init(ctx.seed), { x });
      const layers = Array.from({ length: LAYERS }, (_, i) => layerStats(outputs[`layer${i + 1}`]!, c.activation, `${i + 1}-layer`));
      ctx.log(`${c.label}: layer means ${layers.map((l) => l.mean.toPrecision(3)).join(", ")}`);
      // The book cuts ReLU's histograms at 7,000 of 100,000 values: the zeros would dwarf the rest.
      const yMax = c.activation === "relu" ? 0.07 * rows * width : undefined;
      ctx.figure(
        c.file,
        await histogramRow(
          `Activations per layer: ${c.label}`,
          "activation",
          layers.map((l) => l.histogram),
          yMax,
        ),
      );
      configs.push({ ...c, layers });
    }

    const relu = configs.filter((c) => c.activation === "relu");
    ctx.figure(
      "relu-layer-means.svg",
      await curvePlot({
        title: "Mean ReLU activation per layer",
        x: "layer",
        y: "mean activation (log scale)",
        logY: true,
        curves: [
          ...relu.map((c) => ({ name: c.label, style: "nnc", points: c.layers.map((l, i) => ({ x: i + 1, y: l.mean })) })),
          { name: "ReLU, std = 0.01", style: "the book", points: BOOK_RELU_MEANS.map((y, i) => ({ x: i + 1, y })) },
        ],
      }),
    );

    const byLabel = (label: string) => configs.find((c) => c.label === label)!;
    const [sigmoid1, sigmoidSmall, sigmoidXavier, , reluSmall, reluXavier, reluHe] = CONFIGS.map((c) => byLabel(c.label));
    const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
    const list = (c: { layers: readonly LayerStats[] }, f: (l: LayerStats) => string) => c.layers.map(f).join(", ");
    const ratios = reluSmall!.layers.slice(1).map((l, i) => reluSmall!.layers[i]!.mean / l.mean);
    const claims: Claim[] = [
      {
        claim: "sigmoid with std 1: the activations pile up at 0 and 1, where the gradient vanishes",
        holds: sigmoid1!.layers.every((l) => l.saturated > 0.5),
        evidence: `below 0.1 or above 0.9, per layer: ${list(sigmoid1!, (l) => pct(l.saturated))}`,
      },
      {
        claim: "sigmoid with std 0.01: the activations concentrate around 0.5 (limited representation)",
        holds: sigmoidSmall!.layers.every((l) => l.std < 0.05 && Math.abs(l.mean - 0.5) < 0.05),
        evidence: `std per layer: ${list(sigmoidSmall!, (l) => l.std.toPrecision(2))}`,
      },
      {
        claim: "sigmoid with Xavier: the activations stay spread in every layer",
        holds: sigmoidXavier!.layers.every((l) => l.saturated < 0.1 && l.std > 0.1),
        evidence: `below 0.1 or above 0.9: ${list(sigmoidXavier!, (l) => pct(l.saturated))}; std: ${list(sigmoidXavier!, (l) => l.std.toPrecision(2))}`,
      },
      {
        claim:
          "ReLU with std 0.01: the activations vanish, the layer means falling about 10x per layer (the book: 0.0396, 0.00290, 0.000197, 1.32e-5, 9.46e-7)",
        holds: ratios.every((r) => r > 5 && r < 30) && Math.abs(reluSmall!.layers[0]!.mean / BOOK_RELU_MEANS[0]! - 1) < 0.2,
        evidence: `layer means ${list(reluSmall!, (l) => l.mean.toPrecision(3))}, falling ${ratios.map((r) => r.toFixed(1) + "x").join(", ")}`,
      },
      {
        claim: "ReLU with Xavier: the activations shrink as the layers get deeper",
        holds:
          reluXavier!.layers.every((l, i) => i === 0 || l.std < reluXavier!.layers[i - 1]!.std * 1.05) &&
          reluXavier!.layers[4]!.std < 0.75 * reluXavier!.layers[0]!.std,
        evidence: `std per layer: ${list(reluXavier!, (l) => l.std.toPrecision(2))}`,
      },
      {
        claim: "ReLU with He: the spread is similar in every layer",
        holds: reluHe!.layers.every((l) => l.std > 0.5 * reluHe!.layers[0]!.std && l.std < 2 * reluHe!.layers[0]!.std),
        evidence: `std per layer: ${list(reluHe!, (l) => l.std.toPrecision(2))}`,
      },
    ];
    const results = {
      configs: configs.map((c) => ({
        activation: c.activation,
        init: c.init,
        label: c.label,
        layers: c.layers.map((l) => ({ mean: l.mean, std: l.std, saturated: l.saturated, counts: l.histogram.counts })),
      })),
      binEdges: { "sigmoid and ReLU": configs[0]!.layers[0]!.histogram.edges, tanh: configs[3]!.layers[0]!.histogram.edges },
    };
    return {
      settings: { model: "models/activation_histogram.nn", rows, width, layers: LAYERS, bins: BINS, configs: CONFIGS },
      results,
      claims,
    };
  },
};
