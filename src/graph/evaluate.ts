// Expression evaluation for the elaborator: constants are folded as they are met, tensor
// expressions become graph nodes (shape-checked by the Builder at the expression's span), and
// calls go to builtins, initializers or block instances.
import type { Arg, CallExpr, Decl, Expr } from "../parser/ast.js";

type BinaryExpr = Extract<Expr, { kind: "binary" }>;
import { DiagnosticError, didYouMean, fail, type Note, type Span } from "../diagnostics.js";
import { Builder } from "./builder.js";
import { BUILTINS, INITIALIZERS, type Builtin, type BuiltinParam } from "./builtins.js";
import { BATCH, showShape, type NodeId } from "./ir.js";
import type { Scope } from "./scope.js";
import { describeKind, ERROR, num, tensorValue, type Value } from "./values.js";

/** Limits that keep a typo (`repeat(1e9)`) from exhausting memory: far beyond any real network. */
export const MAX_REPEAT = 10_000;
export const MAX_NODES = 1_000_000;

/** An argument after matching: its value and where it was written. */
export interface BoundArg {
  readonly value: Value;
  readonly span: Span;
}

/** Where the params of block instances made by the statement being elaborated are named. */
export interface Naming {
  readonly base: string;
  /** More than one owner of params in the statement: number them `base.0`, `base.1`, ... */
  readonly numbered: boolean;
  next: number;
  /** Set for a block's `return`: its instance is named after the enclosing instance itself. */
  readonly fromReturn?: boolean;
}

/** Thrown where a value that already failed (and was reported) makes going on pointless. */
export const silentFailure = (): DiagnosticError => new DiagnosticError([]);

export abstract class Evaluator {
  readonly b = new Builder();
  protected naming: Naming | undefined;
  /** Inside a `train` section, unknown calls are settings specs (`adam(lr = 0.001)`). */
  protected inTrainSection = false;

  constructor(protected readonly blocks: ReadonlyMap<string, Decl>) {}

  /** The model's own scope, for the hint when a block uses a name only the model has. */
  protected modelScope: Scope | undefined;

  protected abstract notes(): Note[];
  protected abstract instantiate(decl: Decl, args: (BoundArg | undefined)[], call: CallExpr, path: string): Value;
  protected abstract callBuiltin(name: string, builtin: Builtin, args: Value[], span: Span, path: string): Value;

  protected fail(message: string, span: Span): never {
    return fail(message, span, this.notes());
  }

