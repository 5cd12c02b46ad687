// Name resolution over the AST, for the editor: every definition (models, blocks, hyperparameters,
// block arguments, shape-pattern dimensions, inputs, targets, params, bindings) and every use of
// one, by offset. Definition, references, rename, hover and document symbols read this index.
import { subexpressions, type Arg, type Decl, type Expr, type SourceFile, type Stmt } from "../parser/ast.js";

export type SymbolKind = "model" | "block" | "hyper" | "arg" | "dim" | "input" | "target" | "param" | "binding";

export interface NnSymbol {
  readonly name: string;
  readonly kind: SymbolKind;
  /** Offsets of the defining occurrence of the name (end exclusive). */
  readonly start: number;
  readonly end: number;
  /** The declaration it belongs to (itself, for models and blocks). */
  readonly decl: Decl;
  readonly stmt?: Stmt;
  /** For hyperparameters and block arguments: their index among the formals. */
  readonly formal?: number;
}

export interface Reference {
  readonly start: number;
  readonly end: number;
  readonly symbol: NnSymbol;
}

/** An identifier that names no symbol of the file: a builtin, an initializer, `batch`, or a typo. */
export interface FreeName {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly decl: Decl;
  readonly call: boolean;
}

export interface NameIndex {
  readonly symbols: readonly NnSymbol[];
  /** Every occurrence of a symbol, its definition included, sorted by offset. */
  readonly references: readonly Reference[];
  readonly free: readonly FreeName[];
  /** Symbols visible inside each declaration: its own, then the file's blocks. */
  readonly scopes: ReadonlyMap<Decl, ReadonlyMap<string, NnSymbol>>;
}

const STATEMENT_KEYWORDS: Partial<Record<Stmt["kind"], string>> = { input: "input", target: "target", param: "param", output: "output" };

export function indexNames(ast: SourceFile, text: string): NameIndex {
  const symbols: NnSymbol[] = [];
  const references: Reference[] = [];
  const free: FreeName[] = [];
  const scopes = new Map<Decl, Map<string, NnSymbol>>();
  const blocks = new Map<string, NnSymbol>();
  const define = (s: NnSymbol, scope: Map<string, NnSymbol>) => {
    symbols.push(s);
    references.push({ start: s.start, end: s.end, symbol: s });
    if (!scope.has(s.name)) scope.set(s.name, s);
  };
  for (const decl of ast.decls) {
    const s: NnSymbol = { name: decl.name, kind: decl.kind, start: decl.nameSpan.offset, end: decl.nameSpan.endOffset, decl };
    symbols.push(s);
    references.push({ start: s.start, end: s.end, symbol: s });
    if (decl.kind === "block" && !blocks.has(decl.name)) blocks.set(decl.name, s);
  }
  // 1. Definitions, so that uses may come before them (a block used above its definition).
  for (const decl of ast.decls) {
    const scope = new Map<string, NnSymbol>();
    scopes.set(decl, scope);
    decl.formals.forEach((f, i) => {
      const kind = f.shape ? "arg" : "hyper";
      define({ name: f.name, kind, start: f.span.offset, end: f.span.endOffset, decl, formal: i }, scope);
    });
    // Names in a block argument's shape pattern (`x: [batch, n]`) bind the sizes they match.
    for (const f of decl.formals) {
      for (const e of f.shape ?? []) {
        if (e.kind === "name" && e.name !== "batch" && !scope.has(e.name))
          define({ name: e.name, kind: "dim", start: e.span.offset, end: e.span.endOffset, decl }, scope);
      }
    }
    for (const stmt of decl.body) {
      const kind = bindingKind(stmt);
      if (!kind || !("name" in stmt)) continue;
      const start = nameOffset(text, stmt);
      if (start !== undefined) define({ name: stmt.name, kind, start, end: start + stmt.name.length, decl, stmt }, scope);
    }
  }
  // 2. Uses.
  for (const decl of ast.decls) {
    const scope = scopes.get(decl)!;
    const lookup = (name: string) => scope.get(name) ?? blocks.get(name);
    const use = (name: string, start: number, end: number, call: boolean) => {
      const symbol = lookup(name);
      if (symbol && !(symbol.start === start && symbol.decl === decl)) references.push({ start, end, symbol });
      else if (!symbol) free.push({ name, start, end, decl, call });
    };
    const walk = (e: Expr) => walkExpr(e, use, (callee, arg) => namedArg(callee, arg, blocks, references));
    for (const f of decl.formals) {
      if (f.default) walk(f.default);
      // Shape patterns: the first occurrence of a dimension name defines it, later ones use it.
      for (const e of f.shape ?? []) if (!(e.kind === "name" && scope.get(e.name)?.start === e.span.offset)) walk(e);
    }
    for (const stmt of decl.body) {
      if (stmt.kind === "output" && !stmt.value) {
        const start = nameOffset(text, stmt);
        if (start !== undefined) use(stmt.name, start, start + stmt.name.length, false);
      }
      for (const e of statementExprs(stmt)) walk(e);
    }
  }
  references.sort((a, b) => a.start - b.start);
  for (const scope of scopes.values()) for (const [name, b] of blocks) if (!scope.has(name)) scope.set(name, b);
  return { symbols, references, free, scopes };
}

