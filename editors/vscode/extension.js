// The VS Code client: starts `nnc lsp` (the language server on stdio) for .nn files. Everything
// the editor shows (diagnostics, hover, inlay hints, completion, ...) comes from the server.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { window, workspace } = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/** The nnc to run: the setting, else the workspace's own install, else the PATH's. */
function serverCommand() {
  const configured = workspace.getConfiguration("nn").get("server.path", "");
  if (configured) return configured;
  const bin = process.platform === "win32" ? "nnc.cmd" : "nnc";
  for (const folder of workspace.workspaceFolders ?? []) {
    const local = join(folder.uri.fsPath, "node_modules", ".bin", bin);
    if (existsSync(local)) return local;
  }
  return bin;
}

async function activate() {
  const command = serverCommand();
  const args = [...workspace.getConfiguration("nn").get("server.args", []), "lsp"];
  // TransportKind.stdio: the client talks over the child's stdin/stdout (and adds --stdio).
  const run = { command, args, transport: TransportKind.stdio, options: { shell: process.platform === "win32" } };
  client = new LanguageClient("nn", "nn language server", { run, debug: run }, { documentSelector: [{ language: "nn" }] });
  try {
    await client.start();
  } catch (e) {
    window.showErrorMessage(`nn: could not start '${command} lsp' (${e instanceof Error ? e.message : e}). Install nnc or set nn.server.path.`);
  }
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
