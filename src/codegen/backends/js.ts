// The plain-JavaScript backend: every array is a typed array of the module's own, allocated once
// per batch size; heavy kernels run their JS renderers. In an f32 module, inputs of heavy kernels
// that read them many times (the matmul's register tiles) are copied to float64 once per call
// when the caller feeds them, so the tiles read float64 without a conversion per load (~10%).
import { join, js, literal, type Code, type Name } from "../code.js";
import { pluginOf } from "../kernels/index.js";
import type { KernelPlan, Storage } from "../plan.js";
import { sizeCode } from "../render.js";
import { elements } from "../size.js";
import { prelude } from "../prelude.js";
import type { Backend, ProgramInfo, ProgramStorage } from "./types.js";

export function jsBackend(plan: KernelPlan): Backend {
  const g = plan.graph;
  return {
    name: "js",
    kernelScope: () => ({}),
    storage(p: ProgramInfo): ProgramStorage {
      const staged = plan.dtype === "f32" ? stagedInputs(plan, p) : new Map<string, { name: Name; size: Code }>();
      const slots = p.prog.slots.map((s) => js`new ${s.f64 ? js`Float64Array` : js`F`}(${sizeCode(s.size)})`);
      const source = (s: Storage, read: Code): Code => {
        const stage = staged.get(JSON.stringify(s));
        return stage ? js`stage(${stage.name}, ${read})` : read;
      };
      return {
        decls: js``,
        extras: [...staged.values()].map((s) => s.name),
        allocate: js`b = [${join([...slots, ...[...staged.values()].map((s) => js`new Float64Array(${s.size})`)])}];`,
        setup: () => [
          ...p.feeds.map((f) => {
            const s: Storage = { kind: "input", name: f.name };
            return js`const ${p.varOf(s)} = ${source(s, js`feed(${p.arg}, ${literal(f.name)})`)};`;
          }),
          ...[...g.params, ...g.states].map((q) => {
            const s: Storage = { kind: "param", name: q.name };
            return js`const ${p.varOf(s)} = ${source(s, js`params[${literal(q.name)}]`)};`;
          }),
        ],
        results: (_all, record) => record,
        batchBuffersDoc: "",
        batchBuffers: () => js`return ${freshFeeds(p)};`,
      };
    },
    exports: (params) => js`/**
     * The params moved into the module's own memory: this module's kernels are plain JavaScript,
     * so the params are returned as they are.
     */
    export function adopt(params) {
      checkParams(params, ${params}, "adopt");
      return params;
    }`,
    prelude: () => prelude(),
  };
}

/** New arrays for a program's feeds at `batch`. */
export function freshFeeds(p: ProgramInfo): Code {
  return js`{ ${join(p.feeds.map((f) => js`[${literal(f.name)}]: new F(${sizeCode(elements(f.shape, p.batch))})`))} }`;
}

/** Heavy kernels' inputs that come from the caller and are read many times: float64 copies, by storage. */
function stagedInputs(plan: KernelPlan, p: ProgramInfo): Map<string, { name: Name; size: Code }> {
  const staged = new Map<string, { name: Name; size: Code }>();
  const g = plan.graph;
  for (const k of p.prog.kernels) {
    if (k.kind !== "kernel") continue;
    for (const i of pluginOf(k.op).stagedInputs ?? []) {
      const from = k.inputs[i]!;
      if ((from.kind !== "input" && from.kind !== "param") || staged.has(JSON.stringify(from))) continue;
      const shape = g.nodes[g.nodes[k.node]!.inputs[i]!]!.shape;
      staged.set(JSON.stringify(from), {
        name: p.local.fresh(`${from.name}_f64`),
        size: sizeCode(elements(shape, plan.batch)),
      });
    }
  }
  return staged;
}
