// `npm run test:browser`: the compiled module (wasm backend) in a real browser, headless Chromium,
// against the reference interpreter in Node. Not part of `npm test` (CI has no browser); it needs
// Chromium (Debian: `apt-get install chromium`) and skips with a note without it.
//
// The page is served twice from a local server: as a plain page (no shared memory: the module
// copies arrays into a WebAssembly memory of its own, `adopt` hands params back) and as a
// cross-origin isolated one (COOP + COEP: the memory is shared and `adopt` returns views). Both
// must give the interpreter's loss and gradients within the wasm backend's f32 tolerance.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileToString, frontendFile, interpreted } from "../dist/index.js";

const TOLERANCE = 5e-3; // the wasm backend's, as in test/codegen/wasm-models.test.ts
const ROWS = 32;

const browser = ["chromium", "chromium-browser", "google-chrome"].find((b) => spawnSync(b, ["--version"]).status === 0);
if (!browser) {
  console.log("browser check skipped: no chromium on this machine (apt-get install chromium)");
  process.exit(0);
}

const g = frontendFile("models/two_layer_net.nn").graphs[0];
const dir = mkdtempSync(join(tmpdir(), "nnc-browser-"));
writeFileSync(join(dir, "model.js"), compileToString(g, { backend: "wasm" }));
// Inputs from a formula, so the page and Node need not exchange data.
const inputs = `
const x = Float32Array.from({ length: ${ROWS} * 784 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
const t = Float32Array.from({ length: ${ROWS} * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));`;
writeFileSync(
  join(dir, "index.html"),
  `<!doctype html><meta charset="utf-8"><pre id="out">running</pre>
<script type="module">
const out = document.getElementById("out");
try {
  const m = await import("./model.js");
  ${inputs}
  const plain = m.init(5);
  const params = m.adopt(plain);
  const { loss, grads } = m.lossAndGrads(params, { x, t });
  const y = m.predict(params, { x }).y;
  out.textContent = JSON.stringify({
    isolated: globalThis.crossOriginIsolated === true,
    adopted: params !== plain,
    threads: m.threads(),
    loss,
    grads: Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, Array.from(v)])),
    y: Array.from(y),
  });
} catch (e) {
  out.textContent = JSON.stringify({ error: String(e && e.stack || e) });
}
</script>`,
);

const server = createServer((req, res) => {
  const isolated = req.url.startsWith("/isolated/");
  const file = req.url.replace(/^\/(isolated|plain)\//, "").replace(/\?.*$/, "") || "index.html";
  if (!["index.html", "model.js"].includes(file)) return void res.writeHead(404).end();
  res.writeHead(200, {
    "content-type": file.endsWith(".js") ? "text/javascript" : "text/html",
    ...(isolated && { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }),
  });
  res.end(readFileSync(join(dir, file)));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = server.address().port;

// The reference: the interpreter (float64) on the same params and inputs.
const ref = interpreted(g);
const x = Float32Array.from({ length: ROWS * 784 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
const t = Float32Array.from({ length: ROWS * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));
const params = Object.fromEntries(Object.entries(ref.init(5)).map(([k, v]) => [k, Float64Array.from(v)]));
const want = ref.lossAndGrads(params, { x: Float64Array.from(x), t: Float64Array.from(t) });
const wantY = ref.predict(params, { x: Float64Array.from(x) }).y;

function worst(got, expected) {
  let scale = 0;
  for (const e of expected) scale = Math.max(scale, Math.abs(e));
  const floor = 1e-3 * scale;
  let w = 0;
  expected.forEach((e, i) => (w = Math.max(w, Math.abs(got[i] - e) / Math.max(Math.abs(e), floor))));
  return w;
}

let failed = false;
try {
  for (const mode of ["plain", "isolated"]) {
    const url = `http://127.0.0.1:${port}/${mode}/index.html`;
    // The server runs in this process: the browser must run while this one keeps serving.
    const run = await new Promise((resolve) => {
      const child = spawnAsync(browser, ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000", "--dump-dom", url]);
      child.then(resolve);
    });
    const json = /<pre id="out">([^<]*)<\/pre>/.exec(run.stdout)?.[1];
    const r = json && json !== "running" ? JSON.parse(json.replace(/&quot;/g, '"').replace(/&amp;/g, "&")) : { error: `no result (exit ${run.status}): ${run.stderr.split("\n").slice(-3).join(" ")}` };
    if (r.error) {
      console.log(`${mode}: FAILED: ${r.error}`);
      failed = true;
      continue;
    }
    const errors = { loss: worst([r.loss], [want.loss]), y: worst(r.y, wantY), ...Object.fromEntries(Object.entries(r.grads).map(([k, v]) => [`d${k}`, worst(v, want.grads[k])])) };
    const bad = Object.entries(errors).filter(([, e]) => !(e <= TOLERANCE));
    console.log(`${mode}: cross-origin isolated ${r.isolated}, params adopted into shared memory ${r.adopted}, ${r.threads} thread(s); worst error ${Math.max(...Object.values(errors)).toExponential(1)} (tolerance ${TOLERANCE})${bad.length ? `: FAILED ${bad.map(([k]) => k).join(", ")}` : ""}`);
    if (bad.length || r.isolated !== (mode === "isolated") || r.adopted !== r.isolated) failed = true;
  }
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

function spawnAsync(command, args) {
  return import("node:child_process").then(
    ({ spawn }) =>
      new Promise((resolve) => {
        const p = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.stderr.on("data", (d) => (stderr += d));
        p.on("exit", (status) => resolve({ status, stdout, stderr }));
      }),
  );
}
