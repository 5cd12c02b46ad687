// A person typing a model: every prefix of every model in models/ must answer every request
// without an exception (in-process, fast), and one model is typed character by character
// through the server, with the requests an editor sends on each keystroke.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Workspace } from "../../src/lsp/analysis.js";
import { complete } from "../../src/lsp/completion.js";
import { toLspDiagnostics } from "../../src/lsp/diagnostics.js";
import { hover } from "../../src/lsp/hover.js";
import { inlayHints } from "../../src/lsp/inlay.js";
import { definition, highlights, references } from "../../src/lsp/navigation.js";
import { documentSymbols } from "../../src/lsp/outline.js";
import { semanticTokens } from "../../src/lsp/semantic.js";
import { modelFiles } from "../support/models.js";
import { Client, type Position } from "./client.js";

describe("every prefix of every model answers", () => {
  for (const path of modelFiles()) {
    it(basename(path), () => {
      const text = readFileSync(path, "utf8");
      const uri = `file://${path}`;
      const ws = new Workspace(() => path);
      let hovered = 0;
      for (let n = 0; n <= text.length; n++) {
        const prefix = text.slice(0, n);
        ws.update(uri, prefix, n);
        const analysis = ws.analysis(uri)!;
        toLspDiagnostics(analysis, uri);
        documentSymbols(analysis);
        const u = ws.usable(uri);
        semanticTokens(prefix, u);
        complete(prefix, n);
        if (!u) continue;
        // The word just typed (the cursor is after it).
        if (hover(u, Math.max(0, n - 1))) hovered++;
        definition(u, uri, Math.max(0, n - 1));
        references(u, uri, Math.max(0, n - 1), true);
        highlights(u, Math.max(0, n - 1));
        inlayHints(u, 0, n);
      }
      // The whole model answers: every binding's shape as a hint, hovers on its names.
      const u = ws.usable(uri)!;
      expect(ws.analysis(uri)!.result.diagnostics).toEqual([]);
      for (let offset = 0; offset < text.length; offset++) if (hover(u, offset)) hovered++;
      expect(hovered).toBeGreaterThan(text.length / 10);
      if (!/activation_histogram|function_2|elongated_bowl/.test(path)) expect(inlayHints(u, 0, text.length).length).toBeGreaterThan(0);
    });
  }
});

describe("retyping a line inside a model", () => {
  it("keeps hover and inlay hints for the lines above while the line does not parse", () => {
    const path = modelFiles().find((f) => f.endsWith("two_layer_net.nn"))!;
    const text = readFileSync(path, "utf8");
    const line = "  y = softmax(h @ W2 + b2)\n";
    const [before, after] = text.split(line) as [string, string];
    const uri = `file://${path}`;
    const ws = new Workspace(() => path);
    const h = before.indexOf("h = sigmoid");
    // The file as opened, then the line deleted and typed again.
    ws.update(uri, text, 0);
    ws.analysis(uri);
    for (let k = 0; k <= line.length; k++) {
      ws.update(uri, before + line.slice(0, k) + after, k + 1);
      const u = ws.usable(uri)!;
      expect(hover(u, h)?.contents).toEqual({ kind: "markdown", value: "```nn\nh: [batch, 50]\n```" });
      expect(inlayHints(u, 0, h + 100).map((hint) => hint.label)).toContain(": [batch, 50]");
    }
  });
});

describe("typing a model character by character through the server", () => {
  let client: Client;
  beforeAll(async () => {
    client = await Client.start();
  });
  afterAll(async () => {
    expect(await client.stop()).toBe(0);
  });

  it("answers each keystroke's requests and ends with the model's diagnostics", async () => {
    const path = modelFiles().find((f) => f.endsWith("two_layer_net.nn"))!;
    const text = readFileSync(path, "utf8");
    const uri = Client.uri("typed.nn");
    await client.open(uri, "");
    let position: Position = { line: 0, character: 0 };
    let completions = 0;
    let hints = 0;
    for (const ch of text) {
      await client.change(uri, ch, { start: position, end: position });
      position = ch === "\n" ? { line: position.line + 1, character: 0 } : { line: position.line, character: position.character + 1 };
      const at = client.at(uri, position);
      const [items, , inlay, tokens] = await Promise.all([
        client.request<unknown[]>("textDocument/completion", at),
        client.request("textDocument/hover", client.at(uri, { line: position.line, character: Math.max(0, position.character - 1) })),
        client.request<unknown[]>("textDocument/inlayHint", {
          textDocument: { uri },
          range: { start: { line: 0, character: 0 }, end: position },
        }),
        client.request<{ data: number[] }>("textDocument/semanticTokens/full", { textDocument: { uri } }),
      ]);
      completions += items.length > 0 ? 1 : 0;
      hints = inlay.length;
      expect(tokens.data.length % 5).toBe(0);
    }
    expect(completions).toBeGreaterThan(text.length / 4);
    // The finished model: clean, with its two bindings' shapes as hints.
    expect(await client.diagnostics(uri)).toEqual([]);
    expect(hints).toBe(2);
    // No handler failed along the way (a failure is logged, and answered with nothing).
    expect(client.stderr.join("")).toBe("");
  });
});
