// The compiled module's data: `meta` (what the model reads, holds and returns), the FEEDS tables
// the argument checks read, and `init`'s entries (each param from its initializer, as nnc's
// runtime makes it).
import { initStd } from "../../graph/init.js";
import type { Graph, InputSpec, Init, ParamSpec, StateSpec } from "../../graph/ir.js";
import { js, literal, type Code } from "../code.js";
import { CompileError } from "../errors.js";
import type { KernelPlan } from "../plan.js";
import { sizeOf } from "../../graph/tensor.js";

export function metaOf(g: Graph, plan: KernelPlan): unknown {
  const dtype = plan.dtype;
  const tensor = (name: string, shape: readonly (number | string)[]) => ({ name, shape, dtype });
  const param = (p: ParamSpec | StateSpec, decay: boolean) => ({
    ...tensor(p.name, p.shape),
    trainable: "decay" in p,
    decay,
    init: p.init,
  });
  return {
    model: g.model,
    dtype,
    batch: plan.batch ?? null,
    inputs: g.inputs.filter((i) => i.role === "input").map((i) => tensor(i.name, i.shape)),
    targets: g.inputs
      .filter((i) => i.role === "target")
      .map((i) => ({ ...tensor(i.name, i.shape), encoding: i.encoding ?? "real", ...(i.classes !== undefined && { classes: i.classes }) })),
    params: g.params.map((p) => param(p, p.decay)),
    state: g.states.map((s) => param(s, false)),
    outputs: g.outputs.map((o) => tensor(o.name, g.nodes[o.node]!.shape)),
    loss: g.loss !== undefined,
    train: g.train,
  };
}

/** A FEEDS entry: [name, row size, has a batch dimension, shape as text]. */
export function feedEntry(f: InputSpec): [string, number, boolean, string] {
  const batched = f.shape.filter((d) => typeof d !== "number");
  if (batched.length > 1)
    throw new CompileError(`cannot compile ${f.role} '${f.name}': its shape [${f.shape.join(", ")}] has more than one batch dimension`);
  const row = sizeOf(f.shape.filter((d): d is number => typeof d === "number"));
  return [f.name, row, batched.length > 0, `[${f.shape.join(", ")}]`];
}

/** `init`'s entry for a param: initArray(name, size, seed, kind, a, b). */
export function initEntry(p: ParamSpec | StateSpec): Code {
  const [kind, a, b] = initArgs(p.init);
  return js`[${literal(p.name)}]: initArray(${literal(p.name)}, ${sizeOf(p.shape)}, seed, ${literal(kind)}, ${a}, ${b}),`;
}

function initArgs(init: Init): [string, number, number] {
  switch (init.kind) {
    case "zeros":
      return ["zeros", 0, 0];
    case "ones":
      return ["constant", 1, 0];
    case "constant":
      return ["constant", init.value, 0];
    case "uniform":
      return ["uniform", init.low, init.high];
    default:
      return ["normal", initStd(init)!, 0];
  }
}
