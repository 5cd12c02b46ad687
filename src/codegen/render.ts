// render: KernelPlan kernels -> JavaScript functions, through the safe builder only. Each kernel
// is a top-level function of the arrays it touches (and `batch`, `seed` when it needs them),
// named after its .nn node and headed by an origin comment quoting the .nn line. Elementwise and
// reduction ops print through their Exprs (expr-js.ts); heavy kernels through their plugins (kernels/).
import type { Graph, Node } from "../graph/ir.js";
import { mapExpr, randomSeq } from "../graph/ops/index.js";
import { anyNum, Code, comment, join, js, lines, Name, type Namer } from "./code.js";
import { combineToJs, exprToJs, jsNumber } from "./expr-js.js";
import type { Kernel, LoopKernel, Operand, Size, Storage } from "./plan.js";
import { resolve, template } from "./schedule.js";
import { contiguous, sameStrides } from "./size.js";
import type { KernelEnv } from "./env.js";
import { pluginOf } from "./kernels/index.js";
import type { HeavyKernel, HeavyOp } from "./kernels/types.js";
import type { WasmFunctions } from "./wasm/functions.js";
import { renderWasmLoop } from "./wasm/loop-call.js";

export interface RenderedKernel {
  /** What the caller passes, in order: arrays, then `batch` and `seed` when used. */
  readonly arrays: readonly Storage[];
  /** The kernel's names for those arrays. */
  readonly paramNames: readonly Name[];
  readonly usesBatch: boolean;
  readonly usesSeed: boolean;
  readonly code: Code;
}

export interface ModuleScope {
  /** Module-level names (helpers, kernels, stream states): kernel locals avoid them. */
  readonly names: Namer;
  /** The state array of each dropout op's stream, by seq, declared at module level. */
  readonly streams: ReadonlyMap<number, Name>;
  /** Origin comments: the .nn texts, by file. */
  readonly sources: ReadonlyMap<string, string>;
  readonly hint: (node: number) => string;
  /** With the wasm backend: where heavy kernels collect their WebAssembly functions. */
  readonly wasm?: WasmFunctions;
  /** With an arena: whether an array lives in it (float32 slots, params, inputs), for loops in WebAssembly. */
  readonly inArena?: (s: Storage) => boolean;
}

