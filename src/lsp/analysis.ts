// One analysis per version of a document: the front end's result (AST, graphs, diagnostics) and,
// built on first use, the name and shape indexes. A file that does not parse keeps the last one
// that did, which answers for the text before the first changed character (positions there
// are unchanged), so hover and inlay hints above the cursor survive a half-typed line.
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Range } from "vscode-languageserver";
import { error } from "../diagnostics.js";
import { frontend, type FrontendResult } from "../index.js";
import { indexNames, type NameIndex } from "./names.js";
import { indexShapes, truncateShapes, type ShapeIndex } from "./shapes.js";

export class Analysis {
  private namesCache?: NameIndex;
  private shapesCache?: ShapeIndex;
  private docCache?: TextDocument;

  constructor(
    readonly text: string,
    readonly result: FrontendResult,
  ) {}

  static of(text: string, file: string): Analysis {
    try {
      return new Analysis(text, frontend(text, file));
    } catch (e) {
      // A bug in the compiler, shown where the user looks rather than crashing the server.
      const message = `internal error in nnc: ${e instanceof Error ? e.message : String(e)} (please report it)`;
      return new Analysis(text, { graphs: [], diagnostics: [error(message)], usageErrors: [], sources: new Map() });
    }
  }

  get names(): NameIndex | undefined {
    if (!this.result.ast) return undefined;
    this.namesCache ??= indexNames(this.result.ast, this.text);
    return this.namesCache;
  }

  /** Offsets <-> positions (lines, UTF-16 columns) in the analysed text. */
  get doc(): TextDocument {
    this.docCache ??= TextDocument.create("nn:analysis", "nn", 0, this.text);
    return this.docCache;
  }

  range(start: number, end: number): Range {
    return { start: this.doc.positionAt(start), end: this.doc.positionAt(end) };
  }

  /**
   * Shapes from the graphs. A model with an error has no graph; then the shapes of the last
   * version that elaborated answer for the text before the first character changed since.
   */
  get shapes(): ShapeIndex {
    if (!this.shapesCache) {
      const fallback = this.result.graphs.length === 0 ? this.fallback : undefined;
      this.shapesCache = fallback ? truncateShapes(fallback.analysis.shapes, fallback.validUpTo) : indexShapes(this.result.graphs);
    }
    return this.shapesCache;
  }

  /** Set by the workspace before first use: the last analysis that had graphs. */
  fallback?: { readonly analysis: Analysis; readonly validUpTo: number };
}

/** What answers position requests: the current analysis, or the last that parsed, up to `validUpTo`. */
export interface Usable {
  readonly analysis: Analysis;
  /** Offsets below this mean the same in the analysed text as in the current one. */
  readonly validUpTo: number;
}

interface Entry {
  text: string;
  version: number;
  current?: Analysis;
  lastParsed?: Analysis;
  lastElaborated?: Analysis;
}

export class Workspace {
  private readonly docs = new Map<string, Entry>();

  constructor(private readonly fileOf: (uri: string) => string) {}

  update(uri: string, text: string, version: number): void {
    const entry = this.docs.get(uri);
    if (entry) {
      entry.text = text;
      entry.version = version;
      delete entry.current;
    } else {
      this.docs.set(uri, { text, version });
    }
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  text(uri: string): string | undefined {
    return this.docs.get(uri)?.text;
  }

  version(uri: string): number | undefined {
    return this.docs.get(uri)?.version;
  }

  /** The analysis of the current text, computed once per version. */
  analysis(uri: string): Analysis | undefined {
    const entry = this.docs.get(uri);
    if (!entry) return undefined;
    if (!entry.current) {
      const current = Analysis.of(entry.text, this.fileOf(uri));
      const last = entry.lastElaborated;
      if (current.result.graphs.length > 0) entry.lastElaborated = current;
      else if (last) current.fallback = { analysis: last, validUpTo: commonPrefix(last.text, current.text) };
      if (current.result.ast) entry.lastParsed = current;
      entry.current = current;
    }
    return entry.current;
  }

  usable(uri: string): Usable | undefined {
    const current = this.analysis(uri);
    if (!current) return undefined;
    if (current.result.ast) return { analysis: current, validUpTo: current.text.length + 1 };
    const last = this.docs.get(uri)?.lastParsed;
    if (!last) return undefined;
    return { analysis: last, validUpTo: commonPrefix(last.text, current.text) };
  }
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
