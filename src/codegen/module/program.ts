// One program's export (predict or lossAndGrads): it checks its arguments, takes the scratch
// buffers of the batch size (made on first use, then reused; the backend says how and where),
// binds the feeds and params, calls the kernels in order and returns the results. Buffers are
// named after what they hold, and a comment lists every value a shared buffer holds in turn.
import type { Backend } from "../backends/types.js";
import { comment, data, docComment, js, join, lines, literal, Name, type Code, type Namer } from "../code.js";
import type { KernelPlan, Program, Storage } from "../plan.js";
import { feedEntry } from "./meta.js";

/** A kernel call: the kernel's name and what it is passed. */
export interface KernelCall {
  readonly name: Name;
  readonly arrays: readonly Storage[];
  readonly usesBatch: boolean;
  readonly usesSeed: boolean;
}

export interface ProgramContext {
  readonly plan: KernelPlan;
  readonly backend: Backend;
  readonly names: Namer;
  readonly hint: (node: number) => string;
  /** The module's table of params and their sizes, for checkParams. */
  readonly params: Name;
}

export function renderProgram(c: ProgramContext, prog: Program, calls: readonly KernelCall[]): Code {
  const g = c.plan.graph;
  const fn = prog.mode === "predict" ? "predict" : "lossAndGrads";
  const argName = prog.mode === "predict" ? "inputs" : "data";
  const local = c.names.child(["params", argName, "options", "batch", "seed"]);
  const arg = Name.of(argName);
  const FEEDS = c.names.fresh(`${fn.toUpperCase()}_FEEDS`);
  const cache = c.names.fresh(`${fn}Buffers`);
  const store = c.names.fresh(`${fn}BuffersCache`);
  const feeds = prog.feeds.map((n) => g.inputs.find((i) => i.name === n)!);
  const vars = new Map<string, Name>();
  const varOf = (s: Storage): Name => {
    const key = JSON.stringify(s);
    let v = vars.get(key);
    if (!v) {
      v = local.fresh(s.kind === "slot" ? slotName(prog, s.slot, c.hint) : s.kind === "input" || s.kind === "param" ? s.name : "v");
      vars.set(key, v);
    }
    return v;
  };
  // Results first, so that they get the plain names (`W1_grad`) and scratch buffers the suffixed ones.
  const order = [...prog.slots.filter((s) => s.result), ...prog.slots.filter((s) => !s.result)];
  for (const s of order) varOf({ kind: "slot", slot: s.id });
  const slotVars = prog.slots.map((s) => varOf({ kind: "slot", slot: s.id }));
  const storage = c.backend.storage({ prog, fn, feeds, batch: c.plan.batch, names: c.names, local, varOf, arg });
  const all = local.fresh("buffers");
  const body = calls.map((r) => {
    const args = [...r.arrays.map(varOf), ...(r.usesBatch ? [js`batch`] : []), ...(r.usesSeed ? [js`seed`] : [])];
    return js`${r.name}(${join(args.map((a) => js`${a}`))});`;
  });
  const record = (list: readonly { name: string; slot: number }[]) =>
    storage.results(all, js`{ ${join(list.map((x) => js`[${literal(x.name)}]: ${slotVars[x.slot]!}`))} }`);
  const result =
    prog.mode === "predict"
      ? js`return ${record(prog.outputs)};`
      : js`${lines(prog.state.map((s) => js`params[${literal(s.name)}].set(${slotVars[s.slot]!});`))}
          return { loss: ${slotVars[prog.loss!]!}[0], grads: ${record(prog.grads)} };`;
  const describe = prog.slots.map((s) =>
    comment(`${slotVars[s.id]!.text}: ${s.holds.map(c.hint).join(", ")}${s.result ? " (returned)" : ""}`),
  );
  const signature = prog.mode === "predict" ? js`params, ${arg}` : js`params, ${arg}, options = {}`;
  const buffers = [...slotVars, ...storage.extras];
  const exported = js`const ${FEEDS} = ${data(feeds.map((f) => feedEntry(f)))};
    const ${store} = new Map();
    ${storage.decls}${join(describe, js``)}function ${cache}(batch) {
      let b = ${store}.get(batch);
      if (b === undefined${storage.stale ? js` || ${storage.stale}` : js``}) {
        if (${store}.size >= 4) ${store}.clear();
        ${storage.allocate}
        ${store}.set(batch, b);
      }
      return b;
    }

    export function ${Name.of(fn)}(${signature}) {
      checkParams(params, ${c.params}, ${literal(fn)});
      const batch = batchOf(${arg}, ${FEEDS}, ${c.plan.batch ?? 0}, ${literal(fn)});
      ${prog.mode === "train" ? js`const seed = options.seed ?? 0;` : js``}
      const ${all} = ${cache}(batch);
      const [${join(buffers.map((v) => js`${v}`))}] = ${all};
      ${lines(storage.setup(all))}
      ${lines(body)}
      ${result}
    }`;
  if (prog.mode === "predict") return exported;
  return js`${exported}

    ${docComment(`Arrays for lossAndGrads' inputs and targets at this batch size${storage.batchBuffersDoc}.`)}export function batchBuffers(batch) {
      ${storage.batchBuffers(cache, slotVars.length)}
    }`;
}

/** A slot's name: the result it returns, or the first value it holds. */
function slotName(prog: Program, slot: number, hint: (node: number) => string): string {
  const named = [
    ...prog.outputs,
    ...prog.grads.map((x) => ({ ...x, name: `${x.name}_grad` })),
    ...prog.state.map((x) => ({ ...x, name: `${x.name}_next` })),
  ];
  const result = named.find((r) => r.slot === slot);
  if (result) return result.name;
  if (prog.loss === slot) return "loss";
  const first = prog.slots[slot]!.holds[0];
  return first === undefined ? `s${slot}` : hint(first);
}
