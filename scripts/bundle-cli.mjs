// The nnc command as a few bundled files (dist/bundle/, made by `npm run build` after tsc): Node
// then loads ~10 modules instead of ~200 of dist/ plus vega's ~300, which took 0.1-0.2 s of every
// command's start (bin/nnc.js runs the bundle when it is there, else dist/cli.js). Commands and
// vega stay in chunks of their own, loaded when used. dist/bundle sits at dist/'s depth, so the
// paths the code finds relative to itself (schema/, models/) resolve the same.
import { rmSync } from "node:fs";
import { build } from "rolldown";

// Left to Node: prettier (large; only `nnc compile` and `nnc fmt` use it), chevrotain (imported
// by its file's URL), protobufjs (requires at run time), the LSP's packages, and the CommonJS ones.
const EXTERNAL = [
  "prettier",
  "chevrotain",
  "protobufjs",
  "vscode-languageserver",
  "vscode-languageserver-textdocument",
  "cli-progress",
  "commander",
  "immer",
];
const external = (id) => EXTERNAL.some((name) => id === name || id.startsWith(`${name}/`)) || id.startsWith("node:");

rmSync("dist/bundle", { recursive: true, force: true }); // no chunks of an earlier build
await build({
  input: "dist/cli.js",
  platform: "node",
  external,
  logLevel: "warn",
  output: { dir: "dist/bundle", format: "esm", entryFileNames: "cli.js", chunkFileNames: "[name]-[hash].js", sourcemap: false },
});
