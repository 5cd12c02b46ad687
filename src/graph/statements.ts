// Statements, in a model's body and in a block's: bindings (`h = ...`), params, inputs and
// targets, outputs, the loss and a block's `return`. Each binding's expression is evaluated with
// its nodes labelled and the block instances it makes named after it.
import type { Expr, Stmt } from "../parser/ast.js";
import { spanToString, type Span } from "../diagnostics.js";
import type { Builder } from "./builder.js";
import type { ExpressionEvaluator } from "./evaluate.js";
import { showShape, type Dim } from "./ir.js";
import type { ModelParts } from "./model-parts.js";
import { countOwners, type InstanceNaming } from "./naming.js";
import { Scope } from "./scope.js";
import { describeKind, ERROR, silentFailure, tensorValue, type InitValue, type Value } from "./values.js";

/** The largest size of one dimension: sizes beyond it could not be allocated (nor counted exactly). */
const MAX_DIM = 2 ** 31 - 1;

type ModelStmt = Extract<Stmt, { kind: "input" | "target" | "output" | "loss" }>;

export class StatementElaborator {
  constructor(
    private readonly ev: ExpressionEvaluator,
    private readonly b: Builder,
    private readonly naming: InstanceNaming,
    private readonly parts: ModelParts,
  ) {}

  /** Elaborates one statement; returns a `return`'s value. */
  statement(stmt: Stmt, scope: Scope): Value | undefined {
    const inBlock = scope.kind === "block";
    switch (stmt.kind) {
      case "input":
      case "target":
      case "output":
      case "loss":
        if (inBlock) this.ev.fail(`a block cannot declare '${stmt.kind}'; declare it in the model and pass it to the block`, stmt.span);
        return this.modelStatement(stmt, scope);
      case "return":
        if (!inBlock) this.ev.fail(`'return' belongs in a block; a model declares 'output' and 'loss'`, stmt.span);
        // Instances made in a return statement are named after the block instance itself.
        return this.named(scope.prefix.slice(0, -1), stmt.value, new Scope("", "block"), scope, true);
      case "train":
        return this.ev.fail(`a block cannot have a 'train' section`, stmt.span);
      case "param":
        this.declareParam(stmt, scope);
        return undefined;
      case "let": {
        const value = this.named(stmt.name, stmt.value, scope, scope) ?? ERROR;
        this.bind(scope, stmt.name, value, stmt.span, "let");
        return undefined;
      }
    }
  }

  private modelStatement(stmt: ModelStmt, scope: Scope): undefined {
    switch (stmt.kind) {
      case "input":
      case "target": {
        const shape = this.shape(stmt.shape, scope, true);
        if (stmt.kind === "target" && stmt.encoding === "index" && shape.length !== 1) {
          this.ev.fail(`class-index targets have shape [batch], got ${showShape(shape)}`, stmt.span);
        }
        if (stmt.kind === "target" && stmt.encoding === "onehot" && shape.length !== 2) {
          this.ev.fail(`one-hot targets have shape [batch, classes], got ${showShape(shape)}`, stmt.span);
        }
        const role = stmt.kind;
        const id = this.b.with({ span: stmt.span, label: stmt.name }, () => this.b.leaf("input", { name: stmt.name, role }, shape));
        const encoding = stmt.kind === "target" ? stmt.encoding : undefined;
        const classes = encoding === "onehot" && typeof shape[1] === "number" ? shape[1] : undefined;
        this.parts.claimName(stmt.name, stmt.span);
        this.parts.addInput({ name: stmt.name, node: id, shape, role, ...(encoding && { encoding }), ...(classes && { classes }) });
        this.bind(scope, stmt.name, tensorValue(id), stmt.span, role);
        return undefined;
      }
      case "output": {
        const value = stmt.value ? this.named(stmt.name, stmt.value, scope, scope) : this.ev.resolveName(stmt.name, stmt.span, scope);
        if (value === undefined || value.kind === "error") {
          // Bound all the same, so a later use (the loss) does not report it as unknown too.
          if (stmt.value) this.bind(scope, stmt.name, ERROR, stmt.span, "output");
          return undefined;
        }
        const id = this.ev.expectTensor(value, `output '${stmt.name}'`, stmt.span);
        this.parts.addOutput(stmt.name, id, stmt.span);
        if (stmt.value) this.bind(scope, stmt.name, value, stmt.span, "output");
        return undefined;
      }
      case "loss": {
        this.parts.checkNoLoss(stmt.span);
        const value = this.named("loss", stmt.value, scope, scope);
        if (value === undefined || value.kind === "error") return undefined;
        const id = this.ev.expectTensor(value, "the loss", stmt.value.span);
        const shape = this.b.shape(id);
        if (shape.length !== 0) {
          this.ev.fail(
            `the loss must be a scalar, but this has shape ${showShape(shape)}; reduce it, e.g. with mean(...)`,
            stmt.value.span,
          );
        }
        this.parts.setLoss(id);
        return undefined;
      }
    }
  }

