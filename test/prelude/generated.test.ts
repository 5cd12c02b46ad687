// src/prelude/ is the one source of the runtime code compiled modules carry: the committed
// src/codegen/prelude-parts/ must be its current translation, and the names generated code
// avoids must cover every top-level name of every part.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PRELUDE_NAMES, prelude } from "../../src/codegen/prelude.js";
import { PRELUDE_PARTS } from "../../src/codegen/prelude-parts/index.generated.js";

describe("the prelude (src/prelude/ inlined into modules)", () => {
  it("src/codegen/prelude-parts/ is up to date with src/prelude/", () => {
    let failure = "";
    try {
      execFileSync(process.execPath, ["scripts/gen-prelude.mjs", "--check"], { stdio: "pipe" });
    } catch (e) {
      failure = String((e as { stderr?: Buffer }).stderr ?? e);
    }
    expect(failure, "stale: run `node scripts/gen-prelude.mjs` (or npm run build) and commit src/codegen/prelude-parts/").toBe("");
  });

  it("every file of src/prelude/ is a part, and every exported function of it a name modules avoid", () => {
    const files = readdirSync("src/prelude").filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
    expect(Object.keys(PRELUDE_PARTS).sort()).toEqual(files.map((f) => f.replace(/\.ts$/, "")).sort());
    for (const f of files) {
      const exported = [...readFileSync(`src/prelude/${f}`, "utf8").matchAll(/^export (?:async )?function (\w+)/gm)].map((m) => m[1]!);
      for (const name of exported) expect(PRELUDE_NAMES, `${f}: ${name}`).toContain(name);
    }
    expect(PRELUDE_NAMES).toEqual(expect.arrayContaining(["mixSeed", "initArray", "checkParams", "runRows", "WASM", "F", "WORKER_SOURCE"]));
  });

  it("the parts are plain JavaScript: no types, no imports, `export` only on the module's own exports", () => {
    const text = prelude().text;
    expect(text).not.toMatch(/^import /m);
    expect([...text.matchAll(/^export function (\w+)/gm)].map((m) => m[1]).sort()).toEqual([
      "loadParams",
      "saveParams",
      "threads",
      "updateAdam",
      "updateMomentum",
      "updateSgd",
      "zeros",
    ]);
    expect(text).toContain("function mixSeed(seed, seq) {");
    // The JS parts carry nothing of WebAssembly.
    expect(text).not.toContain("WebAssembly");
  });
});
