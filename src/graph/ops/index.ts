// The op table: every primitive op of the IR, one definition each. Its type requires an entry
// for every OpKind, so an op without a shape rule, gradient or test domain does not compile.
import type { OpKind } from "./attrs.js";
import { elementwiseOps } from "./elementwise.js";
import { layoutOps } from "./layout.js";
import { leafOps } from "./leaf.js";
import { linalgOps } from "./linalg.js";
import { nnOps } from "./nn.js";
import { reduceOps } from "./reduce.js";
import type { OpTable } from "./types.js";

export const OPS: OpTable = {
  ...leafOps,
  ...elementwiseOps,
  ...reduceOps,
  ...layoutOps,
  ...linalgOps,
  ...nnOps,
};

export const OP_KINDS = Object.keys(OPS) as OpKind[];

export type { OpKind } from "./attrs.js";
export type { OpDef, Domain, EvalContext } from "./types.js";
