// `nnc fmt`: golden cases, comments in every position, line fitting, the command, and properties
// over generated sources: formatting keeps the meaning (the AST) and the comments, and is a fixpoint.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli.js";
import { fmtCommand } from "../src/commands/fmt.js";
import type { Io } from "../src/commands/io.js";
import { formatNn } from "../src/format/format.js";
import { plugin } from "../src/format/plugin.js";
import { parse } from "../src/parser/parse.js";
import { arbitraryNn } from "./support/arbitrary-nn.js";
import { modelFiles } from "./support/models.js";

const FC = { seed: 42, numRuns: Number(process.env.NNC_FC_RUNS ?? 200) };

async function expectFormatted(input: string, output: string): Promise<void> {
  expect(await formatNn(input)).toBe(output);
  expect(await formatNn(output)).toBe(output);
}

/** A model around statements, the shape most cases need. */
const inModel = (...lines: string[]) => `model M {\n${lines.map((l) => (l ? `  ${l}\n` : "\n")).join("")}}\n`;

const SPAN_KEYS = new Set(["span", "opSpan", "nameSpan", "calleeSpan"]);

/** The AST without positions and without parentheses (they are in the tree's shape). */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== "object") return node;
  const obj = node as Record<string, unknown>;
  if (obj.kind === "paren") return normalize(obj.inner);
  if (obj.kind === "file")
    return { decls: normalize(obj.decls), comments: (obj.comments as { text: string }[]).map((c) => c.text.trimEnd()) };
  return Object.fromEntries(
    Object.entries(obj)
      .filter(([k]) => !SPAN_KEYS.has(k))
      .map(([k, v]) => [k, normalize(v)]),
  );
}

function astOf(text: string): unknown {
  const r = parse(text, "test.nn");
  if (!r.ast) throw new Error(`does not parse:\n${r.diagnostics.map((d) => d.message).join("\n")}\n${text}`);
  return normalize(r.ast);
}

function captureIo(): Io & { stdout: string; stderr: string } {
  const io = { stdout: "", stderr: "", isTTY: false, out: (s: string) => void (io.stdout += s), err: (s: string) => void (io.stderr += s) };
  return io;
}

describe("canonical style", () => {
  it("spaces, indentation, one statement per line", async () => {
    await expectFormatted(
      "model M{input x:[batch,784] y=softmax(x@W+b)output y}",
      inModel("input x: [batch, 784]", "y = softmax(x @ W + b)", "output y"),
    );
    await expectFormatted("model M { param W:[784,hidden]=normal(std) }", inModel("param W: [784, hidden] = normal(std)"));
    await expectFormatted(
      "model M { target t:onehot[batch,10] target u : real [ batch ] }",
      inModel("target t: onehot[batch, 10]", "target u: [batch]"),
    );
    await expectFormatted("model M { output y=-x**2 loss mse(y,t) }", inModel("output y = -x ** 2", "loss mse(y, t)"));
    await expectFormatted(
      "block B(x:[batch,n],units,act=relu){return act(x)}",
      "block B(x: [batch, n], units, act = relu) {\n  return act(x)\n}\n",
    );
  });

  it("empty declarations; a model without hyperparameters drops its ()", async () => {
    await expectFormatted("model M() {}", "model M {}\n");
    await expectFormatted("block B() {}", "block B() {}\n");
    await expectFormatted("", "");
  });

  it("the train section has one setting per line", async () => {
    await expectFormatted(
      "model M { train{optimizer=sgd(lr=0.1) batch_size=100} }",
      inModel("train {", "  optimizer = sgd(lr = 0.1)", "  batch_size = 100", "}"),
    );
    await expectFormatted("model M { train {} }", inModel("train {}"));
  });

  it("keeps single blank lines between statements, collapses more, and separates declarations by one", async () => {
    await expectFormatted("model M {\n\n  a = 1\n\n\n\n  b = 2\n  c = 3\n\n}", inModel("a = 1", "", "b = 2", "c = 3"));
    await expectFormatted("block A() {}\nblock B() {}\n\n\n\nmodel M {}", "block A() {}\n\nblock B() {}\n\nmodel M {}\n");
  });

  it("repeat, if, lists and calls with named arguments", async () => {
    await expectFormatted("model M { h = repeat( depth )Hidden(x,width) }", inModel("h = repeat(depth) Hidden(x, width)"));
    await expectFormatted("model M { h = if a>1 then [1,2,] else f(x,p=2,) }", inModel("h = if a > 1 then [1, 2] else f(x, p = 2)"));
  });
});

