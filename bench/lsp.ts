// How fast `nnc lsp` answers, measured as an editor sees it: the built server (dist/) as a child
// process, JSON-RPC over stdio, wall time from sending a request to its answer. Nothing asserts
// on the times (they vary by machine); targets: every request within 50 ms on models/ files,
// diagnostics within 200 ms of an edit to a generated 1,000-layer model.
//
//   npm run build && npm run bench:lsp [-- layers]
//
// 1. Every request kind on every model in models/: hover on every name, completion at the end of
//    every line, definition and references on every name, inlay hints, semantic tokens, symbols,
//    formatting; and hover right after an edit (which pays for the new version's analysis).
// 2. The generated model: diagnostics after an edit (time from didChange to publishDiagnostics
//    for that version, the 30 ms debounce included), and requests on it after an edit.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";

const ROOT = process.cwd();
const LAYERS = Number(process.argv[2] ?? 1000);

const child = spawn(process.execPath, [join(ROOT, "bin", "nnc.js"), "lsp"], { stdio: ["pipe", "pipe", "inherit"] });
const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
const published = new Map<string, (version: number) => void>();
rpc.onNotification("textDocument/publishDiagnostics", (p: { uri: string; version?: number }) => published.get(p.uri)?.(p.version ?? -1));
rpc.listen();

const times = new Map<string, number[]>();
async function timed<T>(kind: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  const list = times.get(kind) ?? [];
  list.push(performance.now() - start);
  times.set(kind, list);
  return result;
}

const versions = new Map<string, number>();
async function edit(uri: string, text: string): Promise<number> {
  const version = (versions.get(uri) ?? 1) + 1;
  versions.set(uri, version);
  await rpc.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
  return version;
}

function diagnosticsFor(uri: string, version: number): Promise<void> {
  return new Promise((resolve) => published.set(uri, (v) => v === version && resolve()));
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length - 1, character: offset - (before.lastIndexOf("\n") + 1) };
}

async function modelRequests(uri: string, text: string): Promise<void> {
  const doc = { textDocument: { uri } };
  const lines = text.split("\n");
  const all = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
  await timed("inlay hints (whole file)", () => rpc.sendRequest("textDocument/inlayHint", { ...doc, range: all }));
  await timed("semantic tokens (whole file)", () => rpc.sendRequest("textDocument/semanticTokens/full", doc));
  await timed("document symbols", () => rpc.sendRequest("textDocument/documentSymbol", doc));
  await timed("formatting", () => rpc.sendRequest("textDocument/formatting", { ...doc, options: { tabSize: 2, insertSpaces: true } }));
  for (const m of text.matchAll(/[A-Za-z_]\w*/g)) {
    const position = positionAt(text, m.index + 1);
    await timed("hover", () => rpc.sendRequest("textDocument/hover", { ...doc, position }));
    await timed("definition", () => rpc.sendRequest("textDocument/definition", { ...doc, position }));
    await timed("references", () =>
      rpc.sendRequest("textDocument/references", { ...doc, position, context: { includeDeclaration: true } }),
    );
  }
  for (let line = 0; line < lines.length; line++) {
    const position = { line, character: lines[line]!.length };
    await timed("completion", () => rpc.sendRequest("textDocument/completion", { ...doc, position }));
  }
}

function deepModel(layers: number, width: number): string {
  const lets = Array.from({ length: layers - 1 }, (_, i) => `  h${i + 1} = Dense(h${i}, width)`);
  return `block Dense(x: [batch, n], units) {
  param W: [n, units] = he
  param b: [units] = zeros
  return relu(x @ W + b)
}

model Deep(width = ${width}) {
  input x: [batch, 64]
  target t: onehot[batch, 10]
  h0 = Dense(x, width)
${lets.join("\n")}
  output y = softmax(Dense(h${layers - 1}, 10))
  loss cross_entropy(y, t)
}
`;
}

function report(title: string, kinds: readonly string[]): void {
  console.log(`\n${title}`);
  console.log("request".padEnd(32) + "count".padStart(7) + "median ms".padStart(11) + "p95 ms".padStart(9) + "max ms".padStart(9));
  for (const kind of kinds) {
    const list = [...(times.get(kind) ?? [])].sort((a, b) => a - b);
    if (list.length === 0) continue;
    const at = (q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))]!.toFixed(1);
    console.log(kind.padEnd(32) + String(list.length).padStart(7) + at(0.5).padStart(11) + at(0.95).padStart(9) + at(1).padStart(9));
  }
}

