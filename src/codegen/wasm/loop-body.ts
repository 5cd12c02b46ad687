// The instructions of a fused loop's WebAssembly function (loop.ts decides what it may hold):
// (row0, row1, batch, a0 … a5). Loads, computes and stores four lanes at a time along a row,
// then the row's last 1-3 elements one at a time; reductions keep a vector of partial results
// (the lanes of a one-element group that hold no element masked to the reduction's initial
// value) and combine its lanes at the end of the row, or of the call.
import type { Graph } from "../../graph/ir.js";
import type { BinaryAlu } from "../../graph/ops/expr.js";
import { mapExpr } from "../../graph/ops/index.js";
import type { LoopKernel, Operand, Size, Step, Storage } from "../plan.js";
import { template } from "../schedule.js";
import { FunctionBody, I32, V128 } from "./encode.js";
import { sizeLocal } from "./sizes.js";
import { VectorEmitter } from "./vector.js";
import { exprToWasm } from "./expr-wasm.js";

/** Arrays a loop may touch (the control block of threads.ts carries this many offsets). */
export const MAX_ARRAYS = 6;

type Accumulate = Extract<Step, { kind: "accumulate" }>;
const isConst = (s: Size, c: number) => s.p === 0 && s.c === c;

/** A reduction's combine, on vectors and on scalars. */
function combine(f: FunctionBody, op: BinaryAlu, lanes: boolean): void {
  const ops = { add: ["f32x4Add", "f32Add"], max: ["f32x4Max", "f32Max"], min: ["f32x4Min", "f32Min"] } as const;
  if (op !== "add" && op !== "max" && op !== "min") throw new Error(`internal: no reduction by ${op} in WebAssembly`);
  f[ops[op][lanes ? 0 : 1]]();
}

