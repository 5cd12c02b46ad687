// Expression evaluation for the elaborator: constants are folded as they are met, tensor
// expressions become graph nodes (shape-checked by the Builder at the expression's span), and
// calls (calls.ts) go to builtins, initializers or block instances. The evaluator holds no state
// of its own: what it needs from the model being elaborated comes through an `EvalContext`.
import type { CallExpr, Decl, Expr } from "../parser/ast.js";
import { didYouMean, fail, type Note, type Span } from "../diagnostics.js";
import type { Builder } from "./builder.js";
import { BUILTINS, INITIALIZERS, type Builtin } from "./builtins.js";
import { evalCall, evalRepeat } from "./calls.js";
import { BATCH, type NodeId } from "./ir.js";
import type { Scope } from "./scope.js";
import { describeKind, ERROR, num, tensorValue, type Value } from "./values.js";

type BinaryExpr = Extract<Expr, { kind: "binary" }>;

/** An argument after matching: its value and where it was written. */
export interface BoundArg {
  readonly value: Value;
  readonly span: Span;
}

/** What the evaluator needs from the elaboration it serves. */
export interface EvalContext {
  /** Builds the model's graph; its provenance (span, label) is set around each expression. */
  readonly b: Builder;
  readonly blocks: ReadonlyMap<string, Decl>;
  /** The chain of block instantiations under way, shown under every error. */
  notes(): Note[];
  /** The path of the next instance made by a call that owns params (see naming.ts). */
  nextInstance(): string;
  /** The model's own scope, for the hint when a block uses a name only the model has. */
  modelScope(): Scope | undefined;
  instantiate(block: Decl, args: readonly (BoundArg | undefined)[], call: CallExpr, path: string): Value;
  callBuiltin(builtin: Builtin, args: readonly Value[], span: Span, path: string): Value;
  /** What an untaken `if` branch names counts as used: a switched-off option is not a mistake. */
  untaken(e: Expr, scope: Scope): void;
}

export class ExpressionEvaluator {
  /**
   * @param settings inside a `train` section unknown calls are settings specs (`adam(lr = 0.001)`);
   * elsewhere they are errors.
   */
  constructor(
    readonly ctx: EvalContext,
    readonly settings = false,
  ) {}

  /** Throws an error diagnostic at `span`, with the chain of instantiations as notes. */
  fail(message: string, span: Span): never {
    return fail(message, span, this.ctx.notes());
  }

  evalExpr(e: Expr, scope: Scope): Value {
    return this.ctx.b.with({ span: e.span }, () => this.evalInner(e, scope));
  }

  private evalInner(e: Expr, scope: Scope): Value {
    switch (e.kind) {
      case "num":
        return num(e.value);
      case "bool":
        return { kind: "bool", value: e.value };
      case "paren":
        return this.evalExpr(e.inner, scope);
      case "name":
        return this.resolveName(e.name, e.span, scope);
      case "list": {
        const items = e.items.map((i) => this.evalExpr(i, scope));
        return items.some((i) => i.kind === "error") ? ERROR : { kind: "list", items };
      }
      case "neg": {
        const v = this.evalExpr(e.operand, scope);
        if (v.kind === "error") return v;
        if (v.kind === "num") return num(-v.value);
        return tensorValue(this.ctx.b.neg(this.toTensor(v, e.operand.span)));
      }
      case "if": {
        const c = this.evalExpr(e.cond, scope);
        if (c.kind === "error") return c;
        if (c.kind !== "bool") this.fail(`the condition of 'if' must be true or false, got ${describeKind(c.kind)}`, e.cond.span);
        this.ctx.untaken(c.value ? e.else : e.then, scope);
        return this.evalExpr(c.value ? e.then : e.else, scope);
      }
      case "binary":
        return this.evalBinary(e, scope);
      case "call":
        return evalCall(this, e, scope, () => this.ctx.nextInstance());
      case "repeat":
        return evalRepeat(this, e, scope);
    }
  }

  /** Long chains (`a + b + c + ...`) nest to the left: walk that spine in a loop, not by recursion. */
  private evalBinary(e: BinaryExpr, scope: Scope): Value {
    const spine: BinaryExpr[] = [];
    let leftmost: Expr = e;
    for (; leftmost.kind === "binary"; leftmost = leftmost.left) spine.push(leftmost);
    let acc = this.evalExpr(leftmost, scope);
    for (let i = spine.length - 1; i >= 0; i--) {
      const node = spine[i]!;
      const l = acc;
      acc = this.ctx.b.with({ span: node.span }, () => this.binary(node, l, this.evalExpr(node.right, scope)));
    }
    return acc;
  }

