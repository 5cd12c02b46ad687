// How a fused loop's reduction runs in WebAssembly, from its output's strides over the loop's
// dimensions (0 along the reduced ones): over everything (one vector of partial sums for the
// whole call), along the last dimension (a vector per innermost row, its lanes combined at the
// row's end) or not along it (whole vectors folded into the output, which holds the partial
// results). An output that more than one innermost row folds into starts at the reduction's
// initial value; a row reduction that keeps every outer dimension just stores its result.
import type { BinaryAlu } from "../../graph/ops/expr.js";
import type { Size } from "../plan.js";
import type { FunctionBody } from "./encode.js";

export interface Reduction {
  readonly init: number;
  readonly op: BinaryAlu;
  readonly along: "all" | "row" | "lanes";
  /** Folded into the output's value (which starts at `init`) rather than stored over it. */
  readonly into: boolean;
}

const isConst = (s: Size, c: number) => s.p === 0 && s.c === c;

/** Which way an accumulation with these strides reduces; undefined when not one of these ways. */
export function reduction(strides: readonly Size[]): Pick<Reduction, "along" | "into"> | undefined {
  const zero = strides.map((s) => isConst(s, 0));
  if (zero.every(Boolean)) return { along: "all", into: false };
  if (strides.length < 2) return undefined;
  const outerZero = zero.slice(0, -1).some(Boolean);
  if (zero.at(-1)) return { along: "row", into: outerZero };
  return isConst(strides.at(-1)!, 1) ? { along: "lanes", into: true } : undefined;
}

/** A reduction's combine, on vectors and on scalars. */
export function combine(f: FunctionBody, op: BinaryAlu, lanes: boolean): void {
  const ops = { add: ["f32x4Add", "f32Add"], max: ["f32x4Max", "f32Max"], min: ["f32x4Min", "f32Min"] } as const;
  if (op !== "add" && op !== "max" && op !== "min") throw new Error(`internal: no reduction by ${op} in WebAssembly`);
  f[ops[op][lanes ? 0 : 1]]();
}
