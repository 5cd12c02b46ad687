// Plain float64 tensors for the reference interpreter: row-major data and a concrete shape.
// Clarity beats speed here: these are the oracle that compiled kernels are tested against.

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor {
  const n = sizeOf(shape);
  const d = new Float64Array(n);
  if (data) {
    if (data.length !== n) throw new Error(`tensor of shape [${shape.join(", ")}] needs ${n} values, got ${data.length}`);
    d.set(data);
  }
  return { shape: [...shape], data: d };
}

export function scalar(v: number): Tensor {
  return { shape: [], data: Float64Array.of(v) };
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

export function map(a: Tensor, f: (x: number) => number): Tensor {
  return { shape: a.shape, data: a.data.map(f) };
}

/** numpy broadcasting of two shapes; undefined when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Reads `a` as if broadcast to `shape`: the flat index into a.data for each output index. */
function broadcastIndex(a: readonly number[], shape: readonly number[]): Int32Array {
  const n = sizeOf(shape);
  const idx = new Int32Array(n);
  const aStrides = stridesOf(a);
  const offset = shape.length - a.length;
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let d = 0; d < a.length; d++) {
      if (a[d] !== 1) j += coord[d + offset]! * aStrides[d]!;
    }
    idx[i] = j;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d]! < shape[d]!) break;
      coord[d] = 0;
    }
  }
  return idx;
}

export function broadcastTo(a: Tensor, shape: readonly number[]): Tensor {
  const idx = broadcastIndex(a.shape, shape);
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a.data[idx[i]!]!;
  return { shape: [...shape], data: out };
}

export function zip(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) throw new Error(`shapes [${a.shape}] and [${b.shape}] do not broadcast`);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = new Float64Array(ia.length);
  for (let i = 0; i < out.length; i++) out[i] = f(a.data[ia[i]!]!, b.data[ib[i]!]!);
  return { shape, data: out };
}

/** Reduces over `axes` with `f`, starting from `init`. */
export function reduce(a: Tensor, axes: readonly number[], keepdims: boolean, init: number, f: (acc: number, x: number) => number): Tensor {
  const kept = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(sizeOf(kept)).fill(init);
  const idx = broadcastIndex(kept, a.shape);
  for (let i = 0; i < a.data.length; i++) out[idx[i]!] = f(out[idx[i]!]!, a.data[i]!);
  const shape = keepdims ? kept : a.shape.filter((_, i) => !axes.includes(i));
  return { shape, data: out };
}

export function transpose(a: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => a.shape[p]!);
  const inStrides = stridesOf(a.shape);
  const out = new Float64Array(a.data.length);
  const coord = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let j = 0;
    for (let d = 0; d < shape.length; d++) j += coord[d]! * inStrides[perm[d]!]!;
    out[i] = a.data[j]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d]! < shape[d]!) break;
      coord[d] = 0;
    }
  }
  return { shape, data: out };
}

/** op(A) @ op(B) for 2-D tensors, op = transpose when the flag is set (read through strides). */
export function matmul(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const [ar, ac] = a.shape as [number, number];
  const [br, bc] = b.shape as [number, number];
  const [m, k] = transA ? [ac, ar] : [ar, ac];
  const n = transB ? br : bc;
  // Element (i, p) of op(A) and (p, j) of op(B) in row-major storage.
  const [ai, ap] = transA ? [1, ac] : [ac, 1];
  const [bp, bj] = transB ? [1, bc] : [bc, 1];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[i * ai + p * ap]! * b.data[p * bp + j * bj]!;
      out[i * n + j] = s;
    }
  }
  return { shape: [m, n], data: out };
}
