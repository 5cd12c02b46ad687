// The zero-skipping matmuls inside compiled models: which products get them (op(A) a model input,
// a ReLU output or a ReLU-masked gradient; not sigmoid activations or the softmax's gradient),
// models fed MNIST-like inputs (81% zeros, in runs: the background) against the reference
// interpreter by wasm-models.test.ts's measure and tolerance (5e-3: float32 sums), and two
// threads giving one thread's bits on such inputs (the gate decides per block of 4 rows from the
// data alone, and a shared job's chunks are whole blocks).
import { afterEach, describe, expect, it } from "vitest";
import { compileToString, load, type CompiledModel } from "../../src/codegen/index.js";
import { tensor } from "../../src/graph/tensor.js";
import { graphOfFile, MODELS_DIR } from "../support/models.js";
import { compare, compiled, feedsFor } from "./compare.js";

const TOLERANCE = 5e-3;

/** Rows of 784 pixels: a blob of ink around a random centre (about 19% nonzero), the rest 0. */
function images(rows: number, seed: number): Float32Array {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const x = new Float32Array(rows * 784);
  for (let r = 0; r < rows; r++) {
    const [cy, cx] = [10 + 8 * rand(), 10 + 8 * rand()];
    for (let y = 0; y < 28; y++)
      for (let q = 0; q < 28; q++) if ((y - cy) ** 2 + (q - cx) ** 2 < 38 + 10 * rand()) x[r * 784 + y * 28 + q] = 0.1 + 0.9 * rand();
  }
  return x;
}

/** The products of a compiled module, each marked whether it skips zeros. */
function products(file: string, zeroSkipping?: boolean): string[] {
  const text = compileToString(graphOfFile(`${MODELS_DIR}/${file}`), {
    backend: "wasm",
    ...(zeroSkipping !== undefined && { zeroSkipping }),
  });
  return [...text.matchAll(/\/\/ (\S+ · \S+) in WebAssembly \(f32x4 register tiles(, skipping)?/g)].map(
    (m) => `${m[1]}${m[2] ? " (sparse)" : ""}`,
  );
}

afterEach(() => {
  delete process.env.NNC_THREADS;
});

describe("zero-skipping matmuls in compiled models", () => {
  it("go where op(A) may hold zeros: inputs, ReLU outputs, ReLU-masked gradients", () => {
    expect(products("two_layer_net.nn")).toEqual(["x · W1 (sparse)", "h · W2", "d_loss · W2ᵀ", "hᵀ · d_loss", "xᵀ · d_h_mul (sparse)"]);
    const deep = products("multi_layer_net.nn");
    expect(deep).toContain("layers_2 · layers_3_W (sparse)");
    expect(deep).toContain("d_layers_2_mul · layers_2_Wᵀ (sparse)");
    expect(deep).toContain("xᵀ · d_layers_0_mul (sparse)");
    expect(deep).toContain("d_loss · Wᵀ"); // the softmax's gradient: dense
  });

  it("zeroSkipping: false keeps every product dense, so 0 · Inf in a weight is NaN as IEEE has it", async () => {
    expect(products("two_layer_net.nn", false)).toEqual(["x · W1", "h · W2", "d_loss · W2ᵀ", "hᵀ · d_loss", "xᵀ · d_h_mul"]);
    const g = graphOfFile(`${MODELS_DIR}/two_layer_net.nn`);
    const x = images(8, 5);
    for (let r = 0; r < 8; r++) expect(x[r * 784]).toBe(0); // pixel 0 (a corner) is 0 in every row
    const scores = async (zeroSkipping: boolean) => {
      const m = await load(compileToString(g, { backend: "wasm", zeroSkipping }));
      const p = m.adopt(m.init(1));
      p.W1!.fill(Infinity, 0, 50); // W1's row for pixel 0
      return Array.from(m.predict(p, { x }).y!);
    };
    expect((await scores(false)).every(Number.isNaN)).toBe(true);
    expect((await scores(true)).some(Number.isNaN)).toBe(false);
  });

  for (const file of ["two_layer_net.nn", "multi_layer_net.nn"])
    it(`${file} on MNIST-like inputs = the reference interpreter (f32, within ${TOLERANCE})`, async () => {
      const g = graphOfFile(`${MODELS_DIR}/${file}`);
      const model = await compiled(g, { dtype: "f32", backend: "wasm" });
      for (const [batch, seed] of [
        [100, 1],
        [37, 2],
        [1, 3],
      ] as const) {
        const feeds = feedsFor(g, "f32", batch, seed);
        const x = images(batch, seed);
        const zeros = x.filter((v) => v === 0).length / x.length;
        expect(zeros).toBeGreaterThan(0.7);
        feeds.x = tensor(feeds.x!.shape, x);
        const c = compare(g, model, feeds, "f32", seed);
        for (const [what, err] of Object.entries(c.errors)) expect(err, `${what} (batch ${batch})`).toBeLessThanOrEqual(TOLERANCE);
      }
    });

  it("two threads give one thread's bits on MNIST-like inputs (loss, gradients, predict)", async () => {
    let instances = 0;
    const fresh = async (text: string, threads: number): Promise<CompiledModel> => {
      process.env.NNC_THREADS = String(threads);
      const m = await load(`${text}\n// instance ${++instances}\n`);
      expect(m.threads()).toBe(threads);
      return m;
    };
    const copy = (r: { loss: number; grads: Record<string, Float32Array | Float64Array> }) => ({
      loss: r.loss,
      grads: Object.fromEntries(Object.entries(r.grads).map(([k, v]) => [k, Array.from(v)])),
    });
    for (const file of ["two_layer_net.nn", "multi_layer_net.nn"]) {
      const text = compileToString(graphOfFile(`${MODELS_DIR}/${file}`), { backend: "wasm" });
      const [one, two] = [await fresh(text, 1), await fresh(text, 2)];
      for (const rows of [128, 100, 37]) {
        const x = images(rows, rows);
        // Some dense rows too, so that blocks of both kinds meet in one job.
        for (let e = 0; e < 784 * 8; e++) x[e] = 0.5;
        const t = new Float32Array(rows * 10);
        for (let r = 0; r < rows; r++) t[r * 10 + ((r * 7) % 10)] = 1;
        const [p1, p2] = [one.adopt(one.init(1)), two.adopt(two.init(1))];
        expect(copy(two.lossAndGrads(p2, { x, t })), `${file}, batch ${rows}`).toEqual(copy(one.lossAndGrads(p1, { x, t })));
        expect(Array.from(two.predict(p2, { x }).y!)).toEqual(Array.from(one.predict(p1, { x }).y!));
      }
    }
  });
});
