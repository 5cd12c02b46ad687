// Shared by the standalone-module tests of both backends: the CLI in-process, and a compiled
// TwoLayerNet run by plain `node` from a folder without node_modules, next to the interpreter's
// answer for the same batch and initial params.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../src/cli.js";
import { differentiate } from "../../src/graph/autodiff.js";
import { run, type RunResult } from "../../src/graph/interpret.js";
import { tensor } from "../../src/graph/tensor.js";
import { initValues } from "../../src/runtime/initializers.js";
import { graphOfFile, MODELS_DIR } from "../support/models.js";

export function nnc(...args: string[]): { code: Promise<number>; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, { out: (s) => void out.push(s), err: (s) => void err.push(s), isTTY: false });
  return { code, out, err };
}

export interface StandaloneRun {
  readonly stderr: string;
  /** What the module printed: its loss and the gradients of every param. */
  readonly got: { loss: number; grads: Record<string, number[]> };
  /** The reference interpreter on the same batch and params. */
  readonly ref: RunResult;
}

/** Runs `dir/two_layer_net.js` (already compiled there) on `rows` rows, in a child process (`nodeFlags` for node). */
export function runStandaloneTwoLayerNet(
  dir: string,
  rows: number,
  nodeFlags: readonly string[] = [],
  env: Record<string, string> = {},
): StandaloneRun {
  const g = graphOfFile(`${MODELS_DIR}/two_layer_net.nn`);
  const x = Float32Array.from({ length: rows * 784 }, (_, i) => Math.sin(i));
  const t = Float32Array.from({ length: rows * 10 }, (_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));
  writeFileSync(join(dir, "data.json"), JSON.stringify({ x: [...x], t: [...t] }));
  writeFileSync(
    join(dir, "run.mjs"),
    `import { readFileSync } from "node:fs";
import { init, lossAndGrads } from "./two_layer_net.js";
const data = JSON.parse(readFileSync(new URL("./data.json", import.meta.url), "utf8"));
const params = init(5);
const { loss, grads } = lossAndGrads(params, { x: Float32Array.from(data.x), t: Float32Array.from(data.t) });
console.log(JSON.stringify({ loss, grads: Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, [...v]])) }));
`,
  );
  const p = spawnSync(process.execPath, [...nodeFlags, "run.mjs"], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
  const init = initValues(g, 5);
  const params = g.params.map((q) => [q.name, tensor(q.shape, Float32Array.from(init[q.name]!))]);
  const feeds = { x: tensor([rows, 784], x), t: tensor([rows, 10], t), ...Object.fromEntries(params) };
  return {
    stderr: p.stderr,
    got: p.stdout ? JSON.parse(p.stdout) : { loss: NaN, grads: {} },
    ref: run(differentiate(g), feeds, { training: true }),
  };
}
