// The compiled module: a standalone ES module (it imports nothing) with `meta`, `init`,
// `predict` and `lossAndGrads`, assembled from the rendered kernels of both programs (a kernel
// both programs share is emitted once), the runtime helpers, and one function per program
// that checks its arguments, takes the scratch buffers of the batch size (allocated on first
// use, then reused) and calls the kernels in order.
import type { Graph, InputSpec } from "../graph/ir.js";
import { initStd } from "../graph/init.js";
import { comment, data, js, join, lines, literal, type Code, Name, Namer } from "./code.js";
import type { KernelPlan, Program, Storage } from "./plan.js";
import { renderKernel, sizeCode, valueHints, type ModuleScope, type RenderedKernel } from "./render.js";
import { CompileError } from "./errors.js";
import { RUNTIME } from "./runtime.js";
import { mul, product, shapeSizes } from "./size.js";
import { needsPack, WasmFunctions } from "./wasm/kernel.js";
import { arenaLayout, WASM_HELPERS, wasmPrelude } from "./wasm/runtime.js";
import { ARENA_UPDATES, ONE_THREAD, PLAIN_UPDATES, THREAD_HELPERS, threadsPrelude } from "./wasm/threads.js";

const HELPERS = ["F", "seedStream", "rotl", "nextU32", "uniform", "hashName", "initArray", "batchOf", "feed", "stage", "checkParams"];
const EXPORTS = ["meta", "init", "adopt", "threads", "zeros", "updateSgd", "updateAdam", "predict", "lossAndGrads", "batchBuffers"];