describe("parentheses: where precedence needs them, and nowhere else", () => {
  it.each([
    ["((a * b)) + c", "a * b + c"],
    ["a - (b - c)", "a - (b - c)"],
    ["(a - b) - c", "a - b - c"],
    ["a + (b + c)", "a + (b + c)"],
    ["(a + b) * c", "(a + b) * c"],
    ["-(x ** 2)", "-x ** 2"],
    ["(-x) ** 2", "(-x) ** 2"],
    ["a ** (b ** c)", "a ** b ** c"],
    ["(a ** b) ** c", "(a ** b) ** c"],
    ["-(a + b)", "-(a + b)"],
    ["(a == b) == (c < d)", "(a == b) == (c < d)"],
    ["(if c then a else b) + 1", "(if c then a else b) + 1"],
    ["f((a + b), [(1)])", "f(a + b, [1])"],
    ["(if (a) then (b) else (c))", "if a then b else c"],
  ])("%s -> %s", async (input, output) => {
    await expectFormatted(inModel(`x = ${input}`), inModel(`x = ${output}`));
  });

  it("keeps a redundant pair that holds a comment, so the comment cannot move across an operator", async () => {
    await expectFormatted(inModel("x = (a # why", "  + b) * 2"), inModel("x = (", "  a + # why", "    b", ") *", "  2"));
  });
});

describe("comments", () => {
  it("keeps comments at the top, between declarations, and at the end of the file", async () => {
    await expectFormatted(
      "# file\n\n# about A\nblock A() {} # end of A\n# about M\nmodel M {}\n# last",
      "# file\n\n# about A\nblock A() {} # end of A\n\n# about M\nmodel M {}\n# last\n",
    );
    await expectFormatted("# only a comment\n\n\n# another", "# only a comment\n\n# another\n");
  });

  it("keeps own-line comments on their lines and end-of-line comments at the end of theirs", async () => {
    const src = inModel("# before a", "a = 1 # after a", "", "# before b", "", "b = f(x) # after b", "# last in body");
    await expectFormatted(src, src);
    await expectFormatted("model M { # after the brace\n  a = 1\n}", inModel("# after the brace", "a = 1"));
  });

  it("keeps comments in headers, argument lists and shapes, which then break one item per line", async () => {
    await expectFormatted("model M(a = 1, # about a\n b = 2) {}", "model M(\n  a = 1, # about a\n  b = 2,\n) {}\n");
    await expectFormatted("model M(a = 1\n  # after a\n) { x = 1 }", "model M(\n  a = 1,\n  # after a\n) {\n  x = 1\n}\n");
    await expectFormatted(inModel("y = f(x, # first", "  z)"), inModel("y = f(", "  x, # first", "  z,", ")"));
    await expectFormatted(inModel("input x: [batch, # rows", "  784]"), inModel("input x: [", "  batch, # rows", "  784,", "]"));
    await expectFormatted(inModel("y = a + # why", "  b"), inModel("y = a + # why", "  b"));
    await expectFormatted(inModel("y = # why", "  a"), inModel("y = # why", "  a"));
  });

  it("keeps comments inside empty bodies, calls, shapes and train sections", async () => {
    await expectFormatted("model M { # nothing yet\n}", "model M {\n  # nothing yet\n}\n");
    await expectFormatted(inModel("y = f( # no args", ")"), inModel("y = f(", "  # no args", ")"));
    await expectFormatted(inModel("input x: [ # scalar", "]"), inModel("input x: [", "  # scalar", "]"));
    await expectFormatted(inModel("train { # defaults", "}"), inModel("train {", "  # defaults", "}"));
  });
});