/** Names for values: `h` for what a binding is bound to, `y_exp` for a step inside `y = softmax(...)`. */
export function valueHints(g: Graph): (node: number) => string {
  const inner = new Set<number>();
  for (const n of g.nodes) for (const i of n.inputs) if (n.label !== undefined && g.nodes[i]!.label === n.label) inner.add(i);
  // A param's gradient is `W1_grad`; other backward values keep their binding's label, ∂h -> d_h.
  const paramGrads = new Map(g.grads.map((x) => [x.node, `${x.name}_grad`]));
  return (id) => {
    const n = g.nodes[id]!;
    const param = paramGrads.get(id);
    if (param !== undefined) return param;
    if (n.label === undefined) return n.op;
    const label = n.label.replace(/'$/, "_next");
    return inner.has(id) ? `${label}_${n.op}` : label;
  };
}

export function renderKernel(
  k: Kernel,
  g: Graph,
  training: boolean,
  batch: number | undefined,
  scope: ModuleScope,
): RenderedKernel & { hint: string; origin: Code } {
  const arrays: Storage[] = [];
  const paramNames: Name[] = [];
  const arrayNames = new Map<string, Name>();
  const namer = scope.names.child(["batch", "seed"]);
  let usesBatch = false;
  const seeded: Code[] = [];
  const seededSeqs = new Set<number>();
  const env: KernelEnv = {
    g,
    training,
    batch,
    array(s, hint) {
      const key = JSON.stringify(s);
      let name = arrayNames.get(key);
      if (!name) {
        name = namer.fresh(s.kind === "input" || s.kind === "param" ? s.name : hint);
        arrayNames.set(key, name);
        arrays.push(s);
        paramNames.push(name);
      }
      return name;
    },
    local: (hint) => namer.fresh(hint),
    hint: (id) => scope.hint(id),
    size(s) {
      if (s.p > 0) usesBatch = true;
      return sizeCode(s);
    },
    random(seq) {
      const state = scope.streams.get(seq);
      if (!state) throw new Error(`internal: no stream declared for dropout ${seq}`);
      if (!seededSeqs.has(seq)) {
        seededSeqs.add(seq);
        seeded.push(js`seedStream(${state}, mixSeed(seed, ${seq}));`);
      }
      return js`uniform(${state})`;
    },
  };
  const inWasm = k.kind === "loop" && scope.wasm && scope.inArena ? renderWasmLoop(k, env, scope.wasm, scope.inArena) : undefined;
  const body = inWasm ?? (k.kind === "loop" ? renderLoop(k, env).whole : renderHeavy(k, env, scope));
  const nodes = k.kind === "loop" ? k.nodes : [k.node, ...(k.epilogue?.nodes ?? [])];
  return {
    hint: kernelHint(g, nodes, scope.hint, k.kind === "loop" && k.steps.every((st) => st.kind === "load" || st.kind === "store")),
    origin: origin(g, nodes, scope.sources),
    arrays,
    paramNames,
    usesBatch,
    usesSeed: seeded.length > 0,
    code: seeded.length > 0 ? lines([...seeded, body]) : body,
  };
}

/** `batch`, `784`, `10 * batch`; parenthesized when a product, so it can stand in any expression. */
export function sizeCode(s: Size): Code {
  const factors = [...(s.c !== 1 || s.p === 0 ? [anyNum(s.c)] : []), ...Array.from({ length: s.p }, () => js`batch`)];
  return factors.length === 1 ? factors[0]! : js`(${join(factors, js` * `)})`;
}

/** Σ index·stride over the loops, leaving out zero strides: `i0 * 784 + i1`. */
function indexCode(vars: readonly Name[], strides: readonly Size[], env: KernelEnv): Code {
  const terms = strides.flatMap((s, d) =>
    s.c === 0 ? [] : s.c === 1 && s.p === 0 ? [js`${vars[d]!}`] : [js`${vars[d]!} * ${env.size(s)}`],
  );
  return terms.length === 0 ? js`0` : join(terms, js` + `);
}

/** A fused loop: reductions' initial values, then the loop nest over one element's steps. */
export function renderLoop(k: LoopKernel, env: KernelEnv, rows?: { start: Code; end: Code }): { init: Code; loop: Code; whole: Code } {
  const { g } = env;
  const vars = k.dims.map((_, d) => env.local(k.dims.length === 1 ? "i" : `i${d}`));
  // The element's own index, named once when several accesses use it.
  const own = contiguous(k.dims);
  const uses = k.steps.filter(
    (s) => s.kind === "store" || ((s.kind === "load" || s.kind === "accumulate") && sameStrides(s.strides, own)),
  ).length;
  const o = k.dims.length > 1 && uses > 1 ? env.local("o") : undefined;
  const element = o ? js`${o}` : indexCode(vars, own, env);
  const at = (strides: readonly Size[]) => (o && sameStrides(strides, own) ? element : indexCode(vars, strides, env));
  const locals: Code[] = [];
  const body: Code[] = [];
  const value = (o: Operand): Code =>
    o.kind === "local" ? locals[o.step]! : o.value.kind === "const" ? anyNum(o.value.value) : env.size(o.value.size);
  const arrayFor = (s: Storage, node: number) => env.array(s, env.hint(resolve(g, node)));
  k.steps.forEach((s, i) => {
    if (s.kind === "load") {
      const arr = arrayFor(s.from, s.node);
      const name = env.local(`v_${arr.text}`);
      locals[i] = js`${name}`;
      body.push(js`const ${name} = ${arr}[${at(s.strides)}];`);
    } else if (s.kind === "compute") {
      const n = g.nodes[s.node]!;
      const seq = randomSeq(n);
      const expr = exprToJs(mapExpr(n, { training: env.training }), {
        args: s.args.map(value),
        ...(seq !== undefined && { random: () => env.random(seq) }),
      });
      if (/^[\w$]+$/.test(expr.text)) {
        locals[i] = expr; // identity (broadcast, transpose): no new local
        return;
      }
      const name = env.local(`${n.op}${n.id}`);
      locals[i] = js`${name}`;
      body.push(js`const ${name} = ${expr};`);
    } else if (s.kind === "store") {
      body.push(js`${arrayFor({ kind: "slot", slot: s.slot }, s.node)}[${element}] = ${value(s.value)};`);
    } else {
      const n = g.nodes[s.node]!;
      const t = template(n);
      if (t.kind !== "reduce") throw new Error(`internal: ${n.op} is not a reduction`);
      const target = js`${arrayFor({ kind: "slot", slot: s.slot }, s.node)}[${at(s.strides)}]`;
      body.push(js`${target} = ${combineToJs(t.combine, target, value(s.value))};`);
    }
  });
  const init = lines(
    k.reductions.map((r) => {
      const t = template(g.nodes[r.node]!);
      const arr = arrayFor({ kind: "slot", slot: r.slot }, r.node);
      return js`${arr}.fill(${t.kind === "reduce" ? jsNumber(t.init) : js`0`}, 0, ${env.size(r.size)});`;
    }),
  );
  let loop = o ? lines([js`const ${o} = ${indexCode(vars, own, env)};`, ...body]) : lines(body);
  for (let d = k.dims.length - 1; d >= 0; d--) {
    const v = vars[d]!;
    const [start, end] = d === 0 && rows ? [rows.start, rows.end] : [js`0`, env.size(k.dims[d]!)];
    loop = js`for (let ${v} = ${start}; ${v} < ${end}; ${v}++) {\n${loop}\n}`;
  }
  return { init, loop, whole: lines([init, loop]) };
}

/** A heavy kernel through its plugin: in WebAssembly where the backend and the plugin can, else in JS. */
function renderHeavy<K extends HeavyOp>(k: HeavyKernel<K>, env: KernelEnv, scope: ModuleScope): Code {
  const plugin = pluginOf(k.op);
  const epilogue = k.epilogue;
  if (scope.wasm && scope.inArena && plugin.wasm) {
    const jsEpilogue = epilogue && (() => renderLoop(epilogue, env).whole);
    return plugin.wasm(k, env, { functions: scope.wasm, inArena: scope.inArena, ...(jsEpilogue && { jsEpilogue }) });
  }
  return plugin.js(k, env, epilogue && ((rows) => renderLoop(epilogue, env, rows)));
}

/**
 * A kernel's name, from its last named node: the param whose gradient it makes (`W1_backward`),
 * else the binding and the direction (`h_forward`, `y_backward`); `_copy` when it only copies
 * results out. (The arrays it writes are named after the values: `W1_grad`.)
 */
function kernelHint(g: Graph, nodes: readonly number[], hint: (id: number) => string, copies: boolean): string {
  const named = [...nodes]
    .reverse()
    .map((id) => g.nodes[id]!)
    .find((n) => n.label !== undefined);
  if (!named) return "kernel";
  const grad = g.grads.find((x) => x.node === named.id);
  if (grad) return `${grad.name}_backward${copies ? "_copy" : ""}`;
  const backward = named.gradOf !== undefined || named.label!.startsWith("∂");
  return `${hint(named.id).replace(/^∂/, "")}_${backward ? "backward" : "forward"}${copies ? "_copy" : ""}`;
}

/** `// two_layer_net.nn:12:7  h = sigmoid(x @ W1 + b1)`, one line per .nn line involved. */
function origin(g: Graph, nodes: readonly number[], sources: ReadonlyMap<string, string>): Code {
  const seen = new Map<string, { n: Node; col: number }>();
  for (const id of nodes) {
    const n = g.nodes[id]!;
    if (!n.span) continue;
    const key = `${n.span.file}:${n.span.line}:${n.gradOf !== undefined || n.label?.startsWith("∂") ? "b" : "f"}`;
    const prev = seen.get(key);
    if (!prev || n.span.col < prev.col) seen.set(key, { n, col: n.span.col });
  }
  const out = [...seen.values()]
    .sort((a, b) => a.n.span!.line - b.n.span!.line)
    .map(({ n, col }) => {
      const span = n.span!;
      const file = span.file.split(/[\\/]/).pop()!;
      const sourceLines = sources.get(span.file)?.split(/\r\n|\r|\n/);
      const line = sourceLines?.[span.line - 1]?.trim();
      const text = line && line.length > 100 ? `${line.slice(0, 99)}…` : line;
      const backward = n.gradOf !== undefined || n.label?.startsWith("∂");
      return comment(`${backward ? "∂ of " : ""}${file}:${span.line}:${col}${text ? `  ${text}` : ""}`);
    });
  return out.length > 0 ? join(out, js``) : js``;
}
