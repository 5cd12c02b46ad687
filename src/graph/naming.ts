// How block instances (and the params they declare) are named: after the binding that makes them
// (`h = Dense(x, 10)` names `h.W`), numbered when one binding makes several (`h.0.W`, `h.1.W`),
// and, in a block's `return`, after the enclosing instance itself.
import { children, type CallExpr, type Expr } from "../parser/ast.js";

/** Where the params of block instances made by the statement being elaborated are named. */
interface Naming {
  readonly base: string;
  /** More than one owner of params in the statement: number them `base.0`, `base.1`, ... */
  readonly numbered: boolean;
  next: number;
  /** Set for a block's `return`: its instance is named after the enclosing instance itself. */
  readonly fromReturn: boolean;
}

/** The naming state of one model's elaboration: which binding names the instances made now. */
export class InstanceNaming {
  private current: Naming | undefined;
  /** Instance paths that a block's `return` named after the enclosing instance. */
  private readonly byReturn = new Set<string>();

  /** Runs `f` with the instances it makes named after `base`; `owners` is how many it makes. */
  within<T>(base: string, owners: number, fromReturn: boolean, f: () => T): T {
    const saved = this.current;
    this.current = { base, numbered: owners > 1, next: 0, fromReturn };
    try {
      return f();
    } finally {
      this.current = saved;
    }
  }

  /** The path of the next instance; `_` outside any binding. */
  next(): string {
    const n = this.current;
    if (!n) return "_";
    const path = n.numbered ? `${n.base}.${n.next}` : n.base;
    n.next++;
    if (n.fromReturn && !n.numbered) this.byReturn.add(path);
    return path;
  }

  /** True when a `return` named `instance` after its enclosing instance (the hint on a name clash). */
  namedByReturn(instance: string): boolean {
    return this.byReturn.has(instance);
  }
}

/** Calls in an expression that create params (block instances, batchnorm). */
export function countOwners(e: Expr, owns: (c: CallExpr) => boolean): number {
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
