// Diagnostics as a person sees them: `file:line:col: severity: message`, the source line, a caret
// under the span, then notes. Each case pins the whole formatted text.
import { describe, expect, it } from "vitest";
import { formatDiagnostic, type Diagnostic } from "../src/diagnostics.js";
import { frontend } from "../src/index.js";
import { diagnosticsOf } from "./support/models.js";

/** Formatted diagnostics (usage errors first) of `src` in a file named f.nn. */
function diagnostics(src: string, set: Record<string, string> = {}): string {
  return diagnosticsOf(src, { set }, "f.nn");
}

const lines = (...ls: string[]) => ls.join("\n");

const dense = `block Dense(x: [batch, n], units) {
  param W: [n, units] = he
  param b: [units] = zeros
  return x @ W + b
}
`;

describe("syntax errors", () => {
  it("reports several in one run, thanks to recovery, one per mistake", () => {
    const src = lines(
      "model M {",
      "  input x: [batch, 4]",
      "  parm W: [4, 3] = zeros",
      "  h = relu(x)",
      "  y = softmax(h @@ W)",
      "  outptu y",
      "  loss mean(y",
      "}",
    );
    expect(diagnostics(src)).toBe(
      lines(
        "f.nn:3:3: error: unknown statement 'parm'; did you mean 'param'?",
        "    parm W: [4, 3] = zeros",
        "    ^~~~",
        "f.nn:5:18: error: expected an expression but found '@'",
        "    y = softmax(h @@ W)",
        "                   ^",
        "f.nn:6:3: error: unknown statement 'outptu'; did you mean 'output'?",
        "    outptu y",
        "    ^~~~~~",
        "f.nn:8:1: error: expected ')' but found '}'",
        "  }",
        "  ^",
      ),
    );
  });

  it("points just after the last token at the end of the file", () => {
    expect(diagnostics("model M {\n  input x: [batch, 4]\n")).toBe(
      lines("f.nn:2:22: error: expected '}' but found end of file", "    input x: [batch, 4]", "                       ^"),
    );
    expect(diagnostics("model")).toBe(lines("f.nn:1:6: error: expected a name but found end of file", "  model", "       ^"));
    expect(diagnostics("model M { output y = if x then")).toBe(
      lines(
        "f.nn:1:31: error: expected an expression but found end of file",
        "  model M { output y = if x then",
        "                                ^",
      ),
    );
  });

  it("says what was expected instead of chevrotain's token names", () => {
    expect(diagnostics("model M {\n  input x: [batch 4]\n}")).toBe(
      lines("f.nn:2:19: error: expected ']' but found '4'", "    input x: [batch 4]", "                    ^"),
    );
    expect(diagnostics("model M {\n  3 + 4\n}")).toBe(
      lines(
        "f.nn:2:3: error: unexpected '3'; expected a statement (input, target, param, output, loss, train, name = value) or '}'",
        "    3 + 4",
        "    ^",
      ),
    );
    expect(diagnostics("model M { input x: [batch, 4] output y = x ** * 2 }")).toBe(
      lines(
        "f.nn:1:47: error: expected an expression but found '*'",
        "  model M { input x: [batch, 4] output y = x ** * 2 }",
        "                                                ^",
      ),
    );
  });

  it("explains statements outside a model and blocks inside one", () => {
    expect(diagnostics("model M { input x: [batch, 4] output y = x }\nh = 3\n")).toBe(
      lines("f.nn:2:1: error: unexpected 'h'; expected 'model' or 'block' (statements go inside a model's { ... })", "  h = 3", "  ^"),
    );
    expect(diagnostics("modle M { }")).toBe(
      lines(
        "f.nn:1:1: error: unexpected 'modle'; expected 'model' or 'block' (statements go inside a model's { ... }) (did you mean 'model'?)",
        "  modle M { }",
        "  ^~~~~",
      ),
    );
    expect(diagnostics("model M {\n  block B(x) { return x }\n  input x: [batch, 4]\n  output y = x\n}\n")).toBe(
      lines(
        "f.nn:2:3: error: expected '}' before 'block'; a block is declared at the top level, not inside a model or block",
        "    block B(x) { return x }",
        "    ^~~~~",
      ),
    );
  });

  it("reports bad characters once, without syntax errors echoing them", () => {
    expect(diagnostics("model M {\n  input x: [batch, 4]\n  output y = x $ 2\n  z = x ` 1\n}")).toBe(
      lines(
        'f.nn:3:16: error: unexpected character "$"',
        "    output y = x $ 2",
        "                 ^",
        'f.nn:4:9: error: unexpected character "`"',
        "    z = x ` 1",
        "          ^",
      ),
    );
  });

  it("refuses deep nesting with a clean error instead of overflowing the stack", () => {
    const deep = `model M { input x: [batch, 4]\n  output y = ${"(".repeat(100)}x${")".repeat(100)}\n}`;
    expect(diagnostics(deep)).toMatch(
      /^f\.nn:2:77: error: expression nested too deeply \(more than 64 levels\); split it with let-bindings\n/,
    );
    const minus = `model M { input x: [batch, 4]\n  output y = ${"-".repeat(100)}x\n}`;
    expect(diagnostics(minus)).toMatch(/^f\.nn:2:77: error: expression nested too deeply/);
    const pow = `model M { input x: [batch, 4]\n  output y = ${Array(100).fill("x").join(" ** ")}\n}`;
    expect(diagnostics(pow)).toMatch(/^f\.nn:2:\d+: error: expression nested too deeply/);
    const calls = `model M { input x: [batch, 4]\n  output y = ${"relu(".repeat(100)}x${")".repeat(100)}\n}`;
    expect(diagnostics(calls)).toMatch(/^f\.nn:2:\d+: error: expression nested too deeply/);
  });

  it("lets long flat models through: the nesting limit is per expression, not per file", () => {
    const body = Array.from({ length: 300 }, (_, i) => `  h${i + 1} = -(h${i} ** 2) - -1`).join("\n");
    expect(diagnostics(`model M {\n  input h0: [batch, 4]\n${body}\n  output y = h300\n}`)).toBe("");
  });
});

