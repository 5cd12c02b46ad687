// Elaboration: AST -> forward Graph, one per model. It resolves names, applies hyperparameter
// overrides, instantiates blocks (numbering repeated copies into stable names: `layers.3.W`),
// folds constants, desugars composite functions into primitives, and builds the graph, whose
// shapes are checked as each node is made. Errors are collected statement by statement: a failed
// binding becomes an error value that propagates silently, so one mistake is reported once.
import { boundName, children, subexpressions, type CallExpr, type Decl, type Expr, type SourceFile, type Stmt } from "../parser/ast.js";
import { DiagnosticError, error, spanToString, uniqueDiagnostics, type Diagnostic, type Span } from "../diagnostics.js";
import { finishGraph } from "./builder.js";
import type { Builtin } from "./builtins.js";
import { silentFailure } from "./evaluate.js";
import { BlockInstantiator } from "./instantiate.js";
import { showShape, type Dim, type Graph, type InputSpec, type Named, type NodeId, type ParamSpec, type StateSpec } from "./ir.js";
import { checkModel } from "./lint.js";
import { resolveInit } from "./init.js";
import { Scope } from "./scope.js";
import { trainSettings } from "./settings.js";
import { describeKind, ERROR, showValue, tensorValue, type InitValue, type Value } from "./values.js";

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

/** The largest size of one dimension: sizes beyond it could not be allocated (nor counted exactly). */
const MAX_DIM = 2 ** 31 - 1;

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

class ModelElaborator extends BlockInstantiator {
  readonly diagnostics: Diagnostic[] = [];
  readonly usageErrors: string[] = [];
  private readonly inputs: InputSpec[] = [];
  private readonly params: ParamSpec[] = [];
  private readonly states: StateSpec[] = [];
  private readonly outputs: Named[] = [];
  private readonly names = new Map<string, Span>();
  private readonly softmaxOf = new Map<NodeId, NodeId>();
  private readonly targetClasses = new Map<NodeId, Dim>();
  /** Nodes named in untaken `if` branches: unused on purpose, so not worth a warning. */
  private readonly switchedOff = new Set<NodeId>();
  private loss: NodeId | undefined;
  private seq = 0;

  run(decl: Decl, overrides: readonly Override[]): Graph | undefined {
    try {
      const scope = new Scope("", "model");
      this.modelScope = scope;
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
        } else if (this.guard(() => (this.statement(stmt, scope), true), stmt.span) === undefined) this.bindFailed(stmt, scope);
      }
      if (this.usageErrors.length > 0) return undefined;
      if (this.outputs.length === 0 && this.loss === undefined && this.diagnostics.length === 0) {
        this.diagnostics.push(error(`model '${decl.name}' has neither an output nor a loss`, decl.nameSpan));
      }
      if (this.diagnostics.some((d) => d.severity === "error")) return undefined;
      const graph = finishGraph({
        model: decl.name,
        span: decl.nameSpan,
        nodes: this.b.nodes,
        inputs: this.inputs.map((i) => (this.targetClasses.has(i.node) ? { ...i, classes: this.targetClasses.get(i.node) as number } : i)),
        params: this.params,
        states: this.states,
        outputs: this.outputs,
        ...(this.loss !== undefined && { loss: this.loss }),
        grads: [],
        hyper,
        train,
      });
      this.diagnostics.push(...checkModel(graph, this.scopes, this.switchedOff));
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

  protected untaken(e: Expr, scope: Scope): void {
    for (const x of subexpressions(e)) {
      const name = x.kind === "name" ? x.name : x.kind === "call" ? x.callee : x.kind === "repeat" ? x.call.callee : undefined;
      const v = name === undefined ? undefined : scope.lookup(name)?.value;
      if (v?.kind === "tensor") this.switchedOff.add(v.id);
    }
  }

