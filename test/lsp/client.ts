// A language client as an editor runs one: `nnc lsp` as a child process, JSON-RPC over its
// stdin/stdout (vscode-jsonrpc), documents opened and edited by notifications.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";

const ROOT = join(import.meta.dirname, "..", "..");

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface LspDiagnostic {
  readonly range: { start: Position; end: Position };
  readonly severity: number;
  readonly message: string;
  readonly source?: string;
  readonly relatedInformation?: { location: { uri: string; range: { start: Position; end: Position } }; message: string }[];
  readonly data?: unknown;
}

interface Published {
  readonly uri: string;
  readonly version?: number;
  readonly diagnostics: LspDiagnostic[];
}

export class Client {
  readonly connection: MessageConnection;
  private readonly child: ChildProcess;
  private readonly published: Published[] = [];
  private readonly waiters: { match: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  readonly stderr: string[] = [];
  private versions = new Map<string, number>();

  private constructor() {
    this.child = spawn(process.execPath, [join(ROOT, "bin", "nnc.js"), "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr!.on("data", (d: Buffer) => this.stderr.push(d.toString()));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification("textDocument/publishDiagnostics", (p: Published) => {
      this.published.push(p);
      for (const w of [...this.waiters]) {
        if (w.match(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.connection.onNotification("window/logMessage", (p: { message: string }) => void this.stderr.push(p.message));
    this.connection.listen();
  }

  static async start(): Promise<Client> {
    const c = new Client();
    await c.connection.sendRequest("initialize", { processId: process.pid, rootUri: null, capabilities: {} });
    await c.connection.sendNotification("initialized", {});
    return c;
  }

  static uri(name: string): string {
    return pathToFileURL(join(ROOT, "models", name)).href;
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "nn", version: 1, text } });
  }

  /** Replaces the whole text (or one range of it) and returns the new version. */
  async change(uri: string, text: string, range?: { start: Position; end: Position }): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const change = range ? { range, text } : { text };
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [change] });
    return version;
  }

  /** The diagnostics published for `uri` at `version` (or the latest version). */
  diagnostics(uri: string, version = this.versions.get(uri)): Promise<LspDiagnostic[]> {
    const match = (p: Published) => p.uri === uri && p.version === version;
    const seen = this.published.find(match);
    if (seen) return Promise.resolve(seen.diagnostics);
    return new Promise((resolve) => this.waiters.push({ match, resolve: (p) => resolve(p.diagnostics) }));
  }

  request<R>(method: string, params: object): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  at(uri: string, position: Position): object {
    return { textDocument: { uri }, position };
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.on("exit", (code) => resolve(code)));
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

/** The position of the `n`-th occurrence (0-based) of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, n = 0, delta = 0): Position {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' occurs fewer than ${n + 1} times`);
  }
  const offset = at + delta;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** The text after a client applies `edits` (LSP TextEdits against `text`). */
export function applyEdits(text: string, edits: readonly { range: { start: Position; end: Position }; newText: string }[]): string {
  return TextDocument.applyEdits(TextDocument.create("nn:edit", "nn", 0, text), [...edits]);
}
