// A small WebAssembly binary encoder: what the matmul kernels need and no more. LEB128 numbers,
// the type, function, memory, export and code sections, and a function body builder with the
// i32, f32 and 128-bit SIMD (f32x4) instructions used. Opcodes are the numbers of the core spec
// and of the SIMD proposal as standardized (prefix 0xfd). The output is checked by
// `WebAssembly.validate` in the tests; nothing here runs the code.

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`uleb: ${n} is not a u32`);
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new RangeError(`sleb: ${n} is not an i32`);
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: readonly number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A label depth for br / br_if, counted from the innermost enclosing block. */
export type Depth = number;

/** One function's instructions, appended in order; locals are declared as they are asked for. */
export class FunctionBody {
  readonly bytes: number[] = [];
  private readonly locals: ValType[] = [];
  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** A new local of type t; its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }
  private op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }
  private simd(code: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(code), ...imm);
  }
  private memarg(align: number, offset: number): number[] {
    return [...uleb(align), ...uleb(offset)];
  }

  // Control
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if(): this {
    return this.op(0x04, 0x40);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: Depth): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: Depth): this {
    return this.op(0x0d, ...uleb(depth));
  }

  // Locals
  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }

  // i32
  i32(n: number): this {
    return this.op(0x41, ...sleb(n | 0));
  }
  eqz(): this {
    return this.op(0x45);
  }
  eq(): this {
    return this.op(0x46);
  }
  ltS(): this {
    return this.op(0x48);
  }
  leS(): this {
    return this.op(0x4c);
  }
  gtS(): this {
    return this.op(0x4a);
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  and(): this {
    return this.op(0x71);
  }

  // Memory (offsets in bytes, alignment as a power of two)
  f32Load(offset = 0): this {
    return this.op(0x2a, ...this.memarg(2, offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, ...this.memarg(2, offset));
  }
  f32(x: number): this {
    const b = new Uint8Array(new Float32Array([x]).buffer);
    return this.op(0x43, ...b);
  }
  f32ConvertI32S(): this {
    return this.op(0xb2);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Mul(): this {
    return this.op(0x94);
  }

  // SIMD
  v128Load(offset = 0): this {
    return this.simd(0x00, ...this.memarg(4, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, ...this.memarg(4, offset));
  }
  /** v128.load32_zero / v128.load64_zero: one float or two, the other lanes zero. */
  v128Load32Zero(offset = 0): this {
    return this.simd(0x5c, ...this.memarg(2, offset));
  }
  v128Load64Zero(offset = 0): this {
    return this.simd(0x5d, ...this.memarg(3, offset));
  }
  /** v128.load32_lane: [address, vector] -> vector with lane `lane` loaded. */
  v128Load32Lane(lane: number, offset = 0): this {
    return this.simd(0x56, ...this.memarg(2, offset), lane);
  }
  /** v128.store32_lane / v128.store64_lane: [address, vector] -> (), one float or two. */
  v128Store32Lane(lane: number, offset = 0): this {
    return this.simd(0x5a, ...this.memarg(2, offset), lane);
  }
  v128Store64Lane(lane: number, offset = 0): this {
    return this.simd(0x5b, ...this.memarg(3, offset), lane);
  }
  /** v128.load32_splat: one float from memory into all four lanes (a broadcast load). */
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09, ...this.memarg(2, offset));
  }
  v128Zero(): this {
    return this.simd(0x0c, ...new Array<number>(16).fill(0));
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  f32x4Neg(): this {
    return this.simd(0xe1);
  }
  f32x4Sqrt(): this {
    return this.simd(0xe3);
  }
  /** min / max propagate NaN (as Math.min / Math.max); pmax(a, b) is b > a ? b : a. */
  f32x4Min(): this {
    return this.simd(0xe8);
  }
  f32x4Max(): this {
    return this.simd(0xe9);
  }
  f32x4Pmax(): this {
    return this.simd(0xeb);
  }
  f32x4Nearest(): this {
    return this.simd(0x6a);
  }
  /** Comparisons give all-ones lanes where true. */
  f32x4Gt(): this {
    return this.simd(0x44);
  }
  f32x4Lt(): this {
    return this.simd(0x43);
  }
  f32x4Ge(): this {
    return this.simd(0x46);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  /** [a, b, mask] -> a where mask bits are set, b elsewhere. */
  v128Bitselect(): this {
    return this.simd(0x52);
  }
  i32x4Splat(): this {
    return this.simd(0x11);
  }
  i32x4Add(): this {
    return this.simd(0xae);
  }
  i32x4Sub(): this {
    return this.simd(0xb1);
  }
  /** [vector, i32 count] -> each lane shifted right, keeping its sign. */
  i32x4ShrS(): this {
    return this.simd(0xac);
  }
  /** [vector, i32 count] -> each lane shifted left. */
  i32x4Shl(): this {
    return this.simd(0xab);
  }
  i32x4TruncSatF32x4S(): this {
    return this.simd(0xf8);
  }
  /** Relaxed SIMD (a later proposal; behind a flag in Node 20): a·b + c, fused where the hardware has FMA. */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }
  /** Two lanes of float64, for updates that must round exactly as JavaScript's float64 arithmetic does. */
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  f64x2Div(): this {
    return this.simd(0xf3);
  }
  f64x2Sqrt(): this {
    return this.simd(0xef);
  }
  /** The low two float32 lanes widened to float64, and back (rounded to nearest, upper lanes zero). */
  f64x2PromoteLowF32x4(): this {
    return this.simd(0x5f);
  }
  f32x4DemoteF64x2Zero(): this {
    return this.simd(0x5e);
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

export interface WasmFunction {
  readonly name: string;
  readonly body: FunctionBody;
}

/**
 * A module with one memory, exported as `memory`: its own (`pages` initial 64 KiB pages), or with
 * `shared`, a shared memory imported as env.memory (threads share it; it needs a maximum).
 * Every function is exported by name.
 */
export function encodeModule(functions: readonly WasmFunction[], pages = 1, shared?: { readonly maxPages: number }): Uint8Array {
  return assemble(functions, pages, shared && { maxPages: shared.maxPages, flags: 0x03 }).bytes;
}

/**
 * A module that imports its memory as env.memory (at least `pages`, at most `maxPages`), declared
 * shared; `flagsAt` is the byte of the declaration's flags: 0x03 there means shared, 0x01 not
 * shared, so one binary serves both (a browser page that is not cross-origin isolated has no
 * shared memory).
 */
export function encodeModuleImportingMemory(
  functions: readonly WasmFunction[],
  pages: number,
  maxPages: number,
): { bytes: Uint8Array; flagsAt: number } {
  return assemble(functions, pages, { maxPages, flags: 0x03 });
}

function assemble(
  functions: readonly WasmFunction[],
  pages: number,
  imported?: { readonly maxPages: number; readonly flags: number },
): { bytes: Uint8Array; flagsAt: number } {
  const types: string[] = [];
  const typeIndex = functions.map(({ body }) => {
    const key = JSON.stringify([body.params, body.results]);
    if (!types.includes(key)) types.push(key);
    return types.indexOf(key);
  });
  const typeSection = vec(
    types.map((t) => {
      const [params, results] = JSON.parse(t) as [number[], number[]];
      return [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
    }),
  );
  const exports = [[...utf8("memory"), 0x02, 0x00], ...functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)])];
  const head = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, typeSection)];
  let flagsAt = -1;
  let importSection: number[] = [];
  if (imported) {
    const entry = [...utf8("env"), ...utf8("memory"), 0x02];
    const body = vec([[...entry, imported.flags, ...uleb(pages), ...uleb(imported.maxPages)]]);
    importSection = section(2, body);
    // id, section size, entry count, then the entry up to its flags byte.
    flagsAt = head.length + 1 + uleb(body.length).length + uleb(1).length + entry.length;
  }
  const bytes = new Uint8Array([
    ...head,
    ...importSection,
    ...section(3, vec(typeIndex.map((t) => uleb(t)))),
    ...(imported ? [] : section(5, vec([[0x00, ...uleb(pages)]]))),
    ...section(7, vec(exports)),
    ...section(10, vec(functions.map((f) => f.body.encode()))),
  ]);
  return { bytes, flagsAt };
}
