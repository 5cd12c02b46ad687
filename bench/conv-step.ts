// A quick measure of the compiled SimpleConvNet step (wasm backend, params adopted, Adam through
// the module's update kernels, as nnc train runs it) on random data: median ms per step, wall and
// process CPU time. Profile it with node --cpu-prof.
//
//   npx rolldown bench/conv-step.ts -p node --external prettier --no-codeSplitting -o node_modules/.cache/conv-step.mjs \
//     && node node_modules/.cache/conv-step.mjs [steps] [model.nn]
import { compileToString, load } from "../src/codegen/index.js";
import { frontendFile } from "../src/index.js";
import { optimizerKernels, type Params } from "../src/runtime/executable.js";
import { enableFma } from "../src/runtime/fma.js";
import { createOptimizer } from "../src/runtime/optimizer-registry.js";

const STEPS = Number(process.argv[2] ?? 50);
const FILE = process.argv[3] ?? "models/simple_conv_net.nn";
const BATCH = 100;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

enableFma();
const g = frontendFile(FILE, {}).graphs[0]!;
const exe = await load(compileToString(g, { dtype: "f32", backend: "wasm" }));
const params: Params = exe.adopt ? exe.adopt(exe.init(1)) : exe.init(1);
const kernels = optimizerKernels(exe);
const optimizer = createOptimizer("adam", { lr: 0.001 }, { decays: () => true, ...(kernels && { kernels }) });
let state = optimizer.init(params);
const x = exe.zeros!(BATCH * 784).map(() => Math.random());
const t = exe.zeros!(BATCH * 10);
for (let r = 0; r < BATCH; r++) t[r * 10 + ((r * 7) % 10)] = 1;
let steps = 0;
const step = () => {
  const { loss, grads } = exe.lossAndGrads(params, { x, t });
  state = optimizer.update(params, grads, state, ++steps);
  return loss;
};
for (let i = 0; i < 5; i++) step();
const wall: number[] = [];
const cpu: number[] = [];
let loss = 0;
for (let i = 0; i < STEPS; i++) {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  loss = step();
  wall.push(performance.now() - w0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
console.log(
  `${FILE}: ${median(wall).toFixed(2)} ms/step wall, ${median(cpu).toFixed(2)} ms CPU (medians of ${STEPS}), threads ${exe.threads?.() ?? 1}, loss ${loss.toFixed(4)}`,
);
process.exit(0);
