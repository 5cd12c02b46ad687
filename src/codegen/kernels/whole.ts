// Kernels that write a whole loop of their own (softmax_xent, onehot, batchnorm): no plan data, no
// epilogue, JavaScript only (float64 arithmetic over the module's arrays), written as a template
// over named arrays and their extents.
import type { Node, NodeOf, Shape } from "../../graph/ir.js";
import type { OpKind } from "../../graph/ops/attrs.js";
import type { AttrMap } from "../../graph/ops/attrs.js";
import type { Code, Name } from "../code.js";
import { resolve } from "../schedule.js";
import { shapeSizes } from "../size.js";
import type { HeavyOp, KernelPlugin } from "./types.js";

/** What a whole-loop kernel's template gets: its arrays, their extents, fresh local names. */
export interface WholeContext<K extends HeavyOp> {
  readonly attrs: AttrMap[K];
  readonly training: boolean;
  /** The input arrays (flat, row-major) and their extents (constants, or the batch size). */
  readonly inputs: readonly Name[];
  readonly shapes: readonly (readonly Code[])[];
  readonly output: Name;
  readonly outShape: readonly Code[];
  /** Float64 scratch arrays, one per shape of `temps`. */
  readonly temps: readonly Name[];
  /** A local name that collides with nothing else in the kernel. */
  readonly local: (hint: string) => Name;
}

/** The plugin's fields but its plan (`() => null`, written by each kernel where its type is known). */
export function wholeKernel<K extends HeavyOp>(
  render: (c: WholeContext<K>) => Code,
  temps?: (inputs: readonly Shape[]) => readonly Shape[],
): Omit<KernelPlugin<K>, "plan"> {
  return {
    fusesEpilogue: false,
    arenaOperands: false,
    ...(temps && { temps }),
    js: (k, env) => {
      const n = env.g.nodes[k.node]!;
      if (!isOp(n, k.op)) throw new Error(`internal: kernel ${k.op} planned for a ${n.op} node`);
      const shapeCode = (id: number) => shapeSizes(env.g.nodes[id]!.shape, env.batch).map((s) => env.size(s));
      const inputs = k.inputs.map((s, i) => {
        if (s.kind === "const" || s.kind === "size") throw new Error(`internal: ${n.op} needs an array for input ${i}`);
        return env.array(s, env.hint(resolve(env.g, n.inputs[i]!)));
      });
      return render({
        attrs: n.attrs,
        training: env.training,
        inputs,
        shapes: n.inputs.map(shapeCode),
        output: env.array({ kind: "slot", slot: k.out }, env.hint(n.id)),
        outShape: shapeCode(n.id),
        temps: k.temps.map((slot) => env.array({ kind: "slot", slot }, "tmp")),
        local: env.local,
      });
    },
  };
}

function isOp<K extends OpKind>(n: Node, op: K): n is Node & NodeOf<K> {
  return n.op === op;
}