  evalExpr(e: Expr, scope: Scope): Value {
    return this.b.with({ span: e.span, notes: this.notes() }, () => this.evalInner(e, scope));
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
        return tensorValue(this.b.neg(this.toTensor(v, e.operand.span)));
      }
      case "if": {
        const c = this.evalExpr(e.cond, scope);
        if (c.kind === "error") return c;
        if (c.kind !== "bool") this.fail(`the condition of 'if' must be true or false, got ${describeKind(c.kind)}`, e.cond.span);
        this.untaken(c.value ? e.else : e.then, scope);
        return this.evalExpr(c.value ? e.then : e.else, scope);
      }
      case "binary":
        return this.evalBinary(e, scope);
      case "call":
        return this.evalCall(e, scope, () => this.instancePath());
      case "repeat":
        return this.evalRepeat(e, scope);
    }
  }

  /** What an untaken `if` branch names counts as used: a switched-off option is not a mistake. */
  protected abstract untaken(e: Expr, scope: Scope): void;

  /** Long chains (`a + b + c + ...`) nest to the left: walk that spine in a loop, not by recursion. */
  private evalBinary(e: BinaryExpr, scope: Scope): Value {
    const spine: BinaryExpr[] = [];
    let leftmost: Expr = e;
    for (; leftmost.kind === "binary"; leftmost = leftmost.left) spine.push(leftmost);
    let acc = this.evalExpr(leftmost, scope);
    for (let i = spine.length - 1; i >= 0; i--) {
      const node = spine[i]!;
      const l = acc;
      acc = this.b.with({ span: node.span, notes: this.notes() }, () => this.binary(node, l, this.evalExpr(node.right, scope)));
    }
    return acc;
  }

  private binary(e: BinaryExpr, l: Value, r: Value): Value {
    if (l.kind === "error" || r.kind === "error") return ERROR;
    if (["==", "!=", "<", "<=", ">", ">="].includes(e.op)) return this.compare(e.op, l, r, e.opSpan);
    if (l.kind === "num" && r.kind === "num" && e.op !== "@") return num(this.fold(e.op, l.value, r.value, e.opSpan));
    const a = this.toTensor(l, e.left.span);
    const c = this.toTensor(r, e.right.span);
    switch (e.op) {
      case "+":
        return tensorValue(this.b.add("add", [a, c], {}));
      case "-":
        return tensorValue(this.b.add("sub", [a, c], {}));
      case "*":
        return tensorValue(this.b.add("mul", [a, c], {}));
      case "/":
        return tensorValue(this.b.add("div", [a, c], {}));
      case "**":
        return tensorValue(this.b.add("pow", [a, c], {}));
      case "@":
        return tensorValue(this.b.matmul(a, c));
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
    if (v.kind === "num") return this.b.const(v.value);
    if (v.kind === "dim") return this.fail(`'${v.name}' is a symbolic size, not known at compile time; it can only appear in shapes`, span);
    return this.fail(`expected a tensor or a number, got ${describeKind(v.kind)}`, span);
  }

  resolveName(name: string, span: Span, scope: Scope): Value {
    const binding = scope.lookup(name);
    if (binding) return binding.value;
    if (this.blocks.has(name) || BUILTINS[name]) return { kind: "fn", name };
    const init = INITIALIZERS[name];
    if (init) {
      if (init.params.length > 0) this.fail(`the initializer '${name}' needs arguments: ${name}(${init.params.join(", ")})`, span);
      return { kind: "init", init: init.make([]) };
    }
    if (name === BATCH) return { kind: "dim", name };
    if (scope.kind === "block" && this.modelScope?.peek(name)) {
      return this.fail(`unknown name '${name}': a block sees only its own arguments; pass '${name}' to the block as an argument`, span);
    }
    const guess = didYouMean(name, [...scope.names(), ...this.blocks.keys(), ...Object.keys(BUILTINS), ...Object.keys(INITIALIZERS)]);
    return this.fail(`unknown name '${name}'${guess ? `; did you mean '${guess}'?` : ""}`, span);
  }

  /** The callee's name once local function values (`act = relu`) are followed. */
  protected calleeName(call: CallExpr, scope: Scope): string {
    const local = scope.lookup(call.callee);
    if (!local) return call.callee;
    if (local.value.kind === "error") throw silentFailure();
    if (local.value.kind !== "fn") {
      this.fail(`'${call.callee}' is ${describeKind(local.value.kind)}, not a function`, call.calleeSpan);
    }
    return local.value.name;
  }

  /** True when calling `call` creates params that need an instance name. */
  ownsParams(call: CallExpr, scope: Scope): boolean {
    const local = scope.peek(call.callee);
    const name = local?.value.kind === "fn" ? local.value.name : call.callee;
    return this.blocks.has(name) || BUILTINS[name]?.ownsParams === true;
  }

  private instancePath(): string {
    const n = this.naming;
    if (!n) return "_";
    const path = n.numbered ? `${n.base}.${n.next}` : n.base;
    n.next++;
    if (n.fromReturn && !n.numbered) this.returnInstances.add(path);
    return path;
  }

  /** Instance paths that a block's `return` named after the enclosing instance (see claimName). */
  protected readonly returnInstances = new Set<string>();

  /**
   * `path` names the instance when the callee owns params; it is asked for only then, and after
   * the arguments are evaluated, so in `D(D(x))` the inner (first) instance is numbered 0.
   */
  evalCall(call: CallExpr, scope: Scope, path: () => string, first?: BoundArg): Value {
    const name = this.calleeName(call, scope);
    const evaluated = call.args.map((a) => ({ arg: a, value: this.evalExpr(a.value, scope) }));
    if (evaluated.some((a) => a.value.kind === "error") || first?.value.kind === "error") return ERROR;
    const block = this.blocks.get(name);
    if (block) {
      const formals = block.formals.map((f) => ({ name: f.name }));
      const bound = this.match(name, formals, evaluated, call, first);
      return this.instantiate(block, bound, call, path());
    }
    const builtin = BUILTINS[name];
    if (builtin) {
      const bound = this.match(name, builtin.params, evaluated, call, first);
      const values = builtin.params.map((p, i) => this.coerce(name, p, bound[i], call.span));
      return this.callBuiltin(name, builtin, values, call.span, builtin.ownsParams ? path() : "_");
    }
    const init = INITIALIZERS[name];
    if (init) {
      const bound = this.match(
        name,
        init.params.map((p) => ({ name: p })),
        evaluated,
        call,
        first,
      );
      const args = bound.map((a, i) => {
        if (!a) return this.fail(`${name} needs argument '${init.params[i]}': ${name}(${init.params.join(", ")})`, call.span);
        if (a.value.kind !== "num") this.fail(`${name}: '${init.params[i]}' must be a number, got ${describeKind(a.value.kind)}`, a.span);
        return a.value.value;
      });
      return { kind: "init", init: init.make(args) };
    }
    if (this.inTrainSection) {
      const args: Record<string, number> = {};
      for (const { arg, value } of evaluated) {
        if (arg.name === undefined) this.fail(`settings take named arguments: ${name}(lr = 0.01)`, arg.value.span);
        if (value.kind !== "num") this.fail(`'${arg.name}' must be a number`, arg.value.span);
        args[arg.name] = value.value;
      }
      return { kind: "spec", spec: { name, args } };
    }
    const guess = didYouMean(name, [...this.blocks.keys(), ...Object.keys(BUILTINS), ...Object.keys(INITIALIZERS)]);
    return this.fail(`unknown function '${name}'${guess ? `; did you mean '${guess}'?` : ""}`, call.calleeSpan);
  }

  /** Positional and named arguments matched to formals; a missing one is undefined. */
  private match(
    callee: string,
    formals: readonly { name: string; default?: Value }[],
    args: readonly { arg: Arg; value: Value }[],
    call: CallExpr,
    first?: BoundArg,
  ): (BoundArg | undefined)[] {
    const bound: (BoundArg | undefined)[] = formals.map(() => undefined);
    let position = 0;
    if (first) bound[position++] = first;
    for (const { arg, value } of args) {
      const span = arg.value.span;
      if (arg.name === undefined) {
        if (position >= formals.length) {
          const given = (first ? 1 : 0) + args.filter((a) => a.arg.name === undefined).length;
          const list = formals.map((f) => f.name).join(", ");
          this.fail(`${callee} takes ${formals.length} argument${formals.length === 1 ? "" : "s"} (${list}), got ${given}`, span);
        }
        bound[position++] = { value, span };
        continue;
      }
      const i = formals.findIndex((f) => f.name === arg.name);
      if (i < 0) {
        const guess = didYouMean(
          arg.name,
          formals.map((f) => f.name),
        );
        this.fail(`${callee} has no argument '${arg.name}'${guess ? `; did you mean '${guess}'?` : ""}`, arg.nameSpan ?? span);
      }
      if (bound[i]) this.fail(`argument '${arg.name}' of ${callee} is given twice`, arg.nameSpan ?? span);
      bound[i] = { value, span };
    }
    return bound;
  }

  private coerce(callee: string, p: BuiltinParam, a: BoundArg | undefined, callSpan: Span): Value {
    if (!a) {
      if (p.default) return p.default;
      return this.fail(`${callee} needs argument '${p.name}'`, callSpan);
    }
    const v = a.value;
    switch (p.kind) {
      case "tensor":
        return tensorValue(this.toTensor(v, a.span));
      case "num":
        if (v.kind === "bool") return num(v.value ? 1 : 0);
        if (v.kind !== "num") this.fail(`${callee}: '${p.name}' must be a number, got ${describeKind(v.kind)}`, a.span);
        return v;
      case "axes":
        if (v.kind !== "num" && v.kind !== "list") this.fail(`${callee}: '${p.name}' must be an axis or a list of axes`, a.span);
        return v;
      case "shape":
        if (v.kind !== "list") this.fail(`${callee}: '${p.name}' must be a shape such as [batch, 784]`, a.span);
        for (const d of v.items) {
          if (!(d.kind === "dim" || (d.kind === "num" && Number.isInteger(d.value) && d.value > 0))) {
            this.fail(`${callee}: every dimension of a shape must be a positive integer or 'batch'`, a.span);
          }
        }
        return v;
    }
  }

  private evalRepeat(e: Extract<Expr, { kind: "repeat" }>, scope: Scope): Value {
    const count = this.evalExpr(e.count, scope);
    if (count.kind === "error") return count;
    if (count.kind !== "num" || !Number.isInteger(count.value) || count.value < 0) {
      return this.fail(
        `repeat needs a non-negative integer count, got ${count.kind === "num" ? count.value : describeKind(count.kind)}`,
        e.count.span,
      );
    }
    if (count.value > MAX_REPEAT) {
      return this.fail(`repeat(${count.value}) is more copies than nnc makes (at most ${MAX_REPEAT}); is the count right?`, e.count.span);
    }
    const [head, ...rest] = e.call.args;
    if (!head || head.name !== undefined) {
      return this.fail(
        `repeat(n) ${e.call.callee}(x, ...) feeds each copy's output to the next as its first argument; give that first argument`,
        e.call.span,
      );
    }
    let current: BoundArg = { value: this.evalExpr(head.value, scope), span: head.value.span };
    const base = this.instancePath();
    for (let i = 0; i < count.value; i++) {
      // Repeats inside repeated blocks multiply; stop before memory runs out.
      if (this.b.nodes.length > MAX_NODES)
        this.fail(`the model grows past ${MAX_NODES.toLocaleString("en-US")} graph nodes; is a repeat count too large?`, e.span);
      const call: CallExpr = { ...e.call, args: rest };
      current = { value: this.evalCall(call, scope, () => `${base}.${i}`, current), span: e.call.span };
    }
    return current.value;
  }

  /** A tensor value, or a clear error naming what was found. */
  expectTensor(v: Value, what: string, span: Span): NodeId {
    if (v.kind !== "tensor") this.fail(`${what} must be a tensor, got ${describeKind(v.kind)}`, span);
    return v.id;
  }

  showShapeOf(id: NodeId): string {
    return showShape(this.b.shape(id));
  }
}
