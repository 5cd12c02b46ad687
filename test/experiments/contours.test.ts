// The level lines behind the contour plots: marching squares on a grid, chained into polylines.
import { describe, expect, it } from "vitest";
import { contourLines, contourSegments, evaluateGrid, linspace } from "../../src/experiments/contours.js";

describe("contour lines", () => {
  const grid = evaluateGrid((x, y) => x * x + y * y, linspace(-3, 3, 61), linspace(-3, 3, 61));

  it("finds each circle of x² + y² = r² as one closed polyline through points at distance r", () => {
    const lines = contourLines(grid, [1, 4]);
    expect(lines.map((l) => l.level)).toEqual([1, 4]);
    for (const line of lines) {
      const r = Math.sqrt(line.level);
      for (const [x, y] of line.points) expect(Math.abs(Math.hypot(x, y) - r)).toBeLessThan(0.01);
      expect(line.points[0]).toEqual(line.points.at(-1));
    }
  });

  it("chains every segment exactly once", () => {
    const segments = contourSegments(grid, [2]);
    const [line] = contourLines(grid, [2]);
    expect(line!.points.length).toBe(segments.length + 1);
  });

  it("skips a level the grid never reaches, and pairs a saddle's four crossings", () => {
    expect(contourLines(grid, [100])).toEqual([]);
    // x·y on one cell: corners 1, -1, 1, -1, so every edge crosses 0.5; the centre (0) is below.
    const saddle = evaluateGrid((x, y) => x * y, [-1, 1], [-1, 1]);
    const segments = contourSegments(saddle, [0.5]);
    expect(segments).toHaveLength(2);
    // Each segment cuts off one of the two corners above the level, (-1, -1) and (1, 1).
    const cut = segments.map((s) => Math.sign(s.from[0] + s.to[0])).sort();
    expect(cut).toEqual([-1, 1]);
  });
});
