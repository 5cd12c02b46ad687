// Numerical differentiation, as in the book's chapter 4: the oracle every gradient is checked
// against.
//
// Why the central difference (f(x+h) - f(x-h)) / 2h: its error is O(h²), where the forward
// difference (f(x+h) - f(x)) / h has error O(h). Why h = 1e-4, the book's choice: a smaller h
// loses digits to rounding (the error is about ε·|f|/h, ε = 2.2e-16 in float64, and 1e-50 even
// rounds to 0 in float32), a larger one to truncation (about h²·|f'''|/6); 1e-4 balances the two
// well in float64 (about 1e-8 to 1e-12 either way for the functions here).

export const DEFAULT_H = 1e-4;

/** df/dx at x, by central difference. */
export function numericalDiff(f: (x: number) => number, x: number, h = DEFAULT_H): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

/**
 * The gradient of f at x, one coordinate at a time, as the book's numerical_gradient: each x[i]
 * is nudged in place by ±h and restored, so f must read x when called.
 */
export function numericalGradient(f: (x: Float64Array) => number, x: Float64Array, h = DEFAULT_H): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) grad[i] = numericalPartial(f, x, i, h);
  return grad;
}

/** ∂f/∂x[i] at x by central difference; x is restored afterwards. */
export function numericalPartial(f: (x: Float64Array) => number, x: Float64Array, i: number, h = DEFAULT_H): number {
  const saved = x[i]!;
  x[i] = saved + h;
  const plus = f(x);
  x[i] = saved - h;
  const minus = f(x);
  x[i] = saved;
  return (plus - minus) / (2 * h);
}

/** The book's gradient_descent: x <- x - lr·∇f(x), step_num times, with the numerical gradient. */
export function gradientDescent(
  f: (x: Float64Array) => number,
  init: ArrayLike<number>,
  lr = 0.01,
  steps = 100,
  onStep?: (x: Float64Array, step: number) => void,
): Float64Array {
  const x = Float64Array.from(init);
  onStep?.(x, 0);
  for (let s = 1; s <= steps; s++) {
    const g = numericalGradient(f, x);
    for (let i = 0; i < x.length; i++) x[i]! -= lr * g[i]!;
    onStep?.(x, s);
  }
  return x;
}

/**
 * Relative error |a - n| / max(|a|, |n|, floor). Below `floor` in magnitude the comparison is in
 * effect absolute: there the central difference's own rounding error is as large as the values,
 * so a relative error would measure noise. `noiseFloor` gives the floor for a function value.
 */
export function relativeError(analytic: number, numeric: number, floor: number): number {
  const diff = Math.abs(analytic - numeric);
  if (diff === 0) return 0;
  return diff / Math.max(Math.abs(analytic), Math.abs(numeric), floor);
}

/**
 * The magnitude below which a numerical derivative of f is mostly rounding noise: f(x ± h) each
 * carry an error of about k·ε·|f| (k, the number of roundings, reaches 100 in a deep model), so
 * their difference over 2h is noise of about 50·ε·|f|/h ≈ 1e-10·|f| at h = 1e-4. Comparing values
 * below 1e-3·max(1, |f|) absolutely keeps that noise 10x under a 1e-6 relative tolerance.
 */
export function noiseFloor(f: number): number {
  return 1e-3 * Math.max(1, Math.abs(f));
}
