// `nnc lsp`: the language server, speaking LSP over stdin/stdout (src/lsp/server.ts). Editors
// start it; it runs until the client asks it to exit.
import { spawn } from "node:child_process";
import { createConnection } from "vscode-languageserver/node";
import { startServer } from "../lsp/server.js";

/**
 * The server re-analyses the whole file after each edit, which allocates many short-lived
 * objects; with V8's default young generation, scavenges were about a fifth of the time to
 * diagnostics on a 1,000-layer model, and 64 MiB semi-spaces cut parse + elaborate by about 30%
 * (bench/lsp.ts). The flag only takes effect at start-up, so the server runs in a child process
 * that inherits stdin/stdout (the JSON-RPC stream passes through untouched).
 */
const SEMI_SPACE_FLAG = "--max-semi-space-size=64";

export function lspCommand(): Promise<number> {
  const configured = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((a) => a.includes("--max-semi-space-size"));
  const script = process.argv[1];
  if (configured || script === undefined) return serve();
  return new Promise<number>((resolve) => {
    // The parent's inspector flags stay with the parent: a child asking for the same port would fail.
    const flags = process.execArgv.filter((a) => !/^--(inspect|debug)/.test(a));
    const child = spawn(process.execPath, [SEMI_SPACE_FLAG, ...flags, script, ...process.argv.slice(2)], { stdio: "inherit" });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, forward(signal));
    // Could not start a second Node (a sandbox without spawn): serve in this process instead.
    child.on("error", () => resolve(serve()));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function serve(): Promise<number> {
  const connection = createConnection(process.stdin, process.stdout);
  startServer(connection);
  // The connection ends the process on `exit`; until then, keep the command running.
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}
