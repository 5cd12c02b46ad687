// A compiled module shipped in a web app as a web developer ships one: a vite 8 app whose page
// and Web Worker import it (vite's `worker: { format: "es" }`: the module's top-level await
// needs an ES worker), served with the Content-Security-Policy README's "In a web app" gives, in
// headless Chromium. The worker loads trained params from a .safetensors file with the module's
// loadParams. Both predict what Node predicts with the same module and params. And under the
// strictest policy (script-src 'self', no WebAssembly), the module still loads, and its first
// call says what the policy must allow.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileToString } from "../../src/codegen/index.js";
import { frontendFile } from "../../src/index.js";
import { encodeSafetensors } from "../../src/runtime/safetensors.js";
import { chromiumPath, launch, serve, skipNote, viteBuild } from "./chromium.js";

if (!chromiumPath) console.log(skipNote);

/** Chrome may run the module's fused multiply-add kernels (relaxed SIMD), Node 20 does not: f32 rounding apart. */
const TOLERANCE = 1e-5;
const ROWS = 8;
/** What README's "In a web app" says a module needs: its WebAssembly compiled from bytes. */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'";

// Inputs from a formula, so that the page, the worker and Node need not exchange data.
const INPUTS = `const x = Float32Array.from({ length: ${ROWS} * 784 }, (_, i) => Math.sin(i) * 0.5 + 0.5);`;
const PREDICT = `${INPUTS}\nconst y = Array.from(predict(init(5), { x }).y);`;

const FILES: Record<string, string> = {
  "vite.config.js": `export default { worker: { format: "es" } };\n`,
  "index.html": `<!doctype html><meta charset="utf-8"><pre id="page">running</pre><pre id="worker">running</pre>
<script type="module" src="./main.js"></script>\n`,
  "main.js": `import { init, predict } from "./model.js";
const show = (id, value) => (document.getElementById(id).textContent = JSON.stringify(value));
${PREDICT}
show("page", { y });
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
worker.onmessage = (e) => show("worker", e.data);
worker.onerror = (e) => show("worker", { error: e.message || "the worker failed to load" });\n`,
  // The worker predicts with trained params fetched from the server, the page with init's.
  "worker.js": `import { loadParams, predict } from "./model.js";
const params = loadParams(new Uint8Array(await (await fetch("/params.safetensors")).arrayBuffer()));
${INPUTS}
self.postMessage({ y: Array.from(predict(params, { x }).y) });\n`,
};

describe.skipIf(!chromiumPath)("a compiled module in a vite app's page and worker, in Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "nnc-web-app-"));
  let expected: Record<string, number[]>;

  beforeAll(async () => {
    const g = frontendFile("models/two_layer_net.nn").graphs[0]!;
    writeFileSync(join(dir, "model.js"), compileToString(g, { backend: "wasm" }));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
    // Node, with the same module file: the page's init(5) params, and trained ones (init(7) here) for the worker.
    const m = await import(pathToFileURL(join(dir, "model.js")).href);
    const x = Float32Array.from({ length: ROWS * 784 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
    const trained = m.init(7) as Record<string, Float32Array>;
    const shapes = new Map(g.params.map((p) => [p.name, p.shape]));
    mkdirSync(join(dir, "public"));
    writeFileSync(
      join(dir, "public/params.safetensors"),
      encodeSafetensors(Object.fromEntries(Object.entries(trained).map(([k, data]) => [k, { shape: shapes.get(k)!, data }]))),
    );
    expected = {
      page: Array.from(m.predict(m.init(5), { x }).y as Float32Array),
      worker: Array.from(m.predict(trained, { x }).y as Float32Array),
    };
    viteBuild(dir);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`predicts in the page and in the worker what Node predicts, under ${CSP}`, async () => {
    const { url, server } = await serve(join(dir, "dist"), { csp: CSP });
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
      page.on("pageerror", (e) => void errors.push(String(e)));
      await page.goto(url);
      for (const id of ["page", "worker"]) {
        await expect.poll(() => page.locator(`#${id}`).textContent(), { timeout: 30_000 }).not.toBe("running");
        const r = JSON.parse((await page.locator(`#${id}`).textContent())!) as { y?: number[]; error?: string };
        expect(r.error, id).toBeUndefined();
        expect(r.y!.length).toBe(ROWS * 10);
        r.y!.forEach((v, i) => expect(Math.abs(v - expected[id]![i]!), `${id} y[${i}]`).toBeLessThan(TOLERANCE));
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  });

  it("still loads under script-src 'self', and its first call names 'wasm-unsafe-eval'", async () => {
    const strict = join(dir, "strict");
    mkdirSync(strict, { recursive: true });
    writeFileSync(join(strict, "model.js"), readFileSync(join(dir, "model.js")));
    writeFileSync(
      join(strict, "index.html"),
      `<!doctype html><meta charset="utf-8"><pre id="out">running</pre><script type="module" src="./main.js"></script>\n`,
    );
    writeFileSync(
      join(strict, "main.js"),
      `import { init, predict } from "./model.js";
const out = document.getElementById("out");
out.textContent = "loaded";
try {
  predict(init(5), { x: new Float32Array(784) });
  out.textContent = "predicted";
} catch (e) {
  out.textContent = "error: " + e.message;
}\n`,
    );
    const { url, server } = await serve(strict, { csp: "default-src 'self'; script-src 'self'" });
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await expect.poll(() => page.locator("#out").textContent(), { timeout: 30_000 }).toMatch(/^error: /);
      expect(await page.locator("#out").textContent()).toMatch(/compiling it was refused .*'wasm-unsafe-eval'.*--backend js/);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
