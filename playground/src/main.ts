// The playground page: the editor, the graph, training in a worker, trying the trained model and
// exporting it. Everything runs in the page; the model's text lives in the URL's hash.
import "./node-globals.js";
import type { EditorView } from "@codemirror/view";
import { analyze, type Analysis } from "./analysis.js";
import { createDrawPad, showProbabilities } from "./draw.js";
import { createEditor, formatDocument } from "./editor.js";
import { downloadModule, downloadParams } from "./export.js";
import { renderGraph } from "./graph-view.js";
import { compileToString, type Graph } from "./nnc.js";
import type { FromWorker, Params, Sample, ToWorker } from "./protocol.js";
import { SIZE } from "./preprocess.js";
import { Charts, fillForm, formOf, percent, readForm } from "./training-view.js";
import "./style.css";

const EXAMPLES: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>("../../models/*.nn", { query: "?raw", import: "default", eager: true })).map(([path, text]) => [
    path.replace(/.*\//, ""),
    text,
  ]),
);
const DEFAULT = "two_layer_net.nn";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string, error = false) => {
  $("status").textContent = text;
  $("status").classList.toggle("error", error);
};

// The model in the hash: `#src=` and the text, base64url of its UTF-8.
function fromHash(): string | undefined {
  const m = /^#src=([A-Za-z0-9_-]*)$/.exec(location.hash);
  if (!m) return undefined;
  try {
    const bin = atob(m[1]!.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
function toHash(text: string): string {
  const bin = Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join("");
  return `#src=${btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

// Examples.
const examples = $<HTMLSelectElement>("examples");
examples.replaceChildren(new Option("(your model)", ""), ...Object.keys(EXAMPLES).map((name) => new Option(name, name)));
const initial = fromHash() ?? EXAMPLES[DEFAULT] ?? "";
examples.value = Object.keys(EXAMPLES).find((k) => EXAMPLES[k] === initial) ?? "";

// The current model.
const modelSelect = $<HTMLSelectElement>("models");
let analysis: Analysis = analyze(initial);
let formFor = "";
function currentGraph(): Graph | undefined {
  return analysis.graphs.find((g) => g.model === modelSelect.value) ?? analysis.graphs[0];
}

const form = formOf($("train-panel"));
$("train-form").addEventListener("submit", (e) => e.preventDefault());

let graphTimer: ReturnType<typeof setTimeout> | undefined;
function refresh(text: string): void {
  analysis = analyze(text);
  history.replaceState(null, "", toHash(text));
  if (examples.value && EXAMPLES[examples.value] !== text) examples.value = "";
  $("graph").classList.toggle("stale", !analysis.ok);
  if (!analysis.ok) {
    const errors = analysis.result.diagnostics.filter((d) => d.severity === "error").length;
    status(`${errors} error${errors === 1 ? "" : "s"}`, true);
    updateButtons();
    return;
  }
  status("");
  const names = analysis.graphs.map((g) => g.model);
  if (names.join() !== [...modelSelect.options].map((o) => o.value).join()) {
    const keep = modelSelect.value;
    modelSelect.replaceChildren(...names.map((n) => new Option(n, n)));
    modelSelect.value = names.includes(keep) ? keep : (names[0] ?? "");
  }
  $("model-choice").hidden = names.length < 2;
  const g = currentGraph();
  if (g) {
    // The form follows the model's train { } section when that changes, not on every keystroke.
    const key = `${g.model}:${JSON.stringify(g.train)}`;
    if (key !== formFor) {
      formFor = key;
      fillForm(form, g);
    }
  }
  clearTimeout(graphTimer);
  graphTimer = setTimeout(() => void drawGraph(), 200);
  updateButtons();
}

async function drawGraph(): Promise<void> {
  const g = currentGraph();
  const target = $("graph");
  if (!g) return void target.replaceChildren(Object.assign(document.createElement("p"), { textContent: "no model to show" }));
  const backward = document.querySelector<HTMLInputElement>("input[name=direction]:checked")?.value === "backward";
  try {
    await renderGraph(target, g, backward);
  } catch (e) {
    status(`cannot draw the graph: ${e instanceof Error ? e.message : String(e)}`, true);
  }
}

let onChangeTimer: ReturnType<typeof setTimeout> | undefined;
const hooks = {
  onChange: (text: string) => {
    clearTimeout(onChangeTimer);
    onChangeTimer = setTimeout(() => refresh(text), 250);
  },
  onMessage: (text: string) => status(text, text.startsWith("cannot")),
};
const editor: EditorView = createEditor($("editor"), initial, hooks);

examples.addEventListener("change", () => {
  const text = EXAMPLES[examples.value];
  if (text !== undefined) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
});
modelSelect.addEventListener("change", () => refresh(editor.state.doc.toString()));
$("format").addEventListener("click", () => void formatDocument(editor, hooks));
for (const radio of document.querySelectorAll("input[name=direction]")) radio.addEventListener("change", () => void drawGraph());

// Training.
let worker: Worker | undefined;
let running = false;
let trained: { graph: Graph; js: string; params?: Params; resumable: boolean } | undefined;
const charts = new Charts($("loss-chart"), $("accuracy-chart"), () => trained?.graph.model ?? "");
const progress = $<HTMLProgressElement>("progress");

function send(m: ToWorker): void {
  if (!worker) {
    worker = new Worker(new URL("./train-worker.ts", import.meta.url), { type: "module", name: "nnc-train" });
    worker.onmessage = (e: MessageEvent<FromWorker>) => onWorker(e.data);
    worker.onerror = (e) => {
      running = false;
      status(`the training worker failed: ${e.message}`, true);
      updateButtons();
    };
  }
  worker.postMessage(m);
}

function updateButtons(): void {
  const g = currentGraph();
  ($("train") as HTMLButtonElement).disabled = running || !g;
  ($("stop") as HTMLButtonElement).disabled = !running;
  ($("resume") as HTMLButtonElement).disabled = running || !trained?.resumable;
  ($("download-module") as HTMLButtonElement).disabled = !g;
  ($("download-params") as HTMLButtonElement).disabled = running || !trained?.params;
}

$("train").addEventListener("click", () => {
  const g = currentGraph();
  if (!g) return;
  const input = g.inputs.find((i) => i.role === "input");
  const target = g.inputs.find((i) => i.role === "target");
  const features = input?.shape.slice(1).reduce<number>((a, d) => a * (typeof d === "number" ? d : NaN), 1);
  if (!target || features !== 784 || (target.classes !== undefined && target.classes !== 10))
    return status(`training here is on MNIST: the model needs an input of 784 features and a target of 10 classes`, true);
  let settings;
  try {
    settings = readForm(form, g);
  } catch (e) {
    return status(e instanceof Error ? e.message : String(e), true);
  }
  const js = compileToString(g, { backend: "wasm" });
  trained = { graph: g, js, resumable: false };
  running = true;
  $("accuracy").textContent = "";
  charts.reset(1, false);
  updateButtons();
  send({ type: "train", js, graph: g, settings, mnistUrl: new URL("mnist/", document.baseURI).href });
});
$("stop").addEventListener("click", () => send({ type: "stop" }));
$("resume").addEventListener("click", () => {
  running = true;
  updateButtons();
  send({ type: "resume" });
});

function onWorker(m: FromWorker): void {
  if (m.type === "status") status(m.text);
  else if (m.type === "started") {
    status(
      `training ${trained?.graph.model}: ${m.iters} steps, ${m.stepsPerEpoch} per epoch, ${m.threads} thread${m.threads > 1 ? "s" : ""}`,
    );
    progress.max = m.iters;
    charts.reset(m.stepsPerEpoch, true);
  } else if (m.type === "progress") {
    progress.value = m.step;
    $("rate").textContent = `step ${m.step} of ${progress.max}, ${m.stepsPerSecond.toFixed(0)} steps/s`;
    charts.addLosses(m.losses);
  } else if (m.type === "epoch") {
    const r = m.record;
    const acc = [
      r.testAccuracy !== undefined && `test accuracy ${percent(r.testAccuracy)}`,
      r.trainAccuracy !== undefined && `train accuracy ${percent(r.trainAccuracy)}`,
    ].filter(Boolean);
    $("accuracy").textContent = `epoch ${r.epoch}: ${acc.join(", ")}${r.loss !== undefined ? `, loss ${r.loss.toFixed(4)}` : ""}`;
    charts.addEpoch(r);
  } else if (m.type === "done") {
    running = false;
    if (trained) [trained.params, trained.resumable] = [m.params, !m.completed];
    status(m.completed ? `trained: ${m.step} steps` : `stopped at step ${m.step}: Resume continues`);
    showSamples(m.samples);
    predictDrawn();
  } else if (m.type === "prediction") showProbabilities($("bars"), m.y);
  else if (m.type === "error") {
    running = false;
    status(m.message, true);
  }
  updateButtons();
}

function showSamples(samples: readonly Sample[]): void {
  $("samples").replaceChildren(
    ...samples.map((s) => {
      const cell = document.createElement("div");
      cell.className = `sample${s.predicted === s.label ? "" : " wrong"}`;
      const canvas = Object.assign(document.createElement("canvas"), { width: SIZE, height: SIZE });
      const image = new ImageData(SIZE, SIZE);
      s.pixels.forEach((v, i) => image.data.set([v, v, v, 255], 4 * i));
      canvas.getContext("2d")!.putImageData(image, 0, 0);
      cell.append(canvas, `${s.label} → ${s.predicted}`);
      cell.title = `label ${s.label}, predicted ${s.predicted}`;
      return cell;
    }),
  );
}

// Try it.
let predictions = 0;
function predictDrawn(): void {
  const x = pad.input();
  if (x && trained?.params && !running) send({ type: "predict", id: ++predictions, x });
}
const pad = createDrawPad($("pad"), $("preview"), predictDrawn);
$("clear").addEventListener("click", () => {
  pad.clear();
  $("bars").replaceChildren();
});

// Export.
$("download-module").addEventListener("click", () => {
  const g = trained?.graph ?? currentGraph();
  if (g) void downloadModule(g, trained?.graph === g ? trained.js : compileToString(g, { backend: "wasm" }));
});
$("download-params").addEventListener("click", () => {
  if (trained?.params) downloadParams(trained.graph, trained.params);
});

refresh(initial);
