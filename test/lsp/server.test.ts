// `nnc lsp` driven as an editor drives it: a child process, JSON-RPC over stdio. Diagnostics
// (with the block chain and a did-you-mean fix), hover, inlay hints, definition, references,
// rename, completion, formatting, symbols and semantic tokens, on the models in models/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatNn } from "../../src/format/format.js";
import { applyEdits, Client, positionOf, type LspDiagnostic } from "./client.js";

const MODELS = join(import.meta.dirname, "..", "..", "models");
const model = (name: string) => readFileSync(join(MODELS, name), "utf8");

interface Hover {
  contents: { kind: string; value: string };
}
interface Location {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}
type TextEdit = { range: Location["range"]; newText: string };
interface CompletionItem {
  label: string;
  detail?: string;
  insertText?: string;
}

let client: Client;
beforeAll(async () => {
  client = await Client.start();
});
afterAll(async () => {
  expect(await client.stop()).toBe(0);
  expect(client.stderr.join("")).toBe("");
});

const BAD = `block Dense(x: [batch, n], units) {
  param W: [units, n] = he
  param b: [units] = zeros
  return relu(x @ W + b)
}

model M(hidden = 20) {
  input x: [batch, 784]
  h = Dense(x, hidden)
  output y = softmax(h)
}
`;

describe("diagnostics", () => {
  it("publishes none for every model in models/", async () => {
    for (const name of ["two_layer_net.nn", "mnist_relu_adam.nn", "multi_layer_net_extend.nn"]) {
      const uri = Client.uri(name);
      await client.open(uri, model(name));
      expect(await client.diagnostics(uri)).toEqual([]);
    }
  });

  it("reports a shape error in a block at its span, with the instantiation as related information", async () => {
    const uri = Client.uri("bad-shape.nn");
    await client.open(uri, BAD);
    const [d, ...rest] = await client.diagnostics(uri);
    expect(rest).toEqual([]);
    expect(d!.severity).toBe(1);
    expect(d!.message).toMatch(/matmul|@/);
    expect(d!.range.start).toEqual(positionOf(BAD, "x @ W"));
    expect(d!.relatedInformation).toHaveLength(1);
    expect(d!.relatedInformation![0]!.location).toEqual({ uri, range: expect.anything() });
    expect(d!.relatedInformation![0]!.location.range.start).toEqual(positionOf(BAD, "Dense(x, hidden)"));
    expect(d!.relatedInformation![0]!.message).toMatch(/Dense/);
  });

  it("offers did-you-mean as a quick fix, and the fixed file is clean", async () => {
    const uri = Client.uri("typo.nn");
    const text = model("two_layer_net.nn").replace("h @ W2", "hh @ W2").replace("x @ W1 + b1", "x @ W1 + b11");
    await client.open(uri, text);
    const diags = await client.diagnostics(uri);
    expect(diags.map((d) => d.message)).toEqual(["unknown name 'b11'; did you mean 'b1'?", "unknown name 'hh'; did you mean 'h'?"]);
    let fixed = text;
    const fixes: TextEdit[] = [];
    for (const d of diags) {
      const actions = await client.request<{ title: string; kind: string; edit: { changes: Record<string, TextEdit[]> } }[]>(
        "textDocument/codeAction",
        { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } },
      );
      expect(actions.map((a) => [a.title, a.kind])).toEqual([[`Change to '${/did you mean '(\w+)'/.exec(d.message)![1]}'`, "quickfix"]]);
      fixes.push(...actions[0]!.edit.changes[uri]!);
    }
    fixed = applyEdits(text, fixes);
    expect(fixed).toBe(model("two_layer_net.nn"));
    await client.change(uri, fixed);
    expect(await client.diagnostics(uri)).toEqual([]);
  });

  it("reports syntax errors of a half-typed line, and warnings", async () => {
    const uri = Client.uri("half.nn");
    const text = model("two_layer_net.nn").replace("  output y\n", "  output y\n  z = relu(\n");
    await client.open(uri, text);
    const diags: LspDiagnostic[] = await client.diagnostics(uri);
    expect(diags.length).toBeGreaterThan(0);
    expect(diags[0]!.message).toMatch(/expected/);
    await client.change(uri, model("two_layer_net.nn").replace("  output y\n", "  output y\n  z = relu(h)\n"));
    const warnings = await client.diagnostics(uri);
    expect(warnings.map((d) => [d.severity, d.message])).toEqual([[2, "'z' is never used"]]);
  });
});

