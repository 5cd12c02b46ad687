// Math the compiled modules need beyond `Math`: erf, for the exact GELU.
//
// Accuracy: relative error below 4e-16 (two ulps) over all of float64; test/prelude-math.test.ts
// checks it against 25-digit mpmath values (the largest error there is 2.9e-16). For |x| < 2 the series
//   erf(x) = 2/√π · e^(-x²) · Σ_n 2^n x^(2n+1) / (1·3·…·(2n+1))
// has only positive terms (no cancellation); x² is split exactly (Dekker) so e^(-x²) loses no
// digits to the rounding of x². For |x| >= 2, erf = 1 - erfc with erfc from its continued
// fraction (Lentz), where erfc < 4.7e-3 scales its own error down; beyond 6, erf = ±1.

/** The error function, in float64. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a >= 6) return x > 0 ? 1 : -1;
  if (a < 1e-10) return x * 1.1283791670955126; // 2/√π x: the next term is below an ulp
  // a² = hi + lo exactly (Dekker's split of a into 26-bit halves).
  const split = a * 134217729;
  const ah = split - (split - a);
  const al = a - ah;
  const hi = a * a;
  const lo = ah * ah - hi + 2 * ah * al + al * al;
  const gauss = Math.exp(-hi) * (1 - lo);
  let r: number;
  if (a < 2) {
    let term = a;
    let sum = a;
    const a2 = 2 * a * a;
    for (let n = 1; term > sum * 1e-17; n++) {
      term *= a2 / (2 * n + 1);
      sum += term;
    }
    r = 1.1283791670955126 * gauss * sum;
  } else {
    // erfc(a) = e^(-a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated by Lentz's method.
    const tiny = 1e-300;
    let f = a;
    let c = a;
    let d = 0;
    for (let k = 1; k < 200; k++) {
      const coef = k / 2;
      d = a + coef * d;
      d = d === 0 ? 1 / tiny : 1 / d;
      c = a + coef / c;
      if (c === 0) c = tiny;
      const delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-17) break;
    }
    r = 1 - (0.5641895835477563 * gauss) / f;
  }
  return x < 0 ? -r : r;
}
