// Renders an elementwise Expr (src/graph/ops/expr.ts) as one jax.numpy expression through the
// safe Python builder, beside ../expr-js.ts and ../wasm/expr-wasm.ts: arithmetic as operators on
// whole arrays (numpy broadcasting does what the JS loops' index arithmetic does), the other ALU
// ops as jnp calls, comparisons and `select` through jnp.where. Parentheses follow Python
// precedence, so sigmoid reads `1.0 / (1.0 + jnp.exp(-x))`.
import type { BinaryAlu, CompareAlu, Expr, UnaryAlu } from "../../graph/ops/expr.js";
import { py, pyFloat, type Py } from "./python.js";

/** What an Expr's leaves stand for: the op's input arrays, and its uniform draws (one array). */
export interface JnpLeaves {
  readonly args: readonly Py[];
  readonly uniform?: Py;
}

// Python precedence levels, low to high.
const COMPARISON = 6;
const ADDITIVE = 11;
const MULTIPLICATIVE = 12;
const PREFIX = 13;
const ATOM = 20;

const CALLS: { readonly [K in UnaryAlu]: Py } = {
  neg: py`jnp.negative`,
  exp: py`jnp.exp`,
  log: py`jnp.log`,
  log1p: py`jnp.log1p`,
  sqrt: py`jnp.sqrt`,
  tanh: py`jnp.tanh`,
  abs: py`jnp.abs`,
  erf: py`jax.scipy.special.erf`,
};
const INFIX: { readonly [K in BinaryAlu]?: [Py, number] } = {
  add: [py`+`, ADDITIVE],
  sub: [py`-`, ADDITIVE],
  mul: [py`*`, MULTIPLICATIVE],
  div: [py`/`, MULTIPLICATIVE],
};
const BINARY_CALLS: { readonly [K in BinaryAlu]: Py } = {
  add: py`jnp.add`,
  sub: py`jnp.subtract`,
  mul: py`jnp.multiply`,
  div: py`jnp.divide`,
  pow: py`jnp.power`,
  max: py`jnp.maximum`,
  min: py`jnp.minimum`,
};
const COMPARE: { readonly [K in CompareAlu]: Py } = { gt: py`>`, ge: py`>=` };

/** `e` as a jax.numpy expression. */
export function exprToJnp(e: Expr, leaves: JnpLeaves): Py {
  return render(e, leaves).code;
}

/** A reduction's combine op as the jnp reduction that folds with it. */
export const REDUCTIONS: { readonly [K in BinaryAlu]?: Py } = { add: py`jnp.sum`, max: py`jnp.max`, min: py`jnp.min`, mul: py`jnp.prod` };

interface Rendered {
  readonly code: Py;
  readonly level: number;
}

function render(e: Expr, leaves: JnpLeaves): Rendered {
  const at = (x: Expr, level: number): Py => {
    const r = render(x, leaves);
    return r.level >= level ? r.code : py`(${r.code})`;
  };
  switch (e.kind) {
    case "arg": {
      const a = leaves.args[e.index];
      if (a === undefined) throw new Error(`internal: expression reads argument ${e.index}, which the op does not have`);
      return { code: a, level: ATOM };
    }
    case "const":
      return { code: pyFloat(e.value), level: ATOM }; // negative literals come parenthesized
    case "uniform":
      if (!leaves.uniform) throw new Error("internal: this expression draws random numbers outside a random op");
      return { code: leaves.uniform, level: ATOM };
    case "unary":
      // `-x` binds looser than `**` only, which is never emitted (pow is a call).
      if (e.op === "neg") return { code: py`-${at(e.x, PREFIX)}`, level: PREFIX };
      return { code: py`${CALLS[e.op]}(${render(e.x, leaves).code})`, level: ATOM };
    case "binary": {
      const infix = INFIX[e.op];
      if (!infix) return { code: py`${BINARY_CALLS[e.op]}(${render(e.a, leaves).code}, ${render(e.b, leaves).code})`, level: ATOM };
      const [op, level] = infix;
      // Left-associative: the right operand needs a strictly higher level (a - (b - c)).
      return { code: py`${at(e.a, level)} ${op} ${at(e.b, level + 1)}`, level };
    }
    case "compare":
      return { code: py`jnp.where(${condition(e, leaves)}, 1.0, 0.0)`, level: ATOM };
    case "select":
      return {
        code: py`jnp.where(${condition(e.cond, leaves)}, ${render(e.then, leaves).code}, ${render(e.otherwise, leaves).code})`,
        level: ATOM,
      };
  }
}

/** A test: comparisons as themselves, anything else as "nonzero". */
function condition(e: Expr, leaves: JnpLeaves): Py {
  const at = (x: Expr) => {
    const r = render(x, leaves);
    return r.level > COMPARISON ? r.code : py`(${r.code})`;
  };
  if (e.kind === "compare") return py`${at(e.a)} ${COMPARE[e.op]} ${at(e.b)}`;
  return py`${at(e)} != 0`;
}