export function loopBody(
  k: LoopKernel,
  g: Graph,
  arrays: readonly { readonly storage: Storage }[],
  indexOf: (s: Storage, node: number) => number,
): FunctionBody {
  const f = new FunctionBody(Array.from({ length: 3 + MAX_ARRAYS }, () => I32));
  const [ROW0, ROW1, BATCH] = [0, 1, 2];
  const pointer = (i: number) => 3 + i;
  const v = new VectorEmitter(f);
  const last = k.dims.length - 1;
  const sizeOf = (s: Size, scale = 1) => sizeLocal(f, s, BATCH, scale);
  const reduce = (s: Accumulate) => {
    const t = template(g.nodes[s.node]!);
    if (t.kind !== "reduce") throw new Error("internal: an accumulation that is not a reduction");
    return {
      init: t.init,
      op: t.combine,
      along: s.strides.every((x) => isConst(x, 0)) ? "all" : isConst(s.strides[0]!, 0) ? "column" : "row",
    };
  };

  // Inline operands (constants, sizes) splatted once.
  const inline = new Map<string, number>();
  const operands = (s: Step): readonly Operand[] => (s.kind === "compute" ? s.args : s.kind === "load" ? [] : [s.value]);
  for (const s of k.steps)
    for (const o of operands(s)) {
      if (o.kind !== "inline" || inline.has(JSON.stringify(o.value))) continue;
      const l = f.local(V128);
      if (o.value.kind === "const") v.splat(o.value.value);
      else f.get(sizeOf(o.value.size)).f32ConvertI32S().f32x4Splat();
      f.set(l);
      inline.set(JSON.stringify(o.value), l);
    }
  const width = last === 1 ? sizeOf(k.dims[1]!) : -1;
  // Per step: the row stride of a load or store (bytes), a row reduction's output stride.
  const rowStride = k.steps.map((s) => {
    if (last !== 1) return -1;
    if (s.kind === "load") return sizeOf(s.strides[0]!, 4);
    if (s.kind === "store") return sizeOf(k.dims[1]!, 4);
    if (s.kind === "accumulate" && reduce(s).along === "row") return sizeOf(s.strides[0]!, 4);
    return -1;
  });
  const j = f.local(I32);
  const bases = k.steps.map(() => f.local(I32));
  const acc = k.steps.map((s) => (s.kind === "accumulate" ? f.local(V128) : -1));
  const ptr = (s: Step) => pointer(indexOf(s.kind === "load" ? s.from : { kind: "slot", slot: (s as { slot: number }).slot }, s.node));
  const lane0 = f.local(V128);
  f.v128ConstI32([-1, 0, 0, 0]).set(lane0);

  /** One group of `lanes` (4 or 1) elements at j. */
  const group = (lanes: 4 | 1) => {
    const locals: number[] = [];
    const value = (o: Operand) => (o.kind === "local" ? locals[o.step]! : inline.get(JSON.stringify(o.value))!);
    k.steps.forEach((s, i) => {
      if (s.kind === "load") {
        const contiguous = isConst(s.strides[last]!, 1);
        f.get(bases[i]!);
        if (contiguous) f.get(j).i32(4).mul().add();
        if (!contiguous) f.v128Load32Splat();
        else if (lanes === 4) f.v128Load();
        else f.v128Load32Zero();
        locals[i] = f.local(V128);
        f.set(locals[i]!);
      } else if (s.kind === "compute") {
        exprToWasm(v, mapExpr(g.nodes[s.node]!, { training: true }), s.args.map(value));
        locals[i] = f.local(V128);
        f.set(locals[i]!);
      } else if (s.kind === "store") {
        f.get(bases[i]!).get(j).i32(4).mul().add().get(value(s.value));
        if (lanes === 4) f.v128Store();
        else f.v128Store32Lane(0);
      } else {
        const r = reduce(s);
        if (r.along === "column") {
          // out[j] = out[j] ⊕ value, the output a row of partial results
          f.get(bases[i]!).get(j).i32(4).mul().add().get(bases[i]!).get(j).i32(4).mul().add();
          if (lanes === 4) f.v128Load();
          else f.v128Load32Zero();
          f.get(value(s.value));
          combine(f, r.op, true);
          if (lanes === 4) f.v128Store();
          else f.v128Store32Lane(0);
        } else {
          f.get(acc[i]!).get(value(s.value));
          if (lanes === 1) {
            v.splat(r.init);
            f.get(lane0).v128Bitselect();
          }
          combine(f, r.op, true);
          f.set(acc[i]!);
        }
      }
    });
  };
  /** j over [from, to): groups of 4, then the rest one at a time. */
  const across = (from: () => void, to: number) => {
    from();
    f.set(j);
    f.block().loop();
    f.get(j).i32(4).add().get(to).gtS().brIf(1);
    group(4);
    f.get(j).i32(4).add().set(j).br(0);
    f.end().end();
    f.block().loop();
    f.get(j).get(to).ltS().eqz().brIf(1);
    group(1);
    f.get(j).i32(1).add().set(j).br(0);
    f.end().end();
  };
  /** The vector's four lanes combined, stored as one float at the address on the stack. */
  const storeCombined = (s: Accumulate, local: number) => {
    const op = reduce(s).op;
    f.get(local).f32x4ExtractLane(0).get(local).f32x4ExtractLane(1);
    combine(f, op, false);
    f.get(local).f32x4ExtractLane(2).get(local).f32x4ExtractLane(3);
    combine(f, op, false);
    combine(f, op, false);
    f.f32Store();
  };
  const accumulates = k.steps.flatMap((s, i) => (s.kind === "accumulate" ? [{ s, i, r: reduce(s) }] : []));

  // Reductions over columns or everything start from their initial value (such a loop runs over all rows in one call).
  for (const { s, i, r } of accumulates) {
    if (r.along === "all") v.splat(r.init).f.set(acc[i]!);
    if (r.along !== "column") continue;
    f.i32(0).set(j);
    f.block().loop();
    f.get(j).get(width).ltS().eqz().brIf(1);
    f.get(ptr(s)).get(j).i32(4).mul().add().f32(r.init).f32Store();
    f.get(j).i32(1).add().set(j).br(0);
    f.end().end();
  }
  const finish = () => {
    for (const { s, i, r } of accumulates) {
      if (r.along !== "all") continue;
      f.get(ptr(s));
      storeCombined(s, acc[i]!);
    }
  };
  if (last === 0) {
    // One dimension, the rows themselves: elements row0 ≤ j < row1, each array from its start.
    k.steps.forEach((s, i) => s.kind !== "compute" && f.get(ptr(s)).set(bases[i]!));
    const end = f.local(I32);
    f.get(ROW1).set(end);
    across(() => f.get(ROW0), end);
    finish();
    return f;
  }
  // Two dimensions: for each row i, every array's row start, then the row's elements.
  const i = f.local(I32);
  f.get(ROW0).set(i);
  f.block().loop();
  f.get(i).get(ROW1).ltS().eqz().brIf(1);
  k.steps.forEach((s, step) => {
    if (s.kind === "compute") return;
    if (s.kind === "accumulate" && reduce(s).along !== "row") {
      f.get(ptr(s)).set(bases[step]!);
      return;
    }
    f.get(ptr(s)).get(i).get(rowStride[step]!).mul().add().set(bases[step]!);
  });
  for (const { i: step, r } of accumulates) if (r.along === "row") v.splat(r.init).f.set(acc[step]!);
  across(() => f.i32(0), width);
  for (const { s, i: step, r } of accumulates) {
    if (r.along !== "row") continue;
    f.get(bases[step]!);
    storeCombined(s, acc[step]!);
  }
  f.get(i).i32(1).add().set(i).br(0);
  f.end().end();
  finish();
  return f;
}