await rpc.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
await rpc.sendNotification("initialized", {});

// 1. models/
const modelKinds = ["hover", "definition", "references", "completion", "inlay hints (whole file)", "semantic tokens (whole file)"];
modelKinds.push("document symbols", "formatting", "hover after an edit", "diagnostics after an edit");
for (const name of readdirSync(join(ROOT, "models")).filter((f) => f.endsWith(".nn"))) {
  const text = readFileSync(join(ROOT, "models", name), "utf8");
  const uri = pathToFileURL(join(ROOT, "models", name)).href;
  versions.set(uri, 1);
  const opened = diagnosticsFor(uri, 1);
  await rpc.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "nn", version: 1, text } });
  await opened;
  await modelRequests(uri, text);
  for (let i = 0; i < 10; i++) {
    const changed = i % 2 === 0 ? text + " " : text;
    await edit(uri, changed);
    await timed("hover after an edit", () =>
      rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position: positionAt(text, text.indexOf("=") - 2) }),
    );
    const start = performance.now();
    const version = await edit(uri, changed + "\n");
    await diagnosticsFor(uri, version);
    times.set("diagnostics after an edit", [...(times.get("diagnostics after an edit") ?? []), performance.now() - start]);
  }
}
report(`models/ (${readdirSync(join(ROOT, "models")).filter((f) => f.endsWith(".nn")).length} files)`, modelKinds);

// 2. the generated model
const deepUri = pathToFileURL(join(ROOT, "deep.nn")).href;
let deep = deepModel(LAYERS, 16);
versions.set(deepUri, 1);
const opened = diagnosticsFor(deepUri, 1);
const openStart = performance.now();
await rpc.sendNotification("textDocument/didOpen", { textDocument: { uri: deepUri, languageId: "nn", version: 1, text: deep } });
await opened;
times.set(`diagnostics on open`, [performance.now() - openStart]);
const deepKinds = ["diagnostics on open", "diagnostics after an edit (deep)", "hover (deep, after an edit)", "completion (deep)"];
deepKinds.push("inlay hints (one screen)", "semantic tokens (deep)");
for (let i = 0; i < 20; i++) {
  // Change the width: every layer's shapes change, so nothing can be reused.
  deep = deepModel(LAYERS, 16 + ((i + 1) % 2));
  const start = performance.now();
  const version = await edit(deepUri, deep);
  await diagnosticsFor(deepUri, version);
  times.set("diagnostics after an edit (deep)", [...(times.get("diagnostics after an edit (deep)") ?? []), performance.now() - start]);
  const mid = deep.indexOf(`h${LAYERS >> 1} =`);
  const doc = { textDocument: { uri: deepUri } };
  await edit(deepUri, deep + " ");
  await timed("hover (deep, after an edit)", () => rpc.sendRequest("textDocument/hover", { ...doc, position: positionAt(deep, mid) }));
  const screen = positionAt(deep, mid);
  const range = { start: screen, end: { line: screen.line + 50, character: 0 } };
  await timed("inlay hints (one screen)", () => rpc.sendRequest("textDocument/inlayHint", { ...doc, range }));
  await timed("completion (deep)", () => rpc.sendRequest("textDocument/completion", { ...doc, position: positionAt(deep, mid + 5) }));
  await timed("semantic tokens (deep)", () => rpc.sendRequest("textDocument/semanticTokens/full", doc));
}
report(`generated model: ${LAYERS} layers, ${deep.length.toLocaleString("en-US")} characters`, deepKinds);

// 3. The front end alone on the generated model, in this process: CPU time, which the machine's
// load inflates less than wall time. It is most of what diagnostics after an edit cost.
const { frontend } = (await import(pathToFileURL(join(ROOT, "dist", "index.js")).href)) as typeof import("../src/index.js");
let bestCpu = Infinity;
for (let i = 0; i < 5; i++) {
  const before = process.cpuUsage();
  frontend(deep, "deep.nn");
  const used = process.cpuUsage(before);
  bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
}
console.log(`\nfront end (parse + elaborate) on the generated model, in-process: best of 5, ${bestCpu.toFixed(0)} ms CPU`);
console.log(
  `load average while measuring: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(", ")} on ${cpus().length} cores`,
);

await rpc.sendRequest("shutdown");
await rpc.sendNotification("exit");
