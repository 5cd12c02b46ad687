#!/usr/bin/env node
// The nnc command. The TypeScript sources are compiled to dist/ by `npm install` (the
// `prepare` script); run `npm run build` after editing src/.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The bundle `npm run build` makes (scripts/bundle-cli.mjs: faster to start), else tsc's output.
const bundled = new URL("../dist/bundle/cli.js", import.meta.url);
const cli = existsSync(fileURLToPath(bundled)) ? bundled : new URL("../dist/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write("nnc: error: dist/ is missing; run `npm run build` (or `npm install`) first\n");
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
