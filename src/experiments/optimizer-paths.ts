// The book's optimizer_compare_naive.py (ch. 6, "Which Update Technique Should We Use?"):
// SGD, Momentum, AdaGrad and Adam on f(x, y) = x²/20 + y² from (-7, 2), 30 updates each with the
// book's learning rates, drawn over the function's level lines. The function is
// models/elongated_bowl.nn; the optimizers are the registry's.
import { pathPanels, type XY } from "./charts.js";
import { surface } from "./surface.js";
import type { Claim, Experiment } from "./types.js";

/** The book's learning rates for this figure. */
const OPTIMIZERS = [
  { name: "sgd", label: "SGD", lr: 0.95 },
  { name: "momentum", label: "Momentum", lr: 0.1 },
  { name: "adagrad", label: "AdaGrad", lr: 1.5 },
  { name: "adam", label: "Adam", lr: 0.3 },
] as const;
const STEPS = 30;
const X_DOMAIN = [-10, 10] as const;
const Y_DOMAIN = [-5, 5] as const;
const LEVELS = [0.1, 0.5, 1, 2, 3, 4, 5, 6, 7];

const signChanges = (v: readonly number[]) => v.slice(1).filter((b, i) => Math.sign(b) !== Math.sign(v[i]!)).length;
const travel = (v: readonly number[]) => v.slice(1).reduce((sum, b, i) => sum + Math.abs(b - v[i]!), 0);
const dist = (p: XY) => Math.hypot(p.x, p.y);

export const optimizerPathsExperiment: Experiment = {
  name: "optimizer-paths",
  summary: "SGD, Momentum, AdaGrad and Adam on f(x, y) = x²/20 + y² from (-7, 2): paths over contours",
  book: "ch. 6, Updating Parameters (optimizer_compare_naive.py)",
  async run(ctx) {
    const g = ctx.model("elongated_bowl.nn");
    const s = surface(g, await ctx.executable(g, "f64"), ctx.seed);
    const lines = s.contours(X_DOMAIN, Y_DOMAIN, ctx.quick ? 41 : 81, LEVELS);
    const runs = OPTIMIZERS.map((o) => {
      const path = s.descend(o.name, { lr: o.lr }, STEPS);
      const end = path.at(-1)!;
      ctx.log(`${o.label} (lr ${o.lr}): ends at (${end.x.toFixed(3)}, ${end.y.toFixed(3)}), f = ${s.value(end.x, end.y).toFixed(4)}`);
      return {
        ...o,
        path,
        end,
        f: s.value(end.x, end.y),
        ySignChanges: signChanges(path.map((p) => p.y)),
        yTravel: travel(path.map((p) => p.y)),
        maxX: Math.max(...path.map((p) => p.x)),
      };
    });
    ctx.figure(
      "paths.svg",
      await pathPanels(
        `f(x, y) = x²/20 + y² from (${s.start.x}, ${s.start.y}), ${STEPS} updates`,
        runs.map((r) => ({
          title: `${r.label} (lr ${r.lr})`,
          lines,
          path: r.path,
          pathName: `${r.label} path`,
          xDomain: X_DOMAIN,
          yDomain: Y_DOMAIN,
          xTitle: "x",
          yTitle: "y",
          minimum: { x: 0, y: 0 },
        })),
        2,
      ),
    );

    const [sgd, momentum, adagrad, adam] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    const others = [momentum, adagrad, adam];
    const claims: Claim[] = [
      {
        claim: "every optimizer gets near the minimum (0, 0) in 30 updates",
        holds: runs.every((r) => dist(r.end) < 1),
        evidence: runs.map((r) => `${r.label} ends ${dist(r.end).toFixed(3)} from (0, 0)`).join(", "),
      },
      {
        claim: "SGD zigzags: y flips sign at almost every update",
        holds: sgd.ySignChanges >= STEPS - 2 && others.every((o) => travel(o.path.map((p) => p.y)) * 3 < sgd.yTravel),
        evidence: `SGD's y changes sign ${sgd.ySignChanges} times and travels ${sgd.yTravel.toFixed(1)} vertically; the others travel ${others.map((o) => o.yTravel.toFixed(1)).join(", ")}`,
      },
      {
        claim: "Momentum rolls like a ball in a bowl, overshooting the minimum along x",
        holds: momentum.maxX > 0.5,
        evidence: `Momentum's x reaches ${momentum.maxX.toFixed(2)}`,
      },
      {
        claim: "AdaGrad goes straight in: the large early y steps shrink, with no zigzag",
        holds: adagrad.ySignChanges === 0,
        evidence: `AdaGrad's y changes sign ${adagrad.ySignChanges} times; it ends ${dist(adagrad.end).toFixed(3)} from (0, 0)`,
      },
      {
        claim: "Adam rolls like Momentum but with smaller swings",
        holds: adam.maxX < momentum.maxX && adam.yTravel < momentum.yTravel,
        evidence: `largest x: Adam ${adam.maxX.toFixed(2)}, Momentum ${momentum.maxX.toFixed(2)}; vertical travel: Adam ${adam.yTravel.toFixed(2)}, Momentum ${momentum.yTravel.toFixed(2)}`,
      },
    ];
    const results = {
      runs: runs.map((r) => ({
        optimizer: r.name,
        lr: r.lr,
        end: r.end,
        f: r.f,
        distance: dist(r.end),
        ySignChanges: r.ySignChanges,
        yTravel: r.yTravel,
        maxX: r.maxX,
        path: r.path.map((p) => [p.x, p.y]),
      })),
    };
    return { settings: { model: "models/elongated_bowl.nn", start: s.start, steps: STEPS, optimizers: OPTIMIZERS }, results, claims };
  },
};
