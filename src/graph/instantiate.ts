// Block instantiation: a block call gets a fresh scope named after its instance (`layers.3.`), its
// arguments bound (shape patterns binding sizes: `x: [batch, n]`), and its body run statement by
// statement by whoever elaborates statements. The stack of instances under way gives every error
// raised inside the chain of instantiations as notes.
import { showExpr, type CallExpr, type Decl, type Expr, type Stmt } from "../parser/ast.js";
import { spanToString, type Note, type Span } from "../diagnostics.js";
import type { Builder } from "./builder.js";
import type { BoundArg } from "./evaluate.js";
import { BATCH, showShape } from "./ir.js";
import { Scope } from "./scope.js";
import { describeKind, showValue, type Value } from "./values.js";

const MAX_INSTANCE_DEPTH = 64;

interface Frame {
  readonly block: Decl;
  readonly call: Span;
}

/** What instantiating a block needs: evaluation, shapes, and a way to run its statements. */
export interface InstanceHost {
  readonly b: Builder;
  evalExpr(e: Expr, scope: Scope): Value;
  fail(message: string, span: Span): never;
  /** Elaborates one statement of a block's body; returns a `return`'s value. */
  statement(stmt: Stmt, scope: Scope): Value | undefined;
}

export class BlockInstantiator {
  private readonly stack: Frame[] = [];
  /** Every block scope made, for the unused-binding warnings at the end. */
  readonly scopes: Scope[] = [];

  constructor(private readonly host: InstanceHost) {}

  /** The instantiations under way, innermost first. */
  notes(): Note[] {
    return [...this.stack].reverse().map((f) => ({
      message: `in block ${f.block.name} at ${spanToString(f.block.nameSpan)}, used at ${spanToString(f.call)}`,
    }));
  }

  instantiate(decl: Decl, args: readonly (BoundArg | undefined)[], call: CallExpr, path: string): Value {
    const host: InstanceHost = this.host;
    if (this.stack.some((f) => f.block === decl)) {
      host.fail(
        `block ${decl.name} uses itself; blocks cannot be recursive (to stack copies, write repeat(n) ${decl.name}(...))`,
        call.span,
      );
    }
    if (this.stack.length >= MAX_INSTANCE_DEPTH) {
      host.fail(`blocks nested more than ${MAX_INSTANCE_DEPTH} deep; is block '${decl.name}' recursive?`, call.span);
    }
    this.stack.push({ block: decl, call: call.span });
    try {
      const scope = new Scope(`${path}.`, "block");
      this.scopes.push(scope);
      const define = (f: Decl["formals"][number], value: Value) => {
        scope.define({ name: f.name, value, span: f.span, kind: "formal" });
        scope.lookup(f.name);
      };
      // Arguments given are bound first, so a shape pattern may use a later one (`x: [batch, side * side], side`);
      // defaults are evaluated in order, after the patterns before them (`x: [batch, n], units = n`).
      decl.formals.forEach((f, i) => {
        const arg = args[i];
        if (arg) define(f, arg.value);
      });
      decl.formals.forEach((f, i) => {
        const arg = args[i];
        let value: Value;
        if (arg) value = arg.value;
        else if (f.default) define(f, (value = host.evalExpr(f.default, scope)));
        else return void host.fail(`block ${decl.name} needs argument '${f.name}'`, call.span);
        if (f.shape) this.matchShapePattern(f.shape, value, arg?.span ?? call.span, scope, `argument '${f.name}' of ${decl.name}`);
      });
      let result: Value | undefined;
      for (const stmt of decl.body) {
        const v = host.statement(stmt, scope);
        if (stmt.kind === "return") {
          if (result) host.fail(`block ${decl.name} returns twice`, stmt.span);
          result = v;
        }
      }
      if (!result) host.fail(`block ${decl.name} has no 'return'`, decl.nameSpan);
      return result;
    } finally {
      this.stack.pop();
    }
  }

  /** `x: [batch, n]` binds n to x's second dimension, or checks it if n is already known. */
  private matchShapePattern(pattern: readonly Expr[], value: Value, span: Span, scope: Scope, what: string): void {
    const host: InstanceHost = this.host;
    if (value.kind === "error") return;
    if (value.kind !== "tensor") host.fail(`${what} must be a tensor, got ${describeKind(value.kind)}`, span);
    const actual = host.b.shape(value.id);
    const expected = `[${pattern.map(showExpr).join(", ")}]`;
    if (actual.length !== pattern.length) host.fail(`${what} must have shape ${expected}, got ${showShape(actual)}`, span);
    pattern.forEach((p, i) => {
      const dim = actual[i]!;
      if (p.kind === "name" && p.name !== BATCH && !scope.peek(p.name)) {
        const v: Value = typeof dim === "number" ? { kind: "num", value: dim } : { kind: "dim", name: dim };
        scope.define({ name: p.name, value: v, span: p.span, kind: "formal" });
        scope.lookup(p.name);
        return;
      }
      const want = host.evalExpr(p, scope);
      const ok = (want.kind === "num" && want.value === dim) || (want.kind === "dim" && want.name === dim);
      if (!ok)
        host.fail(`${what} must have shape ${expected}, got ${showShape(actual)} (dimension ${i} should be ${showValue(want)})`, span);
    });
  }
}