describe("names, calls and definitions", () => {
  const model = (...body: string[]) => lines("model M {", "  input x: [batch, 4]", ...body, "}");

  it("unknown names get a suggestion", () => {
    expect(diagnostics(model("  hidden = relu(x)", "  output y = hiden"))).toBe(
      lines("f.nn:4:14: error: unknown name 'hiden'; did you mean 'hidden'?", "    output y = hiden", "               ^~~~~"),
    );
  });

  it("a block using a name that only the model has is told to take it as an argument", () => {
    const src = "block B(x) {\n  return x * scale\n}\nmodel M(scale = 2) {\n  input x: [batch, 4]\n  output y = B(x)\n}";
    expect(diagnostics(src)).toBe(
      lines(
        "f.nn:2:14: error: unknown name 'scale': a block sees only its own arguments; pass 'scale' to the block as an argument",
        "    return x * scale",
        "               ^~~~~",
        "  note: in block B at f.nn:1:7, used at f.nn:6:14",
      ),
    );
  });

  it("unknown functions get a suggestion when one is close", () => {
    expect(diagnostics(model("  output y = sigmiod(x)"))).toBe(
      lines("f.nn:3:14: error: unknown function 'sigmiod'; did you mean 'sigmoid'?", "    output y = sigmiod(x)", "               ^~~~~~~"),
    );
    expect(diagnostics(model("  output y = frobnicate(x)"))).toBe(
      lines("f.nn:3:14: error: unknown function 'frobnicate'", "    output y = frobnicate(x)", "               ^~~~~~~~~~"),
    );
  });

  it("wrong argument counts and unknown named arguments", () => {
    expect(diagnostics(model("  output y = relu(x, 3)"))).toBe(
      lines("f.nn:3:22: error: relu takes 1 argument (x), got 2", "    output y = relu(x, 3)", "                       ^"),
    );
    expect(diagnostics(model("  output y = sum(x, axes = 1)"))).toBe(
      lines(
        "f.nn:3:21: error: sum has no argument 'axes'; did you mean 'axis'?",
        "    output y = sum(x, axes = 1)",
        "                      ^~~~",
      ),
    );
    expect(diagnostics(model("  output y = maximum(x)"))).toBe(
      lines("f.nn:3:14: error: maximum needs argument 'b'", "    output y = maximum(x)", "               ^~~~~~~~~~"),
    );
    expect(diagnostics(model("  output y = dropout(x, ratio = 0.1, ratio = 0.2)"))).toBe(
      lines(
        "f.nn:3:38: error: argument 'ratio' of dropout is given twice",
        "    output y = dropout(x, ratio = 0.1, ratio = 0.2)",
        "                                       ^~~~~",
      ),
    );
  });

  it("duplicate definitions point at both places", () => {
    expect(diagnostics(model("  h = relu(x)", "  h = x", "  output y = h"))).toBe(
      lines("f.nn:4:3: error: 'h' is already defined at f.nn:3:3; bindings cannot be reassigned", "    h = x", "    ^~~~~"),
    );
    expect(diagnostics(model("  param x: [4] = zeros", "  output y = x"))).toBe(
      lines("f.nn:3:3: error: the name 'x' is used twice (first at f.nn:2:3)", "    param x: [4] = zeros", "    ^~~~~~~~~~~~~~~~~~~~"),
    );
    expect(diagnostics(`${dense}block Dense(x) { return x }\n${model("  output y = Dense(x, 2)")}`)).toBe(
      lines("f.nn:6:7: error: block 'Dense' is defined twice (first at f.nn:1:7)", "  block Dense(x) { return x }", "        ^~~~~"),
    );
    expect(diagnostics(`${model("  output y = x")}\n${model("  output y = x")}`)).toBe(
      lines("f.nn:5:7: error: model 'M' is defined twice (first at f.nn:1:7)", "  model M {", "        ^"),
    );
    expect(diagnostics(model("  output y = x", "  output y = -x"))).toBe(
      lines("f.nn:4:3: error: output 'y' is declared twice", "    output y = -x", "    ^~~~~~~~~~~~~"),
    );
  });

  it("reports a mistake once: what a failed statement defines is quiet afterwards", () => {
    expect(diagnostics(model("  param W: [4, 3] = normal(-1)", "  h = x @ W", "  g = relu(h)", "  output y = g + h"))).toBe(
      lines(
        "f.nn:3:21: error: normal(std) needs a finite std >= 0, got -1",
        "    param W: [4, 3] = normal(-1)",
        "                      ^~~~~~~~~~",
      ),
    );
    expect(diagnostics(model("  act = rleu", "  h = act(x)", "  output y = act(h)"))).toBe(
      lines("f.nn:3:9: error: unknown name 'rleu'; did you mean 'relu'?", "    act = rleu", "          ^~~~"),
    );
    expect(diagnostics(lines("model M(width = 4) {", "  input x: [batch, width / 3]", "  output y = relu(x)", "}"))).toBe(
      lines(
        "f.nn:2:20: error: a dimension must be a positive integer or 'batch', got 1.3333333333333333",
        "    input x: [batch, width / 3]",
        "                     ^~~~~~~~~",
      ),
    );
  });

  it("an output whose expression failed is quiet in the loss that uses it", () => {
    const src = lines(
      "model M {",
      "  input x: [batch, 4]",
      "  target t: onehot[batch, 3]",
      "  param W: [4, widht] = zeros",
      "  output y = softmax(x @ W)",
      "  loss cross_entropy(y, t)",
      "}",
    );
    expect(diagnostics(src)).toBe(
      lines("f.nn:4:16: error: unknown name 'widht'", "    param W: [4, widht] = zeros", "                 ^~~~~"),
    );
  });

  it("an 'if' condition must be a compile-time bool", () => {
    expect(diagnostics(model("  output y = if 3 then x else -x"))).toBe(
      lines(
        "f.nn:3:17: error: the condition of 'if' must be true or false, got a number",
        "    output y = if 3 then x else -x",
        "                  ^",
      ),
    );
    expect(diagnostics(model("  output y = if x then x else -x"))).toBe(
      lines(
        "f.nn:3:17: error: the condition of 'if' must be true or false, got a tensor",
        "    output y = if x then x else -x",
        "                  ^",
      ),
    );
  });

  it("a model needs something to compute, and a file needs a model", () => {
    expect(diagnostics("model M {\n  input x: [batch, 4]\n}")).toBe(
      lines("f.nn:1:7: error: model 'M' has neither an output nor a loss", "  model M {", "        ^"),
    );
    expect(diagnostics("")).toBe(lines("f.nn:1:1: error: no model in f.nn: declare one with 'model Name { ... }'", "  ", "  ^"));
    expect(diagnostics(dense)).toBe(
      lines("f.nn:1:1: error: no model in f.nn: declare one with 'model Name { ... }'", "  block Dense(x: [batch, n], units) {", "  ^"),
    );
  });
});