  /**
   * Evaluates a binding's expression with its nodes labelled and its block instances named after
   * `naming.prefix + name`.
   */
  private named(name: string, expr: Expr, naming: Scope, scope: Scope, fromReturn = false): Value | undefined {
    const owners = countOwners(expr, (c) => this.ev.ownsParams(c, scope));
    const base = naming.prefix + name;
    return this.naming.within(base, owners, fromReturn, () => this.b.with({ label: base }, () => this.ev.evalExpr(expr, scope)));
  }

  private bind(scope: Scope, name: string, value: Value, span: Span, kind: "let" | "input" | "target" | "output" | "param"): void {
    const previous = scope.define({ name, value, span, kind });
    if (previous && previous.kind !== "hyper") {
      this.ev.fail(`'${name}' is already defined at ${spanToString(previous.span)}; bindings cannot be reassigned`, span);
    }
  }

  /** Evaluates shape dimensions: positive integers, or `batch` where allowed. */
  private shape(dims: readonly Expr[], scope: Scope, allowBatch: boolean): Dim[] {
    return dims.map((d) => {
      const v = this.ev.evalExpr(d, scope);
      if (v.kind === "error") throw silentFailure();
      if (v.kind === "dim" && allowBatch) return v.name;
      if (v.kind === "num" && Number.isInteger(v.value) && v.value > 0 && v.value <= MAX_DIM) return v.value;
      if (v.kind === "num" && v.value > MAX_DIM) return this.ev.fail(`a dimension must be at most ${MAX_DIM}, got ${v.value}`, d.span);
      if (v.kind === "dim") return this.ev.fail(`a param's shape must be known at compile time; '${v.name}' is not`, d.span);
      const got = v.kind === "num" ? String(v.value) : describeKind(v.kind);
      return this.ev.fail(`a dimension must be a positive integer${allowBatch ? " or 'batch'" : ""}, got ${got}`, d.span);
    });
  }

  /** A param's shape is known at compile time: only numbers, no `batch`. */
  private fixedShape(dims: readonly Expr[], scope: Scope): number[] {
    return this.shape(dims, scope, false).map((d) => {
      if (typeof d !== "number") throw new Error(`internal: a param dimension is symbolic`);
      return d;
    });
  }

  private declareParam(stmt: Extract<Stmt, { kind: "param" }>, scope: Scope): void {
    const shape = this.fixedShape(stmt.shape, scope);
    const initValue = this.ev.evalExpr(stmt.init, scope);
    let init: InitValue;
    if (initValue.kind === "error") throw silentFailure();
    if (initValue.kind === "init") init = initValue.init;
    else if (initValue.kind === "num") init = { kind: "constant", value: initValue.value };
    else
      return void this.ev.fail(
        `a param's initializer must be zeros, ones, normal(std), uniform(a, b), xavier or he; got ${describeKind(initValue.kind)}`,
        stmt.init.span,
      );
    const id = this.parts.newParam(scope.prefix + stmt.name, shape, init, stmt.span, stmt.init.span);
    this.bind(scope, stmt.name, tensorValue(id), stmt.span, "param");
  }
}
