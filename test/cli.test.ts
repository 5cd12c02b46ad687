// The nnc command line, in-process through main(argv, io) with captured output, plus one run of
// the real executable. Exit codes: 0 ok, 1 errors in a model, 2 usage errors. No stack traces.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import type { Io } from "../src/commands/io.js";
import { MODELS_DIR, modelFiles } from "./support/models.js";

const ROOT = join(import.meta.dirname, "..");

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function nnc(...argv: string[]): Promise<Run> {
  let out = "";
  let err = "";
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}

/** No stack trace ever reaches a user. */
function expectNoStackTrace(r: Run): void {
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.out).not.toMatch(/\n\s+at /);
  expect(r.err).not.toMatch(/internal error/);
}

let dir: string;
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const twoLayer = () => readFileSync(join(MODELS_DIR, "two_layer_net.nn"), "utf8");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nnc-cli-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("nnc check", () => {
  it("checks every shipped model: exit 0, one line per model, nothing on stderr", async () => {
    const files = modelFiles();
    const r = await nnc("check", ...files);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = r.out.trimEnd().split("\n");
    expect(out).toHaveLength(files.length);
    expect(out.find((l) => l.includes("two_layer_net.nn"))).toMatch(
      /two_layer_net\.nn: TwoLayerNet: 39,760 params in 4 tensors, \d+ nodes, outputs y \[batch, 10\], loss$/,
    );
  });

  it("a garbage line appended to a model: a diagnostic at that line and column, exit 1", async () => {
    const text = twoLayer();
    const garbageLine = text.split("\n").length + (text.endsWith("\n") ? 0 : 1);
    const path = file("garbage.nn", `${text.endsWith("\n") ? text : text + "\n"}  garbage here\n`);
    const r = await nnc("check", path);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe(
      [
        `${path}:${garbageLine}:3: error: unexpected 'garbage'; expected 'model' or 'block' (statements go inside a model's { ... })`,
        "    garbage here",
        "    ^~~~~~~",
        "",
      ].join("\n"),
    );
    expectNoStackTrace(r);
  });

  it("garbage inside a model body is found at its line too", async () => {
    const lines = twoLayer().split("\n");
    const at = lines.findIndex((l) => l.includes("output y"));
    lines.splice(at, 0, "  ) ] } garbage");
    const r = await nnc("check", file("inside.nn", lines.join("\n")));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`inside\\.nn:${at + 1}:3: error: `));
    expectNoStackTrace(r);
  });

  it("a missing file: one line, exit 2", async () => {
    const r = await nnc("check", join(dir, "nope.nn"));
    expect(r).toEqual({ code: 2, out: "", err: `nnc: error: ${join(dir, "nope.nn")}: no such file\n` });
  });

  it("a directory, a binary file, a non-UTF-8 file, a device: one line, exit 2", async () => {
    const sub = join(dir, "adir.nn");
    mkdirSync(sub, { recursive: true });
    expect(await nnc("check", sub)).toEqual({ code: 2, out: "", err: `nnc: error: ${sub}: is a directory; give a .nn file\n` });
    const bin = file("bin.nn", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0x10]));
    expect(await nnc("check", bin)).toEqual({ code: 2, out: "", err: `nnc: error: ${bin}: looks like a binary file, not .nn text\n` });
    const latin1 = file("latin1.nn", Buffer.from("model M { # caf\xe9 }", "latin1"));
    expect(await nnc("check", latin1)).toEqual({ code: 2, out: "", err: `nnc: error: ${latin1}: is not valid UTF-8 text\n` });
    if (existsSync("/dev/zero")) {
      expect(await nnc("check", "/dev/zero")).toEqual({
        code: 2,
        out: "",
        err: "nnc: error: /dev/zero: is not a regular file; give a .nn file\n",
      });
    }
  });

  it("an empty file: no model, exit 1", async () => {
    const empty = file("empty.nn", "");
    const r = await nnc("check", empty);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${empty}:1:1: error: no model in ${empty}: declare one with 'model Name { ... }'\n  \n  ^\n`);
  });

  it("a 10 MB file: refused with its size, exit 2", async () => {
    const big = file("big.nn", `# ${"x".repeat(10 * 1024 * 1024)}\n`);
    const r = await nnc("check", big);
    expect(r).toEqual({ code: 2, out: "", err: `nnc: error: ${big}: file is 10.0 MB, larger than any model file (limit 4 MB)\n` });
  });

  it("100,000 nested parentheses and 100,000 unary minus: a clean error, no stack overflow", async () => {
    for (const [name, expr] of [
      ["parens.nn", `${"(".repeat(100_000)}x${")".repeat(100_000)}`],
      ["minus.nn", `${"-".repeat(100_000)}x`],
      ["unclosed.nn", "(".repeat(100_000)],
    ] as const) {
      const r = await nnc("check", file(name, `model M {\n  input x: [batch, 4]\n  output y = ${expr}\n}\n`));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        new RegExp(
          `${name.replace(".", "\\.")}:3:\\d+: error: expression nested too deeply \\(more than 64 levels\\); split it with let-bindings\\n`,
        ),
      );
      expect(r.err.split("\n").filter((l) => l.includes("error:"))).toHaveLength(1);
      expectNoStackTrace(r);
    }
  });

  it("a 50,000-term chain a + a + ... checks", async () => {
    const chain = Array.from({ length: 50_000 }, () => "x").join(" + ");
    const r = await nnc("check", file("chain.nn", `model M {\n  input x: [batch, 4]\n  output y = ${chain}\n}\n`));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/chain\.nn: M: 0 params in 0 tensors, 50,000 nodes, outputs y \[batch, 4\], no loss/);
  });

  it("several files: every file is checked, the exit code is the worst one", async () => {
    const good = join(MODELS_DIR, "simple_net.nn");
    const r = await nnc("check", good, file("bad.nn", "model M {"), join(dir, "missing.nn"));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/simple_net\.nn: SimpleNet: 6 params in 1 tensor, 11 nodes, outputs y \[batch, 3\], loss\n/);
    expect(r.err).toMatch(/bad\.nn:1:10: error: expected '}' but found end of file/);
    expect(r.err).toMatch(/missing\.nn: no such file/);
  });
});

