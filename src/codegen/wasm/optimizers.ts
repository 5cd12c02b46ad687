// The built-in optimizers' updates in WebAssembly, over params, gradients and state that live in
// the arena: SGD, Momentum/Nesterov and Adam (src/runtime/optimizers.ts holds their definitions and the JS loops
// these replace). Momentum runs two elements at a time in float64 lanes (f64x2), each value
// widened from float32, computed with the same operations in the same order as the JS loop and
// rounded back on store, so the result is the JS loop's to the bit. SGD runs four at a time in
// float32 lanes, as numpy does on float32 arrays. Adam, whose sqrt and
// divide made it 12% of the 5-layer net's step that way, runs four at a time in float32 lanes
// (f32x4), 3.9x as fast, within float32 rounding of the JS loop; a run stays deterministic, and a
// resumed run equals the unbroken one because its state goes back into the arena (stateIn).
import { F64, FunctionBody, I32, V128 } from "./encode.js";

/**
 * A pass over arrays of float32 at byte offsets, a vector of elements at a time, then one at a time
 * for the rest: two in float64 lanes ("f64x2": each value widened on load, rounded on store) or
 * four in float32 lanes ("f32x4"). `body` computes with the `load`s and writes with `store`.
 */
function elementwise(
  f: FunctionBody,
  n: number,
  lanes: "f64x2" | "f32x4",
  body: (load: (base: number) => void, store: (base: number, value: () => void) => void) => void,
): void {
  const wide = lanes === "f64x2";
  const i = f.local(I32); // byte offset of the current element
  const end = f.local(I32);
  f.get(n).i32(4).mul().set(end);
  const pass = (one: boolean) => {
    const step = one ? 4 : wide ? 8 : 16;
    const load = (base: number) => {
      f.get(base).get(i).add();
      if (one) f.v128Load32Zero();
      else if (wide) f.v128Load64Zero();
      else f.v128Load();
      if (wide) f.f64x2PromoteLowF32x4();
    };
    const store = (base: number, value: () => void) => {
      f.get(base).get(i).add();
      value();
      if (wide) f.f32x4DemoteF64x2Zero();
      if (one) f.v128Store32Lane(0);
      else if (wide) f.v128Store64Lane(0);
      else f.v128Store();
    };
    f.block().loop();
    f.get(i).i32(step).add().get(end).gtS().brIf(1);
    body(load, store);
    f.get(i).i32(step).add().set(i).br(0);
    f.end().end();
  };
  f.i32(0).set(i);
  pass(false);
  pass(true);
}

/**
 * sgd(p, g, n, lr): p -= lr · g, four elements at a time in float32 lanes, lr rounded to float32:
 * the book's numpy loop on float32 arrays (`params[key] -= learning_rate * grads[key]`) to the bit,
 * and within a float32 rounding of p of nnc's JS loop (which rounds once, from float64). Twice as
 * fast as float64 lanes: 7% of the TwoLayerNet step that way.
 */
export function sgdFunction(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, F64]);
  const [P, G, N, LR] = [0, 1, 2, 3];
  const lr = f.local(V128);
  splat32(f, LR, lr);
  elementwise(f, N, "f32x4", (load, store) => {
    store(P, () => {
      load(P);
      f.get(lr);
      load(G);
      f.f32x4Mul().f32x4Sub();
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
    elementwise(f, N, "f64x2", (load, store) => {
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

/** A float64 argument as four float32 lanes. */
function splat32(f: FunctionBody, from: number, to: number): void {
  f.get(from).f64x2Splat().f32x4DemoteF64x2Zero().f32x4ExtractLane(0).f32x4Splat().set(to);
}

/**
 * adam(p, g, m, v, n, lrT, c1, c2, eps, decay), c1 = 1 - β1, c2 = 1 - β2, in float32 lanes:
 *   m += c1 (g - m);  v += c2 (g² - v);  p -= lrT m / (√v + eps) + decay p
 * Four elements at a time with f32x4's sqrt and divide, 2-3x as fast as two in float64 lanes. It
 * rounds each operation to float32 where the JS loop rounds only the stored m, v and p, so the two
 * differ by a few float32 roundings of each step's update (test/codegen/wasm-arena.test.ts).
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
    splat32(f, from, to);
  elementwise(f, N, "f32x4", (load, store) => {
    load(G);
    f.set(g);
    // m += c1 (g - m)
    store(M, () => {
      load(M);
      f.tee(m).get(c1).get(g).get(m).f32x4Sub().f32x4Mul().f32x4Add().tee(m);
    });
    // v += c2 (g² - v)
    store(V, () => {
      load(V);
      f.tee(v).get(c2).get(g).get(g).f32x4Mul().get(v).f32x4Sub().f32x4Mul().f32x4Add().tee(v);
    });
    // p -= lrT m / (√v + eps) + decay p
    store(P, () => {
      load(P);
      f.tee(p)
        .get(lrT)
        .get(m)
        .f32x4Mul()
        .get(v)
        .f32x4Sqrt()
        .get(eps)
        .f32x4Add()
        .f32x4Div()
        .get(decay)
        .get(p)
        .f32x4Mul()
        .f32x4Add()
        .f32x4Sub();
    });
  });
  return f;
}
