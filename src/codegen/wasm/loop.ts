// A fused loop (a LoopKernel: elementwise work and reductions over one iteration space) as a
// WebAssembly function over a range of its rows: a row kernel's epilogue (a matmul's bias add,
// activation, an activation's derivative), run in the arena right after those rows are computed
// on whichever thread computed them, or a loop of its own (softmax's exp and sums, a loss's
// gradient, the bias gradients, a conv layer's bias and ReLU over [batch, filters, positions]).
// Any number of dimensions: the outer ones nested loops, the last four lanes at a time, then one
// at a time for its last 1-3 elements (loop-body.ts). Each op writes itself through its Expr
// (expr-wasm.ts).
//
// Reductions (loop-reduce.ts) over any of the dimensions: along the row (a softmax's max and
// sum), over the outer ones (a bias gradient: Σ over rows; a conv bias's: Σ over images and
// positions, one sum per filter) or over everything. A loop is split between threads by an
// outer dimension all its reductions keep (the first such: rows, or a conv's filters), each sum
// then made whole by one thread; the others run in one call. Sums are float32, in lanes, in an
// order fixed by the loop's shape, so they differ from the JS loops' float64 sums by float32
// rounding and are the same on any number of threads.
//
// Only what vectorizes this way is taken: no random draws (dropout), every array a float32 array
// of the arena, every load along the last dimension either contiguous or broadcast (any stride
// along the others), and at most MAX_ARRAYS arrays. Anything else keeps its JS loop.
import type { Graph } from "../../graph/ir.js";
import type { BinaryAlu } from "../../graph/ops/expr.js";
import { mapExpr } from "../../graph/ops/index.js";
import type { LoopKernel, Size, Step, Storage } from "../plan.js";
import { template } from "../schedule.js";
import { product } from "../size.js";
import type { FunctionBody } from "./encode.js";
import { wasmCanRender } from "./expr-wasm.js";
import { loopBody, MAX_ARRAYS } from "./loop-body.js";
import { reduction } from "./loop-reduce.js";

export { MAX_ARRAYS };

/** (row0, row1, batch, a0 … a5): rows row0 ≤ i < row1; a_k the byte offset of array k. */
export interface WasmEpilogue {
  readonly body: FunctionBody;
  /** The arrays, in the order of their offsets, with a node each for naming them. */
  readonly arrays: readonly { readonly storage: Storage; readonly node: number }[];
}

export interface WasmLoop extends WasmEpilogue {
  /** No reduction across rows: any split of the rows (between threads, blocks of a matmul's rows) gives the same result. */
  readonly splittable: boolean;
  /** The rows (the extent of the dimension a call's range is over) and the elements of each (the product of the others). */
  readonly rows: Size;
  readonly width: Size;
}

type Accumulate = Extract<Step, { kind: "accumulate" }>;
const COMBINE: Partial<Record<BinaryAlu, true>> = { add: true, max: true, min: true };

const isConst = (s: Size, c: number) => s.p === 0 && s.c === c;

/** The loop in WebAssembly, or undefined when it needs something this does not do. */
export function loopFunction(k: LoopKernel, g: Graph, inArena: (s: Storage) => boolean): WasmLoop | undefined {
  if (k.dims.length < 1) return undefined;
  const arrays: { storage: Storage; node: number }[] = [];
  const indexOf = (storage: Storage, node: number): number => {
    const key = JSON.stringify(storage);
    const at = arrays.findIndex((a) => JSON.stringify(a.storage) === key);
    if (at >= 0) return at;
    arrays.push({ storage, node });
    return arrays.length - 1;
  };
  const last = k.dims.length - 1;
  const slotKey = (slot: number) => JSON.stringify({ kind: "slot", slot });
  const reduced = new Set(k.steps.flatMap((s) => (s.kind === "accumulate" ? [slotKey(s.slot)] : [])));
  for (const s of k.steps) {
    if (s.kind === "load") {
      const inner = s.strides[last]!;
      if ((s.from.kind !== "slot" && s.from.kind !== "param" && s.from.kind !== "input") || !inArena(s.from)) return undefined;
      if (!isConst(inner, 0) && !isConst(inner, 1)) return undefined;
      if (reduced.has(JSON.stringify(s.from))) return undefined; // a reduction read before it is complete
      indexOf(s.from, s.node);
    } else if (s.kind === "store" || s.kind === "accumulate") {
      const to: Storage = { kind: "slot", slot: s.slot };
      if (!inArena(to)) return undefined;
      if (s.kind === "store" && reduced.has(slotKey(s.slot))) return undefined;
      if (s.kind === "accumulate") {
        const t = template(g.nodes[s.node]!);
        if (t.kind !== "reduce" || !COMBINE[t.combine] || reduction(s.strides) === undefined) return undefined;
      }
      indexOf(to, s.node);
    } else {
      const t = template(g.nodes[s.node]!);
      // Training mode: the strictest (a random op's draws have no vector form).
      if (t.kind !== "map" || t.readsInputs === false || !wasmCanRender(mapExpr(g.nodes[s.node]!, { training: true }))) return undefined;
    }
  }
  if (arrays.length > MAX_ARRAYS) return undefined;
  // The rows of a call: the first outer dimension every reduction keeps, so that any split of
  // them between threads gives the same sums (a conv bias's gradient, Σ over images and positions,
  // splits by filters); else the first, and the loop runs in one call. A matmul's epilogue has two
  // dimensions, so its rows are always the matmul's.
  const accumulates = k.steps.filter((s): s is Accumulate => s.kind === "accumulate");
  const keeps = (d: number) => accumulates.every((s) => !isConst(s.strides[d]!, 0));
  const found = k.dims.slice(0, Math.max(1, last)).findIndex((_, d) => keeps(d));
  const split = Math.max(0, found);
  const rows = k.dims[split]!;
  const width = product(k.dims.filter((_, d) => d !== split));
  return { body: loopBody(k, g, arrays, indexOf, split), arrays, splittable: found >= 0, rows, width };
}
