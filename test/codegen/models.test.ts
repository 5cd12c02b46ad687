// Every model in models/ compiled (f64 and f32) against the reference interpreter: predict in
// inference mode, lossAndGrads in training mode (dropout masks from the same seed, batch-norm
// statistics updated in place); and the generated code of each, as a reviewed snapshot.
//
// Tolerances: f64 within 1e-10 relative (the kernels sum in the reference's order, so most
// results are bit-identical). f32 within 1e-4 relative to max(|entry|, 1e-3 of the scale): both
// sides get the same float32 params and inputs, and the compiled module computes in float64 and
// rounds only what it returns (6e-8 relative), plus outputs that later outputs read, whose
// rounding the later layers amplify by their conditioning (6e-7 seen in a 5-layer stack). A
// wrong kernel is off by O(1).
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { compileModule } from "../../src/codegen/index.js";
import { frontend } from "../../src/index.js";
import { graphOfFile, interpreterHeavy, MODELS_DIR, modelFiles } from "../support/models.js";
import { compare, compiled, feedsFor } from "./compare.js";

const TOLERANCE = { f64: 1e-10, f32: 1e-4 } as const;

const cases: [string, string, Record<string, string>][] = [
  ...modelFiles().map((f): [string, string, Record<string, string>] => [basename(f), f, {}]),
  ["multi_layer_net_extend.nn (dropout 0.3, batch norm)", `${MODELS_DIR}/multi_layer_net_extend.nn`, { depth: "3", dropout_ratio: "0.3" }],
  [
    "multi_layer_net_extend.nn (dropout, no batch norm)",
    `${MODELS_DIR}/multi_layer_net_extend.nn`,
    { depth: "2", dropout_ratio: "0.5", use_batchnorm: "false" },
  ],
  ["multi_layer_net.nn (sigmoid, xavier)", `${MODELS_DIR}/multi_layer_net.nn`, { depth: "2", activation: "sigmoid", init: "xavier" }],
];

describe("compiled models = the reference interpreter", () => {
  for (const [name, file, set] of cases) {
    for (const dtype of ["f64", "f32"] as const) {
      it(`${name} ${JSON.stringify(set)} ${dtype}: outputs, loss, gradients and state within ${TOLERANCE[dtype]}`, async () => {
        const g = graphOfFile(file, { set });
        const model = await compiled(g, { dtype });
        const batches = interpreterHeavy(g)
          ? [
              [3, 1],
              [1, 2],
            ]
          : [
              [7, 1],
              [1, 2],
              [16, 3],
            ];
        for (const [batch, seed] of batches as [number, number][]) {
          const c = compare(g, model, feedsFor(g, dtype, batch, seed), dtype, seed);
          for (const [what, err] of Object.entries(c.errors)) expect(err, `${what} (batch ${batch})`).toBeLessThanOrEqual(TOLERANCE[dtype]);
        }
      });
    }
  }

  it("init(seed) equals the runtime's initValues (f64 exactly, f32 rounded)", async () => {
    const { initValues } = await import("../../src/runtime/initializers.js");
    for (const file of modelFiles()) {
      const g = graphOfFile(file);
      const expected = initValues(g, 42);
      for (const dtype of ["f64", "f32"] as const) {
        const params = (await compiled(g, { dtype })).init(42);
        expect(Object.keys(params)).toEqual(Object.keys(expected));
        for (const [k, v] of Object.entries(expected)) {
          const want = dtype === "f32" ? Float32Array.from(v) : v;
          const got = params[k]!;
          const first = want.findIndex((w, i) => !Object.is(w, got[i]));
          expect(got.constructor, `${basename(file)} ${k}`).toBe(want.constructor);
          expect(first === -1 && got.length === want.length ? "equal" : `${k}[${first}]: ${got[first]} vs ${want[first]}`).toBe("equal");
        }
      }
    }
  });
});

describe("generated code (snapshots, reviewed when they change)", () => {
  it.each(modelFiles().map((f) => [basename(f), f]))("%s", async (name, file) => {
    const text = readFileSync(file, "utf8");
    const r = frontend(text, basename(file));
    const { js } = await compileModule(r.graphs[0]!, { sources: r.sources });
    await expect(js).toMatchFileSnapshot(`__snapshots__/${name.replace(/\.nn$/, ".js")}`);
  });
});
