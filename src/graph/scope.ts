// Lexical scopes of the elaborator. A model's scope holds its hyperparameters and bindings; a
// block instance gets a fresh scope (blocks see only their own arguments, like functions), whose
// `prefix` names the params it declares (`layers.3.`).
import type { Span } from "../diagnostics.js";
import type { Value } from "./values.js";

export type BindingKind = "hyper" | "formal" | "let" | "input" | "target" | "param" | "output";

export interface Binding {
  readonly name: string;
  readonly value: Value;
  readonly span: Span;
  readonly kind: BindingKind;
  used: boolean;
}

export class Scope {
  private readonly vars = new Map<string, Binding>();

  constructor(
    readonly prefix: string,
    readonly kind: "model" | "block",
  ) {}

  lookup(name: string): Binding | undefined {
    const b = this.vars.get(name);
    if (b) b.used = true;
    return b;
  }

  /** Looks a name up without marking it used. */
  peek(name: string): Binding | undefined {
    return this.vars.get(name);
  }

  define(binding: Omit<Binding, "used">): Binding | undefined {
    const previous = this.vars.get(binding.name);
    // One object shape for every binding (a spread here made `used` stores megamorphic).
    const { name, value, span, kind } = binding;
    this.vars.set(name, { name, value, span, kind, used: false });
    return previous;
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  bindings(): Binding[] {
    return [...this.vars.values()];
  }
}
