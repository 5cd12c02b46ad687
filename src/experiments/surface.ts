// The chapter's toy problems as models: a function of two scalar params (models/function_2.nn,
// models/elongated_bowl.nn) whose loss is the function. Its value and gradient at any point come
// from the model's Executable, and an optimizer from the registry walks it, as the book's
// optimizer.update(params, grads) does.
import type { Graph } from "../graph/ir.js";
import type { Executable, Params } from "../runtime/executable.js";
import { createOptimizer } from "../runtime/optimizer-registry.js";
import { contourLines, evaluateGrid, linspace, type LevelLine } from "./contours.js";
import type { XY } from "./charts.js";

export interface Surface {
  /** The params' names, [x, y]. */
  readonly names: readonly [string, string];
  /** Where the model's initializers start. */
  readonly start: XY;
  /** f(x, y): the model's loss with the params set to (x, y). */
  value(x: number, y: number): number;
  /** An optimizer's path from the start: the start and the point after each of `steps` updates. */
  descend(optimizer: string, args: Readonly<Record<string, number>>, steps: number): XY[];
  /** Level lines of f over a grid of n x n points. */
  contours(xDomain: readonly [number, number], yDomain: readonly [number, number], n: number, levels: readonly number[]): LevelLine[];
}

export function surface(g: Graph, exe: Executable, seed: number): Surface {
  const names = g.params.map((p) => p.name);
  if (names.length !== 2 || g.params.some((p) => p.shape.length !== 1 || p.shape[0] !== 1)) {
    throw new Error(`model '${g.model}' must have exactly two params of shape [1], the two coordinates`);
  }
  const [nx, ny] = names as [string, string];
  const init = exe.init(seed);
  const start = { x: init[nx]![0]!, y: init[ny]![0]! };
  const point = (x: number, y: number): Params => ({ [nx]: Float64Array.of(x), [ny]: Float64Array.of(y) });
  const value = (x: number, y: number) => exe.lossAndGrads(point(x, y), {}).loss;
  return {
    names: [nx, ny],
    start,
    value,
    descend(optimizer, args, steps) {
      const params = point(start.x, start.y);
      const opt = createOptimizer(optimizer, args);
      let state = opt.init(params);
      const path: XY[] = [{ ...start }];
      for (let step = 1; step <= steps; step++) {
        const { grads } = exe.lossAndGrads(params, {});
        state = opt.update(params, grads, state, step);
        path.push({ x: params[nx]![0]!, y: params[ny]![0]! });
      }
      return path;
    },
    contours(xDomain, yDomain, n, levels) {
      const grid = evaluateGrid(value, linspace(xDomain[0], xDomain[1], n), linspace(yDomain[0], yDomain[1], n));
      return contourLines(grid, levels);
    },
  };
}
