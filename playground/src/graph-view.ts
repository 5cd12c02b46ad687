// The model's forward or backward graph as `nnc graph` writes it (Graphviz dot, nodes labelled
// with their shapes), laid out and drawn by Graphviz compiled to WebAssembly (@viz-js/viz).
import type { Viz } from "@viz-js/viz";
import { differentiate, toDot, type Graph } from "./nnc.js";

/** Graphviz (1.4 MB of wasm in JS) is loaded when the first graph is drawn, not with the page. */
let viz: Promise<Viz> | undefined;

export async function renderGraph(target: HTMLElement, g: Graph, backward: boolean): Promise<void> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  const shown = backward && g.loss !== undefined ? differentiate(g) : g;
  const svg = (await viz).renderSVGElement(toDot(shown));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${backward ? "backward" : "forward"} graph of ${g.model}`);
  target.replaceChildren(svg);
}
