// Training plots as SVG, drawn with vega-lite (rendered by vega in Node, no browser): the loss of
// every step, and train/test accuracy per epoch, like the book's figures.
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
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

export interface Series {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface LinePlot {
  readonly title: string;
  readonly x: string;
  readonly y: string;
  readonly series: readonly Series[];
  readonly yDomain?: readonly [number, number];
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

export function lineSpec(p: LinePlot): TopLevelSpec {
  const values = p.series.flatMap((s) => thin(s.points).map((pt) => ({ x: pt.x, y: pt.y, series: s.name })));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: p.title,
    width: p.width ?? 480,
    height: p.height ?? 300,
    data: { values },
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x: { field: "x", type: "quantitative", title: p.x },
      y: {
        field: "y",
        type: "quantitative",
        title: p.y,
        scale: { ...(p.yDomain && { domain: [...p.yDomain] }), ...(p.logY && { type: "log" }), zero: false },
      },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom-right" } },
    },
  } as TopLevelSpec;
}

export function linePlot(p: LinePlot): Promise<string> {
  return renderSvg(lineSpec(p));
}
