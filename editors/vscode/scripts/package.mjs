// Packages the extension as nn-language-<version>.vsix (with its runtime dependency,
// vscode-languageclient): `npm ci && npm run package` in editors/vscode.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { name, version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const out = `${name}-${version}.vsix`;
const vsce = join(root, "node_modules", "@vscode", "vsce", "vsce");
execFileSync(process.execPath, [vsce, "package", "--skip-license", "--out", out], { cwd: root, stdio: "inherit" });
console.log(`packaged ${join(root, out)}; install with: code --install-extension ${out}`);