function bindingKind(stmt: Stmt): SymbolKind | undefined {
  switch (stmt.kind) {
    case "input":
    case "target":
    case "param":
      return stmt.kind;
    case "let":
      return "binding";
    case "output":
      return stmt.value ? "binding" : undefined;
    default:
      return undefined;
  }
}

/** Where a statement's bound name is written: after its keyword, or first (`h = ...`). */
function nameOffset(text: string, stmt: Stmt & { name: string }): number | undefined {
  const keyword = STATEMENT_KEYWORDS[stmt.kind];
  const from = stmt.span.offset + (keyword && text.startsWith(keyword, stmt.span.offset) ? keyword.length : 0);
  const re = new RegExp(`\\b${stmt.name}\\b`, "g");
  re.lastIndex = from;
  const m = re.exec(text);
  return m && m.index < stmt.span.endOffset ? m.index : undefined;
}

/** Every expression of a declaration: the formals' defaults and the statements', with their subexpressions. */
export function* declExprs(decl: Decl): Generator<Expr> {
  for (const f of decl.formals) if (f.default) yield* subexpressions(f.default);
  for (const stmt of decl.body) for (const root of statementExprs(stmt)) yield* subexpressions(root);
}

export function statementExprs(stmt: Stmt): readonly Expr[] {
  switch (stmt.kind) {
    case "input":
    case "target":
      return stmt.shape;
    case "param":
      return [...stmt.shape, stmt.init];
    case "let":
    case "loss":
    case "return":
      return [stmt.value];
    case "output":
      return stmt.value ? [stmt.value] : [];
    case "train":
      return stmt.settings.map((s) => s.value);
  }
}

type Use = (name: string, start: number, end: number, call: boolean) => void;

/** Every name and callee in `root`; iterative, so long chains are fine. */
function walkExpr(root: Expr, use: Use, onNamedArg: (callee: string, arg: Arg) => void): void {
  const todo: Expr[] = [root];
  for (let e = todo.pop(); e !== undefined; e = todo.pop()) {
    switch (e.kind) {
      case "name":
        use(e.name, e.span.offset, e.span.endOffset, false);
        break;
      case "call":
      case "repeat": {
        const call = e.kind === "call" ? e : e.call;
        if (e.kind === "repeat") todo.push(e.count);
        use(call.callee, call.calleeSpan.offset, call.calleeSpan.endOffset, true);
        for (const a of call.args) {
          if (a.name !== undefined) onNamedArg(call.callee, a);
          todo.push(a.value);
        }
        break;
      }
      case "binary":
        todo.push(e.left, e.right);
        break;
      case "neg":
        todo.push(e.operand);
        break;
      case "paren":
        todo.push(e.inner);
        break;
      case "if":
        todo.push(e.cond, e.then, e.else);
        break;
      case "list":
        todo.push(...e.items);
        break;
      default:
        break;
    }
  }
}

/** `Dense(x, units = 10)`: the argument name is a use of the block's formal. */
function namedArg(callee: string, arg: Arg, blocks: ReadonlyMap<string, NnSymbol>, references: Reference[]): void {
  const block = blocks.get(callee);
  if (!block || !arg.nameSpan) return;
  const i = block.decl.formals.findIndex((f) => f.name === arg.name);
  const formal = block.decl.formals[i];
  if (!formal) return;
  const symbol: NnSymbol = {
    name: formal.name,
    kind: formal.shape ? "arg" : "hyper",
    start: formal.span.offset,
    end: formal.span.endOffset,
    decl: block.decl,
    formal: i,
  };
  references.push({ start: arg.nameSpan.offset, end: arg.nameSpan.endOffset, symbol });
}

/** The symbol whose name is at `offset` (a definition or a use). */
export function symbolAt(index: NameIndex, offset: number): Reference | undefined {
  const refs = index.references;
  let lo = 0;
  let hi = refs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = refs[mid]!;
    if (offset < r.start) hi = mid - 1;
    else if (offset > r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}

/** Same symbol: compared by where it is defined, since uses carry copies. */
export function sameSymbol(a: NnSymbol, b: NnSymbol): boolean {
  return a.start === b.start && a.name === b.name;
}

export function referencesOf(index: NameIndex, symbol: NnSymbol): Reference[] {
  return index.references.filter((r) => sameSymbol(r.symbol, symbol));
}