  private binary(e: BinaryExpr, l: Value, r: Value): Value {
    if (l.kind === "error" || r.kind === "error") return ERROR;
    if (["==", "!=", "<", "<=", ">", ">="].includes(e.op)) return this.compare(e.op, l, r, e.opSpan);
    if (l.kind === "num" && r.kind === "num" && e.op !== "@") return num(this.fold(e.op, l.value, r.value, e.opSpan));
    const b = this.ctx.b;
    const a = this.toTensor(l, e.left.span);
    const c = this.toTensor(r, e.right.span);
    switch (e.op) {
      case "+":
        return tensorValue(b.add("add", [a, c], {}));
      case "-":
        return tensorValue(b.add("sub", [a, c], {}));
      case "*":
        return tensorValue(b.add("mul", [a, c], {}));
      case "/":
        return tensorValue(b.add("div", [a, c], {}));
      case "**":
        return tensorValue(b.add("pow", [a, c], {}));
      case "@":
        return tensorValue(b.matmul(a, c));
      default:
        return this.fail(`unknown operator ${e.op}`, e.opSpan);
    }
  }

  private fold(op: string, x: number, y: number, span: Span): number {
    switch (op) {
      case "+":
        return x + y;
      case "-":
        return x - y;
      case "*":
        return x * y;
      case "/":
        if (y === 0) this.fail(`division by zero in a constant expression`, span);
        return x / y;
      case "**":
        return x ** y;
      default:
        return this.fail(`'${op}' needs tensors`, span);
    }
  }

  private compare(op: string, l: Value, r: Value, span: Span): Value {
    if (l.kind === "bool" && r.kind === "bool" && (op === "==" || op === "!=")) {
      return { kind: "bool", value: (l.value === r.value) === (op === "==") };
    }
    if (l.kind !== "num" || r.kind !== "num") {
      return this.fail(`'${op}' compares numbers known at compile time, got ${describeKind(l.kind)} and ${describeKind(r.kind)}`, span);
    }
    const [x, y] = [l.value, r.value];
    const value = { "==": x === y, "!=": x !== y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y }[op] ?? false;
    return { kind: "bool", value };
  }

  toTensor(v: Value, span: Span): NodeId {
    if (v.kind === "tensor") return v.id;
    if (v.kind === "num") return this.ctx.b.const(v.value);
    if (v.kind === "dim") return this.fail(`'${v.name}' is a symbolic size, not known at compile time; it can only appear in shapes`, span);
    return this.fail(`expected a tensor or a number, got ${describeKind(v.kind)}`, span);
  }

  /** A tensor value, or a clear error naming what was found. */
  expectTensor(v: Value, what: string, span: Span): NodeId {
    if (v.kind !== "tensor") this.fail(`${what} must be a tensor, got ${describeKind(v.kind)}`, span);
    return v.id;
  }

  resolveName(name: string, span: Span, scope: Scope): Value {
    const binding = scope.lookup(name);
    if (binding) return binding.value;
    const blocks = this.ctx.blocks;
    if (blocks.has(name) || BUILTINS[name]) return { kind: "fn", name };
    const init = INITIALIZERS[name];
    if (init) {
      if (init.params.length > 0) this.fail(`the initializer '${name}' needs arguments: ${name}(${init.params.join(", ")})`, span);
      return { kind: "init", init: init.make([]) };
    }
    if (name === BATCH) return { kind: "dim", name };
    if (scope.kind === "block" && this.ctx.modelScope()?.peek(name)) {
      return this.fail(`unknown name '${name}': a block sees only its own arguments; pass '${name}' to the block as an argument`, span);
    }
    const guess = didYouMean(name, [...scope.names(), ...blocks.keys(), ...Object.keys(BUILTINS), ...Object.keys(INITIALIZERS)]);
    return this.fail(`unknown name '${name}'${guess ? `; did you mean '${guess}'?` : ""}`, span);
  }

  /** True when calling `call` creates params that need an instance name. */
  ownsParams(call: CallExpr, scope: Scope): boolean {
    const local = scope.peek(call.callee);
    const name = local?.value.kind === "fn" ? local.value.name : call.callee;
    return this.ctx.blocks.has(name) || BUILTINS[name]?.ownsParams === true;
  }
}