describe("line fitting", () => {
  it("breaks a long model header one hyperparameter per line, with a trailing comma", async () => {
    const formals = "depth = 5, width = 100, activation = relu, init = he, use_batchnorm = true, dropout_ratio = 0";
    await expectFormatted(
      `model MultiLayerNetExtend(${formals}) { x = 1 }`,
      `model MultiLayerNetExtend(\n${formals
        .split(", ")
        .map((f) => `  ${f},\n`)
        .join("")}) {\n  x = 1\n}\n`,
    );
  });

  it("breaks a long call one argument per line, and a long sum at its operators", async () => {
    const args = ["first_argument_value", "second_argument_value", "third_argument_value", "fourth_argument"];
    await expectFormatted(
      inModel(`y = some_function(${args.join(", ")})`),
      inModel("y = some_function(", ...args.map((a) => `  ${a},`), ")"),
    );
    const terms = [
      "aaaaaaaaaaaaaaaaaaaa",
      "bbbbbbbbbbbbbbbbbbbbbbbbb",
      "cccccccccccccccccccccccc * dddddddddddddddd",
      "eeeeeeeeeeeeeeeeee",
    ];
    await expectFormatted(
      inModel(`y = ${terms.join(" + ")}`),
      inModel(`y = ${terms[0]} +`, ...terms.slice(1, -1).map((t) => `  ${t} +`), `  ${terms[3]}`),
    );
  });
});

describe("the prettier plugin", () => {
  it("is chosen by the .nn extension", async () => {
    expect(await format("model M{x=1}", { filepath: "a.nn", plugins: [plugin] })).toBe("model M {\n  x = 1\n}\n");
  });

  it("rejects a syntax error with the formatted diagnostics", async () => {
    await expect(formatNn("model M {\n  x = (1 +\n}\n", "bad.nn")).rejects.toThrow(/^bad\.nn:3:1: error: .*\n {2}}\n {2}\^/);
  });
});

describe("nnc fmt", () => {
  it("--check passes on models/, which are formatted", async () => {
    const io = captureIo();
    expect(await main(["fmt", "--check", ...modelFiles()], io)).toBe(0);
    expect(io.stdout + io.stderr).toBe("");
  });

  it("refuses --check with --write (a usage error)", async () => {
    const io = captureIo();
    expect(await main(["fmt", "--check", "--write", ...modelFiles()], io)).toBe(2);
    expect(io.stderr).toContain("--check and --write cannot be used together");
  });

  it("prints, checks and rewrites files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nnc-fmt-"));
    const messy = join(dir, "messy.nn");
    const clean = join(dir, "clean.nn");
    writeFileSync(messy, "model M{x=1}");
    writeFileSync(clean, "model M {\n  x = 1\n}\n");
    chmodSync(messy, 0o640);

    let io = captureIo();
    expect(await fmtCommand([messy], {}, io)).toBe(0);
    expect(io.stdout).toBe("model M {\n  x = 1\n}\n");

    io = captureIo();
    expect(await fmtCommand([messy, clean], { check: true }, io)).toBe(1);
    expect(io.stdout).toBe(`${messy}\n`);

    io = captureIo();
    expect(await fmtCommand([messy, clean], { write: true }, io)).toBe(0);
    expect(readFileSync(messy, "utf8")).toBe("model M {\n  x = 1\n}\n");
    expect(statSync(messy).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(["clean.nn", "messy.nn"]);
    expect(await fmtCommand([messy, clean], { check: true }, captureIo())).toBe(0);
  });

  it("reports syntax errors (exit 1) and unreadable files (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nnc-fmt-"));
    const bad = join(dir, "bad.nn");
    writeFileSync(bad, "model M {\n  x = \n}\n");
    let io = captureIo();
    expect(await fmtCommand([bad], { write: true }, io)).toBe(1);
    expect(io.stderr).toMatch(new RegExp(`^${bad.replace(/[.\\]/g, "\\$&")}:3:1: error: `));
    expect(readFileSync(bad, "utf8")).toBe("model M {\n  x = \n}\n");
    io = captureIo();
    expect(await fmtCommand([join(dir, "missing.nn")], {}, io)).toBe(2);
    expect(io.stderr).toContain("missing.nn: no such file");
  });
});

describe("properties over generated sources", () => {
  it("the generator makes sources that parse", () => {
    fc.assert(
      fc.property(arbitraryNn, (src) => void astOf(src)),
      FC,
    );
  });

  it("formatting keeps the AST and the comments", async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryNn, async (src) => {
        expect(astOf(await formatNn(src))).toEqual(astOf(src));
      }),
      FC,
    );
  });

  it("formatting is idempotent, and its output has no trailing spaces or runs of blank lines", async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryNn, async (src) => {
        const once = await formatNn(src);
        expect(await formatNn(once)).toBe(once);
        expect(once).not.toMatch(/[ \t]$/m);
        expect(once).not.toMatch(/^\n|\n\n\n/);
      }),
      FC,
    );
  });
});
