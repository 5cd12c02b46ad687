// The matmul kernel: C = op(A) op(B) with register tiles. Each tile of R rows × C columns keeps
// its R·C sums in locals across the whole inner dimension, loading R values of A and C of B per
// step, so memory traffic per multiply-add drops R·C/(R+C)-fold. Transposed operands are read in
// place through strides (no transpose is materialized); the sums run over p in order, as the
// reference does. Remainders get narrower tiles. A fused epilogue runs on each block of rows
// right after it is computed, while it is still in cache.
import { Code, comment, js, lines, type Name } from "../../code.js";
import type { KernelEnv } from "../../env.js";
import type { Size } from "../../plan.js";
import { resolve } from "../../schedule.js";
import { mul } from "../../size.js";
import type { EpilogueRows, HeavyKernel } from "../types.js";

type MatmulKernel = HeavyKernel<"matmul">;

/** The arrays a matmul reads and writes, named after the .nn values they hold (JS and wasm backends). */
export function matmulArrays(k: MatmulKernel, env: KernelEnv): { A: Name; B: Name; C: Name } {
  const g = env.g;
  const node = g.nodes[k.node]!;
  const [aNode, bNode] = node.inputs.map((i) => g.nodes[i]!);
  const A = env.array(k.inputs[0]!, env.hint(resolve(g, aNode!.id)));
  const B = env.array(k.inputs[1]!, env.hint(resolve(g, bNode!.id)));
  // C is named after what it holds at the end: the epilogue's result when written in place.
  const inPlace = k.epilogue?.steps.find((s) => s.kind === "store" && s.slot === k.out);
  const C = env.array({ kind: "slot", slot: k.out }, env.hint(inPlace?.node ?? node.id));
  return { A, B, C };
}

export function renderMatmul(mk: MatmulKernel, env: KernelEnv, epilogue?: EpilogueRows): Code {
  const { A, B, C } = matmulArrays(mk, env);
  const k = mk.data;
  const [i, end] = [env.local("i"), env.local("end")];
  // The epilogue first, so its arrays get their names before the tile's locals take theirs.
  const { rows: R, cols: NC } = k.tile;
  const blocks = R > 1 && !divides(k.m, R);
  const ep = epilogue?.({ start: js`${i}`, end: js`${end}` });
  const [j, r, p, pa, pb, o] = ["j", "r", "p", "pa", "pb", "o"].map((h) => env.local(h)) as [Name, Name, Name, Name, Name, Name];
  const acc = Array.from({ length: R }, (_, x) => Array.from({ length: NC }, (_, y) => env.local(`c${x}${y}`)));
  const av = Array.from({ length: R }, (_, x) => env.local(`u${x}`));
  const bv = Array.from({ length: NC }, (_, y) => env.local(`v${y}`));
  const size = (s: Size) => env.size(s);
  const times = (v: Name, s: Size): Code => (s.c === 1 && s.p === 0 ? js`${v}` : js`${v} * ${size(s)}`);
  /** base + x·stride + y, with constant parts added up: `pa + 1568`, `o + batch + 1`. */
  const at = (base: Name, stride: Size, x: number, y = 0): Code => {
    const row = mul(stride, { c: x, p: 0 });
    const terms = row.p === 0 ? [row.c + y] : [row, y];
    const parts = terms.flatMap((t) => (typeof t === "number" ? (t === 0 ? [] : [js`${t}`]) : [size(t)]));
    return parts.reduce((acc, part) => js`${acc} + ${part}`, js`${base}`);
  };

  /** One tile of `rows` × `cols` at row `row`, column `j`. */
  const tile = (rows: number, cols: number, row: Name): Code => {
    const sums = acc.slice(0, rows).map((line) => line.slice(0, cols));
    const decl = js`let ${sums
      .flat()
      .map((c) => js`${c} = 0`)
      .reduce((x, y) => js`${x}, ${y}`)};`;
    const loadsA = av.slice(0, rows).map((a, x) => js`const ${a} = ${A}[${at(pa, k.a.row, x)}];`);
    const loadsB = bv.slice(0, cols).map((b, y) => js`const ${b} = ${B}[${at(pb, k.b.col, y)}];`);
    const fmas = sums.flatMap((line, x) => line.map((c, y) => js`${c} += ${av[x]!} * ${bv[y]!};`));
    const stores = sums.flatMap((line, x) => line.map((c, y) => js`${C}[${at(o, k.n, x, y)}] = ${c};`));
    return js`${decl}
      let ${pa} = ${times(row, k.a.row)};
      let ${pb} = ${times(j, k.b.col)};
      for (let ${p} = 0; ${p} < ${size(k.k)}; ${p}++) {
        ${lines([...loadsA, ...loadsB, ...fmas])}
        ${pa} += ${size(k.a.inner)};
        ${pb} += ${size(k.b.inner)};
      }
      const ${o} = ${times(row, k.n)} + ${j};
      ${lines(stores)}`;
  };
  /** The tiles of one block of `rows` rows starting at `row`, across all columns. */
  const across = (rows: number, row: Name): Code => {
    const full = js`for (; ${j} + ${NC} <= ${size(k.n)}; ${j} += ${NC}) {\n${tile(rows, NC, row)}\n}`;
    const rest = NC > 1 && !divides(k.n, NC) ? js`for (; ${j} < ${size(k.n)}; ${j}++) {\n${tile(rows, 1, row)}\n}` : js``;
    return js`let ${j} = 0;\n${full}\n${rest}`;
  };

  const main = blocks
    ? js`if (${i} + ${R} <= ${size(k.m)}) {
        ${across(R, i)}
      } else {
        for (let ${r} = ${i}; ${r} < ${size(k.m)}; ${r}++) {
          ${across(1, r)}
        }
      }`
    : across(R, i);
  const last = blocks ? js`Math.min(${i} + ${R}, ${size(k.m)})` : js`${i} + ${R}`;
  const after = ep ? js`const ${end} = ${last};\n${ep.loop}` : js``;
  const dim = (x: Size) => (x.p === 0 ? String(x.c) : x.c === 1 && x.p === 1 ? "batch" : `${x.c}·batch${x.p > 1 ? `^${x.p}` : ""}`);
  const { transA, transB } = k.trans;
  const what = `${A.text}${transA ? "ᵀ" : ""} · ${B.text}${transB ? "ᵀ" : ""}: [${dim(k.m)} × ${dim(k.k)}] · [${dim(k.k)} × ${dim(k.n)}] in ${R}×${NC} register tiles`;
  return js`${comment(`${what}${ep ? "; each block of rows then goes through the fused elementwise ops" : ""}`)}${ep?.init ?? js``}
    for (let ${i} = 0; ${i} < ${size(k.m)}; ${i} += ${R}) {
      ${main}
      ${after}
    }`;
}

/** True when `t` is known at compile time to divide the extent. */
function divides(s: Size, t: number): boolean {
  return s.p === 0 && s.c % t === 0;
}
