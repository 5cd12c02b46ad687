// Calls, for the expression evaluator: the callee resolved (through local function values such as
// `act = relu`), the arguments matched to its formals (positional, then named) and checked against
// what a builtin takes, then the call handed to a block instance, a builtin, an initializer or, in
// a `train` section, made a settings spec. `repeat(n) f(x)` chains n calls.
import type { Arg, CallExpr, Expr } from "../parser/ast.js";
import { didYouMean, type Span } from "../diagnostics.js";
import { BUILTINS, INITIALIZERS, type BuiltinParam } from "./builtins.js";
import type { BoundArg, EvalContext } from "./evaluate.js";
import type { NodeId } from "./ir.js";
import type { Scope } from "./scope.js";
import { describeKind, ERROR, num, silentFailure, tensorValue, type Value } from "./values.js";

/** Limits that keep a typo (`repeat(1e9)`) from exhausting memory: far beyond any real network. */
export const MAX_REPEAT = 10_000;
export const MAX_NODES = 1_000_000;

/** What call evaluation needs from the expression evaluator. */
export interface Evaluation {
  readonly ctx: EvalContext;
  /** Unknown calls are settings specs (in a `train` section). */
  readonly settings: boolean;
  evalExpr(e: Expr, scope: Scope): Value;
  toTensor(v: Value, span: Span): NodeId;
  fail(message: string, span: Span): never;
}

type Evaluated = { readonly arg: Arg; readonly value: Value };

/**
 * `path` names the instance when the callee owns params; it is asked for only then, and after
 * the arguments are evaluated, so in `D(D(x))` the inner (first) instance is numbered 0.
 */
export function evalCall(ev: Evaluation, call: CallExpr, scope: Scope, path: () => string, first?: BoundArg): Value {
  const name = calleeName(ev, call, scope);
  const evaluated = call.args.map((a) => ({ arg: a, value: ev.evalExpr(a.value, scope) }));
  if (evaluated.some((a) => a.value.kind === "error") || first?.value.kind === "error") return ERROR;
  const block = ev.ctx.blocks.get(name);
  if (block) {
    const formals = block.formals.map((f) => ({ name: f.name }));
    const bound = match(ev, name, formals, evaluated, call, first);
    return ev.ctx.instantiate(block, bound, call, path());
  }
  const builtin = BUILTINS[name];
  if (builtin) {
    const bound = match(ev, name, builtin.params, evaluated, call, first);
    const values = builtin.params.map((p, i) => coerce(ev, name, p, bound[i], call.span));
    return ev.ctx.callBuiltin(builtin, values, call.span, builtin.ownsParams ? path() : "_");
  }
  const init = INITIALIZERS[name];
  if (init) {
    const formals = init.params.map((p) => ({ name: p }));
    const args = match(ev, name, formals, evaluated, call, first).map((a, i) => {
      if (!a) return ev.fail(`${name} needs argument '${init.params[i]}': ${name}(${init.params.join(", ")})`, call.span);
      if (a.value.kind !== "num") ev.fail(`${name}: '${init.params[i]}' must be a number, got ${describeKind(a.value.kind)}`, a.span);
      return a.value.value;
    });
    return { kind: "init", init: init.make(args) };
  }
  if (ev.settings) return settingsSpec(ev, name, evaluated);
  const guess = didYouMean(name, [...ev.ctx.blocks.keys(), ...Object.keys(BUILTINS), ...Object.keys(INITIALIZERS)]);
  return ev.fail(`unknown function '${name}'${guess ? `; did you mean '${guess}'?` : ""}`, call.calleeSpan);
}

/** `adam(lr = 0.001)` in a `train` section. */
function settingsSpec(ev: Evaluation, name: string, evaluated: readonly Evaluated[]): Value {
  const args: Record<string, number> = {};
  for (const { arg, value } of evaluated) {
    if (arg.name === undefined) ev.fail(`settings take named arguments: ${name}(lr = 0.01)`, arg.value.span);
    if (value.kind !== "num") ev.fail(`'${arg.name}' must be a number`, arg.value.span);
    args[arg.name] = value.value;
  }
  return { kind: "spec", spec: { name, args } };
}