describe("hover", () => {
  const text = model("two_layer_net.nn");
  const uri = Client.uri("two_layer_net.nn");
  const hover = async (needle: string, n = 0, delta = 0) =>
    (await client.request<Hover | null>("textDocument/hover", client.at(uri, positionOf(text, needle, n, delta))))?.contents.value;

  it("shows a binding's shape, at its definition and at a use", async () => {
    await client.open(uri, text);
    expect(await hover("h = sigmoid")).toBe("```nn\nh: [batch, 50]\n```");
    expect(await hover("h @ W2")).toBe("```nn\nh: [batch, 50]\n```");
    expect(await hover("y, t", 0)).toBe("```nn\ny: [batch, 10]\n```");
  });

  it("shows a param's shape, initializer and parameter count", async () => {
    expect(await hover("W1", 1)).toBe("```nn\nparam W1: [784, 50] = normal(std)\n```\n39,200 parameters, initialized normal(std = 0.01)");
  });

  it("shows an operator's result, a builtin's signature and doc, a hyperparameter's value", async () => {
    expect(await hover("@")).toBe("```nn\nx @ W (matmul): [batch, 50]\n```");
    expect(await hover("sigmoid(")).toBe("```nn\nsigmoid(x) -> [batch, 50]\n```\n1 / (1 + e^-x), elementwise");
    expect(await hover("hidden", 1)).toBe("```nn\nhidden = 50\n```\nhyperparameter of model `TwoLayerNet`");
    expect(await hover("sgd")).toMatch(/^```nn\nsgd\(lr = 0\.01\)\n```\noptimizer: /);
  });

  it("shows a block's signature and each instance's shapes", async () => {
    const mnist = model("mnist_relu_adam.nn");
    const u = Client.uri("mnist_relu_adam.nn");
    await client.open(u, mnist);
    const at = async (needle: string, n = 0) =>
      (await client.request<Hover>("textDocument/hover", client.at(u, positionOf(mnist, needle, n)))).contents.value;
    expect(await at("Dense", 1)).toBe(
      "```nn\nblock Dense(x: [batch, n], units, activation = relu)\n```\n\n3 instances: hidden1 → [batch, 300], hidden2 → [batch, 100], scores → [batch, 10]",
    );
    expect(await at("n]")).toBe("```nn\nn = 784 | 300 | 100\n```\na size bound by the shape pattern of an argument of `Dense`");
    expect(await at("x: [batch, n]")).toMatch(
      /^```nn\nx: \[batch, n\]\n# passed \[batch, 784\]\n# passed \[batch, 300\]\n# passed \[batch, 100\]\n```/,
    );
    expect(await at("W: [n")).toMatch(
      /^```nn\nparam W: \[n, units\] = he\n# hidden1\.W: \[784, 300\]\n# hidden2\.W: \[300, 100\]\n# scores\.W: \[100, 10\]\n```\n3 instances, 266,200 parameters/,
    );
  });
});

describe("inlay hints", () => {
  it("shows the shape after each binding", async () => {
    const text = model("multi_layer_net_extend.nn");
    const uri = Client.uri("multi_layer_net_extend.nn");
    await client.open(uri, text);
    const hints = await client.request<{ position: { line: number; character: number }; label: string }[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: positionOf(text, "}", 2) },
    });
    const shown = hints.map((h) => [text.split("\n")[h.position.line]!.slice(0, h.position.character).trim(), h.label]);
    expect(shown).toEqual([
      ["a", ": [batch, 100]"],
      ["bn", ": [batch, 100]"],
      ["layers", ": [batch, 100]"],
      ["scores", ": [batch, 10]"],
      ["output y", ": [batch, 10]"],
    ]);
  });
});

