// Figures as vega-lite specs: line plots of curves (also a training run's loss and accuracy),
// contour plots with optimization paths, rows of histograms, small multiples, a scatter of trials.
// Every spec has a title, axis titles and a legend; renderSvg (runtime/plots.ts) draws it.
import type { TopLevelSpec } from "vega-lite";
import { renderSvg, thin } from "../runtime/plots.js";
import type { LevelLine } from "./contours.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

export interface XY {
  readonly x: number;
  readonly y: number;
}

export interface PathPanel {
  readonly title: string;
  readonly lines: readonly LevelLine[];
  readonly path: readonly XY[];
  /** The legend's name for the path, e.g. "SGD (lr 0.95)". */
  readonly pathName: string;
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
  readonly xTitle: string;
  readonly yTitle: string;
  readonly minimum: XY;
}

/**
 * A spec built as plain data (layers assembled from records): vega-lite's compile checks it at
 * run time, and this is the one place its static type is asserted.
 */
function asSpec(spec: object): TopLevelSpec {
  return spec as TopLevelSpec;
}

function draw(spec: object): Promise<string> {
  return renderSvg(asSpec(spec));
}

const CONTOUR = "level lines of f";
const MINIMUM = "minimum";

/** Four digits are finer than a pixel of any of these plots. */
const round = (v: number) => Number(v.toPrecision(4));

/** One contour plot with a path on it: dashed level lines, the path in red, the minimum as a cross. */
function pathLayers(p: PathPanel, width: number, height: number): Record<string, unknown> {
  const x = { type: "quantitative", title: p.xTitle, scale: { domain: [...p.xDomain], nice: false } };
  const y = { type: "quantitative", title: p.yTitle, scale: { domain: [...p.yDomain], nice: false } };
  const color = {
    field: "kind",
    type: "nominal",
    title: null,
    scale: { domain: [CONTOUR, p.pathName, MINIMUM], range: ["#9e9e9e", "#d62728", "#000000"] },
    legend: { orient: "bottom", labelLimit: 400 },
  };
  return {
    title: p.title,
    width,
    height,
    layer: [
      {
        data: {
          values: p.lines.flatMap((l, line) => l.points.map(([px, py], i) => ({ x: round(px), y: round(py), line, i, kind: CONTOUR }))),
        },
        mark: { type: "line", strokeWidth: 0.8, strokeDash: [4, 3], clip: true },
        encoding: { x: { field: "x", ...x }, y: { field: "y", ...y }, detail: { field: "line" }, order: { field: "i" }, color },
      },
      {
        data: { values: p.path.map((pt, step) => ({ ...pt, step, kind: p.pathName })) },
        mark: { type: "line", point: { filled: true, size: 18 }, strokeWidth: 1.2, clip: true },
        encoding: { x: { field: "x", ...x }, y: { field: "y", ...y }, order: { field: "step" }, color },
      },
      {
        data: { values: [{ ...p.minimum, kind: MINIMUM }] },
        mark: { type: "point", shape: "cross", size: 90, filled: true },
        encoding: { x: { field: "x", ...x }, y: { field: "y", ...y }, color },
      },
    ],
  };
}

export function pathPlot(p: PathPanel): Promise<string> {
  return renderSvg({
    $schema: SCHEMA,
    ...pathLayers(p, 420, 420 * ((p.yDomain[1] - p.yDomain[0]) / (p.xDomain[1] - p.xDomain[0]))),
  } as TopLevelSpec);
}

/** Several contour plots side by side, `columns` to a row, each with its own legend. */
export function pathPanels(title: string, panels: readonly PathPanel[], columns: number): Promise<string> {
  const spec = {
    $schema: SCHEMA,
    title: { text: title, anchor: "middle" },
    columns,
    concat: panels.map((p) => pathLayers(p, 300, 300 * ((p.yDomain[1] - p.yDomain[0]) / (p.xDomain[1] - p.xDomain[0])))),
    resolve: { scale: { color: "independent" } },
  };
  return draw(spec);
}

