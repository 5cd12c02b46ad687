// The values the elaborator computes with. Everything but `tensor` is known at compile time:
// hyperparameters, sizes, flags, functions passed as arguments (`act = relu`), initializers.
import { DiagnosticError } from "../diagnostics.js";
import type { NodeId } from "./ir.js";

export type InitValue =
  | { readonly kind: "zeros" }
  | { readonly kind: "ones" }
  | { readonly kind: "constant"; readonly value: number }
  | { readonly kind: "normal"; readonly std: number }
  | { readonly kind: "uniform"; readonly low: number; readonly high: number }
  | { readonly kind: "xavier" }
  | { readonly kind: "he" };

/** An optimizer (or other) spec in a `train` section: `adam(lr = 0.001)`. */
export interface SpecValue {
  readonly name: string;
  readonly args: Readonly<Record<string, number>>;
}

export type Value =
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "dim"; readonly name: string }
  | { readonly kind: "tensor"; readonly id: NodeId }
  | { readonly kind: "fn"; readonly name: string }
  | { readonly kind: "init"; readonly init: InitValue }
  | { readonly kind: "list"; readonly items: readonly Value[] }
  | { readonly kind: "spec"; readonly spec: SpecValue }
  /** The value of something that already failed: it propagates silently to avoid cascades. */
  | { readonly kind: "error" };

export type ValueKind = Value["kind"];

export const num = (value: number): Value => ({ kind: "num", value });
export const tensorValue = (id: NodeId): Value => ({ kind: "tensor", id });
export const ERROR: Value = { kind: "error" };

/** Thrown where a value that already failed (and was reported) makes going on pointless. */
export const silentFailure = (): DiagnosticError => new DiagnosticError([]);

/** How a kind reads in an error message. */
export function describeKind(k: ValueKind): string {
  switch (k) {
    case "num":
      return "a number";
    case "bool":
      return "true or false";
    case "dim":
      return "a symbolic dimension";
    case "tensor":
      return "a tensor";
    case "fn":
      return "a function";
    case "init":
      return "an initializer";
    case "list":
      return "a list";
    case "spec":
      return "a setting";
    case "error":
      return "an error";
  }
}

/** The value as .nn source text (for `--set` round trips and for people). */
export function showValue(v: Value): string {
  switch (v.kind) {
    case "num":
      return String(v.value);
    case "bool":
      return String(v.value);
    case "dim":
      return v.name;
    case "fn":
      return v.name;
    case "init":
      return showInit(v.init);
    case "list":
      return `[${v.items.map(showValue).join(", ")}]`;
    case "spec":
      return `${v.spec.name}(${Object.entries(v.spec.args)
        .map(([k, a]) => `${k} = ${a}`)
        .join(", ")})`;
    case "tensor":
      return `<tensor>`;
    case "error":
      return `<error>`;
  }
}

export function showInit(i: InitValue): string {
  switch (i.kind) {
    case "constant":
      return `constant(${i.value})`;
    case "normal":
      return `normal(${i.std})`;
    case "uniform":
      return `uniform(${i.low}, ${i.high})`;
    default:
      return i.kind;
  }
}
