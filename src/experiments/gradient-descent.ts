// The book's gradient method (ch. 4, gradient_method.py): f(x0, x1) = x0² + x1² from (-3, 4),
// 100 steps of x <- x - lr·∇f(x). With lr 0.1 it reaches the minimum (0, 0); with lr 10 it
// diverges; with lr 1e-10 it barely moves. The gradient comes from nnc's autodiff of
// models/function_2.nn; the book's numerical gradient of the same model is run beside it, and
// explains the book's odd lr-10 result (-2.6e13, not the exact (-19)^100·x0).
import { DEFAULT_H, gradientDescent, numericalGradient } from "../numeric.js";
import { curvePlot, pathPlot, type XY } from "./charts.js";
import { surface } from "./surface.js";
import type { Claim, Experiment } from "./types.js";

const LEARNING_RATES = [0.1, 10, 1e-10] as const;
const STEPS = 100;
/** The book's points for the gradient (ch. 4, numerical_gradient examples) and its answers. */
const GRADIENT_POINTS = [
  { at: [3, 4], book: [6, 8] },
  { at: [0, 2], book: [0, 4] },
  { at: [3, 0], book: [6, 0] },
] as const;

const norm = (p: XY) => Math.hypot(p.x, p.y);

export const gradientDescentExperiment: Experiment = {
  name: "gradient-descent",
  summary: "f(x0, x1) = x0² + x1² from (-3, 4): the gradient method with lr 0.1, 10 and 1e-10",
  book: "ch. 4, Gradient Method (gradient_method.py)",
  async run(ctx) {
    const g = ctx.model("function_2.nn");
    // float64, as numpy: with float32, lr 1e-10 could not move -3 at all (its ulp is 2.4e-7).
    const exe = await ctx.executable(g, "f64");
    const s = surface(g, exe, ctx.seed);
    const f = (x: Float64Array) => s.value(x[0]!, x[1]!);

    // 1. The gradient at the book's points: autodiff against the book's central difference.
    const gradients = GRADIENT_POINTS.map(({ at, book }) => {
      const params = { [s.names[0]]: Float64Array.of(at[0]), [s.names[1]]: Float64Array.of(at[1]) };
      const { grads } = exe.lossAndGrads(params, {});
      const autodiff = [grads[s.names[0]]![0]!, grads[s.names[1]]![0]!];
      const numerical = [...numericalGradient(f, Float64Array.from(at))];
      return { at, book, autodiff, numerical };
    });

    // 2. The three learning rates, with the exact gradient and with the book's numerical one.
    const runs = LEARNING_RATES.map((lr) => {
      const path = s.descend("sgd", { lr }, STEPS);
      const numericalPath: XY[] = [];
      gradientDescent(f, [s.start.x, s.start.y], lr, STEPS, (x) => void numericalPath.push({ x: x[0]!, y: x[1]! }));
      ctx.log(`lr ${lr}: (${fmt(path.at(-1)!.x)}, ${fmt(path.at(-1)!.y)})`);
      return { lr, final: path.at(-1)!, finalNumerical: numericalPath.at(-1)!, path, numericalPath };
    });
    const [good, big, tiny] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];

    // 3. Figures: the lr-0.1 path over the level lines (the book's figure), and |x| per step.
    const radius = 4.5;
    const levels = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5].map((r) => r * r);
    ctx.figure(
      "path.svg",
      await pathPlot({
        title: `Gradient descent on f(x0, x1) = x0² + x1², lr ${good.lr}, ${STEPS} steps`,
        lines: s.contours([-radius, radius], [-radius, radius], ctx.quick ? 31 : 81, levels),
        path: good.path,
        pathName: `path from (${s.start.x}, ${s.start.y}), lr ${good.lr}`,
        xDomain: [-radius, radius],
        yDomain: [-radius, radius],
        xTitle: "x0",
        yTitle: "x1",
        minimum: { x: 0, y: 0 },
      }),
    );
    ctx.figure(
      "distance.svg",
      await curvePlot({
        title: "Distance to the minimum (0, 0) for three learning rates",
        x: "step",
        y: "|x| (log scale)",
        logY: true,
        curves: runs.flatMap((r) => [
          { name: `lr ${r.lr}`, style: "autodiff gradient (nnc)", points: r.path.map((p, i) => ({ x: i, y: Math.max(norm(p), 1e-300) })) },
          {
            name: `lr ${r.lr}`,
            style: "numerical gradient (the book's)",
            points: r.numericalPath.map((p, i) => ({ x: i, y: Math.max(norm(p), 1e-300) })),
          },
        ]),
      }),
    );

    const gradientsAgree = gradients.every((r) =>
      r.autodiff.every((v, i) => Math.abs(v - r.book[i]!) < 1e-9 && Math.abs(r.numerical[i]! - r.book[i]!) < 1e-6),
    );
    const claims: Claim[] = [
      {
        claim: "the gradient at (3, 4), (0, 2), (3, 0) is (6, 8), (0, 4), (6, 0)",
        holds: gradientsAgree,
        evidence: gradients.map((r) => `(${r.at}): autodiff (${r.autodiff.map(fmt)}), numerical (${r.numerical.map(fmt)})`).join("; "),
      },
      {
        claim: "lr 0.1 reaches the minimum (0, 0)",
        holds: norm(good.final) < 1e-6,
        evidence: `after ${STEPS} steps: (${fmt(good.final.x)}, ${fmt(good.final.y)}); the book: (-6.11e-10, 8.15e-10)`,
      },
      {
        claim: "lr 10 diverges",
        holds: norm(big.final) > 1e10,
        evidence: `after ${STEPS} steps: (${fmt(big.final.x)}, ${fmt(big.final.y)}); the book: (-2.58e13, -1.30e12), with the numerical gradient: (${fmt(big.finalNumerical.x)}, ${fmt(big.finalNumerical.y)})`,
      },
      {
        claim: "lr 1e-10 barely moves",
        holds: Math.hypot(tiny.final.x - s.start.x, tiny.final.y - s.start.y) < 1e-6,
        evidence: `after ${STEPS} steps: (${tiny.final.x.toFixed(8)}, ${tiny.final.y.toFixed(8)}); the book: (-2.99999994, 3.99999992)`,
      },
    ];
    const results = {
      gradients,
      runs: runs.map((r) => ({
        lr: r.lr,
        final: r.final,
        finalNumerical: r.finalNumerical,
        distance: norm(r.final),
        path: r.path.map((p) => [p.x, p.y]),
      })),
    };
    return {
      settings: { model: "models/function_2.nn", start: s.start, steps: STEPS, learningRates: LEARNING_RATES, h: DEFAULT_H },
      results,
      claims,
    };
  },
};

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toFixed(6)));
}
