import { describe, expect, it } from "vitest";
import { PRELUDE_PARTS } from "../src/codegen/prelude-parts/index.generated.js";
import { erf } from "../src/prelude/math.js";

// Reference values: mpmath.erf at 30 significant digits, rounded to 25, as decimal strings
// (float64 literals would round them). Errors are measured exactly, in BigInt fixed point. The
// float64 x differs from the decimal by under 1e-17 relative, which moves erf by less than that.
const REFERENCE: readonly [number, string][] = [
  [1e-8, "0.0000000112837916709551253628352"],
  [0.001, "0.001128378790969236379948478"],
  [0.1, "0.1124629160182848922032751"],
  [0.5, "0.5204998778130465376827467"],
  [0.8, "0.7421009647076604861671106"],
  [1, "0.8427007929497148693412206"],
  [1.5, "0.9661051464753107270669763"],
  [2, "0.9953222650189527341620693"],
  [2.5, "0.9995930479825550410604358"],
  [2.9, "0.9999589021219005411643161"],
  [3, "0.9999779095030014145586272"],
  [3.5, "0.9999992569016276585872545"],
  [4, "0.9999999845827420997199811"],
  [5, "0.999999999998462540205572"],
  [6, "0.9999999999999999784802633"],
];

const DIGITS = 40;

/** A positive decimal string times 10^40, as an integer. */
function scaled(s: string): bigint {
  const [whole, frac = ""] = s.split(".");
  return BigInt(whole! + frac.padEnd(DIGITS, "0").slice(0, DIGITS));
}

/** A positive double's exact value times 10^40 (to the nearest integer below). */
function exactScaled(d: number): bigint {
  let m = d;
  let e = 0n;
  while (!Number.isInteger(m)) [m, e] = [m * 2, e + 1n]; // doubling is exact
  return (BigInt(m) * 10n ** BigInt(DIGITS)) / 2n ** e;
}

function relativeError(got: number, ref: string): number {
  return Math.abs(Number(exactScaled(got) - scaled(ref))) / Number(scaled(ref));
}

describe("erf", () => {
  it.each(REFERENCE)("erf(±%s) is within 4e-16 relative of the 25-digit value", (x, ref) => {
    // 4e-16 is under two ulps of float64 (ε = 2.2e-16): the stated accuracy of src/prelude/math.ts.
    expect(relativeError(erf(x), ref)).toBeLessThan(4e-16);
    expect(relativeError(-erf(-x), ref)).toBeLessThan(4e-16);
  });
  it("is odd, saturates to ±1 and passes NaN through", () => {
    expect(erf(0)).toBe(0);
    expect(erf(40)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });
});

describe("the compiled modules' erf (src/prelude/math.ts, inlined by scripts/gen-prelude.mjs)", () => {
  it("is the prelude's erf, bit for bit", () => {
    const moduleErf = new Function(`${PRELUDE_PARTS.math!.code.text}\nreturn erf;`)() as (x: number) => number;
    for (let x = -7; x <= 7; x += 0.0137) expect(Object.is(moduleErf(x), erf(x)), `erf(${x})`).toBe(true);
    for (const x of [0, -0, 1e-12, 1.9999999, 2, 6, Infinity, -Infinity, NaN])
      expect(Object.is(moduleErf(x), erf(x)), `erf(${x})`).toBe(true);
  });
});