export function renderModule(plan: KernelPlan, sources: ReadonlyMap<string, string>, backend: "js" | "wasm" = "js"): Code {
  const g = plan.graph;
  const wasm = backend === "wasm" ? new WasmFunctions() : undefined;
  // With matmuls in WebAssembly, every float array the kernels touch lives in its memory (the arena).
  const arena = wasm !== undefined && [plan.predict, plan.train].some((p) => p?.kernels.some((k) => k.kind === "matmul"));
  const names = new Namer([...HELPERS, ...EXPORTS, ...(wasm ? [...WASM_HELPERS, ...THREAD_HELPERS] : [])]);
  const streams = new Map<number, Name>();
  for (const n of g.nodes)
    if (n.op === "dropout_mask")
      streams.set((n.attrs as { seq: number }).seq, names.fresh(`dropout${(n.attrs as { seq: number }).seq}_stream`));
  const hint = valueHints(g);
  const scope: ModuleScope = { names, streams, sources, hint, ...(wasm && { wasm }) };
  const PARAMS = names.fresh("PARAMS");

  // Kernels of both programs; identical ones (same text) are emitted once.
  const kernels: Code[] = [];
  const byText = new Map<string, Name>();
  const calls = (prog: Program) => {
    // Arrays in the arena: params, inputs and float32 slots (not the float64 intermediates of the JS kernels).
    const inArena = (s: Storage) => s.kind === "param" || s.kind === "input" || (s.kind === "slot" && !prog.slots[s.slot]!.f64);
    const programScope = arena ? { ...scope, inArena } : scope;
    return prog.kernels.map((k) => {
      const r = renderKernel(k, g, prog.mode === "train", plan.batch, programScope);
      let name = byText.get(r.code.text);
      if (!name) {
        name = names.fresh(r.hint);
        byText.set(r.code.text, name);
        kernels.push(js`${r.origin}function ${name}(${signature(r)}) {\n${r.code}\n}`);
      }
      return { name, ...r };
    });
  };
  const predictCalls = calls(plan.predict);
  const trainCalls = plan.train ? calls(plan.train) : [];

  const allParams = [...g.params, ...g.states];
  const program = (prog: Program, rendered: typeof predictCalls, fn: string, arg: string): Code => {
    const local = names.child(["params", arg, "options", "batch", "seed"]);
    const FEEDS = names.fresh(`${fn.toUpperCase()}_FEEDS`);
    const cache = names.fresh(`${fn}Buffers`);
    const vars = new Map<string, Name>();
    const varOf = (s: Storage): Name => {
      const k = JSON.stringify(s);
      let v = vars.get(k);
      if (!v) {
        v = local.fresh(s.kind === "slot" ? `s${s.slot}` : s.kind === "input" || s.kind === "param" ? s.name : "v");
        vars.set(k, v);
      }
      return v;
    };
    const slotVars = prog.slots.map((s) => varOf({ kind: "slot", slot: s.id }));
    const feeds = prog.feeds.map((n) => g.inputs.find((i) => i.name === n)!);
    // In an f32 module, matmul operands that come from the caller are copied to float64 once per
    // call: the register tiles then read float64 without a conversion per load (~10% faster).
    const staged = new Map<string, { name: Name; size: Code }>();
    if (plan.dtype === "f32" && !wasm) {
      for (const k of prog.kernels) {
        if (k.kind !== "matmul") continue;
        for (const [from, node] of [
          [k.a.from, g.nodes[k.node]!.inputs[0]!],
          [k.b.from, g.nodes[k.node]!.inputs[1]!],
        ] as const) {
          if ((from.kind === "input" || from.kind === "param") && !staged.has(JSON.stringify(from))) {
            staged.set(JSON.stringify(from), {
              name: local.fresh(`${from.name}_f64`),
              size: sizeCode(product(shapeSizes(g.nodes[node]!.shape, plan.batch))),
            });
          }
        }
      }
    }
    const source = (s: Storage, read: Code): Code => {
      const stage = staged.get(JSON.stringify(s));
      return stage ? js`stage(${stage.name}, ${read})` : read;
    };
    // In the arena, the inputs are copied into buffers of their own and the params read from their place.
    const feedBufs = arena
      ? feeds.map((f) => ({ name: local.fresh(`${f.name}_in`), size: sizeCode(product(shapeSizes(f.shape, plan.batch))) }))
      : [];
    const arenaParams = local.fresh("placed");
    const setup = arena
      ? [
          js`const ${arenaParams} = paramsIn(params);`,
          ...feeds.map(
            (f, i) =>
              js`const ${varOf({ kind: "input", name: f.name })} = arenaFeed(${feedBufs[i]!.name}, ${Name.of(arg)}, ${literal(f.name)});`,
          ),
          ...allParams.map((p) => js`const ${varOf({ kind: "param", name: p.name })} = ${arenaParams}[${literal(p.name)}];`),
        ]
      : [
          ...feeds.map(
            (f) =>
              js`const ${varOf({ kind: "input", name: f.name })} = ${source({ kind: "input", name: f.name }, js`feed(${Name.of(arg)}, ${literal(f.name)})`)};`,
          ),
          ...allParams.map(
            (p) =>
              js`const ${varOf({ kind: "param", name: p.name })} = ${source({ kind: "param", name: p.name }, js`params[${literal(p.name)}]`)};`,
          ),
        ];
    const body = rendered.map((r) => {
      const args = [...r.arrays.map(varOf), ...(r.usesBatch ? [js`batch`] : []), ...(r.usesSeed ? [js`seed`] : [])];
      return js`${r.name}(${join(args.map((a) => js`${a}`))});`;
    });
    const record = (list: readonly { name: string; slot: number }[]) =>
      js`{ ${join(list.map((x) => js`[${literal(x.name)}]: ${slotVars[x.slot]!}`))} }`;
    // With an arena, results go through keep() (copies where the memory is not shared).
    const allBuffers = local.fresh("buffers");
    const kept = (list: readonly { name: string; slot: number }[]) => (arena ? js`keep(${allBuffers}, ${record(list)})` : record(list));
    const result =
      prog.mode === "predict"
        ? js`return ${kept(prog.outputs)};`
        : js`${lines(prog.state.map((s) => js`params[${literal(s.name)}].set(${slotVars[s.slot]!});`))}
          return { loss: ${slotVars[prog.loss!]!}[0], grads: ${kept(prog.grads)} };`;
    const buffers = [
      ...prog.slots.map((s) => js`new ${s.f64 ? js`Float64Array` : js`F`}(${sizeCode(s.size)})`),
      ...[...staged.values()].map((s) => js`new Float64Array(${s.size})`),
    ];
    // Arena: the float slots, the inputs' buffers and the pack area are views carved from the program's region.
    const REGION = names.fresh(`${fn.toUpperCase()}_REGION`);
    const packs = prog.kernels.flatMap((k) => (k.kind === "matmul" && needsPack(k) ? [mul(k.k, k.n)] : []));
    const packSize = packs.length === 0 ? js`0` : packs.length === 1 ? sizeCode(packs[0]!) : js`Math.max(${join(packs.map(sizeCode))})`;
    const carved = [...prog.slots.filter((s) => !s.f64).map((s) => sizeCode(s.size)), ...feedBufs.map((f) => f.size), packSize];
    const views = local.fresh("views");
    const arenaBuffers = js`const ${views} = carve(${REGION}, [${join(carved)}]);
          let next = 0;
          b = [${join([...prog.slots.map((s) => (s.f64 ? js`new Float64Array(${sizeCode(s.size)})` : js`${views}[next++]`)), ...feedBufs.map(() => js`${views}[next++]`), js`${views}[next].byteOffset`])}];
          b.generation = arenaGeneration;`;
    const bufferNames = [
      ...slotVars,
      ...[...staged.values()].map((s) => s.name),
      ...feedBufs.map((f) => f.name),
      ...(arena ? [local.fresh("packAt")] : []),
    ];
    const describe = prog.slots.map((s) =>
      comment(`${slotVars[s.id]!.text}: ${s.holds.map(hint).join(", ")}${s.result ? " (returned)" : ""}`),
    );
    const signatureText = fn === "predict" ? js`params, ${Name.of(arg)}` : js`params, ${Name.of(arg)}, options = {}`;
    return js`const ${FEEDS} = ${data(feeds.map((f) => feedEntry(f, plan.batch)))};
      const ${cache}Cache = new Map();
      ${
        arena
          ? js`const ${REGION} = region();
`
          : js``
      }${join(describe, js``)}function ${cache}(batch) {
        let b = ${cache}Cache.get(batch);
        if (b === undefined${arena ? js` || b.generation !== arenaGeneration` : js``}) {
          if (${cache}Cache.size >= 4) ${cache}Cache.clear();
          ${arena ? arenaBuffers : js`b = [${join(buffers)}];`}
          ${cache}Cache.set(batch, b);
        }
        return b;
      }

      export function ${Name.of(fn)}(${signatureText}) {
        checkParams(params, ${PARAMS}, ${literal(fn)});
        const batch = batchOf(${Name.of(arg)}, ${FEEDS}, ${plan.batch ?? 0}, ${literal(fn)});
        ${fn === "lossAndGrads" ? js`const seed = options.seed ?? 0;` : js``}
        ${
          arena
            ? js`const ${allBuffers} = ${cache}(batch);
        const [${join(bufferNames.map((v) => js`${v}`))}] = ${allBuffers};`
            : js`const [${join(bufferNames.map((v) => js`${v}`))}] = ${cache}(batch);`
        }
        ${
          arena
            ? js`PACK_AT = ${bufferNames[bufferNames.length - 1]!};
`
            : js``
        }${lines(setup)}
        ${lines(body)}
        ${result}
      }${
        fn === "lossAndGrads"
          ? js`

${batchBuffersExport(feeds, plan.batch, arena ? js`${cache}` : undefined, slotVars.length + staged.size)}`
          : js``
      }`;
  };

  const inits = allParams.map((p) => {
    const std = initStd(p.init);
    const [kind, a, b] =
      p.init.kind === "zeros"
        ? ["zeros", 0, 0]
        : p.init.kind === "ones"
          ? ["constant", 1, 0]
          : p.init.kind === "constant"
            ? ["constant", p.init.value, 0]
            : p.init.kind === "uniform"
              ? ["uniform", p.init.low, p.init.high]
              : ["normal", std!, 0];
    return js`[${literal(p.name)}]: initArray(${literal(p.name)}, ${product(p.shape.map((d) => ({ c: d, p: 0 }))).c}, seed, ${literal(kind as string)}, ${a as number}, ${b as number}),`;
  });
  const noLoss = js`export function lossAndGrads() {
    throw new Error(${literal(`model '${g.model}' has no loss: it can predict, not train`)});
  }

  export function batchBuffers() {
    throw new Error(${literal(`model '${g.model}' has no loss: it can predict, not train`)});
  }`;
  const programs = [
    program(plan.predict, predictCalls, "predict", "inputs"),
    plan.train ? program(plan.train, trainCalls, "lossAndGrads", "data") : noLoss,
  ];
  const adopt = js`/**
     * The params moved into the module's own memory: a record of views there, which predict and
     * lossAndGrads read without copying and an optimizer updates in place.${
       arena
         ? js` One set at a time: adopting
     * another overwrites them (slice() what you keep). Where the memory cannot be shared (a browser page
     * that is not cross-origin isolated) the params are returned as they are, and copied in by each call.`
         : js` This module's kernels are plain
     * JavaScript: the params are returned as they are.`
     }
     */
    export function adopt(params) {
      checkParams(params, ${PARAMS}, "adopt");
      ${arena ? js`return SHARED ? { ...paramsIn(params) } : params;` : js`return params;`}
    }`;
  const streamDecls = [...streams.values()].map((s) => js`const ${s} = new Uint32Array(4);`);
  return js`${comment(`Generated by nnc from model ${g.model}${g.span ? ` (${g.span.file.split(/[\\/]/).pop()})` : ""}. Do not edit: recompile.`)}${comment(
    `${plan.dtype}: arrays are ${plan.dtype === "f32" ? "Float32Array" : "Float64Array"}, arithmetic in float64; every size but the batch is a constant.`,
  )}
    const F = ${plan.dtype === "f32" ? js`Float32Array` : js`Float64Array`};

    export const meta = ${data(metaOf(g, plan))};

    const ${PARAMS} = ${data(allParams.map((p) => [p.name, p.shape.reduce((x, y) => x * y, 1)]))};
    ${lines(streamDecls)}

    ${join(kernels, js`\n\n`)}

    ${join(programs, js`\n\n`)}

    ${adopt}
    ${arena ? js`` : ONE_THREAD}

    ${arena ? ARENA_UPDATES : PLAIN_UPDATES}

    /** Params and batch-norm state from the model's initializers; the same seed gives the same values as nnc's runtime. */
    export function init(seed = 0) {
      return {
        ${lines(inits)}
      };
    }
    ${RUNTIME}${arena ? js`${wasmPrelude(wasm!.encode(), arenaLayout(allParams.map((p) => ({ name: p.name, size: p.shape.reduce((x, y) => x * y, 1) }))))}${threadsPrelude(wasm!.size, wasm!.epilogueCount)}` : js``}`;
}

