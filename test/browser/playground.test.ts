// The built playground (playground/dist/) in headless Chromium, as a person uses it: it loads
// without console errors, a typed mistake is underlined where it is, the graph renders, training
// TwoLayerNet on MNIST with its own train { } settings passes 90% test accuracy, a drawn digit
// gets a prediction, and the downloaded module and params predict in Node what the page predicted.
// NNC_SCREENSHOTS=1 keeps a screenshot of each state in docs/playground/.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../src/runtime/safetensors.js";
import { chromiumPath, launch, serve, skipNote, viteBuild } from "./chromium.js";

if (!chromiumPath) console.log(skipNote);

/** The page and Node run the same module; Chrome may pick its fused multiply-add kernels, Node 20 not: f32 rounding apart. */
const SAME_PREDICTION = 1e-4;
/** Short of the model's 10,000 steps, and still the bar (> 90% in a few epochs): six epochs of 600 steps. */
const TRAIN_ITERS = "3600";

describe.skipIf(!chromiumPath)("the playground in Chromium", () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  let page: Page;
  const consoleErrors: string[] = [];
  const shots = mkdtempSync(join(tmpdir(), "nnc-playground-shots-"));
  const shot = async (name: string) => {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    if (process.env.NNC_SCREENSHOTS === "1") {
      mkdirSync("docs/playground", { recursive: true });
      copyFileSync(join(shots, `${name}.png`), join("docs/playground", `${name}.png`));
    }
  };

  beforeAll(async () => {
    viteBuild("playground");
    ({ url, server } = await serve(join(process.cwd(), "playground/dist"), { isolated: true }));
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on("console", (m) => void (m.type() === "error" && consoleErrors.push(m.text())));
    page.on("pageerror", (e) => void consoleErrors.push(String(e)));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    rmSync(shots, { recursive: true, force: true });
  });

  it("loads with the example model, its graph and no console errors", async () => {
    await page.goto(url);
    await page.locator("#graph svg g.node").first().waitFor();
    expect(await page.locator(".cm-content").textContent()).toContain("model TwoLayerNet");
    // Nodes are labelled with their shapes.
    expect(await page.locator("#graph svg").textContent()).toContain("[batch, 50]");
    expect(await page.locator(".cm-lintRange-error").count()).toBe(0);
    expect(await page.locator("[name=lr]").inputValue()).toBe("0.1");
    await shot("loaded");
    expect(consoleErrors).toEqual([]);
  });

  it("underlines a typed mistake where it is, with nnc's message", async () => {
    await page.locator(".cm-line", { hasText: "h = sigmoid(x @ W1 + b1)" }).click();
    await page.keyboard.press("End");
    await page.keyboard.type(" * q");
    const mark = page.locator(".cm-lintRange-error");
    await mark.first().waitFor();
    expect(await mark.count()).toBe(1);
    expect(await mark.textContent()).toBe("q");
    expect(await mark.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' cm-line ')]").textContent()).toBe(
      "  h = sigmoid(x @ W1 + b1) * q",
    );
    await mark.hover();
    await expect.poll(() => page.locator(".cm-tooltip-lint").textContent()).toContain("'q'");
    await shot("error");
    // The model is in the URL: a link opens the same text, mistake and all.
    const shared = await page.context().newPage();
    await shared.goto(page.url());
    await expect.poll(() => shared.locator(".cm-content").textContent()).toContain("h = sigmoid(x @ W1 + b1) * q");
    await shared.close();
    for (let i = 0; i < 4; i++) await page.keyboard.press("Backspace");
    await expect.poll(() => page.locator(".cm-lintRange-error").count()).toBe(0);
  });

  it("marks warnings too", async () => {
    await page.locator(".cm-line", { hasText: "h = sigmoid(x @ W1 + b1)" }).click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("z = h");
    const mark = page.locator(".cm-lintRange-warning");
    await expect.poll(() => mark.textContent()).toBe("z = h");
    await mark.hover();
    await expect.poll(() => page.locator(".cm-tooltip-lint").textContent()).toContain("'z' is never used");
    for (let i = 0; i < 5 && (await page.locator(".cm-content").textContent())!.includes("z = h"); i++)
      await page.keyboard.press("Control+z");
    await expect.poll(() => mark.count()).toBe(0);
  });

  it("shows shapes on hover", async () => {
    const line = page.locator(".cm-line", { hasText: "h = sigmoid(x @ W1 + b1)" });
    await line.getByText("W1", { exact: true }).hover();
    await expect.poll(() => page.locator(".shape-tooltip").textContent()).toBe("W1: [784, 50]");
    await line.getByText("@").hover();
    await expect.poll(() => page.locator(".shape-tooltip").textContent()).toBe("matmul (h): [batch, 50]");
  });

  it("formats with nnc fmt on Shift-Alt-F", async () => {
    await page.locator(".cm-line", { hasText: "y = softmax(h @ W2 + b2)" }).click();
    await page.keyboard.press("Home");
    await page.keyboard.type("    ");
    await expect.poll(() => page.locator(".cm-line", { hasText: "y = softmax" }).textContent()).toBe("      y = softmax(h @ W2 + b2)");
    await page.keyboard.press("Shift+Alt+F");
    await expect.poll(() => page.locator(".cm-line", { hasText: "y = softmax" }).textContent()).toBe("  y = softmax(h @ W2 + b2)");
  });

  it("shows the backward graph", async () => {
    await page.locator("input[value=backward]").check();
    await expect.poll(() => page.locator("#graph svg").textContent()).toContain("∂loss/∂W1");
    await shot("graph-backward");
  });

  // Timeouts: a minute's work on a busy 2-core machine.
  it("trains TwoLayerNet above 90% test accuracy, with a stop and a resume on the way", { timeout: 400_000 }, async () => {
    await page.locator("[name=length]").fill(TRAIN_ITERS);
    await page.locator("#train").click();
    await expect.poll(() => page.locator("#progress").getAttribute("value").then(Number), { timeout: 120_000 }).toBeGreaterThan(300);
    await page.locator("#stop").click();
    await expect.poll(() => page.locator("#status").textContent(), { timeout: 30_000 }).toMatch(/stopped at step \d+/);
    await page.locator("#resume").click();
    await expect.poll(() => page.locator("#status").textContent(), { timeout: 300_000 }).toBe(`trained: ${TRAIN_ITERS} steps`);
    const text = (await page.locator("#accuracy").textContent()) ?? "";
    const m = /epoch 6: test accuracy (\d+\.\d\d)%/.exec(text);
    expect(m, text).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(90);
    await page.locator("#accuracy-chart svg").waitFor();
    expect(await page.locator("#loss-chart svg").textContent()).toContain("TwoLayerNet: training loss");
    expect(await page.locator(".sample").count()).toBeGreaterThan(10);
    await shot("trained");
  });

  it("predicts a drawn digit", async () => {
    const pad = (await page.locator("#pad").boundingBox())!;
    await page.locator("#pad").scrollIntoViewIfNeeded();
    const box = (await page.locator("#pad").boundingBox()) ?? pad;
    // A one: a slightly slanted stroke down the middle.
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.55 - 0.01 * i), box.y + box.height * (0.15 + 0.07 * i));
    await page.mouse.up();
    await expect.poll(() => page.locator("#bars").getAttribute("data-predicted")).toBe("1");
    await shot("drawn");
  });

  it("exports a module and params that predict in Node what the page predicted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nnc-playground-export-"));
    try {
      const downloads: string[] = [];
      page.on("download", (d) => void d.saveAs(join(dir, d.suggestedFilename())).then(() => downloads.push(d.suggestedFilename())));
      await page.locator("#download-module").click();
      await page.locator("#download-params").click();
      await expect.poll(() => downloads.sort()).toEqual(["TwoLayerNet.d.ts", "TwoLayerNet.js", "TwoLayerNet.safetensors"]);
      expect(readFileSync(join(dir, "TwoLayerNet.d.ts"), "utf8")).toContain(
        "export declare function predict(params: Params, inputs: Inputs): Outputs;",
      );
      // The model's input as the page gave it: the preview holds the image's bytes.
      // (The test's TypeScript has no DOM types: the page-side code is a string.)
      const bytes = await page.evaluate<number[]>(
        "Array.from(document.getElementById('preview').getContext('2d').getImageData(0, 0, 28, 28).data)",
      );
      const x = Float32Array.from({ length: 784 }, (_, i) => bytes[4 * i]! / 255);
      const shown = await Promise.all(
        (await page.locator("#bars .bar").all()).map(async (b) => Number(await b.getAttribute("data-probability"))),
      );
      writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
      const m = await import(pathToFileURL(join(dir, "TwoLayerNet.js")).href);
      const file = decodeSafetensors(readFileSync(join(dir, "TwoLayerNet.safetensors")));
      expect(file.metadata.model).toBe("TwoLayerNet");
      const params = Object.fromEntries(Object.entries(file.tensors).map(([k, t]) => [k, t.data]));
      const y: Float32Array = m.predict(params, { x }).y;
      expect(y.length).toBe(10);
      y.forEach((p, i) => expect(Math.abs(p - shown[i]!)).toBeLessThan(SAME_PREDICTION));
      expect(y.indexOf(Math.max(...y))).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("opens the example models from the picker, with their own train { } settings", async () => {
    await page.locator("#examples").selectOption("mnist_relu_adam.nn");
    await expect.poll(() => page.locator("#graph svg").textContent()).toContain("hidden1.W");
    expect(await page.locator("[name=optimizer]").inputValue()).toBe("adam");
    expect(await page.locator("[name=unit]").inputValue()).toBe("epochs");
    await page.locator("#examples").selectOption("two_layer_net.nn");
    await expect.poll(() => page.locator("[name=optimizer]").inputValue()).toBe("sgd");
  });

  it("fits a phone's screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator("#graph svg g.node").first().waitFor();
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await shot("phone");
    expect(consoleErrors).toEqual([]);
  });
});
