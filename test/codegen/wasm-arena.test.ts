// The wasm backend's arena and threads, as a user of a compiled module sees them: adopted params
// are views that calls read in place and an optimizer updates in place; batch sizes that grow the
// memory leave adopted params valid and results right; where memory cannot be shared (a browser
// page that is not cross-origin isolated) the same module gives the same numbers with copies; and
// splitting matmul rows between threads gives the same bits as one thread.
import { afterEach, describe, expect, it } from "vitest";
import { compileToString, load, type CompiledModel } from "../../src/codegen/index.js";
import { createOptimizer } from "../../src/runtime/optimizer-registry.js";
import { graphOfFile, MODELS_DIR } from "../support/models.js";

const g = graphOfFile(`${MODELS_DIR}/two_layer_net.nn`);
const text = compileToString(g, { backend: "wasm" });
/** A fresh instance of the module (its own arena and threads): the same text, a different URL. */
let instances = 0;
const fresh = (): Promise<CompiledModel> => load(`${text}\n// instance ${++instances}\n`);

function batchOf(rows: number, seed: number): { x: Float32Array; t: Float32Array } {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const x = Float32Array.from({ length: rows * 784 }, rand);
  const t = new Float32Array(rows * 10);
  for (let r = 0; r < rows; r++) t[r * 10 + ((r * 7 + seed) % 10)] = 1;
  return { x, t };
}

const copy = (r: { loss: number; grads: Record<string, Float32Array | Float64Array> }) => ({
  loss: r.loss,
  grads: Object.fromEntries(Object.entries(r.grads).map(([k, v]) => [k, Array.from(v)])),
});

