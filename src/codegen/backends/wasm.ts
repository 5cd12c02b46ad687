// The WebAssembly backend: heavy kernels run as SIMD functions (kernels/*/wasm.ts) on one arena,
// the WebAssembly memory that holds every float array they touch: params and state at fixed
// offsets, then each program's region, carved into its float32 buffers for the batch size of
// the call, the caller's inputs copied in (unless they lie there already) and each kernel's
// scratch. Float64 intermediates of the JS loops stay ordinary arrays. Results are handed out
// through keep() (copies where the memory is not shared, since growing it would detach them).
import { join, js, literal, type Code, type Name } from "../code.js";
import { pluginOf } from "../kernels/index.js";
import type { KernelPlan, Program, Size, Storage } from "../plan.js";
import { sizeCode } from "../render.js";
import { elements } from "../size.js";
import { sizeOf } from "../../graph/tensor.js";
import { WasmFunctions } from "../wasm/functions.js";
import { arenaLayout } from "../wasm/runtime.js";
import { prelude } from "../prelude.js";
import { freshFeeds } from "./js.js";
import type { Backend, ProgramInfo, ProgramStorage } from "./types.js";

/** True when some heavy kernel of the plan runs in WebAssembly (else a wasm module would be plain JS). */
export function usesWasm(plan: KernelPlan): boolean {
  return [plan.predict, plan.train].some((p) => p?.kernels.some((k) => k.kind === "kernel" && pluginOf(k.op).wasm !== undefined));
}

export function wasmBackend(plan: KernelPlan): Backend {
  const g = plan.graph;
  const functions = new WasmFunctions();
  const allParams = [...g.params, ...g.states];
  // Arrays in the arena: params, inputs and float32 slots (not the float64 intermediates of the JS loops).
  const inArena = (prog: Program) => (s: Storage) =>
    s.kind === "param" || s.kind === "input" || (s.kind === "slot" && !prog.slots[s.slot]!.f64);
  return {
    name: "wasm",
    kernelScope: (prog) => ({ wasm: functions, inArena: inArena(prog) }),
    storage(p: ProgramInfo): ProgramStorage {
      const region = p.names.fresh(`${p.fn.toUpperCase()}_REGION`);
      const feedBufs = p.feeds.map((f) => ({ name: p.local.fresh(`${f.name}_in`), size: sizeCode(elements(f.shape, p.batch)) }));
      const scratch = p.local.fresh("packAt");
      const scratchSizes = p.prog.kernels.flatMap((k) => {
        if (k.kind !== "kernel") return [];
        const s: Size | undefined = pluginOf(k.op).arenaScratch?.(k);
        return s ? [s] : [];
      });
      const scratchSize =
        scratchSizes.length <= 1 ? sizeCode(scratchSizes[0] ?? { c: 0, p: 0 }) : js`Math.max(${join(scratchSizes.map(sizeCode))})`;
      const carved = [...p.prog.slots.filter((s) => !s.f64).map((s) => sizeCode(s.size)), ...feedBufs.map((f) => f.size), scratchSize];
      const views = p.local.fresh("views");
      const buffers = [
        ...p.prog.slots.map((s) => (s.f64 ? js`new Float64Array(${sizeCode(s.size)})` : js`${views}[next++]`)),
        ...feedBufs.map(() => js`${views}[next++]`),
        js`${views}[next].byteOffset`,
      ];
      const placed = p.local.fresh("placed");
      return {
        decls: js`const ${region} = region();\n`,
        extras: [...feedBufs.map((f) => f.name), scratch],
        allocate: js`const ${views} = carve(${region}, [${join(carved)}]);
          let next = 0;
          b = [${join(buffers)}];
          b.generation = arenaGeneration;`,
        stale: js`b.generation !== arenaGeneration`,
        setup: () => [
          js`PACK_AT = ${scratch};`,
          js`const ${placed} = paramsIn(params);`,
          ...p.feeds.map(
            (f, i) =>
              js`const ${p.varOf({ kind: "input", name: f.name })} = arenaFeed(${feedBufs[i]!.name}, ${p.arg}, ${literal(f.name)});`,
          ),
          ...allParams.map((q) => js`const ${p.varOf({ kind: "param", name: q.name })} = ${placed}[${literal(q.name)}];`),
        ],
        results: (all, record) => js`keep(${all}, ${record})`,
        batchBuffersDoc: ": the ones the call reads, so that filling them and passing them saves a copy",
        batchBuffers: (cache: Name, first: number) => js`if (SHARED) {
            const b = ${cache}(batch);
            return { ${join(p.feeds.map((f, i) => js`[${literal(f.name)}]: b[${first + i}]`))} };
          }
          return ${freshFeeds(p)};`,
      };
    },
    exports: (params) => js`/**
     * The params moved into the module's own memory: a record of views there, which predict and
     * lossAndGrads read without copying and an optimizer updates in place. One set at a time:
     * adopting another overwrites them (slice() what you keep). Where the memory cannot be shared
     * (a browser page that is not cross-origin isolated) the params are returned as they are, and
     * copied in by each call.
     */
    export function adopt(params) {
      checkParams(params, ${params}, "adopt");
      return SHARED ? adoptParams(params) : params;
    }`,
    prelude: (): Code => {
      const layout = arenaLayout(allParams.map((q) => ({ name: q.name, size: sizeOf(q.shape) })));
      const kernelParts = [plan.predict, plan.train].flatMap(
        (p) => p?.kernels.flatMap((k) => (k.kind === "kernel" ? (pluginOf(k.op).wasmPrelude ?? []) : [])) ?? [],
      );
      return prelude({ ...functions.encode(), layout, kernelParts });
    },
  };
}