describe("shapes", () => {
  it("x @ W with the wrong inner dimensions shows both shapes", () => {
    expect(diagnostics(lines("model M {", "  input x: [batch, 784]", "  param W: [100, 10] = he", "  output y = x @ W", "}"))).toBe(
      lines(
        "f.nn:4:14: error: inner dimensions of @ do not match: [batch, 784] @ [100, 10] (784 vs 100)",
        "    output y = x @ W",
        "               ^~~~~",
      ),
    );
  });

  it("a broadcasting failure shows both shapes", () => {
    expect(diagnostics(lines("model M {", "  input x: [batch, 4]", "  param b: [3] = zeros", "  output y = relu(x + b)", "}"))).toBe(
      lines(
        "f.nn:4:19: error: shapes do not broadcast: operands have shapes [batch, 4] and [3]",
        "    output y = relu(x + b)",
        "                    ^~~~~",
      ),
    );
  });

  it("a loss must be a scalar", () => {
    expect(diagnostics(lines("model M {", "  input x: [batch, 4]", "  target t: [batch, 4]", "  loss (x - t) ** 2", "}"))).toBe(
      lines(
        "f.nn:4:8: error: the loss must be a scalar, but this has shape [batch, 4]; reduce it, e.g. with mean(...)",
        "    loss (x - t) ** 2",
        "         ^~~~~~~~~~~~",
      ),
    );
  });

  it("an error inside a block instance shows the chain of instantiations", () => {
    const src = lines(
      "block Dense(x: [batch, n], units) {",
      "  param W: [units, n] = he",
      "  return x @ W",
      "}",
      "block Hidden(x, units) {",
      "  return relu(Dense(x, units))",
      "}",
      "model M {",
      "  input x: [batch, 4]",
      "  h = Hidden(x, 3)",
      "  g = Hidden(x, 3)",
      "  output y = h + g",
      "}",
    );
    expect(diagnostics(src)).toBe(
      lines(
        "f.nn:3:10: error: inner dimensions of @ do not match: [batch, 4] @ [3, 4] (4 vs 3)",
        "    return x @ W",
        "           ^~~~~",
        "  note: in block Dense at f.nn:1:7, used at f.nn:6:15",
        "  note: in block Hidden at f.nn:5:7, used at f.nn:10:7",
      ),
    );
  });

  it("a block argument that does not fit the block's shape pattern", () => {
    expect(
      diagnostics(
        `${dense}model M {\n  input x: [batch, 4]\n  h = Dense(relu(x), 3)\n  g = Dense(h, 3)\n  output y = Dense(relu(g), 2)\n}`,
      ),
    ).toBe("");
    expect(diagnostics(`${dense}model M {\n  input x: [4]\n  output y = Dense(x, 3)\n}`)).toBe(
      lines(
        "f.nn:8:20: error: argument 'x' of Dense must have shape [batch, n], got [4]",
        "    output y = Dense(x, 3)",
        "                     ^",
        "  note: in block Dense at f.nn:1:7, used at f.nn:8:14",
      ),
    );
    const fixed = "block Flat(x: [batch, 784]) {\n  return x\n}\n";
    expect(diagnostics(`${fixed}model M {\n  input x: [batch, 28, 28]\n  output y = Flat(x)\n}`)).toBe(
      lines(
        "f.nn:6:19: error: argument 'x' of Flat must have shape [batch, 784], got [batch, 28, 28]",
        "    output y = Flat(x)",
        "                    ^",
        "  note: in block Flat at f.nn:1:7, used at f.nn:6:14",
      ),
    );
    expect(diagnostics(`${fixed}model M {\n  input x: [batch, 10]\n  output y = Flat(x)\n}`)).toBe(
      lines(
        "f.nn:6:19: error: argument 'x' of Flat must have shape [batch, 784], got [batch, 10] (dimension 1 should be 784)",
        "    output y = Flat(x)",
        "                    ^",
        "  note: in block Flat at f.nn:1:7, used at f.nn:6:14",
      ),
    );
  });

  it("a block that uses itself is a clean error, not a stack overflow", () => {
    expect(diagnostics("block B(x) {\n  return B(x)\n}\nmodel M {\n  input x: [batch, 4]\n  output y = B(x)\n}")).toBe(
      lines(
        "f.nn:2:10: error: block B uses itself; blocks cannot be recursive (to stack copies, write repeat(n) B(...))",
        "    return B(x)",
        "           ^~~~",
        "  note: in block B at f.nn:1:7, used at f.nn:6:14",
      ),
    );
    expect(
      diagnostics("block A(x) { return B(x) }\nblock B(x) { return relu(A(x)) }\nmodel M {\n  input x: [batch, 4]\n  output y = A(x)\n}"),
    ).toBe(
      lines(
        "f.nn:2:26: error: block A uses itself; blocks cannot be recursive (to stack copies, write repeat(n) A(...))",
        "  block B(x) { return relu(A(x)) }",
        "                           ^~~~",
        "  note: in block B at f.nn:2:7, used at f.nn:1:21",
        "  note: in block A at f.nn:1:7, used at f.nn:5:14",
      ),
    );
  });

  it("the same mistake in several instances of a block is reported once", () => {
    const src = `${dense.replace("x @ W + b", "x @ W + c")}model M {\n  input x: [batch, 4]\n  h = Dense(x, 3)\n  g = Dense(x, 3)\n  k = repeat(3) Dense(x, 4)\n  output y = h + g\n  output z = k\n}`;
    expect(diagnostics(src)).toBe(
      lines(
        "f.nn:4:18: error: unknown name 'c'",
        "    return x @ W + c",
        "                   ^",
        "  note: in block Dense at f.nn:1:7, used at f.nn:8:7",
      ),
    );
  });

  it("params of a block's own and of an instance in its return can clash; the message says how to fix it", () => {
    const src = `${dense}block Res(x: [batch, n]) {\n  param W: [n, n] = he\n  return x @ W + Dense(x, n)\n}\nmodel M {\n  input x: [batch, 4]\n  output y = Res(x)\n}`;
    expect(diagnostics(src)).toBe(
      lines(
        "f.nn:2:3: error: the name 'y.W' is used twice (first at f.nn:7:3); a block instance made in a 'return' is named after the enclosing instance ('y'), so its params can clash with the block's own: bind it first (d = ..., then return d) to name it 'y.d'",
        "    param W: [n, units] = he",
        "    ^~~~~~~~~~~~~~~~~~~~~~~~",
        "  note: in block Dense at f.nn:1:7, used at f.nn:8:18",
        "  note: in block Res at f.nn:6:7, used at f.nn:12:14",
      ),
    );
    expect(diagnostics(src.replace("return x @ W + Dense(x, n)", "d = Dense(x, n)\n  return x @ W + d"))).toBe("");
  });
});

