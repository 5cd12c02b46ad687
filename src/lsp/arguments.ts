// What a block's arguments are at each call: the shapes passed for a tensor argument, and the
// sizes its shape pattern binds (`n = 784 | 300 | 100` for `x: [batch, n]`).
import type { CallExpr, Decl } from "../parser/ast.js";
import type { Analysis } from "./analysis.js";
import { declExprs, symbolAt, type NnSymbol } from "./names.js";
import { shapesOfExpr } from "./shapes.js";

export interface CallSite {
  readonly call: CallExpr;
  readonly line: number;
  readonly shapes: readonly (readonly (number | string)[])[];
}

/** Each call of the block that declares `formal`, with the shapes passed for that formal. */
export function argumentShapes(a: Analysis, block: Decl, formal: number): CallSite[] {
  const names = a.names;
  const ast = a.result.ast;
  const f = block.formals[formal];
  if (!names || !ast || !f) return [];
  const sites: CallSite[] = [];
  for (const decl of ast.decls) {
    for (const e of declExprs(decl)) {
      const call = e.kind === "call" ? e : e.kind === "repeat" ? e.call : undefined;
      if (!call || call.callee !== block.name || symbolAt(names, call.calleeSpan.offset)?.symbol.decl !== block) continue;
      const arg = call.args.find((x) => x.name === f.name) ?? call.args.filter((x) => x.name === undefined)[formal];
      if (!arg) continue;
      const shapes = shapesOfExpr(arg.value, a.shapes, names).map((s) => s.shape);
      sites.push({ call, line: call.span.line, shapes });
    }
  }
  return sites.sort((x, y) => x.call.span.offset - y.call.span.offset);
}

/** `[batch, 784]` per call for a tensor argument; for a pattern size, the sizes it takes. */
export function argumentValues(a: Analysis, s: NnSymbol): string[] {
  const block = s.decl;
  if (block.kind !== "block") return [];
  if (s.kind === "arg" && s.formal !== undefined) {
    return distinct(argumentShapes(a, block, s.formal).flatMap((site) => site.shapes.map((shape) => `[${shape.join(", ")}]`)));
  }
  if (s.kind !== "dim") return [];
  // The first formal whose pattern names this size, and where in the pattern.
  for (const [i, f] of block.formals.entries()) {
    const at = (f.shape ?? []).findIndex((e) => e.kind === "name" && e.name === s.name);
    if (at < 0) continue;
    return distinct(argumentShapes(a, block, i).flatMap((site) => site.shapes.map((shape) => String(shape[at] ?? "?"))));
  }
  return [];
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}