describe("--set", () => {
  const two = join(MODELS_DIR, "two_layer_net.nn");
  const multi = join(MODELS_DIR, "multi_layer_net.nn");

  it("overrides hyperparameters: numbers, functions, initializers", async () => {
    const r = await nnc("check", two, "--set", "hidden=100");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/TwoLayerNet: 79,510 params/);
    const m = await nnc("check", multi, "--set", "activation=sigmoid", "--set", "init=normal(0.01)", "--set", "depth=2");
    expect(m.err).toBe("");
    expect(m.code).toBe(0);
  });

  it("an unknown name: exit 2 with a suggestion", async () => {
    expect(await nnc("check", two, "--set", "hiden=100")).toEqual({
      code: 2,
      out: "",
      err: "nnc: error: --set hiden: no hyperparameter named 'hiden'; did you mean 'hidden'?\n",
    });
  });

  it("a value of the wrong kind, or no value: exit 2", async () => {
    expect(await nnc("check", two, "--set", "hidden=relu")).toEqual({
      code: 2,
      out: "",
      err: "nnc: error: --set hidden: expected a number (like the default, 50), got a function\n",
    });
    expect(await nnc("check", multi, "--set", "activation=3")).toEqual({
      code: 2,
      out: "",
      err: "nnc: error: --set activation: expected a function (like the default, relu), got a number\n",
    });
    expect(await nnc("check", two, "--set", "hidden")).toEqual({
      code: 2,
      out: "",
      err: "nnc: error: --set expects name=value, got 'hidden'\n",
    });
    expect((await nnc("check", two, "--set", "hidden=(")).code).toBe(2);
  });
});

describe("usage", () => {
  it("no arguments: the usage on stderr, exit 2", async () => {
    const r = await nnc();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Usage: nnc \[options\] \[command\]/);
  });

  it("an unknown command or flag: exit 2", async () => {
    const cmd = await nnc("frobnicate");
    expect(cmd.code).toBe(2);
    expect(cmd.err).toMatch(/unknown command 'frobnicate'/);
    const flag = await nnc("check", "--frob", join(MODELS_DIR, "simple_net.nn"));
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/unknown option '--frob'/);
    const missing = await nnc("check");
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/missing required argument 'files'/);
    expect((await nnc("graph", join(MODELS_DIR, "simple_net.nn"), "--format", "svg")).code).toBe(2);
  });

  it("--version and --help exit 0", async () => {
    expect((await nnc("--version")).code).toBe(0);
    const help = await nnc("check", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--set <name=value>/);
  });
});

