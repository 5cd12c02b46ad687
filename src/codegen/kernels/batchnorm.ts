// batchnorm's kernel, in the reference's order of operations: the mean, then Σ(x - mean)² / n,
// then σ = √(var + ε) (training: the batch's statistics; inference: the running ones), then
// γ·(x - mean)/σ + β. Features are axis 1; a [batch, C, H, W] input is normalized per channel
// over batch and space (`inner` = H·W elements per channel and row). The statistics are float64
// scratch arrays (temps).
import { js, type Code } from "../code.js";
import type { KernelPlugin } from "./types.js";
import { wholeKernel } from "./whole.js";

declare module "./types.js" {
  interface KernelData {
    batchnorm: null;
  }
}

export const batchnorm: KernelPlugin<"batchnorm"> = {
  ...wholeKernel<"batchnorm">(
    ({ inputs: [x, gamma, beta, rm, rv], shapes, output, temps: [mean, std], attrs: { eps }, training, local }) => {
      const [n, f, ...space] = shapes[0]!;
      const [i, j, o, c, s] = [local("i"), local("j"), local("o"), local("c"), local("s")];
      // Rank 2 keeps its two loops; beyond, a third over each channel's H·W elements.
      const inner: Code | undefined = space.length > 0 ? js`${space.map((d) => js`${d}`).reduce((a, d) => js`${a} * ${d}`)}` : undefined;
      const count = inner ? js`(${n!} * ${inner})` : n!;
      const each = (body: Code) =>
        inner
          ? js`for (let ${i} = 0, ${o} = 0; ${i} < ${n!}; ${i}++) for (let ${j} = 0; ${j} < ${f!}; ${j}++) for (let ${s} = 0; ${s} < ${inner}; ${s}++, ${o}++) { ${body} }`
          : js`for (let ${i} = 0, ${o} = 0; ${i} < ${n!}; ${i}++) for (let ${j} = 0; ${j} < ${f!}; ${j}++, ${o}++) { ${body} }`;
      const stats = training
        ? js`${mean!}.fill(0);
              ${each(js`${mean!}[${j}] += ${x!}[${o}];`)}
              for (let ${j} = 0; ${j} < ${f!}; ${j}++) ${mean!}[${j}] /= ${count};
              ${std!}.fill(0);
              ${each(js`const ${c} = ${x!}[${o}] - ${mean!}[${j}]; ${std!}[${j}] += ${c} * ${c};`)}
              for (let ${j} = 0; ${j} < ${f!}; ${j}++) ${std!}[${j}] = Math.sqrt(${std!}[${j}] / ${count} + ${eps});`
        : js`for (let ${j} = 0; ${j} < ${f!}; ${j}++) {
                ${mean!}[${j}] = ${rm!}[${j}];
                ${std!}[${j}] = Math.sqrt(${rv!}[${j}] + ${eps});
              }`;
      return js`${stats}
          ${each(js`${output}[${o}] = ((${x!}[${o}] - ${mean!}[${j}]) / ${std!}[${j}]) * ${gamma!}[${j}] + ${beta!}[${j}];`)}`;
    },
    ([x]) => [[x![1]!], [x![1]!]],
  ),
  plan: () => null,
};
