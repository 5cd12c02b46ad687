// What an elementwise op's WebAssembly kernel writes with (the `wasm` of a map kernel in its
// OpDef): four float32 lanes at a time, arguments in v128 locals, the result left on the stack.
// Arithmetic is float32 (the JS kernels compute in float64 and round once on store), and `exp` is
// a polynomial (Cephes' expf: range reduction by ln 2, a degree-5 polynomial; within 2 ulp of
// float32 over its whole range, subnormals and overflow included: test/codegen/wasm-ops.test.ts),
// so results differ from the JS backend's by float32 rounding, within the wasm
// backend's tolerance.
import { FunctionBody, V128 } from "./encode.js";

/** exp's input range: e^-104 is below float32's smallest subnormal, e^88.72 its largest finite value; beyond, +Infinity. */
const LOW = -104;
const HIGH = 88.72283935546875;
/** 1.5·2^23: a float32 in [2^23, 2^24), where floats are the integers; its bits. */
const ROUNDER = 12582912;
const ROUNDER_BITS = 0x4b400000;

export class VectorEmitter {
  constructor(readonly f: FunctionBody) {}

  get(local: number): this {
    this.f.get(local);
    return this;
  }
  /** A constant in every lane. */
  splat(c: number): this {
    this.f.f32(c).f32x4Splat();
    return this;
  }
  temp(): number {
    return this.f.local(V128);
  }

  /** The vector on the stack -> e^x in each lane. */
  exp(): this {
    const f = this.f;
    const k = (c: number) => f.f32(c).f32x4Splat();
    const [input, x, n, t, y] = [this.temp(), this.temp(), this.temp(), this.temp(), this.temp()];
    f.set(input);
    // x = clamp(input), by pmin and pmax (single instructions; a NaN input stays NaN: it is their
    // first operand); n = round(x / ln 2) by adding and subtracting 1.5·2^23, whose ulp is 1, so
    // that t's low bits hold n as an integer; x -= n ln 2, in two parts for accuracy
    f.get(input);
    k(HIGH).f32x4Pmin();
    k(LOW).f32x4Pmax().set(x);
    f.get(x);
    k(Math.LOG2E).f32x4Mul();
    k(ROUNDER).f32x4Add().tee(t);
    k(ROUNDER).f32x4Sub().set(n);
    f.get(x).get(n);
    k(0.693359375).f32x4Mul().f32x4Sub().get(n);
    k(-2.1219444e-4).f32x4Mul().f32x4Sub().set(x);
    // e^x ≈ 1 + x + x²·P(x) on |x| ≤ ln 2 / 2
    k(1.98756915e-4);
    for (const c of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) {
      f.get(x).f32x4Mul();
      k(c).f32x4Add();
    }
    f.get(x).get(x).f32x4Mul().f32x4Mul().get(x).f32x4Add();
    k(1).f32x4Add().set(y);
    // times 2^n as 2^(n >> 1) · 2^(n - (n >> 1)), two normal powers of two built from exponent bits,
    // so that the product over- and underflows (to subnormals) as float32 does
    f.get(t).i32(ROUNDER_BITS).i32x4Splat().i32x4Sub().set(t);
    const power = (emit: () => void) => {
      emit();
      f.i32(127).i32x4Splat().i32x4Add().i32(23).i32x4Shl().f32x4Mul();
    };
    f.get(y);
    power(() => f.get(t).i32(1).i32x4ShrS());
    power(() => f.get(t).get(t).i32(1).i32x4ShrS().i32x4Sub());
    f.set(y);
    // +Infinity where the input was above the range (bitselect: the first where the mask is set)
    k(Infinity).get(y).get(input);
    k(HIGH).f32x4Gt().v128Bitselect();
    return this;
  }

  /**
   * The vector on the stack -> ln x in each lane, for positive normal finite x only (softmax's
   * log-sum-exp, whose sum is at least 1): Cephes' logf, x = m·2^e with m in [√½, √2), then
   * ln m by a degree-8 polynomial in m - 1 (within 2 ulp of float32), plus e·ln 2 in two parts.
   */
  log(): this {
    const f = this.f;
    const k = (c: number) => f.f32(c).f32x4Splat();
    const [input, e, m, z, y] = [this.temp(), this.temp(), this.temp(), this.temp(), this.temp()];
    f.set(input);
    // m in [0.5, 1) from the mantissa bits, e the exponent to match
    f.get(input).i32(23).i32x4ShrS().i32(126).i32x4Splat().i32x4Sub().set(e);
    f.get(input).i32(0x007fffff).i32x4Splat().v128And().i32(0x3f000000).i32x4Splat().i32x4Add().set(m);
    // below √½: one more halving (the all-ones mask is -1 as an integer) and x = 2m - 1, else x = m - 1
    f.get(m);
    k(Math.SQRT1_2).f32x4Lt().set(z);
    f.get(e).get(z).i32x4Add().f32x4ConvertI32x4S().set(e);
    f.get(m);
    k(1).f32x4Sub().get(m).get(z).v128And().f32x4Add().set(m);
    f.get(m).get(m).f32x4Mul().set(z);
    k(7.0376836292e-2);
    for (const c of [
      -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
      3.3333331174e-1,
    ]) {
      f.get(m).f32x4Mul();
      k(c).f32x4Add();
    }
    f.get(m).f32x4Mul().get(z).f32x4Mul();
    f.get(e);
    k(-2.1219444e-4).f32x4Mul().f32x4Add();
    f.get(z);
    k(-0.5).f32x4Mul().f32x4Add().set(y);
    f.get(m).get(y).f32x4Add().get(e);
    k(0.693359375).f32x4Mul().f32x4Add();
    return this;
  }
}
