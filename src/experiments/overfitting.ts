// The book's overfit_weight_decay.py and overfit_dropout.py (ch. 6, "Regularization"): a 7-layer,
// 100-unit ReLU network trained on only 300 MNIST images with SGD (lr 0.01), batch 100, for 200
// epochs; the training accuracy reaches almost 100% while the test accuracy stays far below.
// Then the same with weight decay (λ = 0.1) and with dropout (ratio 0.15). The networks are
// models/multi_layer_net.nn and models/multi_layer_net_extend.nn with depth = 6 (the book's
// hidden_size_list = [100] * 6); both name their params alike, so all three start from the same
// weights and see the same batches.
import { subset } from "../runtime/data/index.js";
import { curvePlot } from "./charts.js";
import { accuracyPoints, trainRun, type Run } from "./training.js";
import type { Claim, Experiment } from "./types.js";

const FULL = { trainRows: 300, testRows: 10000, batchSize: 100, epochs: 200, lr: 0.01, width: 100 };
/** 100 images, a narrower net and a larger step, so that it overfits within seconds. */
const QUICK = { trainRows: 100, testRows: 100, batchSize: 25, epochs: 15, lr: 0.1, width: 50 };

const VARIANTS = [
  { key: "plain", file: "baseline.svg", label: "no regularization", model: "multi_layer_net.nn", set: {}, weightDecay: 0 },
  { key: "weightDecay", file: "weight-decay.svg", label: "weight decay λ = 0.1", model: "multi_layer_net.nn", set: {}, weightDecay: 0.1 },
  {
    key: "dropout",
    file: "dropout.svg",
    label: "dropout ratio 0.15",
    model: "multi_layer_net_extend.nn",
    set: { use_batchnorm: false, dropout_ratio: 0.15 },
    weightDecay: 0,
  },
] as const;

/** Train and test accuracy averaged over the last tenth of the epochs, which smooths their noise. */
function ending(run: Run): { train: number; test: number; gap: number } {
  const tail = run.epochs.slice(-Math.max(1, Math.floor(run.epochs.length / 10)));
  const mean = (f: (e: (typeof tail)[0]) => number) => tail.reduce((s, e) => s + f(e), 0) / tail.length;
  const train = mean((e) => e.trainAccuracy ?? 0);
  const test = mean((e) => e.testAccuracy ?? 0);
  return { train, test, gap: train - test };
}

export const overfittingExperiment: Experiment = {
  name: "overfitting",
  summary: "300 samples, 7-layer network, 200 epochs: overfitting, then weight decay 0.1, then dropout 0.15",
  book: "ch. 6, Regularization: Overfitting, Weight Decay, Dropout (overfit_weight_decay.py, overfit_dropout.py)",
  async run(ctx) {
    const settings = ctx.quick ? QUICK : FULL;
    const mnist = ctx.mnist();
    const data = { train: subset(mnist.train, settings.trainRows), test: subset(mnist.test, settings.testRows) };
    const stepsPerEpoch = Math.floor(settings.trainRows / settings.batchSize);

    const runs: ((typeof VARIANTS)[number] & { run: Run; end: ReturnType<typeof ending> })[] = [];
    for (const v of VARIANTS) {
      const g = ctx.model(v.model, { depth: 6, width: settings.width, activation: "relu", init: "he", ...v.set });
      const config = {
        optimizer: { name: "sgd", args: { lr: settings.lr } },
        batchSize: settings.batchSize,
        iters: settings.epochs * stepsPerEpoch,
        seed: ctx.seed,
        weightDecay: v.weightDecay,
      };
      const run = trainRun(ctx, g, await ctx.executable(g), data, config, { label: v.label });
      const end = ending(run);
      ctx.figure(
        v.file,
        await curvePlot({
          title: `${settings.trainRows} training images, 7-layer network, ${v.label}`,
          x: "epochs",
          y: "accuracy",
          yDomain: [0, 1],
          curves: [
            { name: "train", points: accuracyPoints(run, "trainAccuracy") },
            { name: "test", dashed: true, points: accuracyPoints(run, "testAccuracy") },
          ],
        }),
      );
      runs.push({ ...v, run, end });
    }
    ctx.figure(
      "gap.svg",
      await curvePlot({
        title: "Train accuracy minus test accuracy: the overfitting gap",
        x: "epochs",
        y: "train − test accuracy",
        curves: runs.map((r) => ({
          name: r.label,
          points: r.run.epochs.map((e) => ({ x: e.epoch, y: (e.trainAccuracy ?? 0) - (e.testAccuracy ?? 0) })),
        })),
      }),
    );

    const [plain, decay, dropout] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    const show = (r: (typeof runs)[0]) => `${r.label}: train ${pct(r.end.train)}, test ${pct(r.end.test)}, gap ${pct(r.end.gap)}`;
    const claims: Claim[] = [
      {
        claim: "without regularization the training accuracy reaches almost 100% while the test accuracy stays far below",
        holds: plain.end.train > 0.95 && plain.end.gap > 0.2,
        evidence: show(plain),
      },
      {
        claim: "weight decay narrows the gap between training and test accuracy",
        holds: decay.end.gap < plain.end.gap,
        evidence: `${show(decay)}; ${show(plain)}`,
      },
      {
        claim: "dropout narrows the gap, and the training accuracy no longer reaches 100%",
        holds: dropout.end.gap < plain.end.gap && dropout.end.train < 0.99,
        evidence: `${show(dropout)}; ${show(plain)}`,
      },
    ];
    const results = Object.fromEntries(
      runs.map((r) => [
        r.key,
        {
          label: r.label,
          final: r.end,
          divergedAt: r.run.divergedAt ?? null,
          seconds: r.run.seconds,
          trainAccuracy: r.run.epochs.map((e) => e.trainAccuracy ?? null),
          testAccuracy: r.run.epochs.map((e) => e.testAccuracy ?? null),
        },
      ]),
    );
    return { settings: { ...settings, depth: 6, optimizer: "sgd", seed: ctx.seed, variants: VARIANTS }, results, claims };
  },
};
