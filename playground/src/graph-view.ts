// The model's forward or backward graph as `nnc graph` writes it (Graphviz dot, nodes labelled
// with their shapes), laid out and drawn by Graphviz compiled to WebAssembly (@viz-js/viz).
import { instance, type Viz } from "@viz-js/viz";
import { differentiate, toDot, type Graph } from "./nnc.js";

let viz: Promise<Viz> | undefined;

export async function renderGraph(target: HTMLElement, g: Graph, backward: boolean): Promise<void> {
  viz ??= instance();
  const shown = backward && g.loss !== undefined ? differentiate(g) : g;
  const svg = (await viz).renderSVGElement(toDot(shown));
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${backward ? "backward" : "forward"} graph of ${g.model}`);
  target.replaceChildren(svg);
}
