// nnc train, eval and experiment turn on fused multiply-adds (enableFma) before compiling a model;
// NNC_FMA=0 declines. The compiled module picks its FMA kernels where relaxed SIMD validates.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** Runs `body` (an ES module's text, dist/ built) in a fresh Node process; its stdout. */
function fresh(body: string, env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", body], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    cwd: process.cwd(),
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const probe = `import { enableFma, fmaAvailable } from "./dist/runtime/fma.js";`;

describe("enableFma", () => {
  it("makes relaxed SIMD validate in this process (Node 20: through V8's flag)", () => {
    expect(fresh(`${probe} console.log(enableFma(), fmaAvailable());`)).toBe("true true");
  });
  it("leaves it off with NNC_FMA=0", () => {
    // Node 22+ validates relaxed SIMD without the flag; then only the module's own NNC_FMA check declines.
    const before = fresh(`${probe} console.log(fmaAvailable());`);
    expect(fresh(`${probe} console.log(enableFma(), fmaAvailable());`, { NNC_FMA: "0" })).toBe(`false ${before}`);
  });
});
