// The book's chapter 4, reproduced: numerical differentiation, gradients, gradient descent and
// simpleNet's gradient, with the book's printed numbers.
import { describe, expect, it } from "vitest";
import { differentiate } from "../src/graph/autodiff.js";
import { run } from "../src/graph/interpret.js";
import { tensor } from "../src/graph/tensor.js";
import { gradientDescent, numericalDiff, numericalGradient } from "../src/numeric.js";
import { graphOfFile, MODELS_DIR } from "./support/models.js";

const function1 = (x: number) => 0.01 * x * x + 0.1 * x;
const function2 = (x: Float64Array) => x[0]! * x[0]! + x[1]! * x[1]!;

describe("numerical differentiation (book ch. 4)", () => {
  // The book's printed digits agree to about 1e-11 (the central difference's own rounding error);
  // the last digits depend on the order numpy rounds in.
  it("differentiates 0.01x² + 0.1x at 5 and 10 as the book prints (true values 0.2 and 0.3)", () => {
    expect(numericalDiff(function1, 5)).toBeCloseTo(0.1999999999990898, 11);
    expect(numericalDiff(function1, 10)).toBeCloseTo(0.2999999999986347, 11);
  });

  it("gives the gradient of x0² + x1² at (3, 4), (0, 2) and (3, 0)", () => {
    expect([...numericalGradient(function2, Float64Array.of(3, 4))].map((v) => +v.toFixed(9))).toEqual([6, 8]);
    expect([...numericalGradient(function2, Float64Array.of(0, 2))].map((v) => +v.toFixed(9))).toEqual([0, 4]);
    expect([...numericalGradient(function2, Float64Array.of(3, 0))].map((v) => +v.toFixed(9))).toEqual([6, 0]);
    // The book's unrounded values: 6.00000000000037801, 7.9999999999991189.
    const g = numericalGradient(function2, Float64Array.of(3, 4));
    expect(Math.abs(g[0]! - 6.000000000000378)).toBeLessThan(1e-11);
    expect(Math.abs(g[1]! - 7.999999999999119)).toBeLessThan(1e-11);
  });

  it("restores x after nudging each coordinate", () => {
    const x = Float64Array.of(3, 4);
    numericalGradient(function2, x);
    expect([...x]).toEqual([3, 4]);
  });
});

describe("gradient descent (book ch. 4)", () => {
  it("reaches (0, 0) from (-3, 4) with lr 0.1 in 100 steps", () => {
    const x = gradientDescent(function2, [-3, 4], 0.1, 100);
    expect(Math.abs(x[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(x[1]!)).toBeLessThan(1e-6);
    // The book prints [-6.11110793e-10, 8.14814391e-10].
    expect(x[0]).toBeCloseTo(-6.11110793e-10, 15);
    expect(x[1]).toBeCloseTo(8.14814391e-10, 15);
  });

  it("diverges with lr 10", () => {
    const x = gradientDescent(function2, [-3, 4], 10, 100);
    expect(Math.hypot(x[0]!, x[1]!)).toBeGreaterThan(1e10);
  });

  it("barely moves with lr 1e-10 (the book: [-2.99999994, 3.99999992])", () => {
    const x = gradientDescent(function2, [-3, 4], 1e-10, 100);
    expect(x[0]).toBeCloseTo(-2.99999994, 8);
    expect(x[1]).toBeCloseTo(3.99999992, 8);
  });
});

describe("simpleNet (book ch. 4)", () => {
  // The book's printed weights, input and label.
  const W = [0.47355232, 0.9977393, 0.84668094, 0.85557411, 0.03563661, 0.69422093];
  const feeds = { x: tensor([1, 2], [0.6, 0.9]), t: tensor([1, 3], [0, 0, 1]), W: tensor([2, 3], W) };
  const g = differentiate(graphOfFile(`${MODELS_DIR}/simple_net.nn`));

  it("predicts and scores like the book", () => {
    const r = run(g, feeds);
    // p = x·W = [1.05414809, 0.63071653, 1.1328074]; softmax keeps the argmax, 2.
    const y = [...r.outputs.y!.data];
    expect(y.indexOf(Math.max(...y))).toBe(2);
    // The book's loss is 0.92806853663411326 with its 1e-7 inside the log; the fused loss
    // drops it, which moves the value by less than 1e-6.
    expect(Math.abs(r.loss! - 0.92806853663411326)).toBeLessThan(1e-6);
  });

  it("has the gradient the book computes numerically", () => {
    const dW = [...run(g, feeds).grads.W!.data];
    const book = [0.21924763, 0.14356247, -0.36281009, 0.32887144, 0.2153437, -0.54421514];
    dW.forEach((v, i) => expect(v).toBeCloseTo(book[i]!, 7));
    // And the analytic gradient matches our own numerical one to 1e-9.
    const w = Float64Array.from(W);
    const numeric = numericalGradient((ww) => run(g, { ...feeds, W: tensor([2, 3], ww) }).loss!, w);
    numeric.forEach((v, i) => expect(Math.abs(v - dW[i]!)).toBeLessThan(1e-9));
  });
});
