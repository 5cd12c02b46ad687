// Go to definition, find references, highlights and rename: all from the name index, so they
// cover bindings, params, inputs, hyperparameters, block arguments (and `Dense(x, units = 10)`'s
// argument names), shape-pattern sizes, blocks and models.
import { ResponseError, type DocumentHighlight, type Location, type Range, type WorkspaceEdit } from "vscode-languageserver";
import type { Usable } from "./analysis.js";
import { referencesOf, symbolAt, type Reference } from "./names.js";
import { KEYWORDS } from "./scan.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function refAt(u: Usable, offset: number): Reference | undefined {
  const names = u.analysis.names;
  if (!names || offset >= u.validUpTo) return undefined;
  const ref = symbolAt(names, offset);
  return ref && ref.end <= u.validUpTo ? ref : undefined;
}

/** Every occurrence of the symbol under the cursor, or nothing when the text changed past one. */
function occurrences(u: Usable, offset: number): Reference[] | undefined {
  const ref = refAt(u, offset);
  if (!ref) return undefined;
  const all = referencesOf(u.analysis.names!, ref.symbol);
  return all.every((r) => r.end <= u.validUpTo) ? all : undefined;
}

export function definition(u: Usable, uri: string, offset: number): Location | null {
  const ref = refAt(u, offset);
  if (!ref || ref.symbol.end > u.validUpTo) return null;
  return { uri, range: u.analysis.range(ref.symbol.start, ref.symbol.end) };
}

export function references(u: Usable, uri: string, offset: number, includeDeclaration: boolean): Location[] {
  const refs = occurrences(u, offset) ?? [];
  return refs
    .filter((r) => includeDeclaration || r.start !== r.symbol.start)
    .map((r) => ({ uri, range: u.analysis.range(r.start, r.end) }));
}

export function highlights(u: Usable, offset: number): DocumentHighlight[] {
  return (occurrences(u, offset) ?? []).map((r) => ({ range: u.analysis.range(r.start, r.end), kind: r.start === r.symbol.start ? 3 : 2 }));
}

export function prepareRename(u: Usable, offset: number): { range: Range; placeholder: string } | null {
  const ref = refAt(u, offset);
  if (!ref || !occurrences(u, offset)) return null;
  return { range: u.analysis.range(ref.start, ref.end), placeholder: ref.symbol.name };
}

export function rename(u: Usable, uri: string, offset: number, newName: string): WorkspaceEdit | null {
  if (!IDENTIFIER.test(newName) || KEYWORDS.has(newName)) {
    throw new ResponseError(-32602, `'${newName}' is not a name: use letters, digits and _, not starting with a digit, and no keyword`);
  }
  const refs = occurrences(u, offset);
  if (!refs) return null;
  const clash = u.analysis.names!.scopes.get(refs[0]!.symbol.decl)?.get(newName);
  if (clash && clash.name !== refs[0]!.symbol.name) {
    throw new ResponseError(-32602, `'${newName}' is already defined in ${refs[0]!.symbol.decl.kind} ${refs[0]!.symbol.decl.name}`);
  }
  return { changes: { [uri]: refs.map((r) => ({ range: u.analysis.range(r.start, r.end), newText: newName })) } };
}
