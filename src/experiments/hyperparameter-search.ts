// The book's hyperparameter_optimization.py (ch. 6, "Validating Hyperparameters"): a random
// search of the learning rate (10^-6 to 10^-2) and the weight decay (10^-8 to 10^-4), each drawn
// log-uniformly, for the 7-layer, 100-unit network of models/multi_layer_net.nn (depth = 6). The
// first 500 MNIST training images are split 80/20 into training and validation data; each trial
// trains 50 epochs of batch 100 with SGD and is ranked by its final validation accuracy. The test
// data is not touched: choosing hyperparameters on it would overfit them to it.
import { subset, valSplit } from "../runtime/data/index.js";
import { createRng } from "../runtime/rng.js";
import { logScatter, smallMultiples } from "./charts.js";
import { accuracyPoints, short, trainRun, type Run } from "./training.js";
import type { Claim, Experiment } from "./types.js";

const FULL = { rows: 500, trials: 100, epochs: 50, batchSize: 100, shown: 20 };
const QUICK = { rows: 100, trials: 4, epochs: 2, batchSize: 20, shown: 4 };
const VALIDATION = 0.2;
const LR_EXPONENTS = [-6, -2] as const;
const DECAY_EXPONENTS = [-8, -4] as const;

interface Trial {
  readonly lr: number;
  readonly weightDecay: number;
  readonly run: Run;
  readonly valAccuracy: number;
  readonly trainAccuracy: number;
}

export const hyperparameterSearchExperiment: Experiment = {
  name: "hyperparameter-search",
  summary: "random search of lr (1e-6..1e-2) and weight decay (1e-8..1e-4) on a 20% validation split of 500 samples",
  book: "ch. 6, Validating Hyperparameters (hyperparameter_optimization.py)",
  async run(ctx) {
    const settings = ctx.quick ? QUICK : FULL;
    const { train, val } = valSplit(subset(ctx.mnist().train, settings.rows), VALIDATION, ctx.seed);
    const set = { depth: 6, width: 100, activation: "relu", init: "he" };
    const g = ctx.model("multi_layer_net.nn", set);
    const exe = await ctx.executable(g);
    const stepsPerEpoch = Math.floor(train.rows / settings.batchSize);
    // The trials' own stream, so that they do not depend on the split's.
    const rng = createRng(ctx.seed + 1);
    const uniform = ([lo, hi]: readonly [number, number]) => lo + (hi - lo) * rng.next();

    const trials: Trial[] = [];
    for (let i = 0; i < settings.trials; i++) {
      // As the book: weight decay first, then the learning rate.
      const weightDecay = 10 ** uniform(DECAY_EXPONENTS);
      const lr = 10 ** uniform(LR_EXPONENTS);
      const label = `trial ${i + 1}/${settings.trials} (lr ${short(lr)}, weight decay ${short(weightDecay)})`;
      const config = {
        optimizer: { name: "sgd", args: { lr } },
        batchSize: settings.batchSize,
        iters: settings.epochs * stepsPerEpoch,
        seed: ctx.seed + i,
        weightDecay,
      };
      const run = trainRun(ctx, g, exe, { train, val }, config, { label });
      const last = run.epochs.at(-1);
      trials.push({ lr, weightDecay, run, valAccuracy: last?.valAccuracy ?? 0, trainAccuracy: last?.trainAccuracy ?? 0 });
    }
    const ranked = [...trials].sort((a, b) => b.valAccuracy - a.valAccuracy);

    ctx.figure(
      "best.svg",
      await smallMultiples({
        title: `The best ${Math.min(settings.shown, ranked.length)} of ${settings.trials} trials: validation (solid) and training (dashed) accuracy`,
        x: "epochs",
        y: "accuracy",
        yDomain: [0, 1],
        columns: 5,
        width: 175,
        height: 90,
        panels: ranked.slice(0, settings.shown).map((t, i) => ({
          title: `Best-${i + 1}: lr ${short(t.lr)}, wd ${short(t.weightDecay)}`,
          curves: [
            { name: "validation", points: accuracyPoints(t.run, "valAccuracy") },
            { name: "train", dashed: true, points: accuracyPoints(t.run, "trainAccuracy") },
          ],
        })),
      }),
    );
    ctx.figure(
      "trials.svg",
      await logScatter({
        title: `${settings.trials} random trials: final validation accuracy`,
        x: "learning rate",
        y: "weight decay λ",
        value: "validation accuracy",
        points: trials.map((t) => ({ x: t.lr, y: t.weightDecay, value: t.valAccuracy })),
        xExponents: LR_EXPONENTS,
        yExponents: DECAY_EXPONENTS,
      }),
    );

    const top = ranked.slice(0, Math.max(1, Math.round(ranked.length / 10)));
    const bottomHalf = ranked.slice(Math.ceil(ranked.length / 2));
    const claims: Claim[] = [
      {
        claim: "the learning rate decides: the best trials have learning rates of about 1e-3 to 1e-2",
        holds: top.every((t) => t.lr >= 1e-3),
        evidence: `the best ${top.length}: ${top.map((t) => `lr ${short(t.lr)} (val ${t.valAccuracy.toFixed(2)})`).join(", ")}; the worst half's largest lr is ${short(Math.max(...bottomHalf.map((t) => t.lr)))}`,
      },
      {
        claim: "within 1e-8 to 1e-4, the weight decay matters little beside the learning rate",
        holds: top.some((t) => t.weightDecay < 1e-6) && top.some((t) => t.weightDecay > 1e-6),
        evidence: `weight decay of the best ${top.length}: ${top.map((t) => short(t.weightDecay)).join(", ")}`,
      },
    ];
    const results = {
      trials: ranked.map((t, i) => ({
        rank: i + 1,
        lr: t.lr,
        weightDecay: t.weightDecay,
        valAccuracy: t.valAccuracy,
        trainAccuracy: t.trainAccuracy,
        valCurve: t.run.epochs.map((e) => e.valAccuracy ?? null),
        trainCurve: t.run.epochs.map((e) => e.trainAccuracy ?? null),
      })),
    };
    return {
      settings: {
        model: "models/multi_layer_net.nn",
        set,
        ...settings,
        train: train.rows,
        validation: val.rows,
        lrExponents: LR_EXPONENTS,
        weightDecayExponents: DECAY_EXPONENTS,
        optimizer: "sgd",
        seed: ctx.seed,
      },
      results,
      claims,
    };
  },
};
