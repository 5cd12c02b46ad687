// Running an experiment's --quick version the way a user does, through the command line, into a
// temporary folder; then its results.json and figures for the tests to check.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { main } from "../../src/cli.js";
import type { Io } from "../../src/commands/io.js";
import type { Claim } from "../../src/experiments/registry.js";

export interface QuickRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly dir: string;
  /** results.json, parsed (free-form JSON: each test reads the fields of its experiment). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: { settings: any; results: any; claims: Claim[]; figures: string[]; quick: boolean; seconds: number; backends: string[] };
  claim(start: string): Claim;
}

export async function nnc(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}

export function tempOut(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "nnc-experiments-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `nnc experiment NAME --quick --out OUT`, checked to have succeeded and written its files. */
export async function runQuick(name: string, out: string, ...flags: string[]): Promise<QuickRun> {
  const r = await nnc("experiment", name, "--quick", "--out", out, ...flags);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  const dir = join(out, name);
  const json = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as QuickRun["json"];
  expect(json.quick).toBe(true);
  expect(json.figures.length).toBeGreaterThan(0);
  for (const figure of json.figures) {
    expect(existsSync(join(dir, figure))).toBe(true);
    const svg = readFileSync(join(dir, figure), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    // Every figure is a real plot: with a title and text on its axes.
    expect(svg).toMatch(/role-title-text/);
    expect(svg).toMatch(/role-axis-title/);
  }
  const claim = (start: string) => {
    const c = json.claims.find((x) => x.claim.startsWith(start));
    if (!c) throw new Error(`no claim starting '${start}' in ${name}: ${json.claims.map((x) => x.claim).join(" | ")}`);
    return c;
  };
  return { ...r, dir, json, claim };
}
