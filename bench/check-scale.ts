// How long `nnc check` takes on a generated 1,000-layer model, written out (one let per layer)
// and as `repeat(1000)`. It prints wall times; nothing asserts on them (times vary by machine).
//
//   npx rolldown bench/check-scale.ts -p node -o node_modules/.cache/check-scale.mjs \
//     && node node_modules/.cache/check-scale.mjs [layers]
//
// Run it from the repository's root. Each case runs the front end in-process (parse, elaborate,
// shape-check, lint): once cold, then the best of 5; and, when dist/ is built, once through the
// real command (`node bin/nnc.js check`), which adds Node's startup and module loading (the
// 1-layer row shows that part alone).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { frontend } from "../src/index.js";

const LAYERS = Number(process.argv[2] ?? 1000);
// The bundle lives elsewhere, so the repository is the working directory.
const ROOT = process.cwd();

const hidden = `block Hidden(x: [batch, n], units) {
  param W: [n, units] = he
  param b: [units] = zeros
  return relu(x @ W + b)
}
`;

function writtenOut(layers: number): string {
  const lets = Array.from({ length: layers }, (_, i) => `  h${i + 1} = Hidden(h${i}, width)`);
  return `${hidden}
model Deep(width = 100) {
  input x: [batch, 784]
  target t: onehot[batch, 10]
  h0 = x
${lets.join("\n")}
  param W: [width, 10] = he
  param b: [10] = zeros
  scores = h${layers} @ W + b
  output y = softmax(scores)
  loss softmax_cross_entropy(scores, t)
}
`;
}

function repeated(layers: number): string {
  return `${hidden}
model Deep(depth = ${layers}, width = 100) {
  input x: [batch, 784]
  target t: onehot[batch, 10]
  layers = repeat(depth) Hidden(x, width)
  param W: [width, 10] = he
  param b: [10] = zeros
  scores = layers @ W + b
  output y = softmax(scores)
  loss softmax_cross_entropy(scores, t)
}
`;
}

function ms(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

const dir = mkdtempSync(join(tmpdir(), "nnc-check-scale-"));
const cli = join(ROOT, "bin", "nnc.js");
const built = existsSync(join(ROOT, "dist", "cli.js"));
try {
  console.log(`nnc check, ${LAYERS} hidden layers of 100 units (times in ms)`);
  console.log(["case", "lines", "params", "nodes", "first", "best of 5", "nnc check (process)"].join("\t"));
  for (const [name, text] of [
    ["1 layer (baseline)", repeated(1)],
    ["written out", writtenOut(LAYERS)],
    [`repeat(${LAYERS})`, repeated(LAYERS)],
  ] as const) {
    let result = frontend("", "warm-up.nn");
    const first = ms(() => (result = frontend(text, "deep.nn")));
    const times = Array.from({ length: 5 }, () => ms(() => frontend(text, "deep.nn")));
    if (result.diagnostics.length > 0 || result.graphs.length !== 1) throw new Error(`${name}: the generated model does not check clean`);
    const g = result.graphs[0]!;
    let processTime = "(dist/ not built)";
    if (built) {
      const file = join(dir, `${name.replace(/\W+/g, "_")}.nn`);
      writeFileSync(file, text);
      const t = ms(() => {
        const r = spawnSync(process.execPath, [cli, "check", file], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`nnc check failed: ${r.stderr}`);
      });
      processTime = t.toFixed(0);
    }
    const lines = text.split("\n").length;
    console.log([name, lines, g.params.length, g.nodes.length, first.toFixed(0), Math.min(...times).toFixed(0), processTime].join("\t"));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
