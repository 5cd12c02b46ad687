// Issue 13.11: nnc installed in another project as a user installs it. `npm pack`'s tarball goes
// into a fresh project with `npm ci --offline` (its lockfile lists nnc's own dependencies as
// nnc's lockfile pins them, so npm's cache serves every one and nothing is downloaded); then
// `npx nnc`, `import ... from "nnc"`, `nnc/testing` and `nnc/prettier` must work there. The
// compiled .js holds no raw NUL byte (tools would call it binary).
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileToString } from "../../src/codegen/index.js";
import { graphOf } from "../support/models.js";
import { scratch } from "../support/cli.js";

const ROOT = join(import.meta.dirname, "../..");

function run(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** What a user adds: nnc, and fast-check for nnc/testing (its optional peer). */
function freshDependencies(tarball: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  return { nnc: `file:${tarball}`, "fast-check": pkg.devDependencies["fast-check"] };
}

interface LockEntry {
  readonly dev?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** The fresh project's lockfile: nnc from the tarball, its dependencies (and fast-check, for nnc/testing) as nnc's lockfile pins them. */
function freshLock(tarball: string): object {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const packages: Record<string, object> = {
    "": { name: "fresh", version: "1.0.0", dependencies: freshDependencies(basename(tarball)) },
    "node_modules/nnc": {
      version: pkg.version,
      resolved: `file:${basename(tarball)}`,
      integrity: `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`,
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
      peerDependenciesMeta: pkg.peerDependenciesMeta,
      bin: pkg.bin,
    },
  };
  const wanted = ["fast-check"];
  for (const [path, entry] of Object.entries(lock.packages)) if (path.startsWith("node_modules/") && !entry.dev) packages[path] = entry;
  for (let name = wanted.pop(); name !== undefined; name = wanted.pop()) {
    const entry = lock.packages[`node_modules/${name}`]!;
    const { dev: _dev, ...rest } = entry;
    packages[`node_modules/${name}`] = rest;
    wanted.push(...Object.keys(entry.dependencies ?? {}).filter((d) => lock.packages[`node_modules/${d}`]?.dev));
  }
  return { name: "fresh", version: "1.0.0", lockfileVersion: 3, requires: true, packages };
}

const USER_CODE = `import { frontend } from "nnc";
import { expectGradientsMatch } from "nnc/testing";
import * as prettier from "prettier";
const source = "model M {\\n  input x: [batch, 3]\\n  param W: [3, 2] = normal(0.5)\\n  output y = tanh(x @ W)\\n  loss sum(y * y)\\n}\\n";
const { graphs, diagnostics } = frontend(source, "m.nn");
const check = expectGradientsMatch(graphs[0]);
const formatted = await prettier.format("model   M {\\n input x: [batch, 2]\\n output y = x\\n}\\n", { filepath: "m.nn", plugins: ["nnc/prettier"] });
console.log(JSON.stringify({ model: graphs[0].model, diagnostics: diagnostics.length, gradcheck: check.ok, formatted }));
`;

describe("nnc installed from npm pack into a fresh project", () => {
  it("gives a working npx nnc, import from nnc, nnc/testing and nnc/prettier", { timeout: 180_000 }, () => {
    if (!existsSync(join(ROOT, "dist", "cli.js"))) run("npm", ["run", "build"], ROOT);
    const t = scratch("nnc-pack-");
    run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", t.dir], ROOT);
    const tarball = readdirSync(t.dir).find((f) => f.endsWith(".tgz"))!;
    writeFileSync(
      join(t.dir, "package.json"),
      JSON.stringify({ name: "fresh", version: "1.0.0", private: true, type: "module", dependencies: freshDependencies(tarball) }),
    );
    writeFileSync(join(t.dir, "package-lock.json"), JSON.stringify(freshLock(join(t.dir, tarball)), null, 2));
    run("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], t.dir);

    const check = run("npx", ["--offline", "nnc", "check", "node_modules/nnc/models/two_layer_net.nn"], t.dir);
    expect(check.stdout).toMatch(/^node_modules\/nnc\/models\/two_layer_net\.nn: TwoLayerNet: 39,760 params/);
    run("npx", ["--offline", "nnc", "compile", "node_modules/nnc/models/two_layer_net.nn", "-o", "two.js"], t.dir);
    expect(readFileSync(join(t.dir, "two.js")).includes(0)).toBe(false);

    t.put("use.mjs", USER_CODE);
    const used = JSON.parse(run("node", ["use.mjs"], t.dir).stdout);
    expect(used).toEqual({
      model: "M",
      diagnostics: 0,
      gradcheck: true,
      formatted: "model M {\n  input x: [batch, 2]\n  output y = x\n}\n",
    });
  });
});

describe("the compiled module's text", () => {
  it("holds no raw NUL byte (or other non-whitespace control character) on either backend", () => {
    const g = graphOf(readFileSync(join(ROOT, "models/two_layer_net.nn"), "utf8"));
    for (const backend of ["js", "wasm"] as const) {
      const js = compileToString(g, { dtype: "f32", backend });
      expect(js).not.toMatch(/[\u0000-\u0008\u000e-\u001f\u007f]/);
    }
  });
});
