// Plots as SVG: vega-lite specs rendered by vega in Node (no browser). The specs themselves,
// line plots of curves and the experiments' figures, are in src/experiments/charts.ts.
// vega and vega-lite (a few hundred modules) are imported on the first plot, not with the command.
import type { TopLevelSpec } from "vega-lite";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Keeps at most `max` points (every k-th), so a 10,000-step curve stays a small file. */
export function thin<T>(points: readonly T[], max = 2000): T[] {
  if (points.length <= max) return [...points];
  const k = Math.ceil(points.length / max);
  return points.filter((_, i) => i % k === 0 || i === points.length - 1);
}