describe("--json", () => {
  it("reports models, diagnostics and usage errors per file", async () => {
    const good = join(MODELS_DIR, "two_layer_net.nn");
    const bad = file("json-bad.nn", "model M {\n  input x: [batch, 4]\n  h = relu(x)\n  output y = hh\n}\n");
    const r = await nnc("check", "--json", good, bad);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as unknown[];
    expect(report).toEqual([
      {
        file: good,
        ok: true,
        models: [
          {
            model: "TwoLayerNet",
            params: 39760,
            paramTensors: 4,
            nodes: expect.any(Number),
            inputs: [
              { name: "x", role: "input", shape: ["batch", 784] },
              { name: "t", role: "target", shape: ["batch", 10] },
            ],
            outputs: [{ name: "y", shape: ["batch", 10] }],
            loss: true,
          },
        ],
        diagnostics: [],
        usageErrors: [],
      },
      {
        file: bad,
        ok: false,
        models: [],
        diagnostics: [
          {
            severity: "error",
            message: "unknown name 'hh'; did you mean 'h'?",
            span: { file: bad, line: 4, col: 14, endLine: 4, endCol: 16, offset: expect.any(Number), endOffset: expect.any(Number) },
          },
        ],
        usageErrors: [],
      },
    ]);
  });

  it("keeps the notes of a diagnostic", async () => {
    const src = "block B(x) {\n  return x @ x\n}\nmodel M {\n  input x: [batch, 4]\n  output y = B(x)\n}\n";
    const path = file("json-notes.nn", src);
    const [entry] = JSON.parse((await nnc("check", "--json", path)).out) as { diagnostics: { notes?: unknown }[] }[];
    expect(entry!.diagnostics[0]!.notes).toEqual([{ message: `in block B at ${path}:1:7, used at ${path}:6:14` }]);
  });

  it("carries usage errors too", async () => {
    const r = await nnc("check", "--json", join(MODELS_DIR, "simple_net.nn"), "--set", "depth=3");
    expect(r.code).toBe(2);
    const [entry] = JSON.parse(r.out) as { ok: boolean; usageErrors: string[] }[];
    expect(entry).toMatchObject({
      ok: false,
      usageErrors: ["--set depth: no hyperparameter named 'depth' (the model has no hyperparameters)"],
    });
  });
});

describe("nnc graph", () => {
  const two = join(MODELS_DIR, "two_layer_net.nn");

  it("--format dot is a Graphviz digraph", async () => {
    const r = await nnc("graph", two, "--format", "dot");
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^digraph "TwoLayerNet" \{\n/);
    expect(r.out.trimEnd().endsWith("}")).toBe(true);
    expect(r.out).toMatch(/n\d+ \[label="W1\\n\[784, 50\]"/);
    // Every edge joins declared nodes.
    const declared = new Set([...r.out.matchAll(/^ {2}(\w+) \[/gm)].map((m) => m[1]));
    for (const [, a, b] of r.out.matchAll(/^ {2}(\w+) -> (\w+);$/gm)) {
      expect(declared.has(a)).toBe(true);
      expect(declared.has(b)).toBe(true);
    }
  });

  it("--format json is the graph as JSON", async () => {
    const r = await nnc("graph", two, "--format", "json");
    expect(r.code).toBe(0);
    const g = JSON.parse(r.out) as { model: string; nodes: { id: number; op: string }[]; params: { name: string }[] };
    expect(g.model).toBe("TwoLayerNet");
    expect(g.params.map((p) => p.name)).toEqual(["W1", "b1", "W2", "b2"]);
    g.nodes.forEach((n, i) => expect(n.id).toBe(i));
  });

  it("errors in the model: exit 1; several models: choose one with --model", async () => {
    const bad = await nnc("graph", file("graph-bad.nn", "model M { output y = x }"));
    expect(bad.code).toBe(1);
    expect(bad.out).toBe("");
    const two = file("two-models.nn", "model A { input x: [batch, 1] output y = x }\nmodel B { input x: [batch, 2] output y = x }\n");
    const r = await nnc("graph", two);
    expect(r).toEqual({ code: 2, out: "", err: "nnc: error: the file has several models (A, B); choose one with --model\n" });
    const b = await nnc("graph", two, "--model", "B", "--format", "json");
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out)).toMatchObject({ model: "B" });
    expect((await nnc("graph", two, "--model", "C")).code).toBe(2);
  });
});

describe("the nnc executable", () => {
  const built = existsSync(join(ROOT, "dist", "cli.js"));

  const title = "runs end to end: a garbage line gives a diagnostic, exit 1, no stack trace";
  it.skipIf(!built)(built ? title : `${title} (SKIPPED: dist/cli.js is missing; run \`npm run build\`, as npm test does)`, () => {
    const path = file("e2e.nn", `${twoLayer()}\ngarbage\n`);
    const line = `${twoLayer()}\ngarbage\n`.split("\n").indexOf("garbage") + 1;
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "nnc.js"), "check", path, join(MODELS_DIR, "simple_net.nn")], {
      encoding: "utf8",
      env: { ...process.env, NNC_DEBUG: "" },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${line}:1: error: unexpected 'garbage'`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/simple_net\.nn: SimpleNet: 6 params/);
  });
});
