// What each worker thread runs (eval'd as a script after the text of threads.ts): the
// module's wasm on the same shared memory, serving parts of each job of the control block.
import { jobFunctions, NUMBERS_AT, serveJobs } from "./threads.js";

interface WorkerData {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: SharedArrayBuffer;
  readonly index: number;
  readonly kernels: number;
  readonly epilogues: number;
}

function serve({ module, memory, control, index, kernels, epilogues }: WorkerData): void {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  serveJobs(jobFunctions(exports, kernels, epilogues), new Int32Array(control), new Float64Array(control, NUMBERS_AT, 5), index);
}

// In Node, what pool.ts passed as workerData; in a browser, its first message.
if (typeof process === "object" && typeof process.getBuiltinModule === "function") {
  serve(process.getBuiltinModule("node:worker_threads").workerData);
} else {
  (globalThis as { onmessage?: (e: { data: WorkerData }) => void }).onmessage = (e) => serve(e.data);
}
