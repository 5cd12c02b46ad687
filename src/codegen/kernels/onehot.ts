// onehot's kernel: class indices to one-hot rows; an index that is not an integer in range is a
// RangeError naming it (the data readers check labels before training; this guards direct calls).
import { js, literal } from "../code.js";
import type { KernelPlugin } from "./types.js";
import { wholeKernel } from "./whole.js";

declare module "./types.js" {
  interface KernelData {
    onehot: null;
  }
}

export const onehot: KernelPlugin<"onehot"> = {
  ...wholeKernel<"onehot">(({ inputs: [idx], shapes, output, attrs: { classes }, local }) => {
    const [n] = shapes[0]!;
    const [r, c] = [local("r"), local("c")];
    return js`${output}.fill(0);
          for (let ${r} = 0; ${r} < ${n!}; ${r}++) {
            const ${c} = ${idx!}[${r}];
            if (!Number.isInteger(${c}) || ${c} < 0 || ${c} >= ${classes}) {
              throw new RangeError(${literal("class index ")} + ${c} + ${literal(` is out of range [0, ${classes})`)});
            }
            ${output}[${r} * ${classes} + ${c}] = 1;
          }`;
  }),
  plan: () => null,
};
