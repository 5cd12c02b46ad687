// Where the zero-skipping kernel (sparse-function.ts) is used, and what it needs: a matmul whose
// op(A) may hold many zeros by the compile-time rule below gets it, with the run-time gate
// protecting dense data; every other matmul keeps the dense kernel alone. Its scratch: one slot
// of compacted entries per thread (the caller is thread 0, worker w thread w + 1), after the
// packed B in the program's arena scratch.
import type { Graph, NodeId } from "../../../graph/ir.js";
import { MAX_WORKERS } from "../../../prelude/threads.js";
import type { Size } from "../../plan.js";
import { resolve } from "../../schedule.js";
import { mul } from "../../size.js";
import type { WasmTarget } from "../types.js";
import { slotFloats } from "./sparse-compact.js";
import { sparseMatmulFunction } from "./sparse-function.js";
import type { MatmulSpec } from "./wasm-function.js";

/** Threads a job may run on (the caller and its workers): one scratch slot each. */
const THREADS = MAX_WORKERS + 1;

/**
 * The break-even shares of nonzeros (percent) of the sparse tiles against the dense kernel's,
 * measured with bench/sparse-kernel.ts (interleaved, the FMA build; the plain build's are higher,
 * so these are conservative there): one-row tiles cost about 1.45-1.65 times the dense kernel
 * per nonzero ([128 × 100]·[100 × 100] and its Aᵀ·B at 30-100% nonzeros, random zeros), 4-row
 * tiles over the union 1.1-1.15 times per p of the union; block tiles of Aᵀ (sparse-block.ts) about
 * 1.35 times per nonzero (xᵀ·dh at 100% nonzeros, TwoLayerNet's and the 5-layer net's), so 70.
 */
export const SPARSE_PERCENT = { rows: 60, columns: 85, block: 70 } as const;

/**
 * Whether a value may hold many exact zeros: a model input (MNIST's background pixels), a ReLU
 * or step output, a dropout mask, or a product with such a factor (ReLU's gradient d·step(x), a
 * dropped-out activation). Weights, sigmoid and softmax outputs and their gradients are dense.
 */
export function mayHoldZeros(g: Graph, id: NodeId, depth = 0): boolean {
  const n = g.nodes[resolve(g, id)]!;
  if (n.op === "input" || n.op === "relu" || n.op === "step" || n.op === "dropout_mask") return true;
  if (n.op === "mul" && depth < 4) return n.inputs.some((i) => mayHoldZeros(g, i, depth + 1));
  return false;
}

/** Which of op(A)'s strides is 1: its rows' when A is read by rows (k = 1: both), else its columns'. */
function layout(spec: Pick<MatmulSpec, "aInner">): "rows" | "columns" {
  return spec.aInner.c === 1 && spec.aInner.p === 0 ? "rows" : "columns";
}

/** The floats of scratch the sparse kernel's slots take, all threads'. */
export function sparseScratch(spec: Pick<MatmulSpec, "k" | "aInner">): Size {
  return mul(slotFloats(spec.k, layout(spec) === "columns"), { c: THREADS, p: 0 });
}

/** The index of the sparse row kernel for this product, falling back on the dense kernel `dense` (its index). */
export function sparseRowKernel(target: WasmTarget, spec: Omit<MatmulSpec, "rows" | "vectors" | "fma">, dense: number): number {
  const { k, n, aRow, aInner } = spec;
  return target.functions.rowKernel(JSON.stringify(["sparse matmul", spec]), (fma) =>
    sparseMatmulFunction({ k, n, aRow, aInner, layout: layout(spec), fma, dense, percent: SPARSE_PERCENT }),
  );
}
