import { describe, expect, it } from "vitest";
import { erf } from "../src/prelude/math.js";

// Reference values: mpmath.erf at 30 significant digits, rounded to 25.
const REFERENCE: readonly [number, number][] = [
  [1e-8, 1.12837916709551253628352e-8],
  [0.001, 0.001128378790969236379948478],
  [0.1, 0.1124629160182848922032751],
  [0.5, 0.5204998778130465376827467],
  [0.8, 0.7421009647076604861671106],
  [1, 0.8427007929497148693412206],
  [1.5, 0.9661051464753107270669763],
  [2, 0.9953222650189527341620693],
  [2.5, 0.9995930479825550410604358],
  [2.9, 0.9999589021219005411643161],
  [3, 0.9999779095030014145586272],
  [3.5, 0.9999992569016276585872545],
  [4, 0.9999999845827420997199811],
  [5, 0.999999999998462540205572],
  [6, 0.9999999999999999784802633],
];

describe("erf", () => {
  it.each(REFERENCE)("erf(±%s) is within 4e-16 relative of the 25-digit value", (x, ref) => {
    // 4e-16 is under two ulps of float64 (ε = 2.2e-16): the stated accuracy of src/prelude/math.ts.
    expect(Math.abs(erf(x) - ref) / ref).toBeLessThan(4e-16);
    expect(Math.abs(erf(-x) + ref) / ref).toBeLessThan(4e-16);
  });
  it("is odd, saturates to ±1 and passes NaN through", () => {
    expect(erf(0)).toBe(0);
    expect(erf(40)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });
});
