// The book's optimizer_compare_mnist.py (ch. 6, "Which Update Technique Should We Use?"): SGD,
// Momentum, AdaGrad and Adam training the same 5-layer, 100-unit ReLU network on MNIST, 2,000
// iterations of batch 128, each with the book's default learning rate. The network is
// models/multi_layer_net.nn with depth = 4 (four hidden layers and the output layer: the book's
// hidden_size_list = [100, 100, 100, 100]) and its default He initialization.
import { subset } from "../runtime/data/index.js";
import { curvePlot } from "./charts.js";
import { smoothCurve, testAccuracy, trainRun } from "./training.js";
import type { Claim, Experiment } from "./types.js";

/** The book's optimizers with their default hyperparameters (common/optimizer.py). */
const OPTIMIZERS = [
  { name: "sgd", label: "SGD", args: { lr: 0.01 } },
  { name: "momentum", label: "Momentum", args: { lr: 0.01, momentum: 0.9 } },
  { name: "adagrad", label: "AdaGrad", args: { lr: 0.01 } },
  { name: "adam", label: "Adam", args: { lr: 0.001, beta1: 0.9, beta2: 0.999 } },
] as const;

const FULL = { trainRows: 60000, testRows: 10000, iters: 2000, batchSize: 128 };
const QUICK = { trainRows: 500, testRows: 200, iters: 8, batchSize: 16 };

export const optimizerCompareExperiment: Experiment = {
  name: "optimizer-compare",
  summary: "SGD, Momentum, AdaGrad and Adam on MNIST: a 5-layer ReLU network, 2,000 iterations of batch 128",
  book: "ch. 6, Which Update Technique Should We Use? (optimizer_compare_mnist.py)",
  async run(ctx) {
    const settings = ctx.quick ? QUICK : FULL;
    const mnist = ctx.mnist();
    const data = { train: subset(mnist.train, settings.trainRows) };
    const test = subset(mnist.test, settings.testRows);
    const set = { depth: 4, width: 100, activation: "relu", init: "he" };
    const g = ctx.model("multi_layer_net.nn", set);
    const exe = await ctx.executable(g);

    const runs = OPTIMIZERS.map((o) => {
      const run = trainRun(
        ctx,
        g,
        exe,
        data,
        {
          optimizer: { name: o.name, args: o.args },
          batchSize: settings.batchSize,
          iters: settings.iters,
          seed: ctx.seed,
          weightDecay: 0,
          evaluate: false,
        },
        { label: o.label, logEvery: 500 },
      );
      const smoothed = smoothCurve(run.losses);
      // The level each optimizer ends at: the mean loss of the last tenth of the steps.
      const tail = run.losses.slice(-Math.max(1, Math.floor(run.losses.length / 10)));
      return {
        ...o,
        run,
        smoothed,
        finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
        testAccuracy: testAccuracy(g, exe, run, test),
      };
    });

    ctx.figure(
      "loss.svg",
      await curvePlot({
        title: `Optimizers on MNIST: 5-layer ReLU network (He init), batch ${settings.batchSize}`,
        x: "iterations",
        y: "loss (smoothed)",
        yDomain: [0, 1],
        curves: runs.map((r) => ({ name: `${r.label} (lr ${r.args.lr})`, points: r.smoothed.map((y, i) => ({ x: i + 1, y })) })),
      }),
    );

    const [sgd, ...others] = runs as [(typeof runs)[0], ...(typeof runs)[0][]];
    const fastest = [...runs].sort((a, b) => a.finalLoss - b.finalLoss)[0]!;
    const claims: Claim[] = [
      {
        claim: "SGD learns the slowest; Momentum, AdaGrad and Adam all get lower",
        holds: others.every((o) => o.finalLoss < sgd.finalLoss),
        evidence: `mean loss over the last tenth of the iterations: ${runs.map((r) => `${r.label} ${r.finalLoss.toFixed(3)}`).join(", ")}`,
      },
      {
        claim: "AdaGrad seems slightly faster than the others",
        holds: fastest.name === "adagrad",
        evidence: `the lowest final loss is ${fastest.label}'s`,
      },
    ];
    const results = {
      runs: runs.map((r) => ({
        optimizer: r.name,
        args: r.args,
        finalLoss: r.finalLoss,
        testAccuracy: r.testAccuracy ?? null,
        divergedAt: r.run.divergedAt ?? null,
        seconds: r.run.seconds,
        losses: r.run.losses,
      })),
    };
    return { settings: { model: "models/multi_layer_net.nn", set, ...settings, seed: ctx.seed, optimizers: OPTIMIZERS }, results, claims };
  },
};
