// What a model declares as it elaborates: its inputs and targets, params, states (batchnorm's
// running statistics), outputs and loss, each under a name that may be claimed once. Builtins
// reach it through the `CallContext` it makes for them.
import { subexpressions, type Expr } from "../parser/ast.js";
import { spanToString, type Span } from "../diagnostics.js";
import type { Builder } from "./builder.js";
import type { CallContext } from "./builtins.js";
import type { Dim, Graph, InputSpec, Named, NodeId, ParamSpec, StateSpec } from "./ir.js";
import { resolveInit } from "./init.js";
import type { InstanceNaming } from "./naming.js";
import type { Scope } from "./scope.js";
import type { InitValue } from "./values.js";

type Fail = (message: string, span: Span) => never;

export class ModelParts {
  private readonly inputs: InputSpec[] = [];
  private readonly params: ParamSpec[] = [];
  private readonly states: StateSpec[] = [];
  private readonly outputs: Named[] = [];
  private loss: NodeId | undefined;
  private readonly names = new Map<string, Span>();
  private readonly softmaxOf = new Map<NodeId, NodeId>();
  private readonly targetClasses = new Map<NodeId, Dim>();
  /** Nodes named in untaken `if` branches: unused on purpose, so not worth a warning. */
  readonly switchedOff = new Set<NodeId>();
  private seq = 0;

  constructor(
    private readonly b: Builder,
    private readonly naming: InstanceNaming,
    private readonly fail: Fail,
  ) {}

  /** Every param, state and input has a name of its own. */
  claimName(name: string, span: Span): void {
    const previous = this.names.get(name);
    if (previous) {
      const instance = name.slice(0, name.lastIndexOf("."));
      const hint = this.naming.namedByReturn(instance)
        ? `; a block instance made in a 'return' is named after the enclosing instance ('${instance}'), so its params can clash with the block's own: bind it first (d = ..., then return d) to name it '${instance}.d'`
        : "";
      this.fail(`the name '${name}' is used twice (first at ${spanToString(previous)})${hint}`, span);
    }
    this.names.set(name, span);
  }

  addInput(input: InputSpec): void {
    this.inputs.push(input);
  }

  addOutput(name: string, node: NodeId, span: Span): void {
    if (this.outputs.some((o) => o.name === name)) this.fail(`output '${name}' is declared twice`, span);
    this.outputs.push({ name, node });
  }

  /** Checked before the loss expression is evaluated, so a second loss is reported at once. */
  checkNoLoss(span: Span): void {
    if (this.loss !== undefined) this.fail(`a model has one loss; add the terms: loss a + b`, span);
  }

  setLoss(node: NodeId): void {
    this.loss = node;
  }

  /** True when the model has neither an output nor a loss. */
  empty(): boolean {
    return this.outputs.length === 0 && this.loss === undefined;
  }

  newParam(name: string, shape: number[], init: InitValue, span: Span, initSpan = span): NodeId {
    const resolved = resolveInit(init, shape, (msg) => this.fail(msg, initSpan));
    this.claimName(name, span);
    const id = this.b.with({ span, label: name }, () => this.b.leaf("param", { name }, shape));
    this.params.push({ name, node: id, shape, init: resolved, decay: shape.length >= 2 });
    return id;
  }

  /** The names an untaken `if` branch uses: their tensors are switched off, not forgotten. */
  markUntaken(e: Expr, scope: Scope): void {
    for (const x of subexpressions(e)) {
      const name = x.kind === "name" ? x.name : x.kind === "call" ? x.callee : x.kind === "repeat" ? x.call.callee : undefined;
      const v = name === undefined ? undefined : scope.lookup(name)?.value;
      if (v?.kind === "tensor") this.switchedOff.add(v.id);
    }
  }

  /** What a builtin called at `span`, as instance `path`, may ask of the model. */
  callContext(path: string, span: Span): CallContext {
    const b = this.b;
    return {
      b,
      span,
      instance: () => path,
      param: (n, shape, init) => this.newParam(`${path}.${n}`, [...shape], init, span),
      state: (n, shape, init, update) => {
        const stateName = `${path}.${n}`;
        this.claimName(stateName, span);
        const id = b.with({ label: stateName }, () => b.leaf("state", { name: stateName }, shape));
        const next = b.with({ label: `${stateName}'` }, () => update(b, id));
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
    };
  }

  private asOneHot(t: NodeId, classes: Dim, span: Span): NodeId {
    if (typeof classes !== "number") this.fail(`the number of classes must be known at compile time`, span);
    const known = this.targetClasses.get(t);
    if (known !== undefined && known !== classes)
      this.fail(`this target was used with ${known} classes before, here with ${classes}`, span);
    this.targetClasses.set(t, classes);
    return this.b.add("onehot", [t], { classes });
  }

  /** The graph's declarations; a class-index target learns its class count from the loss that used it. */
  declarations(): Pick<Graph, "inputs" | "params" | "states" | "outputs" | "loss"> {
    const inputs = this.inputs.map((i) => {
      const classes = this.targetClasses.get(i.node);
      return typeof classes === "number" ? { ...i, classes } : i;
    });
    return { inputs, params: this.params, states: this.states, outputs: this.outputs, ...(this.loss !== undefined && { loss: this.loss }) };
  }
}
