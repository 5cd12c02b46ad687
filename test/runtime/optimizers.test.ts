// The optimizers against the book's formulas: a few steps computed by hand (the numbers written out,
// or the book's update written again on plain scalars), the book's f(x, y) = x²/20 + y² experiment
// (optimizer_compare_naive.py), and the registry.
import { describe, expect, it } from "vitest";
import { createOptimizer, optimizerNames } from "../../src/runtime/optimizer-registry.js";
import type { Params } from "../../src/runtime/optimizers.js";

/** Runs an optimizer on params {a: [a0], b: [b0]} with the given gradients per step; returns the params after each step. */
function trajectory(name: string, args: Record<string, number>, start: [number, number], grads: [number, number][]): [number, number][] {
  const opt = createOptimizer(name, args);
  const params: Params = { a: Float64Array.of(start[0]), b: Float64Array.of(start[1]) };
  const state = opt.init(params);
  const out: [number, number][] = [];
  grads.forEach(([ga, gb], i) => {
    expect(opt.update(params, { a: Float64Array.of(ga), b: Float64Array.of(gb) }, state, i + 1)).toBe(state);
    out.push([params.a![0]!, params.b![0]!]);
  });
  return out;
}

const G: [number, number][] = [
  [0.5, -0.25],
  [-1, 2],
  [0.3, 0.7],
  [2.5, -0.1],
  [-0.05, 1.5],
];

function expectClose(actual: [number, number][], expected: [number, number][], digits = 12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((p, i) => {
    expect(p[0]).toBeCloseTo(expected[i]![0], digits);
    expect(p[1]).toBeCloseTo(expected[i]![1], digits);
  });
}

/** The book's updates (common/optimizer.py) again, on one scalar at a time: the oracle. */
const book = {
  sgd: (lr: number) => (p: number, g: number) => p - lr * g,
  momentum: (lr: number, m = 0.9) => {
    let v = 0;
    return (p: number, g: number) => {
      v = m * v - lr * g;
      return p + v;
    };
  },
  nesterov: (lr: number, m = 0.9) => {
    let v = 0;
    return (p: number, g: number) => {
      v *= m;
      v -= lr * g;
      p += m * m * v;
      return p - (1 + m) * lr * g;
    };
  },
  adagrad: (lr: number) => {
    let h = 0;
    return (p: number, g: number) => {
      h += g * g;
      return p - (lr * g) / (Math.sqrt(h) + 1e-7);
    };
  },
  rmsprop: (lr: number, decay = 0.99) => {
    let h = 0;
    return (p: number, g: number) => {
      h *= decay;
      h += (1 - decay) * g * g;
      return p - (lr * g) / (Math.sqrt(h) + 1e-7);
    };
  },
  adam: (lr: number, b1 = 0.9, b2 = 0.999, wd = 0) => {
    let m = 0;
    let v = 0;
    let iter = 0;
    return (p: number, g: number) => {
      iter += 1;
      const lrT = (lr * Math.sqrt(1 - b2 ** iter)) / (1 - b1 ** iter);
      m += (1 - b1) * (g - m);
      v += (1 - b2) * (g ** 2 - v);
      return p - (lrT * m) / (Math.sqrt(v) + 1e-7) - lr * wd * p;
    };
  },
};

function oracle(
  makeA: (p: number, g: number) => number,
  makeB: (p: number, g: number) => number,
  start: [number, number],
): [number, number][] {
  let [a, b] = start;
  return G.map(([ga, gb]) => {
    a = makeA(a, ga);
    b = makeB(b, gb);
    return [a, b];
  });
}

