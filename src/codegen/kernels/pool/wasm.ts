// The pooling kernels with the wasm backend: one row kernel per op and geometry whose rows are the
// (batch, channel) planes, run over the arena in place, so runRows shares the planes between the
// threads. A plane is whole on one thread (a backward zeroes and fills its own plane of dx), so
// the bits do not depend on the thread count. Taps are unrolled (the window is a constant), in the
// reference's order (src/graph/ops/pool-ref.ts): a window's maximum is its first largest element
// in row-major order, padding skipped; average pooling adds x·(1/size²) tap by tap, in float32.
// Max pooling of 2×2 windows at stride 2 (and its backward when they tile the plane) takes four
// windows at a time in f32x4 lanes, in the same order (fourWindows).
import type { Node } from "../../../graph/ir.js";
import { nchw } from "../../../graph/ops/window.js";
import { comment, js, type Code, type Name } from "../../code.js";
import type { KernelEnv } from "../../env.js";
import { resolve } from "../../schedule.js";
import { mul, shapeSizes } from "../../size.js";
import { F32, FunctionBody, I32, V128 } from "../../wasm/encode.js";
import type { HeavyKernel, PlanContext, WasmTarget } from "../types.js";
import { f32Gt, loop, ltU, select, shuffle } from "../wasm-ops.js";

export type PoolOp = "max_pool" | "max_pool_backward" | "max_pool_gather" | "avg_pool" | "avg_pool_backward";

/** One plane's geometry: [channels, H, W, OH, OW, size, stride, pad]. */
export interface PoolData {
  readonly geometry: readonly [number, number, number, number, number, number, number, number];
}

/** The input-shaped tensor (x, or dx) and the pooled one (y, dy) of each op. */
function shapesOf(node: Node<PoolOp>, g: PlanContext["g"]) {
  const ins = node.inputs.map((i) => g.nodes[i]!.shape);
  switch (node.op) {
    case "max_pool":
    case "avg_pool":
    case "max_pool_gather":
      return { x: ins[0]!, y: node.shape };
    case "max_pool_backward":
      return { x: ins[0]!, y: ins[1]! };
    case "avg_pool_backward":
      return { x: node.shape, y: ins[0]! };
  }
}

export function poolPlan(node: Node<PoolOp>, { g }: PlanContext): PoolData {
  const { x, y } = shapesOf(node, g);
  const [, c, h, w] = nchw(node.op, x, "an input");
  const [, , oh, ow] = nchw(node.op, y, "a pooled tensor");
  const { size, stride, pad } = node.attrs;
  return { geometry: [c, h, w, oh, ow, size, stride, pad] };
}

/**
 * Arguments (a, b, c, batch, lo, hi) → (): planes lo ≤ p < hi; a, b, c as renderWasmPool passes
 * them. Without padding a window lies inside its plane, so each tap is a load at a constant
 * offset from the window's corner; with padding each tap checks its row and column.
 */