describe("definition, references, rename", () => {
  const text = model("mnist_relu_adam.nn");
  const uri = Client.uri("mnist_relu_adam.nn");

  it("goes from a use to the definition", async () => {
    await client.open(uri, text);
    const def = await client.request<Location>("textDocument/definition", client.at(uri, positionOf(text, "hidden1, h2")));
    expect(def).toEqual({ uri, range: { start: positionOf(text, "hidden1 ="), end: positionOf(text, "hidden1 =", 0, 7) } });
    const block = await client.request<Location>("textDocument/definition", client.at(uri, positionOf(text, "Dense", 2)));
    expect(block.range.start).toEqual(positionOf(text, "Dense"));
  });

  it("finds every reference of a hyperparameter and of a block's argument", async () => {
    const refs = await client.request<Location[]>("textDocument/references", {
      ...client.at(uri, positionOf(text, "h1")),
      context: { includeDeclaration: true },
    });
    expect(refs.map((r) => r.range.start)).toEqual([positionOf(text, "h1"), positionOf(text, "h1", 1)]);
    const units = await client.request<Location[]>("textDocument/references", {
      ...client.at(uri, positionOf(text, "units")),
      context: { includeDeclaration: false },
    });
    expect(units).toHaveLength(2);
  });

  it("renames a binding everywhere, and the result still checks", async () => {
    const edit = await client.request<{ changes: Record<string, TextEdit[]> }>("textDocument/rename", {
      ...client.at(uri, positionOf(text, "scores", 1)),
      newName: "logits",
    });
    const renamed = applyEdits(text, edit.changes[uri]!);
    expect(renamed).toBe(text.replace(/\bscores\b/g, "logits"));
    await client.change(uri, renamed);
    expect(await client.diagnostics(uri)).toEqual([]);
  });

  it("refuses a rename to a keyword or a name already taken", async () => {
    const at = client.at(uri, positionOf(text, "hidden2 ="));
    await expect(client.request("textDocument/rename", { ...at, newName: "param" })).rejects.toThrow(/not a name/);
    await expect(client.request("textDocument/rename", { ...at, newName: "hidden1" })).rejects.toThrow(/already defined/);
  });
});

describe("completion", () => {
  const labels = (items: CompletionItem[]) => items.map((i) => i.label);
  const complete = async (text: string, needle: string, delta: number) => {
    const uri = Client.uri("completion.nn");
    await client.open(uri, text);
    return client.request<CompletionItem[]>("textDocument/completion", client.at(uri, positionOf(text, needle, 0, delta)));
  };

  it("offers names in scope, blocks and builtins with their signatures in an expression", async () => {
    const text = model("mnist_relu_adam.nn").replace("  output y", "  z = \n  output y");
    const items = await complete(text, "z = ", 4);
    expect(labels(items)).toEqual(
      expect.arrayContaining(["x", "t", "hidden1", "hidden2", "scores", "h1", "Dense", "softmax", "relu", "if"]),
    );
    expect(labels(items)).not.toContain("z");
    expect(items.find((i) => i.label === "dropout")!.detail).toBe("dropout(x, ratio = 0.5)");
  });

  it("offers statement keywords at the start of a line, sizes in shapes, initializers after param =", async () => {
    const text = model("two_layer_net.nn").replace("  h = sigmoid", "  param W3: [hidden, ] = \n  \n  h = sigmoid");
    expect(labels(await complete(text, "W3: [hidden, ]", 13))).toEqual(expect.arrayContaining(["hidden", "std", "batch"]));
    expect(labels(await complete(text, "] = \n", 4))).toEqual(expect.arrayContaining(["zeros", "he", "xavier", "normal", "uniform"]));
    expect(labels(await complete(text, "] = \n  \n", 7))).toEqual(["input", "target", "param", "output", "loss"]);
  });

  it("offers argument names inside a call", async () => {
    const text = model("two_layer_net.nn").replace("  output y", "  d = dropout(h, )\n  output y");
    expect(labels(await complete(text, "dropout(h, )", 11))).toContain("ratio =");
  });

  it("offers settings, optimizers and their arguments in train { }", async () => {
    const base = model("two_layer_net.nn");
    const settings = await complete(base.replace("    iters = 10000\n", "    iters = 10000\n    \n"), "10000\n    ", 10);
    expect(labels(settings)).toEqual(expect.arrayContaining(["optimizer", "lr", "batch_size", "epochs", "weight_decay"]));
    const optimizers = await complete(base.replace("optimizer = sgd(lr = 0.1)", "optimizer = "), "optimizer = ", 12);
    expect(labels(optimizers)).toEqual(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]);
    expect(optimizers.find((i) => i.label === "adam")!.insertText).toBe(
      "adam(lr = ${1:0.001}, beta1 = ${2:0.9}, beta2 = ${3:0.999}, eps = ${4:1e-7})",
    );
    const args = await complete(base.replace("optimizer = sgd(lr = 0.1)", "optimizer = adam(lr = 0.1, )"), "0.1, )", 5);
    expect(labels(args)).toEqual(["beta1 =", "beta2 =", "eps ="]);
  });
});

