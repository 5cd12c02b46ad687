// chevrotain's runtime values, in Node from the single-file build its package ships
// (lib/chevrotain.mjs, the same release's code). The package's entry (lib/src/api.js) imports
// lodash-es one file at a time, about 700 modules that took 0.3-0.6 s of every nnc command's
// start-up; the single file loads in about 30 ms. The package's "exports" do not name that file,
// so it is imported by its path beside the entry; a bundler or browser (no `process`), or a
// chevrotain without the file, gets the entry as usual. Types come from "chevrotain" itself.
import type * as Chevrotain from "chevrotain";

async function loadChevrotain(): Promise<typeof Chevrotain> {
  if (typeof process !== "undefined" && process.versions?.node !== undefined) {
    try {
      const { createRequire } = await import("node:module");
      const { pathToFileURL } = await import("node:url");
      const entry = pathToFileURL(createRequire(import.meta.url).resolve("chevrotain"));
      const bundle: typeof Chevrotain = await import(/* @vite-ignore */ new URL("../chevrotain.mjs", entry).href);
      return bundle;
    } catch {
      // not laid out as chevrotain 11 is: its entry below
    }
  }
  return import("chevrotain");
}

const chevrotain = await loadChevrotain();

export const { createToken, CstParser, EOF, Lexer } = chevrotain;