export function poolFunction(op: PoolOp, [, H, W, OH, OW, size, S, P]: PoolData["geometry"]): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32]);
  const [A, B, C, , LO, HI] = [0, 1, 2, 3, 4, 5];
  const int = () => f.local(I32);
  const [p, oy, ox, o4, rowY, colX, i, best, j, xw, yw] = [int(), int(), int(), int(), int(), int(), int(), int(), int(), int(), int()];
  const [xb, yb, gb] = [int(), int(), int()];
  const [v, t] = [f.local(F32), f.local(F32)];
  const [inPlane, outPlane] = [H * W * 4, OH * OW * 4];
  const scale = 1 / (size * size);
  const base = (to: number, arg: number, plane: number) => f.get(arg).get(p).i32(plane).mul().add().set(to);
  /**
   * The taps inside the image, unrolled, in row-major order: `inner(first, off)` with the tap at
   * byte xw + off of the read plane and yw + off of the written one; i = its offset in the plane.
   */
  const taps = (inner: (first: boolean, off: number) => void) => {
    const corner = () => f.get(rowY).i32(W).mul().get(colX).add().i32(4).mul();
    if (P === 0) corner().set(i).get(xb).get(i).add().set(xw).get(yb).get(i).add().set(yw);
    for (let ky = 0; ky < size; ky++) {
      for (let kx = 0; kx < size; kx++) {
        if (P === 0) {
          inner(ky === 0 && kx === 0, (ky * W + kx) * 4);
          continue;
        }
        ltU(ltU(f.get(rowY).i32(ky).add().i32(H)).get(colX).i32(kx).add().i32(W))
          .and()
          .if();
        corner()
          .i32((ky * W + kx) * 4)
          .add()
          .set(i)
          .get(xb)
          .get(i)
          .add()
          .set(xw)
          .get(yb)
          .get(i)
          .add()
          .set(yw);
        inner(false, 0);
        f.end();
      }
    }
  };
  const backward = op === "max_pool_backward" || op === "avg_pool_backward";
  // Windows that tile the plane exactly: max_pool_backward writes every element of dx once (dy
  // at each window's maximum, 0 elsewhere), with no zeroing pass and no read of dx.
  const tiles = op === "max_pool_backward" && P === 0 && S === size && OH * S === H && OW * S === W;
  const [gt, bestOff] = [int(), int()];
  const four =
    P === 0 && S === 2 && size === 2 && OW >= 4 && (op === "max_pool" || tiles)
      ? fourWindows(f, W, { xw, yw, yb, gb, ox, o4, i })
      : undefined;

  const at = (n: number) => () => f.i32(n);
  loop(
    f,
    p,
    () => f.get(LO),
    () => f.get(HI),
    1,
    () => {
      // xb: the plane read at the taps (x; dy's plane for avg_pool_backward); yb: the plane written.
      base(xb, A, op === "avg_pool_backward" ? outPlane : inPlane);
      base(yb, C, backward ? inPlane : outPlane);
      if (op === "max_pool_backward") base(gb, B, outPlane);
      if (op === "max_pool_gather") base(gb, B, inPlane);
      if (backward && !tiles) {
        f.get(yb).set(j);
        loop(f, i, at(0), at(inPlane >> 4), 1, () => f.get(j).v128Zero().v128Store().get(j).i32(16).add().set(j));
        for (let r = 0; r < ((inPlane >> 2) & 3); r++)
          f.get(j)
            .f32(0)
            .f32Store(4 * r);
      }
      f.i32(0).set(o4);
      loop(f, oy, at(0), at(OH), 1, () => {
        f.get(oy).i32(S).mul().i32(P).sub().set(rowY);
        if (four) {
          f.get(xb)
            .get(rowY)
            .i32(W * 4)
            .mul()
            .add()
            .set(xw);
          f.get(yb)
            .get(rowY)
            .i32(W * 4)
            .mul()
            .add()
            .set(yw);
          loop(f, ox, at(0), at(OW - 3), 4, () => {
            four(op === "max_pool");
            f.get(o4).i32(16).add().set(o4);
          });
        }
        // The windows left (all of them without `four`), one at a time.
        loop(f, ox, four ? () => f.get(ox) : at(0), at(OW), 1, () => {
          f.get(ox).i32(S).mul().i32(P).sub().set(colX);
          if (op === "avg_pool") {
            f.f32(0).set(v);
            taps((_, off) => f.get(xw).f32Load(off).f32(scale).f32Mul().get(v).f32Add().set(v));
            f.get(yb).get(o4).add().get(v).f32Store();
          } else if (op === "avg_pool_backward") {
            f.get(xb).get(o4).add().f32Load().f32(scale).f32Mul().set(v);
            taps((_, off) => f.get(yw).get(yw).f32Load(off).get(v).f32Add().f32Store(off));
          } else {
            // The first largest tap: taken when none is yet (padding) or strictly greater.
            if (P === 0) {
              // Without padding, branch-free: bestOff is the taken tap's offset from the corner.
              taps((first, off) => {
                f.get(xw).f32Load(off).set(t);
                if (first) f.get(t).set(v).i32(off).set(bestOff);
                else {
                  f32Gt(f.get(t).get(v)).set(gt);
                  select(f.get(t).get(v).get(gt)).set(v);
                  select(f.i32(off).get(bestOff).get(gt)).set(bestOff);
                }
              });
              f.get(i).get(bestOff).add().set(best);
            } else {
              const take = () => f.get(t).set(v).get(i).set(best);
              f.i32(-1).set(best);
              taps(() => {
                f.get(xw).f32Load().set(t);
                f.get(best).i32(0).ltS().if();
                take();
                f.else();
                f32Gt(f.get(t).get(v)).if();
                take();
                f.end().end();
              });
            }
            if (op === "max_pool") f.get(yb).get(o4).add().get(v).f32Store();
            else if (op === "max_pool_gather") f.get(yb).get(o4).add().get(gb).get(best).add().f32Load().f32Store();
            else if (tiles) {
              f.get(gb).get(o4).add().f32Load().set(t);
              taps((_, off) => select(f.get(yw).get(t).f32(0).get(bestOff).i32(off).eq()).f32Store(off));
            } else f.get(yb).get(best).add().get(yb).get(best).add().f32Load().get(gb).get(o4).add().f32Load().f32Add().f32Store();
          }
          f.get(o4).i32(4).add().set(o4);
        });
      });
    },
  );
  return f;
}