describe("formatting, symbols, semantic tokens", () => {
  it("formats with the same printer as nnc fmt", async () => {
    const messy = model("two_layer_net.nn").replace("h = sigmoid(x @ W1 + b1)", "h=sigmoid( x@W1+b1 )").replace("  param b1", "param b1");
    const uri = Client.uri("messy.nn");
    await client.open(uri, messy);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    expect(applyEdits(messy, edits)).toBe(await formatNn(messy));
    expect(applyEdits(messy, edits)).toBe(model("two_layer_net.nn"));
  });

  it("lists models, blocks and their members", async () => {
    const uri = Client.uri("mnist_relu_adam.nn");
    await client.open(uri, model("mnist_relu_adam.nn"));
    type Sym = { name: string; detail?: string; children?: Sym[] };
    const symbols = await client.request<Sym[]>("textDocument/documentSymbol", { textDocument: { uri } });
    expect(symbols.map((s) => [s.name, s.children!.map((c) => c.name)])).toEqual([
      ["Dense", ["x", "units", "activation", "W", "b"]],
      ["MnistReluAdam", ["h1", "h2", "x", "t", "hidden1", "hidden2", "scores", "y", "train"]],
    ]);
    expect(symbols[1]!.children!.find((c) => c.name === "hidden1")!.detail).toBe("[batch, 300]");
  });

  it("classifies names by what they name", async () => {
    const text = model("mnist_relu_adam.nn");
    const uri = Client.uri("mnist_relu_adam.nn");
    await client.open(uri, text);
    const legend = ["class", "function", "parameter", "typeParameter", "variable", "property", "keyword", "number", "comment", "operator"];
    const { data } = await client.request<{ data: number[] }>("textDocument/semanticTokens/full", { textDocument: { uri } });
    const lines = text.split("\n");
    const tokens: [string, string, number][] = [];
    let line = 0;
    let col = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      col = data[i] === 0 ? col + data[i + 1]! : data[i + 1]!;
      tokens.push([lines[line]!.slice(col, col + data[i + 2]!), legend[data[i + 3]!]!, data[i + 4]!]);
    }
    const kind = (word: string) => tokens.find(([w]) => w === word)?.slice(1);
    expect(kind("Dense")).toEqual(["function", 1]);
    expect(tokens.filter(([w]) => w === "Dense").map(([, type, mods]) => [type, mods])).toEqual([
      ["function", 1],
      ...Array(3).fill(["function", 0]),
    ]);
    expect(kind("MnistReluAdam")).toEqual(["class", 1]);
    expect(kind("he")).toEqual(["function", 4]);
    expect(kind("h1")).toEqual(["parameter", 3]);
    expect(kind("hidden1")).toEqual(["variable", 1]);
    expect(kind("model")).toEqual(["keyword", 0]);
  });
});