describe("initializers and train settings", () => {
  const param = (init: string) => diagnostics(`model M {\n  input x: [batch, 4]\n  param W: [4, 3] = ${init}\n  output y = x @ W\n}`);

  it("bad initializer arguments", () => {
    expect(param("normal(-1)")).toBe(
      lines(
        "f.nn:3:21: error: normal(std) needs a finite std >= 0, got -1",
        "    param W: [4, 3] = normal(-1)",
        "                      ^~~~~~~~~~",
      ),
    );
    expect(param("uniform(1, -1)")).toBe(
      lines(
        "f.nn:3:21: error: uniform(low, high) needs finite low < high, got uniform(1, -1)",
        "    param W: [4, 3] = uniform(1, -1)",
        "                      ^~~~~~~~~~~~~~",
      ),
    );
    expect(param("normal()")).toBe(
      lines(
        "f.nn:3:21: error: normal needs argument 'std': normal(std)",
        "    param W: [4, 3] = normal()",
        "                      ^~~~~~~~",
      ),
    );
    expect(param("normal(relu)")).toBe(
      lines(
        "f.nn:3:28: error: normal: 'std' must be a number, got a function",
        "    param W: [4, 3] = normal(relu)",
        "                             ^~~~",
      ),
    );
    expect(param("normal")).toBe(
      lines(
        "f.nn:3:21: error: the initializer 'normal' needs arguments: normal(std)",
        "    param W: [4, 3] = normal",
        "                      ^~~~~~",
      ),
    );
    expect(param("relu")).toBe(
      lines(
        "f.nn:3:21: error: a param's initializer must be zeros, ones, normal(std), uniform(a, b), xavier or he; got a function",
        "    param W: [4, 3] = relu",
        "                      ^~~~",
      ),
    );
  });

  it("train settings are checked by name and value", () => {
    const train = (settings: string) => diagnostics(`model M {\n  input x: [batch, 4]\n  output y = x\n  train { ${settings} }\n}`);
    expect(train("batch_size = 0")).toBe(
      lines(
        "f.nn:4:11: error: 'batch_size' must be a positive integer, got 0",
        "    train { batch_size = 0 }",
        "            ^~~~~~~~~~~~~~",
      ),
    );
    expect(train("batchsize = 10")).toMatch(
      /^f\.nn:4:11: error: unknown training setting 'batchsize'; did you mean 'batch_size'\? \(known: optimizer, lr, /,
    );
    expect(train("optimizer = 3")).toMatch(
      /^f\.nn:4:11: error: 'optimizer' must name an optimizer, e\.g\. sgd\(lr = 0\.1\) or adam, got a number\n/,
    );
    expect(train("epochs = 3 iters = 10")).toMatch(/^f\.nn:4:11: error: give either epochs or iters, not both\n/);
    expect(diagnostics("model M {\n  input x: [batch, 4]\n  output y = x\n  train { lr = 0.1 }\n  train { iters = 5 }\n}")).toBe(
      lines(
        "f.nn:5:3: error: a model has one 'train' section (the first is at f.nn:4:3); merge them",
        "    train { iters = 5 }",
        "    ^~~~~~~~~~~~~~~~~~~",
      ),
    );
    expect(train("optimizer = adam(0.1)")).toMatch(/^f\.nn:4:28: error: settings take named arguments: adam\(lr = 0\.01\)\n/);
  });

  it("reads only the train section's own calls as settings, not those in a block it uses", () => {
    const src = lines(
      "block Rate(x) {",
      "  return fast(x)",
      "}",
      "model M {",
      "  input x: [batch, 4]",
      "  output y = x",
      "  train { lr = Rate(0.1) }",
      "}",
    );
    expect(diagnostics(src)).toBe(
      lines(
        "f.nn:2:10: error: unknown function 'fast'",
        "    return fast(x)",
        "           ^~~~",
        "  note: in block Rate at f.nn:1:7, used at f.nn:7:16",
      ),
    );
  });
});

describe("warnings", () => {
  it("an unused binding", () => {
    expect(diagnostics("model M {\n  input x: [batch, 4]\n  h = relu(x)\n  output y = x\n}")).toBe(
      lines("f.nn:3:3: warning: 'h' is never used", "    h = relu(x)", "    ^~~~~~~~~~~"),
    );
  });

  it("an unused param", () => {
    expect(diagnostics("model M {\n  input x: [batch, 4]\n  param W: [4, 4] = he\n  output y = x\n}")).toBe(
      lines(
        "f.nn:3:3: warning: param 'W' is used by neither the loss nor an output",
        "    param W: [4, 4] = he",
        "    ^~~~~~~~~~~~~~~~~~~~",
      ),
    );
  });

  it("an unused binding in a block is reported once, not once per instance", () => {
    const src = "block B(x) {\n  t = 3\n  return x\n}\nmodel M {\n  input x: [batch, 4]\n  output y = B(x) + B(x)\n}";
    expect(diagnostics(src)).toBe(lines("f.nn:2:3: warning: 't' is never used", "    t = 3", "    ^~~~~"));
  });

  it("nothing to warn about when an option is switched off by an untaken branch", () => {
    const src = lines(
      "block H(x: [batch, n], units, use_bias = false) {",
      "  param W: [n, units] = he",
      "  param b: [units] = zeros",
      "  return if use_bias then x @ W + b else x @ W",
      "}",
      "model M(use_dropout = false, ratio = 0.5) {",
      "  input x: [batch, 4]",
      "  r = ratio * 2",
      "  d = dropout(x, r / 4)",
      "  h = if use_dropout then d else x",
      "  output y = H(h, 3)",
      "}",
    );
    expect(diagnostics(src)).toBe("");
    expect(diagnostics(src, { use_dropout: "true" })).toBe("");
  });
});

describe("usage errors from --set", () => {
  const model =
    "model M(width = 4, act = relu, init = he) {\n  input x: [batch, 4]\n  param W: [4, width] = init\n  output y = act(x @ W)\n}";

  it("an unknown name gets a suggestion, or the list of hyperparameters", () => {
    expect(diagnostics(model, { widht: "3" })).toBe("--set widht: no hyperparameter named 'widht'; did you mean 'width'?");
    expect(diagnostics(model, { depth: "3" })).toBe("--set depth: no hyperparameter named 'depth' (hyperparameters: width, act, init)");
  });

  it("a value of the wrong kind, or not a value at all", () => {
    expect(diagnostics(model, { width: "relu" })).toBe("--set width: expected a number (like the default, 4), got a function");
    expect(diagnostics(model, { act: "3" })).toBe("--set act: expected a function (like the default, relu), got a number");
    expect(diagnostics(model, { init: "normal(-1)" })).toBe(
      lines(
        "f.nn:3:25: error: normal(std) needs a finite std >= 0, got -1",
        "    param W: [4, width] = init",
        "                          ^~~~",
      ),
    );
    expect(diagnostics(model, { act: "rleu" })).toBe("--set act: unknown name 'rleu'; did you mean 'relu'?");
    expect(diagnostics(model, { width: "1 2" })).toBe("--set width=1 2: not a value (unexpected '2' after the value)");
    expect(diagnostics(model, { width: "" })).toBe("--set width=: not a value (expected a value, got nothing)");
  });

  it("usage errors are kept apart from model diagnostics", () => {
    const r = frontend(model, "f.nn", { set: { width: "relu" } });
    expect(r.usageErrors).toEqual(["--set width: expected a number (like the default, 4), got a function"]);
    expect(r.diagnostics).toEqual([]);
    expect(r.graphs).toEqual([]);
  });
});

describe("formatting", () => {
  const span = (line: number, col: number, endLine: number, endCol: number) => ({
    file: "f.nn",
    line,
    col,
    endLine,
    endCol,
    offset: 0,
    endOffset: 0,
  });
  const sources = new Map([["f.nn", "first line\n\tsecond\u0007line\nthird line that goes on\nlast"]]);
  const show = (d: Diagnostic) => formatDiagnostic(d, sources);

  it("puts the caret under the span, tabs and control characters replaced so it stays aligned", () => {
    expect(show({ severity: "error", message: "m", span: span(2, 2, 2, 8) })).toBe(
      lines("f.nn:2:2: error: m", "   second?line", "   ^~~~~~"),
    );
  });

  it("underlines a span over several lines to the end of its first line", () => {
    expect(show({ severity: "warning", message: "w", span: span(3, 7, 4, 3) })).toBe(
      lines("f.nn:3:7: warning: w", "  third line that goes on", "        ^~~~~~~~~~~~~~~~~"),
    );
  });

  it("prints notes, and diagnostics without a span or source", () => {
    expect(
      show({
        severity: "error",
        message: "m",
        notes: [{ message: "in block B at f.nn:1:7, used at f.nn:2:3" }, { message: "n", span: span(1, 1, 1, 2) }],
      }),
    ).toBe(lines("error: m", "  note: in block B at f.nn:1:7, used at f.nn:2:3", "  note: n (f.nn:1:1)"));
    expect(formatDiagnostic({ severity: "error", message: "m", span: { ...span(1, 1, 1, 2), file: "other.nn" } }, sources)).toBe(
      "other.nn:1:1: error: m",
    );
  });

  it("cuts very long lines around the span", () => {
    const long = "x".repeat(1000) + "HERE" + "y".repeat(1000);
    const out = formatDiagnostic(
      { severity: "error", message: "m", span: { ...span(1, 1001, 1, 1005), file: "l.nn" } },
      new Map([["l.nn", long]]),
    );
    const [, quoted, caret] = out.split("\n");
    expect(quoted!.length).toBeLessThan(210);
    expect(quoted![caret!.indexOf("^")]).toBe("H");
    expect(caret!.trim()).toBe("^~~~");
  });

  it("neutralizes Unicode line separators in quoted lines", () => {
    const out = formatDiagnostic(
      { severity: "error", message: "m", span: { ...span(1, 3, 1, 4), file: "u.nn" } },
      new Map([["u.nn", "a\u2028b$c"]]),
    );
    expect(out).toBe(lines("u.nn:1:3: error: m", "  a?b$c", "    ^"));
  });
});
