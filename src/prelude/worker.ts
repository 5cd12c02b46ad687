// What each worker thread runs (eval'd as a script after the text of threads.ts): the
// module's wasm on the same shared memory, serving parts of each job of the control block.
import { jobFunctions, NUMBERS_AT, serveJobs } from "./threads.js";

// Workers start only where the module found process.getBuiltinModule (pool.ts).
const { workerData } = process.getBuiltinModule("node:worker_threads");
const { module, memory, control, index, kernels, epilogues } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
serveJobs(jobFunctions(exports, kernels, epilogues), new Int32Array(control), new Float64Array(control, NUMBERS_AT, 5), index);
