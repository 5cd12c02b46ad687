// A quick measure of nnc's compiled training step, without the side-by-side harness: the
// book's TwoLayerNet (784-50-10, batch 100) on random data, lossAndGrads + an SGD update per
// step, f32 (js and wasm backends) and f64, median ms per step after warm-up, next to a straightforward typed-array
// port of the book's numpy code (triple-loop dot, a new array per result; bench/peers has the
// full one); and how long compiling takes.
//
//   npx rolldown bench/quick-step.ts -p node --external prettier --no-codeSplitting -o node_modules/.cache/quick-step.mjs \
//     && node node_modules/.cache/quick-step.mjs [steps] [model.nn]
//
// It prints wall time and process CPU time (on a busy machine CPU time is the steadier one).
import { readFileSync } from "node:fs";
import { compileModule, compileToString, load } from "../src/codegen/index.js";
import { frontend } from "../src/index.js";

const STEPS = Number(process.argv[2] ?? 300);
const FILE = process.argv[3] ?? "models/two_layer_net.nn";
const BATCH = 100;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const text = readFileSync(FILE, "utf8");
const front = frontend(text, FILE);
const g = front.graphs[0]!;

// Compile time: the front end + compileToString (what load needs), and with prettier (what nnc compile writes).
for (let i = 0; i < 3; i++) compileToString(frontend(text, FILE).graphs[0]!);
const compileTimes = Array.from({ length: 10 }, () => {
  const t0 = performance.now();
  compileToString(frontend(text, FILE).graphs[0]!, { sources: front.sources });
  return performance.now() - t0;
});
const t0 = performance.now();
await compileModule(g, { sources: front.sources });
const formatted = performance.now() - t0;
console.log(`${FILE}: compile (parse + elaborate + codegen) median ${median(compileTimes).toFixed(1)} ms; with prettier (.js and .d.ts) ${formatted.toFixed(0)} ms`);

/** The book's TwoLayerNet.gradient, as a reader would port it: one loop nest per numpy call. */
function bookStep(x: Float64Array, t: Float64Array, p: Record<string, Float64Array>, n: number): number {
  const dot = (a: Float64Array, b: Float64Array, m: number, k: number, c: number) => {
    const out = new Float64Array(m * c);
    for (let i = 0; i < m; i++) for (let j = 0; j < c; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[i * k + q]! * b[q * c + j]!;
      out[i * c + j] = s;
    }
    return out;
  };
  const T = (a: Float64Array, r: number, c: number) => {
    const out = new Float64Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!;
    return out;
  };
  const addRow = (a: Float64Array, b: Float64Array, c: number) => a.map((v, i) => v + b[i % c]!);
  const sumRows = (a: Float64Array, c: number) => {
    const out = new Float64Array(c);
    a.forEach((v, i) => (out[i % c]! += v));
    return out;
  };
  const a1 = addRow(dot(x, p.W1!, n, 784, 50), p.b1!, 50);
  const z1 = a1.map((v) => 1 / (1 + Math.exp(-v)));
  const a2 = addRow(dot(z1, p.W2!, n, 50, 10), p.b2!, 10);
  const y = new Float64Array(n * 10);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = a2.subarray(i * 10, i * 10 + 10);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => (y[i * 10 + j] = v / s));
    for (let j = 0; j < 10; j++) if (t[i * 10 + j] === 1) loss -= Math.log(y[i * 10 + j]! + 1e-7) / n;
  }
  const dy = y.map((v, i) => (v - t[i]!) / n);
  const grads: Record<string, Float64Array> = {};
  grads.W2 = dot(T(z1, n, 50), dy, 50, n, 10);
  grads.b2 = sumRows(dy, 10);
  const da1 = dot(dy, T(p.W2!, 50, 10), n, 10, 50);
  const dz1 = da1.map((d, i) => d * (1 - z1[i]!) * z1[i]!);
  grads.W1 = dot(T(x, n, 784), dz1, 784, n, 50);
  grads.b1 = sumRows(dz1, 50);
  for (const [name, g] of Object.entries(grads)) {
    const w = p[name]!;
    for (let i = 0; i < w.length; i++) w[i]! -= 0.1 * g[i]!;
  }
  return loss;
}

function time(step: () => number, steps: number): { wall: number; cpu: number; loss: number } {
  for (let i = 0; i < 30; i++) step();
  const wall: number[] = [];
  const cpu: number[] = [];
  let loss = 0;
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    loss = step();
    wall.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu), loss };
}

// Matrix products only: x·W1 and xᵀ·dh for the first layer (the input needs no gradient), three for the second.
const flops = 2 * BATCH * (784 * 50 * 2 + 50 * 10 * 3);
const report = (what: string, r: { wall: number; cpu: number; loss: number }, base?: { wall: number; cpu: number }) =>
  console.log(
    `${what}: ${r.wall.toFixed(2)} ms/step wall, ${r.cpu.toFixed(2)} ms CPU (medians), ${(flops / r.wall / 1e6).toFixed(2)} GFLOP/s, loss ${r.loss.toFixed(4)}` +
      (base ? `; typed-array port / nnc = ${(base.wall / r.wall).toFixed(1)}x wall, ${(base.cpu / r.cpu).toFixed(1)}x CPU` : ""),
  );

const bookParams = (await load(compileToString(g, { dtype: "f64" }))).init(1) as Record<string, Float64Array>;
const bx = new Float64Array(BATCH * 784).map(() => Math.random());
const bt = new Float64Array(BATCH * 10);
for (let r = 0; r < BATCH; r++) bt[r * 10 + ((r * 7) % 10)] = 1;
const base = FILE.endsWith("two_layer_net.nn") ? time(() => bookStep(bx, bt, bookParams, BATCH), Math.max(20, Math.floor(STEPS / 10))) : undefined;
if (base) report("typed-array port (f64)", base);

const runs = [["f32", "js"], ["f32", "wasm"], ["f64", "js"]] as const;
for (const [dtype, backend] of runs) {
  const model = await load(compileToString(g, { dtype, backend }));
  const F = dtype === "f32" ? Float32Array : Float64Array;
  const params = model.init(1);
  const x = new F(BATCH * 784).map(() => Math.random());
  const t = new F(BATCH * 10);
  for (let r = 0; r < BATCH; r++) t[r * 10 + ((r * 7) % 10)] = 1;
  const step = () => {
    const { loss, grads } = model.lossAndGrads(params, { x, t });
    for (const [name, grad] of Object.entries(grads)) {
      const p = params[name]!;
      for (let i = 0; i < p.length; i++) p[i]! -= 0.1 * grad[i]!;
    }
    return loss;
  };
  report(`nnc ${dtype} ${backend}`, time(step, STEPS), base);
}
