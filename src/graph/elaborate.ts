// Elaboration: AST -> forward Graph, one per model. It resolves names, applies hyperparameter
// overrides, instantiates blocks (numbering repeated copies into stable names: `layers.3.W`),
// folds constants, desugars composite functions into primitives, and builds the graph, whose
// shapes are checked as each node is made. Errors are collected statement by statement: a failed
// binding becomes an error value that propagates silently, so one mistake is reported once.
//
// The pieces compose, none inherits: a `ModelElaborator` owns one model's state (the Builder, its
// `ModelParts`, the instance naming) and wires an `ExpressionEvaluator` (evaluate.ts, calls.ts), a
// `BlockInstantiator` (instantiate.ts) and a `StatementElaborator` (statements.ts) to it.
import { boundName, type Decl, type Expr, type SourceFile, type Stmt } from "../parser/ast.js";
import { DiagnosticError, error, spanToString, uniqueDiagnostics, type Diagnostic, type Span } from "../diagnostics.js";
import { Builder, finishGraph } from "./builder.js";
import { ExpressionEvaluator, type EvalContext } from "./evaluate.js";
import { BlockInstantiator } from "./instantiate.js";
import type { Graph } from "./ir.js";
import { checkModel } from "./lint.js";
import { ModelParts } from "./model-parts.js";
import { InstanceNaming } from "./naming.js";
import { Scope } from "./scope.js";
import { trainSettings } from "./settings.js";
import { StatementElaborator } from "./statements.js";
import { describeKind, ERROR, showValue, type Value } from "./values.js";

/** `--set name=value`: the value is .nn expression text, parsed by the caller. */
export interface Override {
  readonly name: string;
  readonly expr: Expr;
}

export interface ElaborateResult {
  readonly graphs: readonly Graph[];
  readonly diagnostics: readonly Diagnostic[];
  /** Bad `--set` values: problems with how nnc was called, not with the model. */
  readonly usageErrors: readonly string[];
}

export function elaborate(ast: SourceFile, overrides: readonly Override[] = []): ElaborateResult {
  const diagnostics: Diagnostic[] = [];
  const blocks = new Map<string, Decl>();
  for (const d of ast.decls) {
    if (d.kind !== "block") continue;
    const previous = blocks.get(d.name);
    if (previous) diagnostics.push(error(`block '${d.name}' is defined twice (first at ${spanToString(previous.nameSpan)})`, d.nameSpan));
    else blocks.set(d.name, d);
  }
  const graphs: Graph[] = [];
  const usageErrors: string[] = [];
  const models = new Map<string, Span>();
  for (const d of ast.decls) {
    if (d.kind !== "model") continue;
    const previous = models.get(d.name);
    if (previous) diagnostics.push(error(`model '${d.name}' is defined twice (first at ${spanToString(previous)})`, d.nameSpan));
    models.set(d.name, d.nameSpan);
    const m = new ModelElaborator(blocks);
    const graph = m.run(d, overrides);
    diagnostics.push(...m.diagnostics);
    usageErrors.push(...m.usageErrors);
    if (graph && !previous) graphs.push(graph);
  }
  // One mistake, one report: a block used several times fails (or warns) the same way in each
  // instance, at the same span; the first report, with its chain of instantiations, is enough.
  return { graphs, diagnostics: uniqueDiagnostics(diagnostics), usageErrors: [...new Set(usageErrors)] };
}

/** One model's elaboration: it owns the model's state and runs its hyperparameters and body. */
class ModelElaborator {
  readonly diagnostics: Diagnostic[] = [];
  readonly usageErrors: string[] = [];
  private readonly b = new Builder();
  private readonly naming = new InstanceNaming();
  private readonly scope = new Scope("", "model");
  private readonly ev: ExpressionEvaluator;
  /** The evaluator of a `train` section, where unknown calls are settings (`adam(lr = 0.001)`). */
  private readonly settingsEv: ExpressionEvaluator;
  private readonly instances: BlockInstantiator;
  private readonly parts: ModelParts;
  private readonly statements: StatementElaborator;

  constructor(blocks: ReadonlyMap<string, Decl>) {
    const ctx: EvalContext = {
      b: this.b,
      blocks,
      notes: () => this.instances.notes(),
      nextInstance: () => this.naming.next(),
      modelScope: () => this.scope,
      instantiate: (block, args, call, path) => this.instances.instantiate(block, args, call, path),
      callBuiltin: (builtin, args, span, path) => builtin.call(this.parts.callContext(path, span), args),
      untaken: (e, scope) => this.parts.markUntaken(e, scope),
    };
    this.b.notes = () => this.instances.notes();
    const ev = (this.ev = new ExpressionEvaluator(ctx));
    this.settingsEv = new ExpressionEvaluator(ctx, true);
    this.parts = new ModelParts(this.b, this.naming, (message, span) => ev.fail(message, span));
    this.statements = new StatementElaborator(ev, this.b, this.naming, this.parts);
    this.instances = new BlockInstantiator({
      b: this.b,
      evalExpr: (e, scope) => ev.evalExpr(e, scope),
      fail: (message, span) => ev.fail(message, span),
      statement: (stmt, scope) => this.statements.statement(stmt, scope),
    });
  }

