// Level lines of a function of two variables, for the book's contour plots: the function is
// evaluated on a grid (by the model itself), and marching squares finds, in each grid cell, the
// segment where it crosses each level. Segments are drawn as vega-lite rules, so no chaining into
// polylines is needed.

export interface Grid {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** values[j][i] = f(xs[i], ys[j]). */
  readonly values: readonly (readonly number[])[];
}

export interface Segment {
  readonly level: number;
  readonly x: number;
  readonly y: number;
  readonly x2: number;
  readonly y2: number;
}

/** `n` evenly spaced numbers from `lo` to `hi`, both included. */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

export function evaluateGrid(f: (x: number, y: number) => number, xs: readonly number[], ys: readonly number[]): Grid {
  return { xs, ys, values: ys.map((y) => xs.map((x) => f(x, y))) };
}

type Point = readonly [number, number];

/** The level lines of `grid` at each level, one segment per crossed cell. */
export function contourSegments(grid: Grid, levels: readonly number[]): Segment[] {
  const { xs, ys, values } = grid;
  const segments: Segment[] = [];
  // Where the level crosses the edge from corner a (value va) to corner b, by linear interpolation.
  const cross = (level: number, a: Point, b: Point, va: number, vb: number): Point | undefined => {
    if (va < level === vb < level) return undefined;
    const t = (level - va) / (vb - va);
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  };
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < xs.length; i++) {
      const p00: Point = [xs[i]!, ys[j]!];
      const p10: Point = [xs[i + 1]!, ys[j]!];
      const p11: Point = [xs[i + 1]!, ys[j + 1]!];
      const p01: Point = [xs[i]!, ys[j + 1]!];
      const v00 = values[j]![i]!;
      const v10 = values[j]![i + 1]!;
      const v11 = values[j + 1]![i + 1]!;
      const v01 = values[j + 1]![i]!;
      for (const level of levels) {
        // Edges in order around the cell: bottom, right, top, left.
        const hits = [
          cross(level, p00, p10, v00, v10),
          cross(level, p10, p11, v10, v11),
          cross(level, p11, p01, v11, v01),
          cross(level, p01, p00, v01, v00),
        ].filter((p): p is Point => p !== undefined);
        if (hits.length === 2) {
          segments.push(segment(level, hits[0]!, hits[1]!));
        } else if (hits.length === 4) {
          // A saddle: the centre's side of the level decides which crossings pair up.
          const centreBelow = (v00 + v10 + v11 + v01) / 4 < level;
          const cornerBelow = v00 < level;
          const pairs = centreBelow === cornerBelow ? [[0, 1], [2, 3]] : [[3, 0], [1, 2]];
          for (const [a, b] of pairs) segments.push(segment(level, hits[a!]!, hits[b!]!));
        }
      }
    }
  }
  return segments;
}

function segment(level: number, a: Point, b: Point): Segment {
  return { level, x: a[0], y: a[1], x2: b[0], y2: b[1] };
}