/**
 * 2×2 windows at stride 2 without padding (the book's pooling), four at a time: the windows' two
 * rows loaded as eight floats each, their even and odd columns taken apart by shuffles. The taps
 * are compared in the reference's order, and pmax(v, t) is t > v ? t : v, so the maxima and the
 * taps taken are those of one window at a time, to the bit. `forward`: the four maxima at o4;
 * else (max_pool_backward whose windows tile the plane) dy at each window's taken tap, 0 at the
 * others, the rows of dx interleaved back. Locals as poolFunction's: xw, yw the windows' first
 * row in x and dx, yb y's plane, gb dy's, ox the first window's column, o4 its byte offset in y
 * (dy), i a scratch.
 */
function fourWindows(f: FunctionBody, W: number, l: Record<"xw" | "yw" | "yb" | "gb" | "ox" | "o4" | "i", number>) {
  const v128 = () => f.local(V128);
  const [a, b, e0, o0] = [v128(), v128(), v128(), v128()];
  const [e1, o1, v, m1] = [v128(), v128(), v128(), v128()];
  const [m2, m3, dy, zero] = [v128(), v128(), v128(), v128()];
  const EVEN = [0, 2, 4, 6];
  const ODD = [1, 3, 5, 7];
  return (forward: boolean) => {
    f.get(l.xw).get(l.ox).i32(8).mul().add().set(l.i);
    for (const [row, even, odd] of [
      [0, e0, o0],
      [W * 4, e1, o1],
    ] as const) {
      f.get(l.i)
        .v128Load(row)
        .set(a)
        .get(l.i)
        .v128Load(row + 16)
        .set(b);
      shuffle(f.get(a).get(b), EVEN).set(even);
      shuffle(f.get(a).get(b), ODD).set(odd);
    }
    if (forward) return void f.get(l.yb).get(l.o4).add().get(e0).get(o0).f32x4Pmax().get(e1).f32x4Pmax().get(o1).f32x4Pmax().v128Store();
    // m_k: tap k replaced the maximum so far; the tap taken is the last one that did (else tap 0).
    f.get(o0).get(e0).f32x4Gt().set(m1);
    f.get(e0).get(o0).f32x4Pmax().set(v);
    f.get(e1).get(v).f32x4Gt().set(m2);
    f.get(v).get(e1).f32x4Pmax().set(v);
    f.get(o1).get(v).f32x4Gt().set(m3);
    f.v128Zero().set(zero);
    f.get(l.gb).get(l.o4).add().v128Load().set(dy);
    // dy at the taken tap: o1 where m3; the rest, cleared where m3, to e1 where m2; and so on.
    const take = (m: number, out: number) => {
      f.get(dy).get(m).v128And().set(out);
      f.get(zero).get(dy).get(m).v128Bitselect().set(dy);
    };
    take(m3, o1);
    take(m2, e1);
    take(m1, o0);
    f.get(l.yw).get(l.ox).i32(8).mul().add().set(l.i);
    for (const [row, even, odd] of [
      [0, dy, o0],
      [W * 4, e1, o1],
    ] as const) {
      f.get(l.i);
      shuffle(f.get(even).get(odd), [0, 4, 1, 5]).v128Store(row);
      f.get(l.i);
      shuffle(f.get(even).get(odd), [2, 6, 3, 7]).v128Store(row + 16);
    }
  };
}

export function renderWasmPool(k: HeavyKernel<PoolOp>, env: KernelEnv, target: WasmTarget): Code {
  const g = env.g;
  const node = g.nodes[k.node]!;
  const arrays = k.inputs.map((s, i) => env.array(s, env.hint(resolve(g, node.inputs[i]!))));
  const out: Name = env.array({ kind: "slot", slot: k.out }, env.hint(node.id));
  const [c, h, w] = k.data.geometry;
  const images = shapeSizes(node.op === "avg_pool_backward" ? node.shape : g.nodes[node.inputs[0]!]!.shape, env.batch)[0]!;
  const planes = env.size(mul(images, { c, p: 0 }));
  const fn = target.functions.rowKernel(JSON.stringify([k.op, k.data.geometry]), () => poolFunction(k.op, k.data.geometry));
  const [a, b] = [js`${arrays[0]!}.byteOffset`, arrays[1] ? js`${arrays[1]}.byteOffset` : js`0`];
  return js`${comment(`${k.op} in WebAssembly, the (batch, channel) planes shared between the threads`)}runRows(${fn}, ${a}, ${b}, ${out}.byteOffset, 0, ${planes}, ${2 * h * w}, -1, 0, 0, 0, 0, 0, 0);`;
}