function signature(r: RenderedKernel): Code {
  return join([...r.paramNames.map((n) => js`${n}`), ...(r.usesBatch ? [js`batch`] : []), ...(r.usesSeed ? [js`seed`] : [])]);
}

/**
 * \`batchBuffers(batch)\`: arrays for lossAndGrads' inputs and targets. With an arena (\`cache\`:
 * the program's buffers function; the feeds' buffers from index \`first\` on), the very buffers
 * the call reads, so filling them saves it a copy; otherwise fresh arrays.
 */
function batchBuffersExport(feeds: readonly InputSpec[], batch: number | undefined, cache: Code | undefined, first: number): Code {
  const size = (f: InputSpec) => sizeCode(product(shapeSizes(f.shape, batch)));
  const fresh = js`{ ${join(feeds.map((f) => js`[${literal(f.name)}]: new F(${size(f)})`))} }`;
  const inArena = cache
    ? js`if (SHARED) {
        const b = ${cache}(batch);
        return { ${join(feeds.map((f, i) => js`[${literal(f.name)}]: b[${first + i}]`))} };
      }
      `
    : js``;
  return js`/** Arrays for lossAndGrads' inputs and targets at this batch size${cache ? js`: the ones the call reads, so that filling them and passing them saves a copy` : js``}. */
    export function batchBuffers(batch) {
      ${inArena}return ${fresh};
    }`;
}

