// The instructions of a fused loop's WebAssembly function (loop.ts decides what it may hold):
// (row0, row1, batch, a0 … a5). The outer dimensions are nested loops (the outermost over rows
// row0 ≤ i < row1 of the `split` dimension, the others whole), each adding its index times every array's stride to that
// array's offset; the last dimension loads, computes and stores four lanes at a time, then its
// last 1-3 elements one at a time. Reductions (loop-reduce.ts) keep a vector of partial results
// (the lanes of a one-element group that hold no element masked to the reduction's initial
// value) and combine its lanes at the end of the innermost row, or of the call; or fold whole
// vectors into their output as they go.
import type { Graph } from "../../graph/ir.js";
import { mapExpr } from "../../graph/ops/index.js";
import type { LoopKernel, Operand, Size, Step, Storage } from "../plan.js";
import { template } from "../schedule.js";
import { product } from "../size.js";
import { FunctionBody, I32, V128 } from "./encode.js";
import { exprToWasm } from "./expr-wasm.js";
import { combine, reduction, type Reduction } from "./loop-reduce.js";
import { sizeLocal } from "./sizes.js";
import { VectorEmitter } from "./vector.js";

/** Arrays a loop may touch (the control block of threads.ts carries this many offsets). */
export const MAX_ARRAYS = 6;

type Accumulate = Extract<Step, { kind: "accumulate" }>;
const isConst = (s: Size, c: number) => s.p === 0 && s.c === c;

