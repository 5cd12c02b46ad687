// Issue 13.10: what the README says is what nnc does. Its model example checks clean, the block
// syntax it shows parses (no `;`, a lexer error), every command and every `nnc train` flag is in
// its command list, and docs/experiments.md does not claim --quick runs the interpreter.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram, main } from "../../src/cli.js";
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

  it("its compiled-module example runs as written, on a module `nnc compile` writes, with both backends", async () => {
    const example = /```js\n(import \{ meta, init, predict, lossAndGrads, batchBuffers, updateSgd \}.*?)\n```/s.exec(readme)![1]!;
    const dir = mkdtempSync(join(tmpdir(), "nnc-readme-"));
    try {
      writeFileSync(join(dir, "example.mjs"), example);
      const io = { out: () => {}, err: () => {}, isTTY: false };
      for (const backend of ["wasm", "js"]) {
        const code = await main(
          ["compile", join(ROOT, "models/two_layer_net.nn"), "-o", join(dir, "two_layer_net.js"), "--backend", backend],
          io,
        );
        expect(code).toBe(0);
        const run = spawnSync(process.execPath, [join(dir, "example.mjs")], { cwd: dir, encoding: "utf8" });
        expect(run.stderr, backend).toBe("");
        // The param listing, then the loss of 10 classes at init (about ln 10) and a probability.
        const printed = /^\[ 'W1 \[784,50\]', 'b1 \[50\]', 'W2 \[50,10\]', 'b2 \[10\]' \] (\S+) (\S+)\n$/.exec(run.stdout);
        expect(printed, run.stdout).not.toBeNull();
        expect(Number(printed![1])).toBeCloseTo(Math.log(10), 1);
        expect(Number(printed![2])).toBeGreaterThan(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
