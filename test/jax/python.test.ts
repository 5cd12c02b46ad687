// The safe Python builder (src/codegen/jax/python.ts) and a model whose names and comments are
// Python's sore spots: names become sanitized identifiers or string literals, comments stay on
// their `#` line, and the module still computes what the interpreter computes.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderJaxModule } from "../../src/codegen/jax/module.js";
import { py, pyComment, pyFloat, PyName, pyStr } from "../../src/codegen/jax/python.js";
import { differentiate } from "../../src/graph/autodiff.js";
import { run } from "../../src/graph/interpret.js";
import { randomFeeds } from "../../src/gradcheck.js";
import { graphOf } from "../support/models.js";
import { AGREE_DRIVER, expectClose, jaxPython, plain, runPython, type JaxResult } from "../support/jax.js";

describe("the Python builder", () => {
  it("takes only checked holes", () => {
    expect(() => py`${"os.system('x')" as unknown as PyName}`).toThrow(/hole/);
    expect(() => py`${0.5}`).toThrow(/int/);
    expect(() => PyName.of("import")).toThrow(/reserved/);
    expect(() => PyName.of("a-b")).toThrow(/identifier/);
    expect(() => PyName.of("__class__")).toThrow(/reserved/);
  });
  it("sanitizes names into identifiers that are no keyword or module name", () => {
    expect(PyName.sanitize("layers.0.W").text).toBe("layers_0_W");
    expect(PyName.sanitize("lambda").text).toBe("lambda_");
    expect(PyName.sanitize("jnp").text).toBe("jnp_");
    expect(PyName.sanitize("0x").text).toBe("v0x");
    expect(PyName.sanitize("∂h").text).toBe("d_h");
    expect(PyName.sanitize('"); import os #').text).toBe("import_os");
  });
  it("escapes strings and comments", () => {
    expect(pyStr('a"b\\c\nd').text).toBe('"a\\"b\\\\c\\x0ad"');
    expect(pyStr("\u2028é😀").text).toBe('"\\u2028\\xe9\\U0001f600"');
    expect(pyComment("x\nimport os\r\u2028y").text).toBe("# x import os y");
  });
  it("writes floats that read back as the same float64", () => {
    expect([0.1, 100, -2, 1e-7, 1e21, -0, Infinity, NaN].map((x) => pyFloat(x).text)).toEqual([
      "0.1",
      "100.0",
      "(-2.0)",
      "1e-7",
      "1e+21",
      "(-0.0)",
      'float("inf")',
      'float("nan")',
    ]);
  });
});

const HOSTILE = `# A model with Python's sore spots. """ import os; os.system("echo pwned") \u2028 exec("1") \\
block lambda(x: [batch, n], units) {
  param import: [n, units] = normal(0.5)  # """ ''' \\ \\n \u2028 os.system("echo pwned") \x0c del x
  param jnp: [units] = normal(0.1)
  return tanh(x @ import + jnp)
}

model def(key = 3) {
  input params: [batch, 4]
  target inputs: onehot[batch, 3]
  param lax: [key, 3] = normal(0.5)
  self = lambda(params, key)  # \u2029 raise SystemExit(3)
  None = self @ lax
  yield = batchnorm(None)
  output eval = softmax(yield)
  loss softmax_cross_entropy(yield, inputs)
}
`;

describe.skipIf(!jaxPython)("a model with hostile names and comments", () => {
  it("renders to a module whose code lines hold none of it, and that equals the interpreter", () => {
    const g = graphOf(HOSTILE, {}, 'hostile"""\n.nn');
    const text = renderJaxModule(g, { sources: new Map([['hostile"""\n.nn', HOSTILE]]) });
    for (const line of text.split("\n")) if (/pwned|exec\(|SystemExit|del x/.test(line)) expect(line.trim()).toMatch(/^#/);
    expect(text).not.toMatch(/[\u2028\u2029\x0c\r]/);
    const path = join(mkdtempSync(join(tmpdir(), "nnc-jax-")), "hostile.py");
    writeFileSync(path, text);
    const feeds = randomFeeds(g, { batch: 4, seed: 1 });
    const leaves = new Set([...g.params, ...g.states].map((p) => p.name));
    const pick = (keep: (k: string) => boolean) =>
      Object.fromEntries(
        Object.entries(feeds)
          .filter(([k]) => keep(k))
          .map(([k, t]) => [k, plain(t)]),
      );
    const [r] = runPython(AGREE_DRIVER, [{ path, params: pick((k) => leaves.has(k)), batch: pick((k) => !leaves.has(k)) }]) as JaxResult[];
    const training = run(differentiate(g), feeds, { training: true });
    expectClose([r!.loss!], [training.loss!], "loss");
    for (const p of g.params) expectClose(r!.grads![p.name]!, training.grads[p.name]!.data, `∂loss/∂${p.name}`);
    expectClose(r!.outputs.eval!, run({ ...g, loss: undefined }, feeds).outputs.eval!.data, "output eval");
  });
});
