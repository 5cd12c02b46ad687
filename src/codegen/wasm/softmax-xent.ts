// softmax_xent's WebAssembly function (kernels/softmax-xent.ts): (x, t, rows) -> Σ over rows of
// Σ_j t_j·(x_j - max - lse), the loss times -rows, in the reference's order per row: the row's
// max, its log-sum-exp, then the dot product with the targets. Four lanes at a time, the last
// 1-3 classes of a row with the other lanes masked out; each row's sum added in float64.
import { F64, FunctionBody, I32, V128 } from "./encode.js";
import { VectorEmitter } from "./vector.js";

export function softmaxXentFunction(classes: number): FunctionBody {
  const f = new FunctionBody([I32, I32, I32], [F64]);
  const [X, T, ROWS] = [0, 1, 2];
  const v = new VectorEmitter(f);
  const [i, j, xb, tb] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const [m, s, lse, d, lane0] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const total = f.local(F64);
  f.v128ConstI32([-1, 0, 0, 0]).set(lane0);
  const end = classes * 4;

  /** For each group of classes (4, then 1 at a time), `body` with the group's lanes; bytes at j from the row's start. */
  const across = (body: (lanes: 4 | 1) => void) => {
    f.i32(0).set(j);
    f.block().loop();
    f.get(j).i32(16).add().i32(end).gtS().brIf(1);
    body(4);
    f.get(j).i32(16).add().set(j).br(0);
    f.end().end();
    f.block().loop();
    f.get(j).i32(end).ltS().eqz().brIf(1);
    body(1);
    f.get(j).i32(4).add().set(j).br(0);
    f.end().end();
  };
  const load = (base: number, lanes: 4 | 1) => {
    f.get(base).get(j).add();
    if (lanes === 4) f.v128Load();
    else f.v128Load32Zero();
  };
  /** The value on the stack into `acc` by `op`, lanes past a one-element group set to `fill` first. */
  const fold = (acc: number, lanes: 4 | 1, fill: number, op: "add" | "max") => {
    if (lanes === 1) {
      v.splat(fill);
      f.get(lane0).v128Bitselect();
    }
    const sum = f.local(V128);
    f.set(sum).get(acc).get(sum);
    if (op === "add") f.f32x4Add();
    else f.f32x4Max();
    f.set(acc);
  };
  /** The four lanes of `acc` combined, as a float32 on the stack. */
  const lanes = (acc: number, op: "add" | "max") => {
    const both = () => (op === "add" ? f.f32Add() : f.f32Max());
    f.get(acc).f32x4ExtractLane(0).get(acc).f32x4ExtractLane(1);
    both();
    f.get(acc).f32x4ExtractLane(2).get(acc).f32x4ExtractLane(3);
    both();
    both();
  };

  f.i32(0).set(i);
  f.block().loop();
  f.get(i).get(ROWS).ltS().eqz().brIf(1);
  f.get(X).get(i).i32(end).mul().add().set(xb);
  f.get(T).get(i).i32(end).mul().add().set(tb);
  // the row's max
  v.splat(-Infinity).f.set(m);
  across((n) => {
    load(xb, n);
    fold(m, n, -Infinity, "max");
  });
  lanes(m, "max");
  f.f32x4Splat().set(m);
  // log Σ exp(x - max)
  v.splat(0).f.set(s);
  across((n) => {
    load(xb, n);
    f.get(m).f32x4Sub();
    v.exp();
    fold(s, n, 0, "add");
  });
  lanes(s, "add");
  f.f32x4Splat();
  v.log();
  f.set(lse);
  // Σ t (x - max - lse)
  v.splat(0).f.set(d);
  across((n) => {
    load(xb, n);
    f.get(m).f32x4Sub().get(lse).f32x4Sub();
    load(tb, n);
    f.f32x4Mul();
    fold(d, n, 0, "add");
  });
  f.get(total);
  lanes(d, "add");
  f.f64PromoteF32().f64Add().set(total);
  f.get(i).i32(1).add().set(i).br(0);
  f.end().end();
  f.get(total);
  return f;
}