  private bindHyperparameters(decl: Decl, scope: Scope, overrides: readonly Override[]): Record<string, string | number | boolean> {
    this.scopes.push(scope);
    const shown: Record<string, string | number | boolean> = {};
    for (const f of decl.formals) {
      const override = overrides.find((o) => o.name === f.name);
      const value =
        this.guard(() => {
          if (f.shape) this.fail(`hyperparameters of a model cannot have shapes; declare tensors with 'input'`, f.span);
          if (!f.default && !override)
            this.fail(`hyperparameter '${f.name}' has no default; give one, or pass --set ${f.name}=VALUE`, f.span);
          const dflt = f.default ? this.evalExpr(f.default, scope) : undefined;
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
      return this.evalExpr(override.expr, scope);
    } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      this.usageErrors.push(...e.diagnostics.map((d) => `--set ${name}: ${d.message}`));
      return ERROR;
    }
  }

  protected statement(stmt: Stmt, scope: Scope): Value | undefined {
    const inBlock = scope.kind === "block";
    switch (stmt.kind) {
      case "input":
      case "target":
      case "output":
      case "loss":
        if (inBlock) this.fail(`a block cannot declare '${stmt.kind}'; declare it in the model and pass it to the block`, stmt.span);
        return this.modelStatement(stmt, scope);
      case "return":
        if (!inBlock) this.fail(`'return' belongs in a block; a model declares 'output' and 'loss'`, stmt.span);
        // Instances made in a return statement are named after the block instance itself.
        return this.named(
          scope.prefix.slice(0, -1),
          stmt.value,
          new Scope("", "block"),
          scope,
          () => this.evalExpr(stmt.value, scope),
          true,
        );
      case "train":
        return this.fail(`a block cannot have a 'train' section`, stmt.span);
      case "param":
        this.declareParam(stmt, scope);
        return undefined;
      case "let": {
        const value = this.named(stmt.name, stmt.value, scope, scope, () => this.evalExpr(stmt.value, scope)) ?? ERROR;
        this.bind(scope, stmt.name, value, stmt.span, "let");
        return undefined;
      }
    }
  }

  private modelStatement(stmt: Extract<Stmt, { kind: "input" | "target" | "output" | "loss" }>, scope: Scope): undefined {
    switch (stmt.kind) {
      case "input":
      case "target": {
        const shape = this.shape(stmt.shape, scope, true);
        if (stmt.kind === "target" && stmt.encoding === "index" && shape.length !== 1) {
          this.fail(`class-index targets have shape [batch], got ${showShape(shape)}`, stmt.span);
        }
        if (stmt.kind === "target" && stmt.encoding === "onehot" && shape.length !== 2) {
          this.fail(`one-hot targets have shape [batch, classes], got ${showShape(shape)}`, stmt.span);
        }
        const role = stmt.kind;
        const id = this.b.with({ span: stmt.span, label: stmt.name }, () => this.b.leaf("input", { name: stmt.name, role }, shape));
        const encoding = stmt.kind === "target" ? stmt.encoding : undefined;
        const classes = encoding === "onehot" && typeof shape[1] === "number" ? shape[1] : undefined;
        this.claimName(stmt.name, stmt.span);
        this.inputs.push({ name: stmt.name, node: id, shape, role, ...(encoding && { encoding }), ...(classes && { classes }) });
        this.bind(scope, stmt.name, tensorValue(id), stmt.span, role);
        return undefined;
      }
      case "output": {
        const value = stmt.value
          ? this.named(stmt.name, stmt.value, scope, scope, () => this.evalExpr(stmt.value!, scope))
          : this.resolveName(stmt.name, stmt.span, scope);
        if (value === undefined || value.kind === "error") return undefined;
        const id = this.expectTensor(value, `output '${stmt.name}'`, stmt.span);
        if (this.outputs.some((o) => o.name === stmt.name)) this.fail(`output '${stmt.name}' is declared twice`, stmt.span);
        this.outputs.push({ name: stmt.name, node: id });
        if (stmt.value) this.bind(scope, stmt.name, value, stmt.span, "output");
        return undefined;
      }
      case "loss": {
        if (this.loss !== undefined) this.fail(`a model has one loss; add the terms: loss a + b`, stmt.span);
        const value = this.named("loss", stmt.value, scope, scope, () => this.evalExpr(stmt.value, scope));
        if (value === undefined || value.kind === "error") return undefined;
        const id = this.expectTensor(value, "the loss", stmt.value.span);
        const shape = this.b.shape(id);
        if (shape.length !== 0) {
          this.fail(`the loss must be a scalar, but this has shape ${showShape(shape)}; reduce it, e.g. with mean(...)`, stmt.value.span);
        }
        this.loss = id;
        return undefined;
      }
    }
  }

  /** Evaluates a binding's expression with its nodes labelled and its block instances named. */
  private named(name: string, expr: Expr, naming: Scope, scope: Scope, f: () => Value, fromReturn = false): Value | undefined {
    const owners = countOwners(expr, (c) => this.ownsParams(c, scope));
    const saved = this.naming;
    const base = naming.prefix + name;
    this.naming = { base, numbered: owners > 1, next: 0, fromReturn };
    try {
      return this.b.with({ label: base }, f);
    } finally {
      this.naming = saved;
    }
  }

  private bind(scope: Scope, name: string, value: Value, span: Span, kind: "let" | "input" | "target" | "output" | "param"): void {
    const previous = scope.define({ name, value, span, kind });
    if (previous && previous.kind !== "hyper") {
      this.fail(`'${name}' is already defined at ${spanToString(previous.span)}; bindings cannot be reassigned`, span);
    }
  }

  private claimName(name: string, span: Span): void {
    const previous = this.names.get(name);
    if (previous) {
      const instance = name.slice(0, name.lastIndexOf("."));
      const hint = this.returnInstances.has(instance)
        ? `; a block instance made in a 'return' is named after the enclosing instance ('${instance}'), so its params can clash with the block's own: bind it first (d = ..., then return d) to name it '${instance}.d'`
        : "";
      this.fail(`the name '${name}' is used twice (first at ${spanToString(previous)})${hint}`, span);
    }
    this.names.set(name, span);
  }

  /** Evaluates shape dimensions: positive integers, or `batch` where allowed. */
  private shape(dims: readonly Expr[], scope: Scope, allowBatch: boolean): Dim[] {
    return dims.map((d) => {
      const v = this.evalExpr(d, scope);
      if (v.kind === "error") throw silentFailure();
      if (v.kind === "dim" && allowBatch) return v.name;
      if (v.kind === "num" && Number.isInteger(v.value) && v.value > 0 && v.value <= MAX_DIM) return v.value;
      if (v.kind === "num" && v.value > MAX_DIM) return this.fail(`a dimension must be at most ${MAX_DIM}, got ${v.value}`, d.span);
      if (v.kind === "dim") return this.fail(`a param's shape must be known at compile time; '${v.name}' is not`, d.span);
      const got = v.kind === "num" ? String(v.value) : describeKind(v.kind);
      return this.fail(`a dimension must be a positive integer${allowBatch ? " or 'batch'" : ""}, got ${got}`, d.span);
    });
  }

  private declareParam(stmt: Extract<Stmt, { kind: "param" }>, scope: Scope): void {
    const shape = this.shape(stmt.shape, scope, false) as number[];
    const initValue = this.evalExpr(stmt.init, scope);
    let init: InitValue;
    if (initValue.kind === "error") throw silentFailure();
    if (initValue.kind === "init") init = initValue.init;
    else if (initValue.kind === "num") init = { kind: "constant", value: initValue.value };
    else
      return void this.fail(
        `a param's initializer must be zeros, ones, normal(std), uniform(a, b), xavier or he; got ${describeKind(initValue.kind)}`,
        stmt.init.span,
      );
    const id = this.newParam(scope.prefix + stmt.name, shape, init, stmt.span, stmt.init.span);
    this.bind(scope, stmt.name, tensorValue(id), stmt.span, "param");
  }

  private newParam(name: string, shape: number[], init: InitValue, span: Span, initSpan = span): NodeId {
    const resolved = resolveInit(init, shape, (msg) => this.fail(msg, initSpan));
    this.claimName(name, span);
    const id = this.b.with({ span, label: name }, () => this.b.leaf("param", { name }, shape));
    this.params.push({ name, node: id, shape, init: resolved, decay: shape.length >= 2 });
    return id;
  }

  private trainSection(stmt: Extract<Stmt, { kind: "train" }>, scope: Scope): Graph["train"] {
    this.inTrainSection = true;
    try {
      const values: [string, Value, Span][] = [];
      for (const s of stmt.settings) {
        // A bare name that is not in scope is a spec without arguments: `optimizer = adam`.
        const bare = s.value.kind === "name" && !scope.peek(s.value.name) ? s.value.name : undefined;
        const v: Value | undefined = bare
          ? { kind: "spec", spec: { name: bare, args: {} } }
          : this.guard(() => this.evalExpr(s.value, scope));
        if (v) values.push([s.name, v, s.span]);
      }
      return trainSettings(values, (msg, span) => this.fail(msg, span));
    } finally {
      this.inTrainSection = false;
    }
  }

  protected callBuiltin(name: string, builtin: Builtin, args: Value[], span: Span, path: string): Value {
    return builtin.call(
      {
        b: this.b,
        span,
        instance: () => path,
        param: (n, shape, init) => this.newParam(`${path}.${n}`, [...shape], init, span),
        state: (n, shape, init, update) => {
          const stateName = `${path}.${n}`;
          this.claimName(stateName, span);
          const id = this.b.with({ label: stateName }, () => this.b.leaf("state", { name: stateName }, shape));
          const next = this.b.with({ label: `${stateName}'` }, () => update(this.b, id));
          this.states.push({
            name: stateName,
            node: id,
            shape,
            init: resolveInit(init, [...shape], (m) => this.fail(m, span)),
            update: next,
          });
          return id;
        },
        seq: () => this.seq++,
        softmaxOf: this.softmaxOf,
        asOneHot: (t, classes) => this.asOneHot(t, classes, span),
      },
      args,
    );
  }

  private asOneHot(t: NodeId, classes: Dim, span: Span): NodeId {
    if (typeof classes !== "number") this.fail(`the number of classes must be known at compile time`, span);
    const known = this.targetClasses.get(t);
    if (known !== undefined && known !== classes)
      this.fail(`this target was used with ${known} classes before, here with ${classes}`, span);
    this.targetClasses.set(t, classes);
    return this.b.add("onehot", [t], { classes });
  }
}

/** Calls in an expression that create params (block instances, batchnorm). */
function countOwners(e: Expr, owns: (c: CallExpr) => boolean): number {
  let n = 0;
  const todo: Expr[] = [e];
  for (let x = todo.pop(); x !== undefined; x = todo.pop()) {
    if (x.kind === "if") {
      // Either branch may be taken; name as the larger one needs.
      n += Math.max(countOwners(x.then, owns), countOwners(x.else, owns));
      continue;
    }
    if ((x.kind === "call" && owns(x)) || x.kind === "repeat") n++;
    todo.push(...children(x));
  }
  return n;
}
