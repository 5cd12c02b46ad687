// Level lines of a function of two variables, for the book's contour plots: the function is
// evaluated on a grid (by the model itself), marching squares finds, in each grid cell, the
// segment where it crosses each level, and the segments are chained into polylines (one SVG path
// per line, rather than thousands of tiny ones). A crossing is named by the grid edge it lies on,
// so two neighbouring cells agree on it exactly and each crossing joins at most two segments.

export interface Grid {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** values[j][i] = f(xs[i], ys[j]). */
  readonly values: readonly (readonly number[])[];
}

export type Point = readonly [number, number];

export interface Segment {
  readonly level: number;
  /** The grid edges its ends lie on ("h:i:j" from (i, j) to (i+1, j), "v:i:j" to (i, j+1)). */
  readonly edges: readonly [string, string];
  readonly from: Point;
  readonly to: Point;
}

export interface LevelLine {
  readonly level: number;
  readonly points: readonly Point[];
}

/** `n` evenly spaced numbers from `lo` to `hi`, both included. */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

export function evaluateGrid(f: (x: number, y: number) => number, xs: readonly number[], ys: readonly number[]): Grid {
  return { xs, ys, values: ys.map((y) => xs.map((x) => f(x, y))) };
}

/** Where `level` crosses each cell of the grid: one segment per crossed cell, two at a saddle. */
export function contourSegments(grid: Grid, levels: readonly number[]): Segment[] {
  const { xs, ys, values } = grid;
  const v = (i: number, j: number) => values[j]![i]!;
  // A value equal to the level counts as above it, so a crossing is never found twice.
  const below = (value: number, level: number) => value < level;
  const crossing = (level: number, edge: string): Point | undefined => {
    const [kind, si, sj] = edge.split(":") as [string, string, string];
    const i = Number(si);
    const j = Number(sj);
    const [i2, j2] = kind === "h" ? [i + 1, j] : [i, j + 1];
    const va = v(i, j);
    const vb = v(i2, j2);
    if (below(va, level) === below(vb, level)) return undefined;
    const t = (level - va) / (vb - va);
    return [xs[i]! + t * (xs[i2]! - xs[i]!), ys[j]! + t * (ys[j2]! - ys[j]!)];
  };
  const segments: Segment[] = [];
  for (const level of levels) {
    for (let j = 0; j + 1 < ys.length; j++) {
      for (let i = 0; i + 1 < xs.length; i++) {
        // The cell's edges in order around it: bottom, right, top, left.
        const edges = [`h:${i}:${j}`, `v:${i + 1}:${j}`, `h:${i}:${j + 1}`, `v:${i}:${j}`];
        const hits = edges.flatMap((edge) => {
          const p = crossing(level, edge);
          return p ? [{ edge, p }] : [];
        });
        const pairs: [number, number][] = [];
        if (hits.length === 2) pairs.push([0, 1]);
        else if (hits.length === 4) {
          // A saddle: the centre's side of the level decides which crossings pair up.
          const centre = (v(i, j) + v(i + 1, j) + v(i + 1, j + 1) + v(i, j + 1)) / 4;
          const sameAsCorner = below(centre, level) === below(v(i, j), level);
          pairs.push(
            ...((sameAsCorner
              ? [
                  [0, 1],
                  [2, 3],
                ]
              : [
                  [3, 0],
                  [1, 2],
                ]) as [number, number][]),
          );
        }
        for (const [a, b] of pairs) segments.push({ level, edges: [hits[a]!.edge, hits[b]!.edge], from: hits[a]!.p, to: hits[b]!.p });
      }
    }
  }
  return segments;
}

/** The level lines of `grid`: its segments chained end to end; a closed line repeats its first point. */
export function contourLines(grid: Grid, levels: readonly number[]): LevelLine[] {
  const lines: LevelLine[] = [];
  for (const level of levels) {
    const segments = contourSegments(grid, [level]);
    const byEdge = new Map<string, number[]>();
    segments.forEach((s, i) => s.edges.forEach((e) => byEdge.set(e, [...(byEdge.get(e) ?? []), i])));
    const used = new Uint8Array(segments.length);
    // Walks on from `edge` through unused segments, appending their far ends.
    const follow = (points: Point[], edge: string): void => {
      for (;;) {
        const next = byEdge.get(edge)!.find((k) => !used[k]);
        if (next === undefined) return;
        used[next] = 1;
        const s = segments[next]!;
        const forward = s.edges[0] === edge;
        points.push(forward ? s.to : s.from);
        edge = forward ? s.edges[1] : s.edges[0];
      }
    };
    segments.forEach((s, i) => {
      if (used[i]) return;
      used[i] = 1;
      const ahead: Point[] = [s.from, s.to];
      follow(ahead, s.edges[1]);
      const behind: Point[] = [];
      follow(behind, s.edges[0]);
      lines.push({ level, points: [...behind.reverse(), ...ahead] });
    });
  }
  return lines;
}