afterEach(() => {
  delete process.env.NNC_THREADS;
  delete (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
});

describe("wasm arena", () => {
  it("adopted params are views in the module's memory: read in place, updated in place, equal to plain params", async () => {
    const m = await fresh();
    const plain = m.init(3);
    const adopted = m.adopt(plain);
    expect(adopted).not.toBe(plain);
    expect(adopted.W1!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(adopted.W1!)).toEqual(Array.from(plain.W1!));
    const batch = batchOf(100, 1);
    const a = copy(m.lossAndGrads(adopted, batch));
    const b = copy(m.lossAndGrads(plain, batch));
    expect(a).toEqual(b);
    // An SGD step on the views is what the next call sees.
    const { grads } = m.lossAndGrads(adopted, batch);
    for (const k of Object.keys(grads)) for (let i = 0; i < adopted[k]!.length; i++) adopted[k]![i]! -= 0.1 * grads[k]![i]!;
    const after = m.lossAndGrads(adopted, batch).loss;
    expect(after).toBeLessThan(a.loss);
    // A js module has no arena: adopt gives the params back.
    const js = await load(compileToString(g));
    expect(js.adopt(plain)).toBe(plain);
    expect(js.threads()).toBe(1);
  });

  it("init's params live in the module's memory: calls read them in place, with no adopt, and each init is its own", async () => {
    const m = await fresh();
    const [a, b] = [m.init(3), m.init(3)];
    expect(a.W1!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.W1!.byteOffset).not.toBe(b.W1!.byteOffset);
    const batch = batchOf(100, 1);
    const before = copy(m.lossAndGrads(a, batch));
    expect(copy(m.lossAndGrads(m.adopt(b), batch))).toEqual(before);
    // README's SGD loop on them: the next call sees the step; the other set is untouched.
    const { grads } = m.lossAndGrads(a, batch);
    for (const k in grads) for (let i = 0; i < a[k]!.length; i++) a[k]![i]! -= 0.1 * grads[k]![i]!;
    expect(m.lossAndGrads(a, batch).loss).toBeLessThan(before.loss);
    expect(Array.from(b.W1!)).toEqual(Array.from(m.init(3).W1!));
    expect(copy(m.lossAndGrads(b, batch))).toEqual(before);
  });

  it("batchBuffers are the arrays lossAndGrads reads: filled in place, the same results as copies", async () => {
    const m = await fresh();
    const params = m.adopt(m.init(2));
    const batch = batchOf(50, 9);
    const bufs = m.batchBuffers(50);
    expect(bufs.x!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(m.batchBuffers(50).x).toBe(bufs.x); // the same arrays each time
    bufs.x!.set(batch.x);
    bufs.t!.set(batch.t);
    const inPlace = copy(m.lossAndGrads(params, bufs));
    expect(inPlace).toEqual(copy(m.lossAndGrads(params, batch)));
    // Data kept in the module's memory (zeros) is read in place, subarrays too: the same outputs as copies.
    const data = m.zeros(200 * 784);
    data.set(batchOf(200, 4).x);
    const rows = data.subarray(50 * 784, 80 * 784);
    expect(Array.from(m.predict(params, { x: rows }).y!)).toEqual(Array.from(m.predict(params, { x: Float32Array.from(rows) }).y!));
    // A js module gives fresh arrays of the right sizes.
    const js = await load(compileToString(g));
    const plain = js.batchBuffers(3);
    expect([plain.x!.length, plain.t!.length]).toEqual([3 * 784, 3 * 10]);
  });

  it("batch sizes that grow the memory keep adopted params valid and results the same", async () => {
    const m = await fresh();
    const params = m.adopt(m.init(5));
    const small = batchOf(3, 2);
    const before = Array.from(m.predict(params, { x: small.x }).y!);
    const big = batchOf(5000, 3); // 15.7 MB of inputs: the memory grows
    const yBig = m.predict(params, { x: big.x }).y!;
    expect(yBig.length).toBe(50000);
    expect(params.W1!.length).toBe(784 * 50); // still attached
    expect(Array.from(m.predict(params, { x: small.x }).y!)).toEqual(before);
    // The first rows of the big batch against the same rows on their own.
    const head = m.predict(params, { x: big.x.subarray(0, 4 * 784) }).y!;
    expect(Array.from(yBig.subarray(0, 40))).toEqual(Array.from(head));
  });

  it("without shared memory (a page that is not cross-origin isolated) gives the same numbers, through copies", async () => {
    const shared = await fresh();
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated = false;
    const m = await fresh();
    const params = m.init(7);
    expect(m.adopt(params)).toBe(params);
    expect(m.threads()).toBe(1);
    const ref = shared.adopt(shared.init(7));
    // Results stay valid until the next call of the same function, even when another call grows the memory.
    const kept = m.lossAndGrads(params, batchOf(8, 1));
    const before = Array.from(kept.grads.W1!);
    m.predict(params, { x: batchOf(6000, 2).x }); // grows the memory, which detaches its old views
    expect(Array.from(kept.grads.W1!)).toEqual(before);
    for (const rows of [4, 3000, 100, 4]) {
      const batch = batchOf(rows, rows);
      expect(Array.from(m.predict(params, { x: batch.x }).y!)).toEqual(Array.from(shared.predict(ref, { x: batch.x }).y!));
      expect(copy(m.lossAndGrads(params, batch))).toEqual(copy(shared.lossAndGrads(ref, batch)));
    }
  });

  it("threads: matmul rows split between two threads give the same bits as one", async () => {
    process.env.NNC_THREADS = "1";
    const one = await fresh();
    expect(one.threads()).toBe(1);
    process.env.NNC_THREADS = "2";
    const two = await fresh();
    expect(two.threads()).toBe(2);
    for (const rows of [100, 37, 256]) {
      const batch = batchOf(rows, rows);
      const [p1, p2] = [one.adopt(one.init(1)), two.adopt(two.init(1))];
      expect(copy(two.lossAndGrads(p2, batch))).toEqual(copy(one.lossAndGrads(p1, batch)));
      expect(Array.from(two.predict(p2, { x: batch.x }).y!)).toEqual(Array.from(one.predict(p1, { x: batch.x }).y!));
    }
  });

  it("Momentum and Nesterov updated in WebAssembly equal nnc's JS loops to the bit, SGD and Adam within float32 rounding, and leave arrays outside the arena to them", async () => {
    const m = await fresh();
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    for (const [name, args] of [
      ["sgd", { lr: 0.1 }],
      ["adam", { lr: 0.001 }],
      ["adamw", { lr: 0.01, weight_decay: 0.1 }],
      ["momentum", { lr: 0.1, momentum: 0.9 }],
      ["nesterov", { lr: 0.1, momentum: 0.9 }],
    ] as const) {
      for (const n of [1, 2, 7, 1000, 40000]) {
        // 40000: shared with the worker threads
        // The same values in the arena (zeros) and in plain arrays.
        const inArena = { p: m.zeros(n), g: m.zeros(n) };
        for (let i = 0; i < n; i++) [inArena.p[i], inArena.g[i]] = [rand(), rand() * 1e-3];
        const plain = { p: Float32Array.from(inArena.p), g: Float32Array.from(inArena.g) };
        const kernels = { zeros: m.zeros, updateSgd: m.updateSgd, updateAdam: m.updateAdam, updateMomentum: m.updateMomentum };
        const fast = createOptimizer(name, args, { decays: () => true, kernels });
        const slow = createOptimizer(name, args, { decays: () => true });
        let [sf, ss] = [fast.init({ w: inArena.p }), slow.init({ w: plain.p })];
        for (let step = 1; step <= 5; step++) {
          sf = fast.update({ w: inArena.p }, { w: inArena.g }, sf, step);
          ss = slow.update({ w: plain.p }, { w: plain.g }, ss, step);
          for (let i = 0; i < n; i++) inArena.g[i] = plain.g[i] = rand() * 1e-3;
        }
        if (name.startsWith("adam")) {
          // Adam runs in float32 lanes, rounding each operation where the JS loop rounds only what
          // it stores: the params (|p| <= 1) differ by a few float32 roundings (2^-24 each) per step.
          const apart = Array.from(inArena.p, (v, i) => Math.abs(v - plain.p[i]!));
          expect(Math.max(...apart), `${name} over ${n}`).toBeLessThanOrEqual(5 * 4 * 2 ** -24);
        } else if (name === "sgd") {
          // SGD in float32 lanes: lr · g rounded to float32 before the subtraction, where the JS
          // loop rounds once: p may land one float32 rounding of p (|p| < 1: 2^-24) off per step.
          const apart = Array.from(inArena.p, (v, i) => Math.abs(v - plain.p[i]!));
          expect(Math.max(...apart), `${name} over ${n}`).toBeLessThanOrEqual(5 * 2 ** -24);
          expect(apart.some((d) => d > 0) || n < 1000, "float32 lanes, not the JS loop's float64").toBe(true);
        } else expect(Array.from(inArena.p), `${name} over ${n}`).toEqual(Array.from(plain.p));
        expect(Array.from(inArena.p)).not.toEqual(Array.from(m.zeros(n)));
      }
    }
    // SGD's float32 lanes are numpy's float32 arithmetic: p - f32(f32(lr) · g), to the bit.
    const [p32, g32] = [m.zeros(1001), m.zeros(1001)];
    for (let i = 0; i < 1001; i++) [p32[i], g32[i]] = [rand(), rand()];
    const numpy = Array.from(p32, (v, i) => Math.fround(v - Math.fround(Math.fround(0.1) * g32[i]!)));
    expect(m.updateSgd(p32, g32, 0.1)).toBe(true);
    expect(Array.from(p32)).toEqual(numpy);
    // Only arrays of the arena go to WebAssembly.
    const p = m.zeros(4);
    expect(m.updateSgd(p, m.zeros(4), 0.1)).toBe(true);
    expect(m.updateSgd(p, new Float32Array(4), 0.1)).toBe(false);
    expect(m.updateAdam(p, m.zeros(4), m.zeros(4), m.zeros(4), 0.1, 0.9, 0.999, 1e-7, 0)).toBe(true);
    expect(m.updateAdam(p, m.zeros(4), m.zeros(4), new Float32Array(4), 0.1, 0.9, 0.999, 1e-7, 0)).toBe(false);
    expect(m.updateMomentum(p, m.zeros(4), m.zeros(4), 0.1, 0.9, false)).toBe(true);
    expect(m.updateMomentum(p, m.zeros(4), new Float32Array(4), 0.1, 0.9, true)).toBe(false);
  });

  it("threads under a stream of jobs of every kind and size give one thread's bits (the job protocol)", async () => {
    process.env.NNC_THREADS = "1";
    const one = await fresh();
    one.threads();
    process.env.NNC_THREADS = "2";
    const two = await fresh();
    expect(two.threads()).toBe(2);
    const run = (m: CompiledModel) => {
      const params = m.adopt(m.init(4));
      const kernels = { zeros: m.zeros, updateSgd: m.updateSgd, updateAdam: m.updateAdam };
      const adam = createOptimizer("adam", { lr: 0.001 }, { decays: () => true, kernels });
      let state = adam.init(params);
      const losses: number[] = [];
      // Matmul jobs of 3 sizes (with and without wasm epilogues) and Adam updates shared by the threads, back to back.
      for (let step = 1; step <= 150; step++) {
        const rows = [100, 37, 256][step % 3]!;
        const { loss, grads } = m.lossAndGrads(params, batchOf(rows, step));
        state = adam.update(params, grads, state, step);
        losses.push(loss);
      }
      return { losses, W1: Array.from(params.W1!) };
    };
    expect(run(two)).toEqual(run(one));
  });
});
