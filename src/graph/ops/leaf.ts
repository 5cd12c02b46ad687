// Leaves: values that come from outside the graph (inputs, params, state) and scalar constants.
// They have no inputs, so their gradient rules return nothing.
import { scalar } from "../tensor.js";
import type { OpDef } from "./types.js";

/** A leaf's shape is fixed when it is declared; the builder gets it through `leafShape`. */
const declared: OpDef<"input" | "param" | "state">["shape"] = () => {
  throw new Error("internal: leaves are added with Builder.leaf, which sets their shape");
};

export const leafOps = {
  input: {
    arity: 0,
    shape: declared,
    kernel: { kind: "leaf" },
    eval: (_i, a, ctx) => ctx.feed(a.name),
    grad: () => [],
    domain: [],
    sample: null,
  },
  param: {
    arity: 0,
    shape: declared,
    kernel: { kind: "leaf" },
    eval: (_i, a, ctx) => ctx.feed(a.name),
    grad: () => [],
    domain: [],
    sample: null,
  },
  state: {
    arity: 0,
    shape: declared,
    kernel: { kind: "leaf" },
    eval: (_i, a, ctx) => ctx.feed(a.name),
    grad: () => [],
    domain: [],
    sample: null,
  },
  const: {
    arity: 0,
    shape: () => [],
    kernel: { kind: "const" },
    eval: (_i, a) => scalar(a.value),
    grad: () => [],
    domain: [],
    sample: null,
  },
} satisfies { [K in "input" | "param" | "state" | "const"]: OpDef<K> };
