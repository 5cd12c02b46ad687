// The VS Code extension's TextMate grammar (editors/vscode/syntaxes/nn.tmLanguage.json), run as
// VS Code runs it (vscode-textmate on the oniguruma wasm): the scopes of every model in models/
// are snapshots, and its lists of library names are the compiler's.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { createOnigScanner, createOnigString, loadWASM } from "vscode-oniguruma";
import vsctm from "vscode-textmate";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILTINS, INITIALIZERS } from "../../src/graph/builtins.js";
import { BUILTIN_OPTIMIZERS } from "../../src/runtime/optimizers.js";
import { modelFiles } from "../support/models.js";

const EXTENSION = join(import.meta.dirname, "..", "..", "editors", "vscode");
const GRAMMAR_PATH = join(EXTENSION, "syntaxes", "nn.tmLanguage.json");
const rawGrammar = readFileSync(GRAMMAR_PATH, "utf8");

let grammar: vsctm.IGrammar;
beforeAll(async () => {
  const wasm = readFileSync(createRequire(import.meta.url).resolve("vscode-oniguruma/release/onig.wasm"));
  await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner, createOnigString }),
    loadGrammar: async (scope) => (scope === "source.nn" ? vsctm.parseRawGrammar(rawGrammar, GRAMMAR_PATH) : null),
  });
  grammar = (await registry.loadGrammar("source.nn"))!;
});

/** One line per token: its text and its scopes (less the root `source.nn`). */
function tokenize(text: string): string {
  const out: string[] = [];
  let state = vsctm.INITIAL;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const piece = line.slice(t.startIndex, t.endIndex);
      if (piece.trim() === "") continue;
      out.push(`${JSON.stringify(piece)} ${t.scopes.slice(1).join(" ") || "-"}`);
    }
    state = r.ruleStack;
  }
  return out.join("\n") + "\n";
}

describe("TextMate grammar", () => {
  for (const path of modelFiles()) {
    it(`tokenizes ${basename(path)}`, async () => {
      await expect(tokenize(readFileSync(path, "utf8"))).toMatchFileSnapshot(`__snapshots__/grammar/${basename(path, ".nn")}.txt`);
    });
  }

  it("scopes the parts of a statement", () => {
    const scopes = (line: string, piece: string) =>
      tokenize(line)
        .split("\n")
        .find((l) => l.startsWith(JSON.stringify(piece) + " "));
    expect(scopes("  param W1: [784, hidden] = normal(std)  # weights", "W1")).toBe('"W1" variable.other.definition.nn');
    expect(scopes("  h = sigmoid(x @ W1 + b1)", "@")).toBe('"@" keyword.operator.matmul.nn');
    expect(scopes("  h = sigmoid(x @ W1 + b1)", "sigmoid")).toBe('"sigmoid" support.function.builtin.nn');
    expect(scopes("  h = Dense(x, units = 10)", "units")).toBe('"units" variable.parameter.nn');
    expect(scopes("  h = Dense(x, units = 10)", "Dense")).toBe('"Dense" entity.name.function.call.nn');
    expect(scopes("model M(a = 1e-3) {", "1e-3")).toBe('"1e-3" constant.numeric.nn');
    expect(scopes("  # a comment", " a comment")).toBe('" a comment" comment.line.number-sign.nn');
  });

  it("knows the compiler's builtins, initializers and optimizers, and no others", () => {
    const grammarJson = JSON.parse(rawGrammar) as { repository: { expression: { patterns: { match?: string; name?: string }[] } } };
    const list = (scope: string) => {
      const p = grammarJson.repository.expression.patterns.find((x) => x.name === scope)!;
      return /\\b\(([^)]*)\)\\b/.exec(p.match!)![1]!.split("|").sort();
    };
    expect(list("support.function.builtin.nn")).toEqual(Object.keys(BUILTINS).sort());
    expect(list("support.function.initializer.nn")).toEqual(Object.keys(INITIALIZERS).sort());
    expect(list("support.function.optimizer.nn")).toEqual(Object.keys(BUILTIN_OPTIMIZERS).sort());
  });
});

describe("the extension's manifest", () => {
  it("declares the nn language for .nn files with the grammar and the language configuration", () => {
    const manifest = JSON.parse(readFileSync(join(EXTENSION, "package.json"), "utf8"));
    expect(manifest.contributes.languages).toEqual([
      expect.objectContaining({ id: "nn", extensions: [".nn"], configuration: "./language-configuration.json" }),
    ]);
    expect(manifest.contributes.grammars).toEqual([{ language: "nn", scopeName: "source.nn", path: "./syntaxes/nn.tmLanguage.json" }]);
    expect(JSON.parse(rawGrammar).scopeName).toBe("source.nn");
    const config = JSON.parse(readFileSync(join(EXTENSION, "language-configuration.json"), "utf8"));
    expect(config.comments).toEqual({ lineComment: "#" });
    expect(config.brackets).toEqual([
      ["{", "}"],
      ["[", "]"],
      ["(", ")"],
    ]);
  });
});
