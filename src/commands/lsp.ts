// `nnc lsp`: the language server, speaking LSP over stdin/stdout (src/lsp/server.ts). Editors
// start it; it runs until the client asks it to exit.
import { createConnection } from "vscode-languageserver/node";
import { startServer } from "../lsp/server.js";

export function lspCommand(): Promise<number> {
  const connection = createConnection(process.stdin, process.stdout);
  startServer(connection);
  // The connection ends the process on `exit`; until then, keep the command running.
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}
