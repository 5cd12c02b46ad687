// What a name means, as hover text: a binding's shape, a param's shape, initializer and number
// of parameters, a block's or model's signature, a hyperparameter's value.
import type { Decl, Expr, Formal } from "../parser/ast.js";
import { showExpr } from "../parser/ast.js";
import type { Init } from "../graph/ir.js";
import type { Analysis } from "./analysis.js";
import { argumentValues } from "./arguments.js";
import type { NnSymbol } from "./names.js";
import { paramCount, shapesOfExpr, shapesOfSymbol, type ShapeAt } from "./shapes.js";

const MAX_INSTANCES = 8;

export function code(lines: readonly string[]): string {
  return ["```nn", ...lines, "```"].join("\n");
}

/** `[batch, 50]` for one shape; one line per block instance when they differ. */
function shapeLines(prefix: string, list: readonly ShapeAt[]): string[] {
  const shapes = new Set(list.map((s) => show(s.shape)));
  if (shapes.size <= 1) return [`${prefix}: ${[...shapes][0] ?? "?"}`];
  const lines = list.slice(0, MAX_INSTANCES).map((s) => `${prefix}: ${show(s.shape)}  # in ${s.where ?? "?"}`);
  if (list.length > MAX_INSTANCES) lines.push(`# … and ${list.length - MAX_INSTANCES} more instances`);
  return lines;
}

const show = (s: readonly (number | string)[]) => `[${s.join(", ")}]`;

export function formalText(f: Formal): string {
  const shape = f.shape ? `: [${f.shape.map(showExpr).join(", ")}]` : "";
  return `${f.name}${shape}${f.default ? ` = ${showSource(f.default)}` : ""}`;
}

/** An expression as the user would write it (no extra parentheses for plain names and calls). */
function showSource(e: Expr): string {
  const text = showExpr(e);
  return text.startsWith("(") && text.endsWith(")") ? text.slice(1, -1) : text;
}

export function declSignature(d: Decl): string {
  return `${d.kind} ${d.name}(${d.formals.map(formalText).join(", ")})`;
}

function showInit(init: Init): string {
  switch (init.kind) {
    case "he":
    case "xavier":
      return `${init.kind} (fan-in ${init.fanIn})`;
    case "normal":
      return `normal(std = ${init.std})`;
    case "uniform":
      return `uniform(${init.low}, ${init.high})`;
    case "constant":
      return `constant(${init.value})`;
    default:
      return init.kind;
  }
}

const count = (n: number) => n.toLocaleString("en-US");

export function describeSymbol(s: NnSymbol, a: Analysis): string {
  const names = a.names!;
  const shapes = a.shapes;
  const stmt = s.stmt;
  switch (s.kind) {
    case "model":
    case "block":
      return describeDecl(s.decl, a);
    case "hyper": {
      const f = s.decl.formals[s.formal ?? -1];
      const graph = a.result.graphs.find((g) => g.model === s.decl.name);
      const value = s.decl.kind === "model" && graph ? graph.hyper[s.name] : undefined;
      const head = value !== undefined ? `${s.name} = ${String(value)}` : f ? formalText(f) : s.name;
      return `${code([head])}\nhyperparameter of ${s.decl.kind} \`${s.decl.name}\``;
    }
    case "arg": {
      const f = s.decl.formals[s.formal ?? -1];
      const passed = argumentValues(a, s);
      const lines = [f ? formalText(f) : s.name, ...passed.slice(0, MAX_INSTANCES).map((p) => `# passed ${p}`)];
      return `${code(lines)}\nargument of block \`${s.decl.name}\`; its sizes bind the names in the pattern`;
    }
    case "dim": {
      const values = argumentValues(a, s);
      const head = values.length > 0 ? `${s.name} = ${values.slice(0, MAX_INSTANCES).join(" | ")}` : `${s.name}: size`;
      return `${code([head])}\na size bound by the shape pattern of an argument of \`${s.decl.name}\``;
    }
    case "input":
    case "target": {
      const list = shapesOfSymbol(s, shapes, names);
      const enc = stmt?.kind === "target" && stmt.encoding !== "real" ? ` (${stmt.encoding} targets)` : "";
      return `${code(shapeLines(`${s.kind} ${s.name}`, list))}${enc}`;
    }
    case "param": {
      const list = shapesOfSymbol(s, shapes, names);
      const specs = list.map((at) => shapes.params.get(at.node)).filter((p) => p !== undefined);
      const init = stmt?.kind === "param" ? ` = ${showSource(stmt.init)}` : "";
      const pattern = stmt?.kind === "param" ? `[${stmt.shape.map(showSource).join(", ")}]` : "?";
      const [only] = specs;
      if (specs.length === 1 && only) {
        return `${code([`param ${s.name}: ${show(only.shape)}${init}`])}
${count(paramCount(only.shape))} parameters, initialized ${showInit(only.init)}`;
      }
      const lines = [`param ${s.name}: ${pattern}${init}`, ...specs.slice(0, MAX_INSTANCES).map((p) => `# ${p.name}: ${show(p.shape)}`)];
      if (specs.length > MAX_INSTANCES) lines.push(`# … and ${specs.length - MAX_INSTANCES} more instances`);
      const total = specs.reduce((n, p) => n + paramCount(p.shape), 0);
      return specs.length === 0
        ? code(lines)
        : `${code(lines)}
${specs.length} instances, ${count(total)} parameters in all`;
    }
    case "binding": {
      const list = shapesOfSymbol(s, shapes, names);
      return list.length > 0 ? code(shapeLines(s.name, list)) : code([s.name]);
    }
  }
}

function describeDecl(d: Decl, a: Analysis): string {
  const lines = [code([declSignature(d)])];
  if (d.kind === "model") {
    const g = a.result.graphs.find((x) => x.model === d.name);
    if (g) {
      const total = g.params.reduce((n, p) => n + paramCount(p.shape), 0);
      const outs = g.outputs.map((o) => `${o.name} ${show(g.nodes[o.node]!.shape)}`).join(", ");
      lines.push(`${count(total)} parameters in ${g.params.length} tensors${outs ? `; outputs ${outs}` : ""}`);
    }
  } else {
    const ret = d.body.find((s) => s.kind === "return");
    const list = ret && ret.kind === "return" ? shapesOfExpr(ret.value, a.shapes, a.names!) : [];
    if (list.length > 0)
      lines.push(
        `${list.length} instance${list.length === 1 ? "" : "s"}: ${list
          .map((s) => `${s.where ?? "?"} → ${show(s.shape)}`)
          .slice(0, MAX_INSTANCES)
          .join(", ")}`,
      );
  }
  return lines.join("\n\n");
}
