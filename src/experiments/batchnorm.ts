// The book's batch_norm_test.py (ch. 6, "Evaluating Batch Normalization"): the 6-layer, 100-unit
// ReLU network of models/multi_layer_net_extend.nn (depth = 5 hidden layers, the book's
// hidden_size_list = [100] * 5), with and without batch norm, trained on 1,000 MNIST images with
// SGD (lr 0.01), batch 100, 20 epochs, from weights drawn with 16 standard deviations from 1 down
// to 0.0001 (numpy.logspace(0, -4, 16)). Each panel shows the training accuracy per epoch.
import { subset } from "../runtime/data/index.js";
import { smallMultiples } from "./charts.js";
import { accuracyPoints, short, trainRun, type Run } from "./training.js";
import type { Claim, Experiment } from "./types.js";

const FULL = { trainRows: 1000, batchSize: 100, epochs: 20, scales: logspace(0, -4, 16) };
/** Two of the book's bad scales, too large and too small, on 100 images for 3 epochs. */
const QUICK = { trainRows: 100, batchSize: 20, epochs: 3, scales: [1, 0.01] };
/** Without batch norm, a net whose accuracy stays below this (or whose loss explodes) did not learn. */
const STUCK = 0.3;

function logspace(from: number, to: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => 10 ** (from + ((to - from) * i) / (n - 1)));
}

const lastLoss = (run: Run) => run.epochs.at(-1)?.loss;
const lastAccuracy = (run: Run) => run.epochs.at(-1)?.trainAccuracy ?? 0;

export const batchnormExperiment: Experiment = {
  name: "batchnorm",
  summary: "training accuracy with and without batch norm over 16 initial weight scales (the book's 4x4 panels)",
  book: "ch. 6, Batch Normalization (batch_norm_test.py)",
  async run(ctx) {
    const settings = ctx.quick ? QUICK : FULL;
    const data = { train: subset(ctx.mnist().train, settings.trainRows) };
    const stepsPerEpoch = Math.floor(settings.trainRows / settings.batchSize);
    const config = {
      optimizer: { name: "sgd", args: { lr: 0.01 } },
      batchSize: settings.batchSize,
      iters: settings.epochs * stepsPerEpoch,
      seed: ctx.seed,
      weightDecay: 0,
    };

    const scales: { w: number; bn: Run; plain: Run }[] = [];
    for (const w of settings.scales) {
      const runs: Run[] = [];
      for (const useBatchnorm of [true, false]) {
        const g = ctx.model("multi_layer_net_extend.nn", {
          depth: 5,
          width: 100,
          activation: "relu",
          init: `normal(${w})`,
          use_batchnorm: useBatchnorm,
        });
        const label = `W ${short(w)} ${useBatchnorm ? "with" : "without"} batch norm`;
        runs.push(trainRun(ctx, g, await ctx.executable(g), data, config, { label }));
      }
      const [bn, plain] = runs as [Run, Run];
      scales.push({ w, bn, plain });
    }

    ctx.figure(
      "accuracy.svg",
      await smallMultiples({
        title: `Batch norm (solid) against none (dashed): training accuracy on ${settings.trainRows} MNIST images`,
        x: "epochs",
        y: "accuracy",
        yDomain: [0, 1],
        columns: 4,
        panels: scales.map((s) => ({
          // A run that blew up has no curve to draw (the book's numpy would go on with NaNs).
          title: `W: ${short(s.w)}${s.plain.divergedAt !== undefined ? " (plain diverged)" : ""}`,
          curves: [
            { name: "batch norm", points: accuracyPoints(s.bn, "trainAccuracy") },
            { name: "plain (no batch norm)", dashed: true, points: accuracyPoints(s.plain, "trainAccuracy") },
          ],
        })),
      }),
    );

    // "Bad" initializations: where the plain network does not learn (or blows up).
    const bad = scales.filter((s) => s.plain.divergedAt !== undefined || lastAccuracy(s.plain) < STUCK);
    // Ahead: the plain net blew up, or batch norm has the clearly higher accuracy or lower loss.
    const ahead = (s: (typeof scales)[0]) =>
      s.plain.divergedAt !== undefined ||
      lastAccuracy(s.bn) > lastAccuracy(s.plain) + 0.05 ||
      (lastLoss(s.bn) ?? Infinity) < (lastLoss(s.plain) ?? Infinity) - 0.05;
    const describe = (s: (typeof scales)[0]) =>
      `W ${short(s.w)}: ${lastAccuracy(s.bn).toFixed(2)} (loss ${lastLoss(s.bn)?.toFixed(2) ?? "-"}) against ${
        s.plain.divergedAt !== undefined
          ? `diverged at step ${s.plain.divergedAt}`
          : `${lastAccuracy(s.plain).toFixed(2)} (loss ${lastLoss(s.plain)?.toFixed(2) ?? "-"})`
      }`;
    const claims: Claim[] = [
      {
        claim: "batch norm learns faster where the initialization is bad (too large or too small), where the plain network barely learns",
        holds: bad.length > 0 && bad.every(ahead),
        evidence: `final training accuracy with batch norm against without: ${bad.map(describe).join("; ")}`,
      },
      {
        claim: "batch norm makes training much less dependent on the initial weight scale",
        holds: scales.filter((s) => lastAccuracy(s.bn) >= lastAccuracy(s.plain) - 0.05).length >= 0.75 * scales.length,
        evidence: `batch norm is as good or better at ${scales.filter((s) => lastAccuracy(s.bn) >= lastAccuracy(s.plain) - 0.05).length} of ${scales.length} scales`,
      },
    ];
    const curve = (run: Run) => ({
      trainAccuracy: run.epochs.map((e) => e.trainAccuracy ?? null),
      loss: run.epochs.map((e) => e.loss ?? null),
      divergedAt: run.divergedAt ?? null,
      seconds: run.seconds,
    });
    const results = { scales: scales.map((s) => ({ w: s.w, batchnorm: curve(s.bn), plain: curve(s.plain) })) };
    return {
      settings: { model: "models/multi_layer_net_extend.nn", set: { depth: 5, width: 100, activation: "relu" }, ...config, ...settings },
      results,
      claims,
    };
  },
};