export function loopBody(
  k: LoopKernel,
  g: Graph,
  arrays: readonly { readonly storage: Storage }[],
  indexOf: (s: Storage, node: number) => number,
  split = 0,
): FunctionBody {
  const f = new FunctionBody(Array.from({ length: 3 + MAX_ARRAYS }, () => I32));
  const [ROW0, ROW1, BATCH] = [0, 1, 2];
  const pointer = (i: number) => 3 + i;
  const v = new VectorEmitter(f);
  const last = k.dims.length - 1;
  /** Pushes c · batch^p · scale: a constant, or a local computed on entry (so call this before any loop). */
  const size = (s: Size, scale = 1): (() => void) => {
    if (s.p === 0) return () => f.i32(s.c * scale);
    const l = sizeLocal(f, s, BATCH, scale);
    return () => f.get(l);
  };
  const reduce = (s: Accumulate): Reduction => {
    const t = template(g.nodes[s.node]!);
    const along = reduction(s.strides);
    if (t.kind !== "reduce" || !along) throw new Error("internal: an accumulation loop.ts does not take");
    return { init: t.init, op: t.combine, ...along };
  };

  // Inline operands (constants, sizes) splatted once.
  const inline = new Map<string, number>();
  const operands = (s: Step): readonly Operand[] => (s.kind === "compute" ? s.args : s.kind === "load" ? [] : [s.value]);
  for (const s of k.steps)
    for (const o of operands(s)) {
      if (o.kind !== "inline" || inline.has(JSON.stringify(o.value))) continue;
      const l = f.local(V128);
      if (o.value.kind === "const") v.splat(o.value.value);
      else
        f.get(sizeLocal(f, o.value.size, BATCH))
          .f32ConvertI32S()
          .f32x4Splat();
      f.set(l);
      inline.set(JSON.stringify(o.value), l);
    }
  // Per step and outer dimension, its stride in bytes (a store writes row-major over the whole loop).
  const rowMajor = k.dims.map((_, d) => product(k.dims.slice(d + 1)));
  const strides = k.steps.map((s) => (s.kind === "load" || s.kind === "accumulate" ? s.strides : s.kind === "store" ? rowMajor : []));
  const stride = strides.map((st) => st.slice(0, last).map((x) => (isConst(x, 0) ? undefined : size(x, 4))));
  const extents = k.dims.map((d, at) => (at === split ? undefined : size(d)));
  const width = last >= 1 ? extents[last]! : () => f.get(ROW1);
  const ptr = (s: Step) => pointer(indexOf(s.kind === "load" ? s.from : { kind: "slot", slot: (s as { slot: number }).slot }, s.node));
  const j = f.local(I32);
  const acc = k.steps.map((s) => (s.kind === "accumulate" ? f.local(V128) : -1));
  const lane0 = f.local(V128);
  f.v128ConstI32([-1, 0, 0, 0]).set(lane0);
  const accumulates = k.steps.flatMap((s, i) => (s.kind === "accumulate" ? [{ s, i, r: reduce(s) }] : []));

  /**
   * The outer dimensions `levels` as nested loops around `body`, `split` over [row0, row1), with
   * the byte offset of each of `steps` (indices into k.steps) in a local per level: what `body`
   * gets, by step. Dimensions not in `levels` stay at index 0.
   */
  const nest = (levels: readonly number[], steps: readonly number[], body: (bases: readonly number[]) => void) => {
    const bases = k.steps.map(() => -1);
    for (const i of steps) {
      bases[i] = f.local(I32);
      f.get(ptr(k.steps[i]!)).set(bases[i]);
    }
    const level = (at: number) => {
      if (at === levels.length) return body(bases);
      const d = levels[at]!;
      const index = f.local(I32);
      const outer = steps.map((i) => bases[i]!);
      const mine = steps.map(() => f.local(I32));
      if (d === split) f.get(ROW0);
      else f.i32(0);
      f.set(index);
      f.block().loop();
      f.get(index);
      if (d === split) f.get(ROW1);
      else extents[d]!();
      f.ltS().eqz().brIf(1);
      steps.forEach((i, n) => {
        f.get(outer[n]!);
        const by = stride[i]![d];
        if (by) {
          f.get(index);
          by();
          f.mul().add();
        }
        f.set(mine[n]!);
        bases[i] = mine[n]!;
      });
      level(at + 1);
      steps.forEach((i, n) => (bases[i] = outer[n]!));
      f.get(index).i32(1).add().set(index).br(0);
      f.end().end();
    };
    level(0);
  };

  /** One group of `lanes` (4 or 1) elements at j, the arrays at `bases`. */
  const group = (lanes: 4 | 1, bases: readonly number[]) => {
    const locals: number[] = [];
    const value = (o: Operand) => (o.kind === "local" ? locals[o.step]! : inline.get(JSON.stringify(o.value))!);
    const at = (i: number) => f.get(bases[i]!).get(j).i32(4).mul().add();
    const load = () => (lanes === 4 ? f.v128Load() : f.v128Load32Zero());
    const store = () => (lanes === 4 ? f.v128Store() : f.v128Store32Lane(0));
    k.steps.forEach((s, i) => {
      if (s.kind === "load") {
        if (!isConst(s.strides[last]!, 1)) f.get(bases[i]!).v128Load32Splat();
        else {
          at(i);
          load();
        }
        locals[i] = f.local(V128);
        f.set(locals[i]!);
      } else if (s.kind === "compute") {
        exprToWasm(v, mapExpr(g.nodes[s.node]!, { training: true }), s.args.map(value));
        locals[i] = f.local(V128);
        f.set(locals[i]!);
      } else if (s.kind === "store") {
        at(i).get(value(s.value));
        store();
      } else {
        const r = reduce(s);
        if (r.along === "lanes") {
          // out[j] = out[j] ⊕ value, the output a row of partial results
          at(i);
          at(i);
          load();
          f.get(value(s.value));
          combine(f, r.op, true);
          store();
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
  const across = (from: () => void, to: () => void, bases: readonly number[]) => {
    from();
    f.set(j);
    f.block().loop();
    f.get(j).i32(4).add();
    to();
    f.gtS().brIf(1);
    group(4, bases);
    f.get(j).i32(4).add().set(j).br(0);
    f.end().end();
    f.block().loop();
    f.get(j);
    to();
    f.ltS().eqz().brIf(1);
    group(1, bases);
    f.get(j).i32(1).add().set(j).br(0);
    f.end().end();
  };
  /** The vector's four lanes combined, folded into the float at the address on the stack when `into`, and stored there. */
  const storeCombined = (r: Reduction, local: number, address: number) => {
    f.get(address);
    if (r.into) f.get(address).f32Load();
    f.get(local).f32x4ExtractLane(0).get(local).f32x4ExtractLane(1);
    combine(f, r.op, false);
    f.get(local).f32x4ExtractLane(2).get(local).f32x4ExtractLane(3);
    combine(f, r.op, false);
    combine(f, r.op, false);
    if (r.into) combine(f, r.op, false);
    f.f32Store();
  };

  // Outputs folded into start from the reduction's initial value: over the rows this call runs when
  // every reduction keeps them (the loop is then splittable), else whole (the loop runs in one call).
  for (const { s, i, r } of accumulates) {
    if (r.along === "all") v.splat(r.init).f.set(acc[i]!);
    if (!r.into) continue;
    const kept = s.strides.slice(0, last).flatMap((x, d) => (isConst(x, 0) ? [] : [d]));
    nest(kept, [i], (bases) => {
      if (r.along === "row") return void f.get(bases[i]!).f32(r.init).f32Store();
      f.i32(0).set(j);
      f.block().loop();
      f.get(j);
      width();
      f.ltS().eqz().brIf(1);
      f.get(bases[i]!).get(j).i32(4).mul().add().f32(r.init).f32Store();
      f.get(j).i32(1).add().set(j).br(0);
      f.end().end();
    });
  }
  const moving = k.steps.flatMap((s, i) => (s.kind === "compute" ? [] : [i]));
  if (last === 0) {
    // One dimension, the rows themselves: elements row0 ≤ j < row1, each array from its start.
    nest([], moving, (bases) => across(() => f.get(ROW0), width, bases));
  } else {
    // The rows a call runs (`split`) outermost, so that each thread's share is contiguous.
    nest([split, ...k.dims.slice(0, last).flatMap((_, d) => (d === split ? [] : [d]))], moving, (bases) => {
      for (const { i, r } of accumulates) if (r.along === "row") v.splat(r.init).f.set(acc[i]!);
      across(() => f.i32(0), width, bases);
      for (const { i, r } of accumulates) if (r.along === "row") storeCombined(r, acc[i]!, bases[i]!);
    });
  }
  for (const { s, i, r } of accumulates) if (r.along === "all") storeCombined(r, acc[i]!, ptr(s));
  return f;
}
