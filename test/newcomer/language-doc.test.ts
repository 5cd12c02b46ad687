// Issue 13.10: docs/language.md is generated from the compiler's tables; when a builtin (or a
// train setting, optimizer or schedule) is added or changed, this fails until `npm run docs` runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { languageReference } from "../../src/docs/language-reference.js";
import { BUILTINS } from "../../src/graph/builtins.js";

describe("docs/language.md", () => {
  const doc = readFileSync(join(import.meta.dirname, "../../docs/language.md"), "utf8");

  it("is current: what `npm run docs` writes from the builtins table now", () => {
    expect(doc).toBe(languageReference());
  });

  it("gives every builtin's signature, with keyword arguments and defaults", () => {
    for (const name of Object.keys(BUILTINS)) expect(doc).toContain(`| \`${name}(`);
    expect(doc).toContain("`sum(x, axis: axis or [axes] = all, keepdims: number = 0)`");
    expect(doc).toContain("`reshape(x, shape: [dims])`");
  });
});
