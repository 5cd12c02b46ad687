// The book's weight_init_compare.py (ch. 6, "Using the MNIST Dataset to Compare the Weight
// Initializers"): the 5-layer, 100-unit ReLU network of models/multi_layer_net.nn (depth = 4)
// trained on MNIST with SGD (lr 0.01), batch 128, 2,000 iterations, from three initializations:
// N(0, 0.01²), Xavier (std 1/√n) and He (std √(2/n)).
import { subset } from "../runtime/data/index.js";
import { curvePlot } from "./charts.js";
import { smoothCurve, testAccuracy, trainRun } from "./training.js";
import type { Claim, Experiment } from "./types.js";

const INITS = [
  { init: "normal(0.01)", label: "std = 0.01" },
  { init: "xavier", label: "Xavier" },
  { init: "he", label: "He" },
] as const;

const FULL = { trainRows: 60000, testRows: 10000, iters: 2000, batchSize: 128 };
const QUICK = { trainRows: 500, testRows: 200, iters: 8, batchSize: 16 };

export const initCompareExperiment: Experiment = {
  name: "init-compare",
  summary: "std 0.01, Xavier and He initialization of a 5-layer ReLU network on MNIST: loss curves",
  book: "ch. 6, Using the MNIST Dataset to Compare the Weight Initializers (weight_init_compare.py)",
  async run(ctx) {
    const settings = ctx.quick ? QUICK : FULL;
    const mnist = ctx.mnist();
    const data = { train: subset(mnist.train, settings.trainRows) };
    const test = subset(mnist.test, settings.testRows);
    const optimizer = { name: "sgd", args: { lr: 0.01 } };

    const runs = [];
    for (const i of INITS) {
      const set = { depth: 4, width: 100, activation: "relu", init: i.init };
      const g = ctx.model("multi_layer_net.nn", set);
      const exe = await ctx.executable(g);
      const run = trainRun(
        ctx,
        g,
        exe,
        data,
        { optimizer, batchSize: settings.batchSize, iters: settings.iters, seed: ctx.seed, weightDecay: 0, evaluate: false },
        { label: i.label, logEvery: 500 },
      );
      const tail = run.losses.slice(-Math.max(1, Math.floor(run.losses.length / 10)));
      runs.push({
        ...i,
        run,
        smoothed: smoothCurve(run.losses),
        finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
        testAccuracy: testAccuracy(g, exe, run, test),
      });
    }

    ctx.figure(
      "loss.svg",
      await curvePlot({
        title: `Weight initializers on MNIST: 5-layer ReLU network, SGD lr 0.01, batch ${settings.batchSize}`,
        x: "iterations",
        y: "loss (smoothed)",
        yDomain: [0, 2.5],
        curves: runs.map((r) => ({ name: r.label, points: r.smoothed.map((y, i) => ({ x: i + 1, y })) })),
      }),
    );

    const [small, xavier, he] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    const claims: Claim[] = [
      {
        claim: "with std = 0.01 training does not progress at all (the loss stays near ln 10 = 2.30)",
        holds: Math.abs(small.finalLoss - Math.log(10)) < 0.05,
        evidence: `mean loss over the last tenth of the iterations: ${small.finalLoss.toFixed(3)}`,
      },
      {
        claim: "Xavier and He learn, and He learns faster",
        holds: he.finalLoss < xavier.finalLoss && xavier.finalLoss < small.finalLoss - 0.5,
        evidence: `final loss: Xavier ${xavier.finalLoss.toFixed(3)}, He ${he.finalLoss.toFixed(3)}; test accuracy: ${runs.map((r) => `${r.label} ${r.testAccuracy?.toFixed(3) ?? "-"}`).join(", ")}`,
      },
    ];
    const results = {
      runs: runs.map((r) => ({
        init: r.init,
        label: r.label,
        finalLoss: r.finalLoss,
        testAccuracy: r.testAccuracy ?? null,
        divergedAt: r.run.divergedAt ?? null,
        seconds: r.run.seconds,
        losses: r.run.losses,
      })),
    };
    return {
      settings: {
        model: "models/multi_layer_net.nn",
        set: { depth: 4, width: 100, activation: "relu" },
        inits: INITS,
        optimizer,
        ...settings,
        seed: ctx.seed,
      },
      results,
      claims,
    };
  },
};