function feedEntry(f: InputSpec, batch: number | undefined): [string, number, boolean, string] {
  const hasBatch = f.shape.some((d) => typeof d !== "number");
  const row = product(
    shapeSizes(
      f.shape.filter((d) => typeof d === "number"),
      batch,
    ),
  ).c;
  if (f.shape.filter((d) => typeof d !== "number").length > 1)
    throw new CompileError(`cannot compile ${f.role} '${f.name}': its shape [${f.shape.join(", ")}] has more than one batch dimension`);
  return [f.name, row, hasBatch, `[${f.shape.join(", ")}]`];
}

function metaOf(g: Graph, plan: KernelPlan): unknown {
  const dtype = plan.dtype;
  const tensor = (name: string, shape: readonly (number | string)[]) => ({ name, shape, dtype });
  const param = (p: Graph["params"][number] | Graph["states"][number], trainable: boolean) => ({
    ...tensor(p.name, p.shape),
    trainable,
    decay: trainable && (p as Graph["params"][number]).decay,
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
    params: g.params.map((p) => param(p, true)),
    state: g.states.map((s) => param(s, false)),
    outputs: g.outputs.map((o) => tensor(o.name, g.nodes[o.node]!.shape)),
    loss: g.loss !== undefined,
    train: g.train,
  };
}