describe("each optimizer, a few steps by hand", () => {
  it("SGD: p -= lr g", () => {
    expectClose(trajectory("sgd", { lr: 0.1 }, [1, -2], G.slice(0, 2)), [
      [0.95, -1.975],
      [1.05, -2.175],
    ]);
    expectClose(trajectory("sgd", { lr: 0.1 }, [1, -2], G), oracle(book.sgd(0.1), book.sgd(0.1), [1, -2]));
  });

  it("Momentum: v = 0.9 v - lr g; p += v", () => {
    // step 1: v = -0.1 g1 = (-0.05, 0.025); step 2: v = 0.9 v - 0.1 g2 = (0.055, -0.1775)
    expectClose(trajectory("momentum", { lr: 0.1 }, [1, -2], G.slice(0, 2)), [
      [0.95, -1.975],
      [1.005, -2.1525],
    ]);
    expectClose(trajectory("momentum", { lr: 0.1 }, [1, -2], G), oracle(book.momentum(0.1), book.momentum(0.1), [1, -2]));
  });

  it("Nesterov: v = 0.9 v - lr g; p += 0.81 v - 1.9 lr g (the book's form)", () => {
    // step 1: p += 0.81 (-0.05, 0.025) - 0.19 (0.5, -0.25) = (-0.1355, 0.06775)
    // step 2: p += 0.81 (0.055, -0.1775) - 0.19 (-1, 2) = (0.23455, -0.523775)
    expectClose(trajectory("nesterov", { lr: 0.1 }, [1, -2], G.slice(0, 2)), [
      [0.8645, -1.93225],
      [1.09905, -2.456025],
    ]);
    expectClose(trajectory("nesterov", { lr: 0.1 }, [1, -2], G), oracle(book.nesterov(0.1), book.nesterov(0.1), [1, -2]));
  });

  it("AdaGrad: h += g²; p -= lr g / (√h + 1e-7)", () => {
    // step 1: h = (0.25, 0.0625), so the step is lr · sign(g) up to eps; step 2: h = (1.25, 4.0625)
    const a1 = 1 - (0.1 * 0.5) / (0.5 + 1e-7);
    const b1 = -2 + (0.1 * 0.25) / (0.25 + 1e-7);
    expectClose(trajectory("adagrad", { lr: 0.1 }, [1, -2], G.slice(0, 2)), [
      [a1, b1],
      [a1 + 0.1 / (Math.sqrt(1.25) + 1e-7), b1 - 0.2 / (Math.sqrt(4.0625) + 1e-7)],
    ]);
    expect(a1).toBeCloseTo(0.9, 6);
    expectClose(trajectory("adagrad", { lr: 0.1 }, [1, -2], G), oracle(book.adagrad(0.1), book.adagrad(0.1), [1, -2]));
  });

  it("RMSprop: h = 0.99 h + 0.01 g²; p -= lr g / (√h + 1e-7)", () => {
    // step 1: √h = 0.1 |g|, so the step is lr / 0.1 = 1 in the direction of -g (up to eps)
    const [first] = trajectory("rmsprop", { lr: 0.1 }, [1, -2], G.slice(0, 1));
    expect(first![0]).toBeCloseTo(0, 5);
    expect(first![1]).toBeCloseTo(-1, 5);
    expectClose(trajectory("rmsprop", { lr: 0.1 }, [1, -2], G), oracle(book.rmsprop(0.1), book.rmsprop(0.1), [1, -2]));
    expectClose(
      trajectory("rmsprop", { lr: 0.05, decay: 0.9 }, [1, -2], G),
      oracle(book.rmsprop(0.05, 0.9), book.rmsprop(0.05, 0.9), [1, -2]),
    );
  });

  it("Adam: bias-corrected, so the first step is lr · sign(g)", () => {
    // step 1: lr_t = lr √0.001 / 0.1, m = 0.1 g, √v = √0.001 |g|, so lr_t m / √v = lr sign(g)
    const [first] = trajectory("adam", { lr: 0.1 }, [1, -2], G.slice(0, 1));
    expect(first![0]).toBeCloseTo(0.9, 5);
    expect(first![1]).toBeCloseTo(-1.9, 5);
    expectClose(trajectory("adam", { lr: 0.1 }, [1, -2], G), oracle(book.adam(0.1), book.adam(0.1), [1, -2]));
    const custom = { lr: 0.02, beta1: 0.5, beta2: 0.9 };
    expectClose(trajectory("adam", custom, [1, -2], G), oracle(book.adam(0.02, 0.5, 0.9), book.adam(0.02, 0.5, 0.9), [1, -2]));
  });

  it("AdamW: Adam plus lr · weight_decay · p, only on the params the context says decay", () => {
    // step 1: Adam's lr · sign(g) plus 0.1 · 0.5 · p = (1 - 0.1 - 0.05, -2 + 0.1 + 0.1)
    const [first] = trajectory("adamw", { lr: 0.1, weight_decay: 0.5 }, [1, -2], G.slice(0, 1));
    expect(first![0]).toBeCloseTo(0.85, 5);
    expect(first![1]).toBeCloseTo(-1.8, 5);
    expectClose(
      trajectory("adamw", { lr: 0.1, weight_decay: 0.5 }, [1, -2], G),
      oracle(book.adam(0.1, 0.9, 0.999, 0.5), book.adam(0.1, 0.9, 0.999, 0.5), [1, -2]),
    );
    const opt = createOptimizer("adamw", { lr: 0.1, weight_decay: 0.5 }, { decays: (name) => name === "W" });
    const params = { W: Float64Array.of(1), b: Float64Array.of(1) };
    opt.update(params, { W: Float64Array.of(0.5), b: Float64Array.of(0.5) }, opt.init(params), 1);
    expect(params.W[0]).toBeCloseTo(0.85, 5);
    expect(params.b[0]).toBeCloseTo(0.9, 5);
  });

  it("works in place on float32 params, with float32 state, close to the float64 oracle", () => {
    for (const name of optimizerNames().slice(0, 7)) {
      const opt = createOptimizer(name, { lr: 0.01 });
      const params = { w: Float32Array.of(1, -2, 3) };
      const w = params.w;
      const state = opt.init(params) as Record<string, Params>;
      for (const slot of Object.values(state)) expect(slot.w).toBeInstanceOf(Float32Array);
      for (let step = 1; step <= 5; step++) opt.update(params, { w: Float32Array.of(0.5, -1, 0.25) }, state, step);
      expect(params.w).toBe(w);
      const ref = trajectory(
        name,
        { lr: 0.01 },
        [1, -2],
        Array.from({ length: 5 }, (): [number, number] => [0.5, -1]),
      ).at(-1)!;
      expect(w[0]).toBeCloseTo(ref[0], 5);
      expect(w[1]).toBeCloseTo(ref[1], 5);
    }
  });

  it("a missing or misshapen gradient is a clear error", () => {
    const opt = createOptimizer("sgd");
    const params = { W: new Float64Array(3) };
    expect(() => opt.update(params, {}, opt.init(params), 1)).toThrow(/no gradient for param "W"/);
    expect(() => opt.update(params, { W: new Float64Array(2) }, opt.init(params), 1)).toThrow(
      /the gradient of "W" has 2 values, the param 3/,
    );
    expect(() => createOptimizer("adam").update(params, { W: new Float64Array(3) }, createOptimizer("adam").init(params), 0)).toThrow(
      /step counts from 1/,
    );
  });
});
