// Renders an elementwise Expr (src/graph/ops/expr.ts) as one JavaScript expression through the
// safe builder: Math.* calls, `x > 0 ? x : 0`, and `erf(x)`, a helper every module carries.
// Parentheses follow JavaScript precedence, so one op's text is what a person would write
// (sigmoid: `1 / (1 + Math.exp(-x))`). Arguments are locals or literal numbers (atoms).
import type { BinaryAlu, CompareAlu, Expr, UnaryAlu } from "../graph/ops/expr.js";
import { anyNum, js, type Code } from "./code.js";

/** What an Expr's leaves stand for in the loop it is rendered into. */
export interface JsLeaves {
  readonly args: readonly Code[];
  /** A uniform draw in [0, 1) from the op's stream (called once per element). */
  readonly random?: () => Code;
}

// JavaScript precedence levels, low to high.
const TERNARY = 2;
const RELATIONAL = 10;
const ADDITIVE = 11;
const MULTIPLICATIVE = 12;
const PREFIX = 14;
const ATOM = 20;

const CALLS: { readonly [K in UnaryAlu]?: Code } = {
  exp: js`Math.exp`,
  log: js`Math.log`,
  log1p: js`Math.log1p`,
  sqrt: js`Math.sqrt`,
  tanh: js`Math.tanh`,
  abs: js`Math.abs`,
  erf: js`erf`,
};
const INFIX: { readonly [K in BinaryAlu]?: [Code, number] } = {
  add: [js`+`, ADDITIVE],
  sub: [js`-`, ADDITIVE],
  mul: [js`*`, MULTIPLICATIVE],
  div: [js`/`, MULTIPLICATIVE],
};
const BINARY_CALLS: { readonly [K in BinaryAlu]?: Code } = { pow: js`Math.pow`, max: js`Math.max`, min: js`Math.min` };
const COMPARE: { readonly [K in CompareAlu]: Code } = { gt: js`>`, ge: js`>=` };

/** `e` as a JavaScript expression. */
export function exprToJs(e: Expr, leaves: JsLeaves): Code {
  return render(e, leaves).code;
}

/** A number as the argument of a call or `fill` (no parentheses needed around a sign). */
export function jsNumber(x: number): Code {
  return x === -Infinity ? js`-Infinity` : anyNum(x);
}

/** `op(a, b)` for a reduction's combine step, the same text as the op inside an Expr. */
export function combineToJs(op: BinaryAlu, acc: Code, x: Code): Code {
  return exprToJs({ kind: "binary", op, a: { kind: "arg", index: 0 }, b: { kind: "arg", index: 1 } }, { args: [acc, x] });
}

interface Rendered {
  readonly code: Code;
  readonly level: number;
  readonly neg?: boolean;
}

function render(e: Expr, leaves: JsLeaves): Rendered {
  const at = (x: Expr, level: number): Code => {
    const r = render(x, leaves);
    return r.level >= level ? r.code : js`(${r.code})`;
  };
  switch (e.kind) {
    case "arg": {
      const a = leaves.args[e.index];
      if (a === undefined) throw new Error(`internal: expression reads argument ${e.index}, which the op does not have`);
      return { code: a, level: ATOM };
    }
    case "const":
      return { code: anyNum(e.value), level: ATOM };
    case "uniform":
      if (!leaves.random) throw new Error("internal: this expression draws random numbers outside a random op");
      return { code: leaves.random(), level: ATOM };
    case "unary": {
      if (e.op === "neg") {
        const x = render(e.x, leaves);
        // `--x` would be a decrement: a negated negation keeps its parentheses.
        const code = x.level >= PREFIX && !x.neg ? x.code : js`(${x.code})`;
        return { code: js`-${code}`, level: PREFIX, neg: true };
      }
      return { code: js`${CALLS[e.op]!}(${render(e.x, leaves).code})`, level: ATOM };
    }
    case "binary": {
      const infix = INFIX[e.op];
      if (!infix) return { code: js`${BINARY_CALLS[e.op]!}(${render(e.a, leaves).code}, ${render(e.b, leaves).code})`, level: ATOM };
      const [op, level] = infix;
      // Left-associative: the right operand needs a strictly higher level (a - (b - c)).
      return { code: js`${at(e.a, level)} ${op} ${at(e.b, level + 1)}`, level };
    }
    case "compare":
      return { code: js`${condition(e, leaves)} ? 1 : 0`, level: TERNARY };
    case "select":
      return {
        code: js`${condition(e.cond, leaves)} ? ${at(e.then, TERNARY + 1)} : ${at(e.otherwise, TERNARY + 1)}`,
        level: TERNARY,
      };
  }
}

/** A test: comparisons as themselves, anything else as "nonzero". */
function condition(e: Expr, leaves: JsLeaves): Code {
  const at = (x: Expr) => {
    const r = render(x, leaves);
    return r.level > RELATIONAL ? r.code : js`(${r.code})`;
  };
  if (e.kind === "compare") return js`${at(e.a)} ${COMPARE[e.op]} ${at(e.b)}`;
  return js`${at(e)} !== 0`;
}
