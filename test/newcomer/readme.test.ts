// Issue 13.10: what the README says is what nnc does. Its model example checks clean, the block
// syntax it shows parses (no `;`, a lexer error), every command and every `nnc train` flag is in
// its command list, and docs/experiments.md does not claim --quick runs the interpreter.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli.js";
import { frontend } from "../../src/index.js";

const ROOT = join(import.meta.dirname, "../..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("its model example checks clean", () => {
    const example = /```\n(# The book's TwoLayerNet[^]*?)```/.exec(readme)![1]!;
    const r = frontend(example, "README.md");
    expect(r.diagnostics).toEqual([]);
    expect(r.graphs[0]!.model).toBe("TwoLayerNet");
  });

  it("shows blocks as the language writes them (no ';', which does not lex)", () => {
    expect(readme).not.toMatch(/\{ \.\.\.; return/);
    const r = frontend(
      "block Dense(x: [batch, n], units) {\n  param W: [n, units] = he\n  return x @ W\n}\nmodel M {\n  input x: [batch, 3]\n  output y = Dense(x, 2)\n}\n",
      "b.nn",
    );
    expect(r.diagnostics).toEqual([]);
    expect(
      frontend("block B(x: [batch, n]) { h = x; return h }\nmodel M {\n  input x: [batch, 3]\n  output y = B(x)\n}\n", "c.nn").diagnostics
        .length,
    ).toBeGreaterThan(0);
  });

  it("lists every command and every flag of nnc train and nnc eval", () => {
    const program = buildProgram({ out: () => {}, err: () => {}, isTTY: false }, { code: 0 });
    for (const command of program.commands) {
      expect(readme).toContain(`nnc ${command.name()} `);
      if (command.name() !== "train" && command.name() !== "eval") continue;
      for (const option of command.options) expect(readme, `${command.name()} ${option.long}`).toContain(option.long!);
    }
  });

  it("points to the generated reference for signatures and says how index targets get their classes", () => {
    expect(readme).toContain("[docs/language.md](docs/language.md)");
    expect(readme).toMatch(/`index\[batch\]` target takes its number of classes from the loss/);
  });
});

describe("docs/experiments.md", () => {
  it("does not say --quick runs the interpreter (it runs the default backends)", () => {
    const doc = readFileSync(join(ROOT, "docs/experiments.md"), "utf8");
    expect(doc).not.toContain("`--quick` (interpreter)");
    expect(doc).not.toContain("together on the reference interpreter");
  });
});
