// softmax_xent's kernel (the book's SoftmaxWithLoss): row by row, in the reference's order: the
// row's max, its log-sum-exp, then Σ t·(x - max - lse); the loss is minus their sum over the batch.
// With the wasm backend, the rows in WebAssembly (wasm/softmax-xent.ts) when x and t are float32
// arrays of the arena and the classes a constant.
import { comment, js, Name } from "../code.js";
import { resolve } from "../schedule.js";
import { shapeSizes } from "../size.js";
import { softmaxXentFunction } from "../wasm/softmax-xent.js";
import type { KernelPlugin } from "./types.js";
import { wholeKernel } from "./whole.js";

declare module "./types.js" {
  interface KernelData {
    softmax_xent: null;
  }
}

export const softmaxXent: KernelPlugin<"softmax_xent"> = {
  ...wholeKernel<"softmax_xent">(({ inputs: [x, t], shapes, output, local }) => {
    const [n, classes] = shapes[0]!;
    const [i, j, row, m, sum, lse, total] = [local("i"), local("j"), local("row"), local("m"), local("sum"), local("lse"), local("total")];
    return js`let ${total} = 0;
          for (let ${i} = 0; ${i} < ${n!}; ${i}++) {
            const ${row} = ${i} * ${classes!};
            let ${m} = -Infinity;
            for (let ${j} = 0; ${j} < ${classes!}; ${j}++) ${m} = Math.max(${m}, ${x!}[${row} + ${j}]);
            let ${sum} = 0;
            for (let ${j} = 0; ${j} < ${classes!}; ${j}++) ${sum} += Math.exp(${x!}[${row} + ${j}] - ${m});
            const ${lse} = Math.log(${sum});
            for (let ${j} = 0; ${j} < ${classes!}; ${j}++) ${total} += (${x!}[${row} + ${j}] - ${m} - ${lse}) * ${t!}[${row} + ${j}];
          }
          ${output}[0] = -${total} / ${n!};`;
  }),
  plan: () => null,
  wasm: (k, env, target) => {
    const [xs, ts] = k.inputs;
    const [rows, classes] = shapeSizes(env.g.nodes[env.g.nodes[k.node]!.inputs[0]!]!.shape, env.batch);
    const inArena = [xs, ts].every((s) => s && (s.kind === "slot" || s.kind === "param" || s.kind === "input") && target.inArena(s));
    if (!inArena || !classes || classes.p > 0 || !rows) return softmaxXent.js(k, env);
    const fn = Name.of(target.functions.direct(`softmax_xent:${classes.c}`, "softmax_xent", () => softmaxXentFunction(classes.c)));
    const n = env.g.nodes[k.node]!;
    const [x, t] = [xs!, ts!].map((s, i) => env.array(s, env.hint(resolve(env.g, n.inputs[i]!))));
    const out = env.array({ kind: "slot", slot: k.out }, env.hint(n.id));
    const r = env.size(rows);
    return js`${comment("in WebAssembly (f32x4), row by row")}${out}[0] = -WASM.${fn}(${x!}.byteOffset, ${t!}.byteOffset, ${r}) / ${r};`;
  },
};
