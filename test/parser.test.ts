// The parser: operator precedence and associativity as one-liners, and every statement kind
// parsed into the right AST, with spans.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { showExpr, type Decl, type Expr, type Stmt } from "../src/parser/ast.js";
import { parse, parseExpression } from "../src/parser/parse.js";
import { MODELS_DIR } from "./support/models.js";

function expr(text: string): Expr {
  const r = parseExpression(text, "expr.nn");
  if (!r.expr) throw new Error(`expected ${JSON.stringify(text)} to parse: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return r.expr;
}

function expectParsed(text: string, shown: string): void {
  expect(showExpr(expr(text))).toBe(shown);
}

function expectRejected(text: string, message: RegExp): void {
  const r = parseExpression(text, "expr.nn");
  expect(r.expr).toBeUndefined();
  expect(r.diagnostics.map((d) => d.message).join("\n")).toMatch(message);
}

function decls(text: string): readonly Decl[] {
  const r = parse(text, "test.nn");
  if (!r.ast) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  expect(r.diagnostics).toEqual([]);
  return r.ast.decls;
}

/** The body of `model M { ... }`, one line per statement. */
function body(text: string): string[] {
  return decls(`model M {\n${text}\n}`)[0]!.body.map(showStmt);
}

function showStmt(s: Stmt): string {
  const shape = (dims: readonly Expr[]) => `[${dims.map(showExpr).join(", ")}]`;
  switch (s.kind) {
    case "input":
      return `input ${s.name}: ${shape(s.shape)}`;
    case "target":
      return `target ${s.name}: ${s.encoding}${shape(s.shape)}`;
    case "param":
      return `param ${s.name}: ${shape(s.shape)} = ${showExpr(s.init)}`;
    case "let":
      return `let ${s.name} = ${showExpr(s.value)}`;
    case "output":
      return s.value ? `output ${s.name} = ${showExpr(s.value)}` : `output ${s.name}`;
    case "loss":
      return `loss ${showExpr(s.value)}`;
    case "return":
      return `return ${showExpr(s.value)}`;
    case "train":
      return `train { ${s.settings.map((x) => `${x.name} = ${showExpr(x.value)}`).join("; ")} }`;
  }
}

describe("expressions: precedence and associativity", () => {
  it.each([
    ["a + b * c", "(a + (b * c))"],
    ["a * b + c", "((a * b) + c)"],
    ["a - b - c", "((a - b) - c)"],
    ["a / b / c", "((a / b) / c)"],
    ["a - b + c", "((a - b) + c)"],
    ["a @ b + c", "((a @ b) + c)"],
    ["a + b @ c", "(a + (b @ c))"],
    ["x @ W1 + b1", "((x @ W1) + b1)"],
    ["a @ b @ c", "((a @ b) @ c)"],
    ["a @ b * c", "((a @ b) * c)"],
    ["a * b @ c", "((a * b) @ c)"],
    ["a / b @ c", "((a / b) @ c)"],
    ["(a + b) * c", "((a + b) * c)"],
    ["a * (b + c)", "(a * (b + c))"],
    ["((a))", "a"],
  ])("%s", (text, shown) => expectParsed(text, shown));

  it.each([
    ["a ** b", "(a ** b)"],
    ["a ** b ** c", "(a ** (b ** c))"],
    ["2 ** 3 ** 2", "(2 ** (3 ** 2))"],
    ["a * b ** c", "(a * (b ** c))"],
    ["a ** b * c", "((a ** b) * c)"],
    ["-x ** 2", "(-(x ** 2))"],
    ["-x * y", "((-x) * y)"],
    ["x * -y", "(x * (-y))"],
    ["x ** -y", "(x ** (-y))"],
    ["-x ** -y", "(-(x ** (-y)))"],
    ["- - x", "(-(-x))"],
    ["--x", "(-(-x))"],
    ["x--y", "(x - (-y))"],
    ["a - -b", "(a - (-b))"],
    ["(-x) ** 2", "((-x) ** 2)"],
    ["x**2", "(x ** 2)"],
  ])("unary minus and **: %s", (text, shown) => expectParsed(text, shown));

  it.each([
    ["a < b + c", "(a < (b + c))"],
    ["a + b == c * d", "((a + b) == (c * d))"],
    ["a != b", "(a != b)"],
    ["a <= b", "(a <= b)"],
    ["a >= -b", "(a >= (-b))"],
    ["a > b", "(a > b)"],
    ["depth == 0", "(depth == 0)"],
  ])("comparisons: %s", (text, shown) => expectParsed(text, shown));

  it.each([
    ["if a then b else c", "(if a then b else c)"],
    ["if a then b else c + d", "(if a then b else (c + d))"],
    ["if a < 1 then b * 2 else -c", "(if (a < 1) then (b * 2) else (-c))"],
    ["if a then if b then c else d else e", "(if a then (if b then c else d) else e)"],
    ["if a then b else if c then d else e", "(if a then b else (if c then d else e))"],
    ["(if a then b else c) * 2", "((if a then b else c) * 2)"],
    ["if use then dropout(x, r) else x", "(if use then dropout(x, r) else x)"],
  ])("if/then/else: %s", (text, shown) => expectParsed(text, shown));

  it.each([
    ["f()", "f()"],
    ["f(x)", "f(x)"],
    ["f(x, y)", "f(x, y)"],
    ["f(x,)", "f(x)"],
    ["f(x, y,)", "f(x, y)"],
    ["f(x, axis = 1)", "f(x, axis = 1)"],
    ["sgd(lr = 0.1)", "sgd(lr = 0.1)"],
    ["f(axis = -1, x)", "f(axis = (-1), x)"],
    ["f(g(x) + 1, h = k(y))", "f((g(x) + 1), h = k(y))"],
    ["relu(x @ W + b)", "relu(((x @ W) + b))"],
  ])("calls: %s", (text, shown) => expectParsed(text, shown));

  it.each([
    ["[]", "[]"],
    ["[1]", "[1]"],
    ["[batch, 784]", "[batch, 784]"],
    ["[batch, 784,]", "[batch, 784]"],
    ["[a + 1, b * 2]", "[(a + 1), (b * 2)]"],
    ["[[1, 2], [3]]", "[[1, 2], [3]]"],
    ["reshape(x, [batch, 28 * 28])", "reshape(x, [batch, (28 * 28)])"],
  ])("lists: %s", (text, shown) => expectParsed(text, shown));

  it.each([
    ["repeat(3) D(x)", "repeat(3) D(x)"],
    ["repeat(depth) Hidden(x, width, activation, init)", "repeat(depth) Hidden(x, width, activation, init)"],
    ["repeat(n - 1) D(x, units = 10,)", "repeat((n - 1)) D(x, units = 10)"],
    ["repeat(2) D(x) @ W + b", "((repeat(2) D(x) @ W) + b)"],
    ["-repeat(2) D(x)", "(-repeat(2) D(x))"],
  ])("repeat: %s", (text, shown) => expectParsed(text, shown));

  it.each([
    ["0", "0"],
    ["784", "784"],
    ["0.01", "0.01"],
    [".5", ".5"],
    ["1e-3", "1e-3"],
    ["2.5E+2", "2.5E+2"],
    ["true", "true"],
    ["false", "false"],
  ])("literals: %s", (text, shown) => expectParsed(text, shown));

  it("keeps number values and literal text", () => {
    const e = expr("1e-3");
    expect(e).toMatchObject({ kind: "num", value: 0.001, text: "1e-3" });
    expect(expr("true")).toMatchObject({ kind: "bool", value: true });
  });

  it("distinguishes the '*' and '**' tokens", () => {
    expect(expr("a**b")).toMatchObject({ kind: "binary", op: "**" });
    expect(expr("a*b")).toMatchObject({ kind: "binary", op: "*" });
    expect(expr("a*-b")).toMatchObject({ kind: "binary", op: "*", right: { kind: "neg" } });
    expectRejected("a * * b", /expected an expression but found '\*'/);
    expectRejected("a *** b", /expected an expression but found '\*'/);
  });

  it("rejects what is not an expression, with a message", () => {
    expectRejected("a < b < c", /unexpected '<' after the value/);
    expectRejected("a +", /expected an expression but found end of file/);
    expectRejected("f(x", /expected '\)' but found end of file/);
    expectRejected("f(x,, y)", /expected '\)' but found ','/);
    expectRejected("1 2", /unexpected '2' after the value/);
    expectRejected("", /expected a value, got nothing/);
    expectRejected("a $ b", /unexpected character/);
    expectRejected("if a then b", /expected 'else' but found end of file/);
    expectRejected("repeat 3 D(x)", /expected '\(' but found '3'/);
    expectRejected("model", /expected an expression but found 'model'/);
  });

  it("gives each node the span of its text", () => {
    const e = expr("a + b * c");
    expect(e.span).toMatchObject({ line: 1, col: 1, endLine: 1, endCol: 10, offset: 0, endOffset: 9 });
    if (e.kind !== "binary" || e.right.kind !== "binary") throw new Error("unexpected shape");
    expect(e.opSpan).toMatchObject({ col: 3, endCol: 4 });
    expect(e.right.span).toMatchObject({ col: 5, endCol: 10 });
    expect(e.right.opSpan).toMatchObject({ col: 7, endCol: 8 });
    const call = expr("relu(x @ W)");
    expect(call).toMatchObject({ kind: "call", callee: "relu", calleeSpan: { col: 1, endCol: 5 }, span: { col: 1, endCol: 12 } });
    const named = expr("f(x, axis = 1)");
    expect(named).toMatchObject({ args: [{ value: { kind: "name" } }, { name: "axis", nameSpan: { col: 6, endCol: 10 } }] });
  });
});

describe("statements and declarations", () => {
  it("parses every statement kind", () => {
    expect(
      body(`
  input x: [batch, 784]
  target t: onehot[batch, 10]
  target i: index[batch]
  target r: [batch, 1]
  param W: [784, hidden] = normal(std)
  param b: [hidden,] = zeros
  h = sigmoid(x @ W + b)
  output y = softmax(h)
  output h
  loss cross_entropy(y, t)
  train {
    optimizer = sgd(lr = 0.1)
    batch_size = 100
    iters = 10000
  }`),
    ).toEqual([
      "input x: [batch, 784]",
      "target t: onehot[batch, 10]",
      "target i: index[batch]",
      "target r: real[batch, 1]",
      "param W: [784, hidden] = normal(std)",
      "param b: [hidden] = zeros",
      "let h = sigmoid(((x @ W) + b))",
      "output y = softmax(h)",
      "output h",
      "loss cross_entropy(y, t)",
      "train { optimizer = sgd(lr = 0.1); batch_size = 100; iters = 10000 }",
    ]);
  });

  it("needs no separators: statements may share a line or span several", () => {
    expect(body(`input x: [batch, 4] h = x output y = h`)).toEqual(["input x: [batch, 4]", "let h = x", "output y = h"]);
    expect(body(`h = relu(\n  x @ W\n  + b\n)`)).toEqual(["let h = relu(((x @ W) + b))"]);
    expect(body(`train {}`)).toEqual(["train {  }"]);
  });

  it("parses models and blocks with formals, defaults and shape patterns", () => {
    const [block, model] = decls(`
# a comment
block Hidden(x: [batch, n], units, activation = relu, init = he,) {
  param W: [n, units] = init
  return activation(x @ W)
}
model Net(
  depth = 5,
  width = 100,
) {
  input x: [batch, 784]
  output y = repeat(depth) Hidden(x, width)
}
model Bare { input x: [batch, 1] output y = x }
model Empty() { input x: [batch, 1] output y = x }
`);
    expect(block).toMatchObject({ kind: "block", name: "Hidden", nameSpan: { line: 3, col: 7 } });
    expect(block!.formals.map((f) => [f.name, f.shape?.map(showExpr), f.default && showExpr(f.default)])).toEqual([
      ["x", ["batch", "n"], undefined],
      ["units", undefined, undefined],
      ["activation", undefined, "relu"],
      ["init", undefined, "he"],
    ]);
    expect(block!.body.map(showStmt)).toEqual(["param W: [n, units] = init", "return activation((x @ W))"]);
    expect(model).toMatchObject({ kind: "model", name: "Net" });
    expect(model!.formals.map((f) => `${f.name} = ${showExpr(f.default!)}`)).toEqual(["depth = 5", "width = 100"]);
    expect(model!.span).toMatchObject({ line: 7, col: 1, endLine: 13, endCol: 2 });
  });

  it("keeps declarations in source order and collects comments with their spans", () => {
    const r = parse(
      `# one\nblock B(x) { return x } # two\nmodel M { input x: [batch, 1] output y = B(x) }\nblock C(x) { return x }\n`,
      "t.nn",
    );
    expect(r.ast!.decls.map((d) => `${d.kind} ${d.name}`)).toEqual(["block B", "model M", "block C"]);
    expect(r.ast!.comments.map((c) => [c.text, c.span.line, c.span.col])).toEqual([
      ["# one", 1, 1],
      ["# two", 2, 25],
    ]);
  });

  it("gives statements spans from their keyword to their end", () => {
    const [m] = decls(`model M {\n  param W: [4, 3] = normal(0.1)\n  output y = x @ W\n}`);
    expect(m!.body[0]!.span).toMatchObject({ line: 2, col: 3, endLine: 2, endCol: 32 });
    expect(m!.body[1]!.span).toMatchObject({ line: 3, col: 3, endLine: 3, endCol: 19 });
  });

  it("parses the shipped models", () => {
    for (const name of ["simple_net", "two_layer_net", "multi_layer_net", "multi_layer_net_extend"]) {
      const r = parse(readFileSync(`${MODELS_DIR}/${name}.nn`, "utf8"), `${name}.nn`);
      expect(r.diagnostics).toEqual([]);
      expect(r.ast!.decls.some((d) => d.kind === "model")).toBe(true);
    }
  });

  it("reports an unknown target encoding with a suggestion", () => {
    const r = parse(`model M { target t: onehto[batch, 10] }`, "t.nn");
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "unknown target encoding 'onehto': use onehot[batch, classes], index[batch] or a plain shape (did you mean 'onehot'?)",
    ]);
  });

  it("accepts CRLF and CR line ends and counts lines the same way", () => {
    for (const nl of ["\r\n", "\r", "\n"]) {
      const [m] = decls(["model M {", "  input x: [batch, 1]", "  output y = x", "}"].join(nl));
      expect(m!.body[1]!.span).toMatchObject({ line: 3, col: 3 });
    }
  });
});
