// Threads in a browser: a compiled module imported by a module worker of a cross-origin isolated
// page shares its large row jobs with Web Workers of its own (started from a Blob), as it does
// with worker_threads in Node, and computes what Node computes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileToString } from "../../src/codegen/index.js";
import { frontendFile } from "../../src/index.js";
import { chromiumPath, launch, serve, skipNote } from "./chromium.js";

if (!chromiumPath) console.log(skipNote);

/** Chrome may run the fused multiply-add kernels (relaxed SIMD), Node 20 does not: float32 rounding apart. */
const TOLERANCE = 1e-5;
const ROWS = 200; // x·W1 is 200 × 784 × 50 multiply-adds: well above the size at which rows are shared

const BATCH = `const x = Float32Array.from({ length: ${ROWS} * 784 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
const t = Float32Array.from({ length: ${ROWS} * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));`;

const FILES: Record<string, string> = {
  "index.html": `<!doctype html><meta charset="utf-8"><pre id="out">running</pre><script type="module" src="./main.js"></script>\n`,
  "main.js": `const worker = new Worker("./worker.js", { type: "module" });
worker.onmessage = (e) => (document.getElementById("out").textContent = JSON.stringify(e.data));
worker.onerror = (e) => (document.getElementById("out").textContent = JSON.stringify({ error: e.message }));\n`,
  "worker.js": `import { adopt, init, lossAndGrads, threads } from "./model.js";
${BATCH}
const params = adopt(init(3));
const n = threads();
const first = lossAndGrads(params, { x, t });
const again = lossAndGrads(params, { x, t }); // a second step through the same threads
self.postMessage({ threads: n, cores: navigator.hardwareConcurrency, loss: again.loss, w1: Array.from(again.grads.W1.subarray(0, 400)), same: first.loss === again.loss });\n`,
};

describe.skipIf(!chromiumPath)("threads in a browser", () => {
  const dir = mkdtempSync(join(tmpdir(), "nnc-threads-"));
  let expected: { loss: number; w1: number[] };

  beforeAll(async () => {
    const g = frontendFile("models/two_layer_net.nn").graphs[0]!;
    writeFileSync(join(dir, "model.js"), compileToString(g, { backend: "wasm" }));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
    const m = await import(pathToFileURL(join(dir, "model.js")).href);
    const x = Float32Array.from({ length: ROWS * 784 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
    const t = Float32Array.from({ length: ROWS * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));
    const r = m.lossAndGrads(m.init(3), { x, t });
    expected = { loss: r.loss, w1: Array.from((r.grads.W1 as Float32Array).subarray(0, 400)) };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a worker of an isolated page runs large row jobs on Web Workers too, computing what Node computes", async () => {
    const { url, server } = await serve(dir, { isolated: true });
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
      page.on("pageerror", (e) => void errors.push(String(e)));
      await page.goto(url);
      await expect.poll(() => page.locator("#out").textContent(), { timeout: 30_000 }).not.toBe("running");
      const r = JSON.parse((await page.locator("#out").textContent())!) as {
        threads: number;
        cores: number;
        loss: number;
        w1: number[];
        error?: string;
      };
      expect(r.error).toBeUndefined();
      expect(r.threads).toBe(Math.min(4, r.cores));
      expect(Math.abs(r.loss - expected.loss)).toBeLessThan(TOLERANCE);
      r.w1.forEach((v, i) => expect(Math.abs(v - expected.w1[i]!), `W1 gradient [${i}]`).toBeLessThan(TOLERANCE));
      // The module's own thread workers, started from a Blob next to the page's worker.
      expect(page.workers().filter((w) => w.url().startsWith("blob:")).length).toBe(r.threads - 1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  });
});