  run(decl: Decl, overrides: readonly Override[]): Graph | undefined {
    try {
      const scope = this.scope;
      const hyper = this.bindHyperparameters(decl, scope, overrides);
      let train: Graph["train"] = {};
      let trainAt: Span | undefined;
      for (const stmt of decl.body) {
        if (stmt.kind === "train") {
          if (trainAt) {
            this.diagnostics.push(
              error(`a model has one 'train' section (the first is at ${spanToString(trainAt)}); merge them`, stmt.span),
            );
            continue;
          }
          trainAt = stmt.span;
          train = this.guard(() => this.trainSection(stmt, scope), stmt.span) ?? train;
        } else if (this.guard(() => (this.statements.statement(stmt, scope), true), stmt.span) === undefined) this.bindFailed(stmt, scope);
      }
      if (this.usageErrors.length > 0) return undefined;
      if (this.parts.empty() && this.diagnostics.length === 0) {
        this.diagnostics.push(error(`model '${decl.name}' has neither an output nor a loss`, decl.nameSpan));
      }
      if (this.diagnostics.some((d) => d.severity === "error")) return undefined;
      const graph = finishGraph({
        model: decl.name,
        span: decl.nameSpan,
        nodes: this.b.nodes,
        ...this.parts.declarations(),
        grads: [],
        hyper,
        train,
      });
      this.diagnostics.push(...checkModel(graph, [scope, ...this.instances.scopes], this.parts.switchedOff));
      return graph;
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        this.diagnostics.push(error(`model '${decl.name}' is nested too deeply to elaborate`, decl.nameSpan));
        return undefined;
      }
      throw e;
    }
  }

  /** Runs one statement's worth of work, turning a diagnostic into a recorded error. */
  private guard<T>(f: () => T, span?: Span): T | undefined {
    try {
      return f();
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message) && span) {
        this.diagnostics.push(error(`this is nested too deeply to elaborate; split it with let-bindings`, span));
        return undefined;
      }
      if (!(e instanceof DiagnosticError)) throw e;
      this.diagnostics.push(...e.diagnostics);
      return undefined;
    }
  }

  /** A statement that failed still binds its name, to an error value, so later uses stay quiet. */
  private bindFailed(stmt: Stmt, scope: Scope): void {
    const name = boundName(stmt);
    if (name === undefined || scope.peek(name)) return;
    scope.define({ name, value: ERROR, span: stmt.span, kind: "let" });
    scope.lookup(name);
  }

  private bindHyperparameters(decl: Decl, scope: Scope, overrides: readonly Override[]): Record<string, string | number | boolean> {
    const shown: Record<string, string | number | boolean> = {};
    for (const f of decl.formals) {
      const override = overrides.find((o) => o.name === f.name);
      const value =
        this.guard(() => {
          if (f.shape) this.ev.fail(`hyperparameters of a model cannot have shapes; declare tensors with 'input'`, f.span);
          if (!f.default && !override)
            this.ev.fail(`hyperparameter '${f.name}' has no default; give one, or pass --set ${f.name}=VALUE`, f.span);
          const dflt = f.default ? this.ev.evalExpr(f.default, scope) : undefined;
          if (!override) return dflt!;
          const v = this.overrideValue(f.name, override, scope);
          if (dflt && dflt.kind !== "error" && v.kind !== "error" && v.kind !== dflt.kind) {
            this.usageErrors.push(
              `--set ${f.name}: expected ${describeKind(dflt.kind)} (like the default, ${showValue(dflt)}), got ${describeKind(v.kind)}`,
            );
            return ERROR;
          }
          return v;
        }) ?? ERROR;
      scope.define({ name: f.name, value, span: f.span, kind: "hyper" });
      scope.lookup(f.name); // hyperparameters are not reported as unused
      if (value.kind === "num" || value.kind === "bool") shown[f.name] = value.value;
      else if (value.kind !== "error") shown[f.name] = showValue(value);
    }
    return shown;
  }

  /** A `--set` value, evaluated like a default; its errors are usage errors. */
  private overrideValue(name: string, override: Override, scope: Scope): Value {
    try {
      return this.ev.evalExpr(override.expr, scope);
    } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      this.usageErrors.push(...e.diagnostics.map((d) => `--set ${name}: ${d.message}`));
      return ERROR;
    }
  }

  private trainSection(stmt: Extract<Stmt, { kind: "train" }>, scope: Scope): Graph["train"] {
    const values: [string, Value, Span][] = [];
    for (const s of stmt.settings) {
      // A bare name that is not in scope is a spec without arguments: `optimizer = adam`.
      const bare = s.value.kind === "name" && !scope.peek(s.value.name) ? s.value.name : undefined;
      const v: Value | undefined = bare
        ? { kind: "spec", spec: { name: bare, args: {} } }
        : this.guard(() => this.settingsEv.evalExpr(s.value, scope));
      if (v) values.push([s.name, v, s.span]);
    }
    return trainSettings(values, (msg, span) => this.ev.fail(msg, span));
  }
}
