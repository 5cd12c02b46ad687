// A model whose names and comments are JavaScript's sore spots compiles to a module that loads
// and computes what the interpreter computes: names become sanitized identifiers or string
// literals (never bare keys), comments become inert comment lines.
import { describe, expect, it } from "vitest";
import { compileDeclarations, compileModule, compileToString, load } from "../../src/codegen/index.js";
import { frontend } from "../../src/index.js";
import { graphOf } from "../support/models.js";
import { compare, feedsFor } from "./compare.js";

const LONG = `w${"x".repeat(300)}`;

export const HOSTILE_MODEL = `# A model whose names are JavaScript's sore spots. */ alert("comment") /* \u2028 evil(); \u2029 </script>
block constructor(x: [batch, n], units) {
  param __proto__: [n, units] = normal(0.5)  # */ "quote" 'single' \\ backslash \`tick\` \${x} <!-- \u2028 alert(2)
  param toString: [units] = normal(0.1)
  return tanh(x @ __proto__ + toString)
}

model class(hasOwnProperty = 3) {
  input function: [batch, 4]
  target await: onehot[batch, 3]
  param prototype: [hasOwnProperty, 3] = normal(0.5)
  param ${LONG}: [3] = uniform(-0.1, 0.1)
  valueOf = constructor(function, hasOwnProperty)  # \u2028 */ throw 1 /*
  let = valueOf @ prototype + ${LONG}
  yield = batchnorm(let)
  output eval = softmax(yield)
  loss softmax_cross_entropy(yield, await)
}
`;

describe("hostile names and comments", () => {
  const g = graphOf(HOSTILE_MODEL, {}, "hostile */.nn");

  it("the model really has them", () => {
    expect(g.model).toBe("class");
    expect(g.params.map((p) => p.name)).toEqual(["prototype", LONG, "valueOf.__proto__", "valueOf.toString", "yield.gamma", "yield.beta"]);
    expect(g.inputs.map((i) => i.name)).toEqual(["function", "await"]);
  });

  for (const dtype of ["f64", "f32"] as const) {
    it(`compiles (${dtype}) to a module that loads and equals the interpreter`, async () => {
      const text = compileToString(g, { dtype, sources: new Map([["hostile */.nn", HOSTILE_MODEL]]) });
      // Nothing from the comments escapes onto a line of code.
      for (const line of text.split("\n")) if (/alert|evil|throw 1/.test(line)) expect(line.trim()).toMatch(/^\/\/|^\/\*\*/);
      expect(text).not.toMatch(/[\u2028\u2029]|<\/script|<!--/);
      const model = await load(text);
      const c = compare(g, model, feedsFor(g, dtype, 6, 4), dtype);
      for (const [what, err] of Object.entries(c.errors)) expect(err, what).toBeLessThanOrEqual(dtype === "f64" ? 1e-10 : 1e-4);
      const params = model.init(3);
      expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
      expect(Object.keys(params)).toEqual([...g.params.map((p) => p.name), ...g.states.map((s) => s.name)]);
      expect(Object.getOwnPropertyDescriptor(params, "valueOf.__proto__")?.value).toBeInstanceOf(
        dtype === "f32" ? Float32Array : Float64Array,
      );
      expect(model.meta.model).toBe("class");
      const inputs = { function: new Float64Array(8), await: Float64Array.of(0, 1, 0, 1, 0, 0) };
      expect(Object.keys(model.lossAndGrads(params, inputs).grads)).toEqual(g.params.map((p) => p.name));
      expect(Object.keys(model.predict(params, inputs))).toEqual(["eval"]);
    });
  }

  it("survives prettier, and its .d.ts quotes every name", async () => {
    const r = frontend(HOSTILE_MODEL, "hostile */.nn");
    const { js, dts } = await compileModule(r.graphs[0]!, { sources: r.sources });
    expect((await load(js)).meta.model).toBe("class");
    expect(dts).toContain(`readonly "valueOf.__proto__": Float32Array;`);
    expect(compileDeclarations(g)).toContain(`readonly function: NumericArray;`);
    expect(compileDeclarations(g)).toContain(`readonly ${LONG}: Float32Array;`);
  });
});
