// The built-in optimizers' updates in WebAssembly, over params, gradients and state that live in
// the arena: SGD, Momentum/Nesterov and Adam (src/runtime/optimizers.ts holds their definitions and the JS loops
// these replace). Two elements at a time in float64 lanes (f64x2), each value widened from
// float32, computed with the same operations in the same order as the JS loop and rounded back
// on store, so the result is the JS loop's to the bit: a run gives the same params whichever
// path updated them (a resumed run's state, outside the arena, takes the JS loop). The gain is
// the vector sqrt and divide of Adam, about twice the JS loop's speed.
import { F64, FunctionBody, I32, V128 } from "./encode.js";

/** A two-element (or, with `one`, one-element) pass over arrays of float32 at byte offsets. */
function pairs(
  f: FunctionBody,
  n: number,
  body: (load: (base: number) => void, store: (base: number, value: () => void) => void) => void,
): void {
  const i = f.local(I32); // byte offset of the current element
  const end = f.local(I32);
  f.get(n).i32(4).mul().set(end);
  const pass = (one: boolean) => {
    const load = (base: number) => {
      f.get(base).get(i).add();
      if (one) f.v128Load32Zero();
      else f.v128Load64Zero();
      f.f64x2PromoteLowF32x4();
    };
    const store = (base: number, value: () => void) => {
      f.get(base).get(i).add();
      value();
      f.f32x4DemoteF64x2Zero();
      if (one) f.v128Store32Lane(0);
      else f.v128Store64Lane(0);
    };
    body(load, store);
  };
  f.i32(0).set(i);
  f.block().loop();
  f.get(i).i32(8).add().get(end).gtS().brIf(1);
  pass(false);
  f.get(i).i32(8).add().set(i).br(0);
  f.end().end();
  f.get(i).get(end).ltS().if();
  pass(true);
  f.end();
}

/** sgd(p, g, n, lr): p -= lr · g. */
export function sgdFunction(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, F64]);
  const [P, G, N, LR] = [0, 1, 2, 3];
  const lr = f.local(V128);
  f.get(LR).f64x2Splat().set(lr);
  pairs(f, N, (load, store) => {
    store(P, () => {
      load(P);
      f.get(lr);
      load(G);
      f.f64x2Mul().f64x2Sub();
    });
  });
  return f;
}

/**
 * momentum(p, g, v, n, momentum, lr, a, b, nesterov), with the velocity v read back as stored:
 *   v = momentum v - lr g;  p += v (Momentum), or p += a v - b g (Nesterov: a = momentum², b = (1 + momentum) lr)
 */
export function momentumFunction(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, F64, F64, F64, F64, I32]);
  const [P, G, V, N, MOMENTUM, LR, A, B, NESTEROV] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [momentum, lr, a, b, g, v] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  for (const [from, to] of [
    [MOMENTUM, momentum],
    [LR, lr],
    [A, a],
    [B, b],
  ] as const)
    f.get(from).f64x2Splat().set(to);
  const pass = (nesterov: boolean) =>
    pairs(f, N, (load, store) => {
      load(G);
      f.set(g);
      store(V, () => {
        f.get(momentum);
        load(V);
        f.f64x2Mul().get(lr).get(g).f64x2Mul().f64x2Sub();
      });
      load(V);
      f.set(v);
      store(P, () => {
        load(P);
        if (nesterov) f.get(a).get(v).f64x2Mul().get(b).get(g).f64x2Mul().f64x2Sub();
        else f.get(v);
        f.f64x2Add();
      });
    });
  f.get(NESTEROV).if();
  pass(true);
  f.else();
  pass(false);
  f.end();
  return f;
}

/**
 * adam(p, g, m, v, n, lrT, c1, c2, eps, decay), c1 = 1 - β1, c2 = 1 - β2:
 *   m += c1 (g - m);  v += c2 (g² - v);  p -= lrT m / (√v + eps) + decay p
 * with m and v read back as stored (float32), as the JS loop reads them.
 */
export function adamFunction(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, F64, F64, F64, F64, F64]);
  const [P, G, M, V, N, LRT, C1, C2, EPS, DECAY] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const vector = () => f.local(V128);
  const [lrT, c1, c2, eps, decay, g, m, v, p] = [vector(), vector(), vector(), vector(), vector(), vector(), vector(), vector(), vector()];
  for (const [from, to] of [
    [LRT, lrT],
    [C1, c1],
    [C2, c2],
    [EPS, eps],
    [DECAY, decay],
  ] as const)
    f.get(from).f64x2Splat().set(to);
  pairs(f, N, (load, store) => {
    load(G);
    f.set(g);
    // m += c1 (g - m), then m as stored
    store(M, () => {
      load(M);
      f.tee(m).get(c1).get(g).get(m).f64x2Sub().f64x2Mul().f64x2Add();
    });
    load(M);
    f.set(m);
    // v += c2 (g² - v), then v as stored
    store(V, () => {
      load(V);
      f.tee(v).get(c2).get(g).get(g).f64x2Mul().get(v).f64x2Sub().f64x2Mul().f64x2Add();
    });
    load(V);
    f.set(v);
    // p -= lrT m / (√v + eps) + decay p
    store(P, () => {
      load(P);
      f.tee(p)
        .get(lrT)
        .get(m)
        .f64x2Mul()
        .get(v)
        .f64x2Sqrt()
        .get(eps)
        .f64x2Add()
        .f64x2Div()
        .get(decay)
        .get(p)
        .f64x2Mul()
        .f64x2Add()
        .f64x2Sub();
    });
  });
  return f;
}
