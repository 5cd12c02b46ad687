// softmax_xent's kernel (the book's SoftmaxWithLoss): row by row, in the reference's order: the
// row's max, its log-sum-exp, then Σ t·(x - max - lse); the loss is minus their sum over the batch.
import { js } from "../code.js";
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
};
