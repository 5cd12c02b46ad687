// The language server: LSP requests -> the feature modules of src/lsp. Each document version is
// analysed once (parse + elaborate), lazily, by whichever request needs it first; diagnostics are
// published after a short pause in typing, for the version current then. A handler that throws
// answers "nothing" and logs: a half-typed file must never take the server down.
import { fileURLToPath } from "node:url";
import {
  CodeActionKind,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeResult,
  type TextEdit,
} from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { formatNn } from "../format/format.js";
import { Workspace, type Usable } from "./analysis.js";
import { complete } from "./completion.js";
import { quickFixes, toLspDiagnostics } from "./diagnostics.js";
import { hover } from "./hover.js";
import { inlayHints } from "./inlay.js";
import { definition, highlights, prepareRename, references, rename } from "./navigation.js";
import { documentSymbols } from "./outline.js";
import { LEGEND, semanticTokens } from "./semantic.js";

export interface ServerOptions {
  /** Quiet time after an edit before diagnostics are computed and published (ms). */
  readonly debounceMs?: number;
}

export const DEFAULT_DEBOUNCE_MS = 30;

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounce = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(fileOf);
  const timers = new Map<string, NodeJS.Timeout>();

  const guarded =
    <P, R>(fallback: R, handler: (params: P) => R) =>
    (params: P): R => {
      try {
        return handler(params);
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        connection.console.error(`nnc lsp: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return fallback;
      }
    };

  const usable = (uri: string): Usable | undefined => workspace.usable(uri);
  const offsetOf = (uri: string, position: { line: number; character: number }) => documents.get(uri)?.offsetAt(position) ?? 0;

  const publish = (uri: string) => {
    timers.delete(uri);
    const version = workspace.version(uri);
    const analysis = workspace.analysis(uri);
    if (!analysis || version === undefined) return;
    void connection.sendDiagnostics({ uri, version, diagnostics: toLspDiagnostics(analysis, uri) });
  };
  const schedule = (uri: string) => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => guarded(undefined, publish)(uri), debounce),
    );
  };

  documents.onDidChangeContent(({ document }) => {
    workspace.update(document.uri, document.getText(), document.version);
    schedule(document.uri);
  });
  documents.onDidClose(({ document }) => {
    clearTimeout(timers.get(document.uri));
    timers.delete(document.uri);
    workspace.close(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      completionProvider: { triggerCharacters: ["(", "[", ",", "="] },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      semanticTokensProvider: { legend: LEGEND, full: true },
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: "nnc", version: "0.1.0" },
  }));

  connection.onHover(
    guarded(null, (p) => withUsable(p.textDocument.uri, (u) => hover(u, offsetOf(p.textDocument.uri, p.position))) ?? null),
  );
  connection.onDefinition(
    guarded(
      null,
      (p) => withUsable(p.textDocument.uri, (u) => definition(u, p.textDocument.uri, offsetOf(p.textDocument.uri, p.position))) ?? null,
    ),
  );
  connection.onReferences(
    guarded([], (p) => {
      const uri = p.textDocument.uri;
      return withUsable(uri, (u) => references(u, uri, offsetOf(uri, p.position), p.context.includeDeclaration)) ?? [];
    }),
  );
  connection.onDocumentHighlight(
    guarded([], (p) => withUsable(p.textDocument.uri, (u) => highlights(u, offsetOf(p.textDocument.uri, p.position))) ?? []),
  );
  connection.onPrepareRename(
    guarded(null, (p) => withUsable(p.textDocument.uri, (u) => prepareRename(u, offsetOf(p.textDocument.uri, p.position))) ?? null),
  );
  connection.onRenameRequest(
    guarded(null, (p) => {
      const uri = p.textDocument.uri;
      return withUsable(uri, (u) => rename(u, uri, offsetOf(uri, p.position), p.newName)) ?? null;
    }),
  );
  connection.onCompletion(
    guarded([], (p) => {
      const text = workspace.text(p.textDocument.uri);
      return text === undefined ? [] : complete(text, offsetOf(p.textDocument.uri, p.position));
    }),
  );
  connection.onDocumentSymbol(
    guarded([], (p) => {
      const a = workspace.analysis(p.textDocument.uri);
      return a ? documentSymbols(a) : [];
    }),
  );
  connection.languages.semanticTokens.on(
    guarded({ data: [] }, (p) => {
      const text = workspace.text(p.textDocument.uri);
      return text === undefined ? { data: [] } : semanticTokens(text, usable(p.textDocument.uri));
    }),
  );
  connection.languages.inlayHint.on(
    guarded([], (p) => {
      const doc = documents.get(p.textDocument.uri);
      if (!doc) return [];
      return withUsable(p.textDocument.uri, (u) => inlayHints(u, doc.offsetAt(p.range.start), doc.offsetAt(p.range.end))) ?? [];
    }),
  );
  connection.onCodeAction(
    guarded([], (p) => {
      const a = workspace.analysis(p.textDocument.uri);
      return a ? quickFixes(a, p.textDocument.uri, p.context.diagnostics) : [];
    }),
  );
  connection.onDocumentFormatting(async (p): Promise<TextEdit[]> => {
    const text = workspace.text(p.textDocument.uri);
    if (text === undefined || !workspace.analysis(p.textDocument.uri)?.result.ast) return [];
    try {
      const formatted = await formatNn(text, fileOf(p.textDocument.uri));
      if (formatted === text) return [];
      const doc = TextDocument.create(p.textDocument.uri, "nn", 0, text);
      return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
    } catch (e) {
      connection.console.error(`nnc lsp: formatting: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  });

  // Prettier's first run costs ~100 ms (loading its printer): pay it before the first request.
  connection.onInitialized(() => {
    setTimeout(() => void formatNn("model M {\n}\n").catch(() => undefined), 0);
  });

  function withUsable<R>(uri: string, f: (u: Usable) => R): R | undefined {
    const u = usable(uri);
    return u ? f(u) : undefined;
  }

  documents.listen(connection);
  connection.listen();
}

/** Diagnostics name the file by its path, as `nnc check` does. */
function fileOf(uri: string): string {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}
