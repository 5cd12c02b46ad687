// The packing of a matmul's B operand when it is not stored as [k × n] rows (Wᵀ in a backward
// product): pack(dst, src, k, n, inner, col) writes dst[p·n + j] = src[p·inner + j·col], byte
// offsets in the arena, one float at a time. In JS (arena.ts's packB over a typed array) the
// same loop took 4% of the 5-layer net's step.
import { FunctionBody, I32 } from "./encode.js";

export function packFunction(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32]);
  const [DST, SRC, K, N, INNER, COL] = [0, 1, 2, 3, 4, 5];
  const [p, j, to, from, step] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  f.get(COL).i32(4).mul().set(step);
  f.i32(0).set(p);
  f.block().loop();
  f.get(p).get(K).ltS().eqz().brIf(1);
  f.get(DST).get(p).get(N).mul().i32(4).mul().add().set(to);
  f.get(SRC).get(p).get(INNER).mul().i32(4).mul().add().set(from);
  f.i32(0).set(j);
  f.block().loop();
  f.get(j).get(N).ltS().eqz().brIf(1);
  f.get(to).get(from).f32Load().f32Store();
  f.get(to).i32(4).add().set(to);
  f.get(from).get(step).add().set(from);
  f.get(j).i32(1).add().set(j).br(0);
  f.end().end();
  f.get(p).i32(1).add().set(p).br(0);
  f.end().end();
  return f;
}