/** The callee's name once local function values (`act = relu`) are followed. */
function calleeName(ev: Evaluation, call: CallExpr, scope: Scope): string {
  const local = scope.lookup(call.callee);
  if (!local) return call.callee;
  if (local.value.kind === "error") throw silentFailure();
  if (local.value.kind !== "fn") {
    ev.fail(`'${call.callee}' is ${describeKind(local.value.kind)}, not a function`, call.calleeSpan);
  }
  return local.value.name;
}

/** Positional and named arguments matched to formals; a missing one is undefined. */
function match(
  ev: Evaluation,
  callee: string,
  formals: readonly { name: string; default?: Value }[],
  args: readonly Evaluated[],
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
        ev.fail(`${callee} takes ${formals.length} argument${formals.length === 1 ? "" : "s"} (${list}), got ${given}`, span);
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
      ev.fail(`${callee} has no argument '${arg.name}'${guess ? `; did you mean '${guess}'?` : ""}`, arg.nameSpan ?? span);
    }
    if (bound[i]) ev.fail(`argument '${arg.name}' of ${callee} is given twice`, arg.nameSpan ?? span);
    bound[i] = { value, span };
  }
  return bound;
}

/** A builtin's argument checked against what it takes, or its default. */
function coerce(ev: Evaluation, callee: string, p: BuiltinParam, a: BoundArg | undefined, callSpan: Span): Value {
  if (!a) {
    if (p.default) return p.default;
    return ev.fail(`${callee} needs argument '${p.name}'`, callSpan);
  }
  const v = a.value;
  switch (p.kind) {
    case "tensor":
      return tensorValue(ev.toTensor(v, a.span));
    case "num":
      if (v.kind === "bool") return num(v.value ? 1 : 0);
      if (v.kind !== "num") ev.fail(`${callee}: '${p.name}' must be a number, got ${describeKind(v.kind)}`, a.span);
      return v;
    case "axes":
      if (v.kind !== "num" && v.kind !== "list") ev.fail(`${callee}: '${p.name}' must be an axis or a list of axes`, a.span);
      return v;
    case "shape":
      if (v.kind !== "list") ev.fail(`${callee}: '${p.name}' must be a shape such as [batch, 784]`, a.span);
      for (const d of v.items) {
        if (!(d.kind === "dim" || (d.kind === "num" && Number.isInteger(d.value) && d.value > 0))) {
          ev.fail(`${callee}: every dimension of a shape must be a positive integer or 'batch'`, a.span);
        }
      }
      return v;
  }
}

/** `repeat(n) f(x, ...)`: n copies, each copy's output the next one's first argument. */
export function evalRepeat(ev: Evaluation, e: Extract<Expr, { kind: "repeat" }>, scope: Scope): Value {
  const count = ev.evalExpr(e.count, scope);
  if (count.kind === "error") return count;
  if (count.kind !== "num" || !Number.isInteger(count.value) || count.value < 0) {
    return ev.fail(
      `repeat needs a non-negative integer count, got ${count.kind === "num" ? count.value : describeKind(count.kind)}`,
      e.count.span,
    );
  }
  if (count.value > MAX_REPEAT) {
    return ev.fail(`repeat(${count.value}) is more copies than nnc makes (at most ${MAX_REPEAT}); is the count right?`, e.count.span);
  }
  const [head, ...rest] = e.call.args;
  if (!head || head.name !== undefined) {
    return ev.fail(
      `repeat(n) ${e.call.callee}(x, ...) feeds each copy's output to the next as its first argument; give that first argument`,
      e.call.span,
    );
  }
  let current: BoundArg = { value: ev.evalExpr(head.value, scope), span: head.value.span };
  const base = ev.ctx.nextInstance();
  for (let i = 0; i < count.value; i++) {
    // Repeats inside repeated blocks multiply; stop before memory runs out.
    if (ev.ctx.b.nodes.length > MAX_NODES)
      ev.fail(`the model grows past ${MAX_NODES.toLocaleString("en-US")} graph nodes; is a repeat count too large?`, e.span);
    const call: CallExpr = { ...e.call, args: rest };
    current = { value: evalCall(ev, call, scope, () => `${base}.${i}`, current), span: e.call.span };
  }
  return current.value;
}
