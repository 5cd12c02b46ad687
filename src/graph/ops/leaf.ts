// Leaves: values that come from outside the graph (inputs, params, state) and scalar constants.
// They have no inputs, so their gradient rules return nothing.
import { scalar } from "../tensor.js";
import type { OpDef } from "./types.js";

/** A leaf's shape is fixed when it is declared; the builder gets it through `leafShape`. */
const declared: OpDef<"input" | "param" | "state">["shape"] = () => {
  throw new Error("internal: leaves are added with Builder.leaf, which sets their shape");
};

/** An input, param or state: fed by name when the graph runs. */
function fed<K extends "input" | "param" | "state">(): OpDef<K> {
  return {
    arity: 0,
    shape: declared,
    kernel: { kind: "leaf" },
    onnx: { kind: "leaf" },
    eval: (_i, a, ctx) => ctx.feed(a.name),
    grad: () => [],
    domain: [],
    sample: null,
  };
}

export const leafOps = {
  input: fed<"input">(),
  param: fed<"param">(),
  state: fed<"state">(),
  const: {
    arity: 0,
    shape: () => [],
    kernel: { kind: "const" },
    onnx: { kind: "const" },
    eval: (_i, a) => scalar(a.value),
    grad: () => [],
    domain: [],
    sample: null,
  },
} satisfies { [K in "input" | "param" | "state" | "const"]: OpDef<K> };
