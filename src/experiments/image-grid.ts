// Small grayscale images side by side (the book's filter_show: matplotlib's imshow with gray_r,
// each image scaled to its own range), as a vega-lite facet of rect marks.
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "../runtime/plots.js";

export interface GrayImage {
  readonly title: string;
  readonly rows: number;
  readonly cols: number;
  /** Row-major values; scaled to [0, 1] per image, low light, high dark (gray_r). */
  readonly pixels: ArrayLike<number>;
}

/** The images in a grid of `columns`, each `size` pixels wide. */
export function imageGrid(title: string, images: readonly GrayImage[], columns: number, size = 60): Promise<string> {
  const values = images.flatMap((img) => {
    let [lo, hi] = [Infinity, -Infinity];
    for (let i = 0; i < img.rows * img.cols; i++) [lo, hi] = [Math.min(lo, img.pixels[i]!), Math.max(hi, img.pixels[i]!)];
    const span = hi > lo ? hi - lo : 1;
    return Array.from({ length: img.rows * img.cols }, (_, i) => ({
      image: img.title,
      row: Math.floor(i / img.cols),
      col: i % img.cols,
      v: Number(((img.pixels[i]! - lo) / span).toFixed(3)),
    }));
  });
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, anchor: "middle" },
    data: { values },
    facet: { field: "image", type: "nominal", title: null, sort: images.map((img) => img.title), header: { labelFontSize: 9 } },
    columns,
    spacing: 6,
    spec: {
      width: size,
      height: size,
      mark: { type: "rect" },
      encoding: {
        x: { field: "col", type: "ordinal", axis: { title: "x", labels: false, ticks: false, domain: false, titleFontSize: 8 } },
        y: { field: "row", type: "ordinal", axis: { title: "y", labels: false, ticks: false, domain: false, titleFontSize: 8 } },
        color: { field: "v", type: "quantitative", scale: { domain: [0, 1], range: ["#ffffff", "#000000"] }, legend: null },
      },
    },
  };
  // Built as plain data; vega-lite's compile checks it when it is drawn.
  return renderSvg(spec as TopLevelSpec);
}
