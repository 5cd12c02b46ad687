// One wasm function's instructions, appended in order by name (the i32, f32 and 128-bit SIMD
// (f32x4, f64x2) instructions the kernels use), as bytes and as text for listings. Opcodes are the
// numbers of the core spec and of the SIMD proposal as standardized (prefix 0xfd).
import { sleb, uleb, vec } from "./leb.js";

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** A label depth for br / br_if, counted from the innermost enclosing block. */
export type Depth = number;

/** One function's instructions, appended in order; locals are declared as they are asked for. */
export class FunctionBody {
  readonly bytes: number[] = [];
  /** The instructions as text, one per entry (wasm's text format, unfolded): for listings. */
  readonly text: string[] = [];
  readonly locals: ValType[] = [];
  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** A new local of type t; its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }
  private op(text: string, ...bytes: number[]): this {
    this.bytes.push(...bytes);
    this.text.push(text);
    return this;
  }
  private simd(text: string, code: number, ...imm: number[]): this {
    return this.op(text, 0xfd, ...uleb(code), ...imm);
  }
  private memarg(align: number, offset: number): number[] {
    return [...uleb(align), ...uleb(offset)];
  }

  // Control
  block(): this {
    return this.op("block", 0x02, 0x40);
  }
  loop(): this {
    return this.op("loop", 0x03, 0x40);
  }
  if(): this {
    return this.op("if", 0x04, 0x40);
  }
  else(): this {
    return this.op("else", 0x05);
  }
  end(): this {
    return this.op("end", 0x0b);
  }
  br(depth: Depth): this {
    return this.op(`br ${depth}`, 0x0c, ...uleb(depth));
  }
  brIf(depth: Depth): this {
    return this.op(`br_if ${depth}`, 0x0d, ...uleb(depth));
  }

  // Locals
  get(i: number): this {
    return this.op(`local.get ${i}`, 0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(`local.set ${i}`, 0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(`local.tee ${i}`, 0x22, ...uleb(i));
  }

  // i32
  i32(n: number): this {
    return this.op(`i32.const ${n}`, 0x41, ...sleb(n | 0));
  }
  eqz(): this {
    return this.op("i32.eqz", 0x45);
  }
  eq(): this {
    return this.op("i32.eq", 0x46);
  }
  ltS(): this {
    return this.op("i32.lt_s", 0x48);
  }
  leS(): this {
    return this.op("i32.le_s", 0x4c);
  }
  gtS(): this {
    return this.op("i32.gt_s", 0x4a);
  }
  add(): this {
    return this.op("i32.add", 0x6a);
  }
  sub(): this {
    return this.op("i32.sub", 0x6b);
  }
  mul(): this {
    return this.op("i32.mul", 0x6c);
  }
  and(): this {
    return this.op("i32.and", 0x71);
  }

  // Memory (offsets in bytes, alignment as a power of two)
  f32Load(offset = 0): this {
    return this.op(`f32.load ${offset}`, 0x2a, ...this.memarg(2, offset));
  }
  f32Store(offset = 0): this {
    return this.op(`f32.store ${offset}`, 0x38, ...this.memarg(2, offset));
  }
  f32(x: number): this {
    const b = new Uint8Array(new Float32Array([x]).buffer);
    return this.op(`f32.const ${x}`, 0x43, ...b);
  }
  f32ConvertI32S(): this {
    return this.op("f32.convert_i32_s", 0xb2);
  }
  f32Add(): this {
    return this.op("f32.add", 0x92);
  }
  f32Mul(): this {
    return this.op("f32.mul", 0x94);
  }
  f32Min(): this {
    return this.op("f32.min", 0x96);
  }
  f32Max(): this {
    return this.op("f32.max", 0x97);
  }
  f64PromoteF32(): this {
    return this.op("f64.promote_f32", 0xbb);
  }
  f64Add(): this {
    return this.op("f64.add", 0xa0);
  }

  // SIMD
  v128Load(offset = 0): this {
    return this.simd(`v128.load ${offset}`, 0x00, ...this.memarg(4, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(`v128.store ${offset}`, 0x0b, ...this.memarg(4, offset));
  }
  /** v128.load32_zero / v128.load64_zero: one float or two, the other lanes zero. */
  v128Load32Zero(offset = 0): this {
    return this.simd(`v128.load32_zero ${offset}`, 0x5c, ...this.memarg(2, offset));
  }
  v128Load64Zero(offset = 0): this {
    return this.simd(`v128.load64_zero ${offset}`, 0x5d, ...this.memarg(3, offset));
  }
  /** v128.load32_lane: [address, vector] -> vector with lane `lane` loaded. */
  v128Load32Lane(lane: number, offset = 0): this {
    return this.simd(`v128.load32_lane ${lane} ${offset}`, 0x56, ...this.memarg(2, offset), lane);
  }
  /** v128.store32_lane / v128.store64_lane: [address, vector] -> (), one float or two. */
  v128Store32Lane(lane: number, offset = 0): this {
    return this.simd(`v128.store32_lane ${lane} ${offset}`, 0x5a, ...this.memarg(2, offset), lane);
  }
  v128Store64Lane(lane: number, offset = 0): this {
    return this.simd(`v128.store64_lane ${lane} ${offset}`, 0x5b, ...this.memarg(3, offset), lane);
  }
  /** v128.load32_splat: one float from memory into all four lanes (a broadcast load). */
  v128Load32Splat(offset = 0): this {
    return this.simd(`v128.load32_splat ${offset}`, 0x09, ...this.memarg(2, offset));
  }
  v128Zero(): this {
    return this.simd("v128.const 0", 0x0c, ...new Array<number>(16).fill(0));
  }
  /** A 128-bit constant from four 32-bit lanes (masks). */
  v128ConstI32(lanes: readonly [number, number, number, number]): this {
    const b = new Uint8Array(new Int32Array(lanes).buffer);
    return this.simd(`v128.const i32x4 ${lanes.join(" ")}`, 0x0c, ...b);
  }
  f32x4ExtractLane(lane: number): this {
    return this.simd(`f32x4.extract_lane ${lane}`, 0x1f, lane);
  }
  f32x4Splat(): this {
    return this.simd("f32x4.splat", 0x13);
  }
  f32x4Add(): this {
    return this.simd("f32x4.add", 0xe4);
  }
  f32x4Mul(): this {
    return this.simd("f32x4.mul", 0xe6);
  }
  f32x4Sub(): this {
    return this.simd("f32x4.sub", 0xe5);
  }
  f32x4Div(): this {
    return this.simd("f32x4.div", 0xe7);
  }
  f32x4Neg(): this {
    return this.simd("f32x4.neg", 0xe1);
  }
  f32x4Sqrt(): this {
    return this.simd("f32x4.sqrt", 0xe3);
  }
  /** min / max propagate NaN (as Math.min / Math.max); pmax(a, b) is b > a ? b : a. */
  f32x4Min(): this {
    return this.simd("f32x4.min", 0xe8);
  }
  f32x4Max(): this {
    return this.simd("f32x4.max", 0xe9);
  }
  /** pmin(a, b) is b < a ? b : a: one instruction on x64, where min's NaN and -0 rules take several. */
  f32x4Pmin(): this {
    return this.simd("f32x4.pmin", 0xea);
  }
  f32x4Pmax(): this {
    return this.simd("f32x4.pmax", 0xeb);
  }
  /** Comparisons give all-ones lanes where true. */
  f32x4Gt(): this {
    return this.simd("f32x4.gt", 0x44);
  }
  f32x4Lt(): this {
    return this.simd("f32x4.lt", 0x43);
  }
  f32x4Ge(): this {
    return this.simd("f32x4.ge", 0x46);
  }
  v128And(): this {
    return this.simd("v128.and", 0x4e);
  }
  /** Each lane's integer as the nearest float. */
  f32x4ConvertI32x4S(): this {
    return this.simd("f32x4.convert_i32x4_s", 0xfa);
  }
  /** [a, b, mask] -> a where mask bits are set, b elsewhere. */
  v128Bitselect(): this {
    return this.simd("v128.bitselect", 0x52);
  }
  i32x4Splat(): this {
    return this.simd("i32x4.splat", 0x11);
  }
  i32x4Add(): this {
    return this.simd("i32x4.add", 0xae);
  }
  i32x4Sub(): this {
    return this.simd("i32x4.sub", 0xb1);
  }
  /** [vector, i32 count] -> each lane shifted right, keeping its sign. */
  i32x4ShrS(): this {
    return this.simd("i32x4.shr_s", 0xac);
  }
  /** [vector, i32 count] -> each lane shifted left. */
  i32x4Shl(): this {
    return this.simd("i32x4.shl", 0xab);
  }
  /** Bytes 0-7 (low) or 8-15 (high) as unsigned 16-bit lanes; likewise 16-bit lanes to 32-bit ones. */
  i16x8ExtendI8x16U(half: "low" | "high"): this {
    return this.simd(`i16x8.extend_${half}_i8x16_u`, half === "low" ? 0x89 : 0x8a);
  }
  i32x4ExtendI16x8U(half: "low" | "high"): this {
    return this.simd(`i32x4.extend_${half}_i16x8_u`, half === "low" ? 0xa9 : 0xaa);
  }
  /** Relaxed SIMD (a later proposal; behind a flag in Node 20): a·b + c, fused where the hardware has FMA. */
  f32x4RelaxedMadd(): this {
    return this.simd("f32x4.relaxed_madd", 0x105);
  }
  /** Two lanes of float64, for updates that must round exactly as JavaScript's float64 arithmetic does. */
  f64x2Splat(): this {
    return this.simd("f64x2.splat", 0x14);
  }
  f64x2Add(): this {
    return this.simd("f64x2.add", 0xf0);
  }
  f64x2Sub(): this {
    return this.simd("f64x2.sub", 0xf1);
  }
  f64x2Mul(): this {
    return this.simd("f64x2.mul", 0xf2);
  }
  /** The low two float32 lanes widened to float64, and back (rounded to nearest, upper lanes zero). */
  f64x2PromoteLowF32x4(): this {
    return this.simd("f64x2.promote_low_f32x4", 0x5f);
  }
  f32x4DemoteF64x2Zero(): this {
    return this.simd("f32x4.demote_f64x2_zero", 0x5e);
  }

  /** The code-section entry: size, run-length encoded locals, instructions, end. */
  encode(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.locals.length;) {
      let j = i;
      while (j < this.locals.length && this.locals[j] === this.locals[i]) j++;
      groups.push([...uleb(j - i), this.locals[i]!]);
      i = j;
    }
    const body = [...vec(groups), ...this.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  }
}