export interface Histogram {
  readonly title: string;
  /** Bin edges, one more than counts. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** A row of histograms (the book's 1-layer ... 5-layer panels), sharing one count axis. */
export function histogramRow(title: string, xTitle: string, panels: readonly Histogram[], yMax?: number): Promise<string> {
  const values = panels.flatMap((h, panel) =>
    h.counts.map((count, b) => ({ panel: h.title, order: panel, lo: h.edges[b]!, hi: h.edges[b + 1]!, count })),
  );
  const spec = {
    $schema: SCHEMA,
    title: { text: title, anchor: "middle" },
    data: { values },
    facet: { column: { field: "panel", type: "nominal", title: null, sort: panels.map((h) => h.title) } },
    spec: {
      width: 150,
      height: 140,
      mark: { type: "rect", color: "#1f77b4", stroke: "white", strokeWidth: 0.3, clip: true },
      encoding: {
        x: {
          field: "lo",
          type: "quantitative",
          title: xTitle,
          scale: { domain: [panels[0]!.edges[0]!, panels[0]!.edges.at(-1)!], nice: false },
        },
        x2: { field: "hi" },
        y: { field: "count", type: "quantitative", title: "count", ...(yMax !== undefined && { scale: { domain: [0, yMax] } }) },
        y2: { datum: 0 },
      },
    },
  };
  return draw(spec);
}

export interface Curve {
  readonly name: string;
  readonly points: readonly XY[];
  /** Dashed (the book draws training accuracy dashed). */
  readonly dashed?: boolean;
  /** A second legend: curves of one style share a dash pattern, curves of one name a colour. */
  readonly style?: string;
}

/** Colour by name; dash by style when the curves have styles, else by the dashed flag. */
function curveEncoding(curves: readonly Curve[], orient: string): Record<string, unknown> {
  const names = [...new Set(curves.map((c) => c.name))];
  const legend = { orient, labelLimit: 400 };
  const color = { field: "curve", type: "nominal", title: null, scale: { domain: names }, legend };
  const styles = [...new Set(curves.flatMap((c) => (c.style !== undefined ? [c.style] : [])))];
  if (styles.length > 0) {
    const range = styles.map((_, i) =>
      i === 0
        ? [1, 0]
        : [
            [5, 3],
            [2, 2],
            [8, 2, 2, 2],
          ][(i - 1) % 3],
    );
    return { color, strokeDash: { field: "style", type: "nominal", title: null, scale: { domain: styles, range }, legend } };
  }
  const dashed = new Set(curves.filter((c) => c.dashed).map((c) => c.name));
  return {
    color,
    strokeDash: {
      field: "curve",
      type: "nominal",
      title: null,
      scale: { domain: names, range: names.map((n) => (dashed.has(n) ? [5, 3] : [1, 0])) },
      legend,
    },
  };
}

function curveRows(c: Curve, max: number): Record<string, unknown>[] {
  return thin(c.points, max).map((pt) => ({ curve: c.name, style: c.style ?? c.name, x: pt.x, y: pt.y }));
}

export interface Panel {
  readonly title: string;
  readonly curves: readonly Curve[];
}

export interface SmallMultiples {
  readonly title: string;
  readonly x: string;
  readonly y: string;
  readonly panels: readonly Panel[];
  readonly columns: number;
  readonly yDomain?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
}

/** A grid of small line plots with shared axes and one legend (the book's 4x4 and 4x5 figures). */
export function smallMultiples(p: SmallMultiples): Promise<string> {
  const all = p.panels.flatMap((panel) => panel.curves);
  const values = p.panels.flatMap((panel) => panel.curves.flatMap((c) => curveRows(c, 500).map((row) => ({ ...row, panel: panel.title }))));
  const spec = {
    $schema: SCHEMA,
    title: { text: p.title, anchor: "middle" },
    data: { values },
    facet: { field: "panel", type: "nominal", title: null, sort: p.panels.map((panel) => panel.title) },
    columns: p.columns,
    spec: {
      width: p.width ?? 150,
      height: p.height ?? 110,
      mark: { type: "line", strokeWidth: 1.3, clip: true },
      encoding: {
        x: { field: "x", type: "quantitative", title: p.x, axis: { tickMinStep: 1 } },
        y: { field: "y", type: "quantitative", title: p.y, ...(p.yDomain && { scale: { domain: [...p.yDomain] } }) },
        ...curveEncoding(all, "top"),
      },
    },
  };
  return draw(spec);
}

export interface CurvePlot {
  readonly title: string;
  readonly x: string;
  readonly y: string;
  readonly curves: readonly Curve[];
  readonly yDomain?: readonly [number, number];
  readonly logY?: boolean;
}

/** One line plot of several curves, dashed ones dashed, with an optional log y axis. */
export function curvePlot(p: CurvePlot): Promise<string> {
  return renderSvg(curveSpec(p));
}

/** curvePlot's vega-lite spec (the playground draws it with vega-embed). */
export function curveSpec(p: CurvePlot): TopLevelSpec {
  const values = p.curves.flatMap((c) => curveRows(c, 2000));
  const scale = { ...(p.yDomain && { domain: [...p.yDomain] }), ...(p.logY ? { type: "log" } : { zero: false }) };
  const spec = {
    $schema: SCHEMA,
    title: p.title,
    width: 480,
    height: 300,
    data: { values },
    mark: { type: "line", strokeWidth: 1.5, clip: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: p.x, axis: { tickMinStep: 1 } },
      y: { field: "y", type: "quantitative", title: p.y, scale, ...(p.logY && { axis: { format: ".0e" } }) },
      ...curveEncoding(p.curves, "right"),
    },
  };
  return asSpec(spec);
}

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  readonly value: number;
}

/** Points on log-log axes coloured by a value (the trials of a random search, by accuracy). */
export interface LogScatter {
  readonly title: string;
  readonly x: string;
  readonly y: string;
  readonly value: string;
  readonly points: readonly ScatterPoint[];
  /** The axes' ranges as powers of ten, e.g. [-6, -2]. */
  readonly xExponents: readonly [number, number];
  readonly yExponents: readonly [number, number];
}

export function logScatter(p: LogScatter): Promise<string> {
  const axis = ([lo, hi]: readonly [number, number]) => ({
    scale: { type: "log", domain: [10 ** lo, 10 ** hi] },
    axis: { format: ".0e", values: Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i)) },
  });
  const spec = {
    $schema: SCHEMA,
    title: p.title,
    width: 420,
    height: 320,
    data: { values: p.points },
    mark: { type: "point", filled: true, size: 60, opacity: 0.85 },
    encoding: {
      x: { field: "x", type: "quantitative", title: p.x, ...axis(p.xExponents) },
      y: { field: "y", type: "quantitative", title: p.y, ...axis(p.yExponents) },
      color: { field: "value", type: "quantitative", title: p.value, scale: { scheme: "viridis" } },
    },
  };
  return draw(spec);
}
