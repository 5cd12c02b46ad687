// Random damage to the shipped models never makes the front end throw: it only produces
// diagnostics, and each one points inside the file. Fixed seed; NNC_FC_RUNS sets the number of
// runs per property (NNC_FC_SEED the seed).
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDiagnostics, type Diagnostic } from "../src/diagnostics.js";
import { verifyGraph } from "../src/graph/verify.js";
import { frontend } from "../src/index.js";
import { lexer } from "../src/parser/tokens.js";
import { modelFiles } from "./support/models.js";

const RUNS = Number(process.env.NNC_FC_RUNS ?? 150);
const SEED = Number(process.env.NNC_FC_SEED ?? 20_240_611);
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

const models = modelFiles().map((f) => readFileSync(f, "utf8"));

/** Where a mutation applies, as fractions of the file (so they fit any file). */
type Mutation =
  | { kind: "delete"; at: number }
  | { kind: "duplicate"; at: number }
  | { kind: "replaceToken"; at: number; with: number }
  | { kind: "replaceText"; at: number; text: string }
  | { kind: "insert"; at: number; text: string }
  | { kind: "truncate"; at: number };

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** Awkward text: line breaks of every kind, Unicode separators, BOM, control characters (no NUL), any code point. */
const awkward = fc.oneof(
  fc.constantFrom(
    "\u2028",
    "\u2029",
    "\u0085",
    "\r",
    "\r\n",
    "\n",
    "\t",
    "\v",
    "\f",
    "\uFEFF",
    "\u00a0",
    "\u0001",
    "\u001b",
    "\u007f",
    "\ud800",
    "é",
    "🙂",
    "#",
    "**",
    "*",
    "-",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    "=",
    ":",
    "@",
    "if",
    "then",
    "else",
    "repeat",
    "model",
    "block",
    "batch",
    "1e999",
    "-0",
    "0.",
    ".5",
  ),
  fc.string({ unit: "binary", maxLength: 8 }).map((s) => s.replace(/\0/g, "")),
  fc.string({ unit: fc.integer({ min: 1, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 4 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fraction }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fraction }),
  fc.record({ kind: fc.constant("replaceToken" as const), at: fraction, with: fraction }),
  fc.record({ kind: fc.constant("replaceText" as const), at: fraction, text: awkward }),
  fc.record({ kind: fc.constant("insert" as const), at: fraction, text: awkward }),
  fc.record({ kind: fc.constant("truncate" as const), at: fraction }),
);

function mutate(text: string, m: Mutation): string {
  if (m.kind === "truncate") return text.slice(0, Math.floor(m.at * text.length));
  if (m.kind === "insert") {
    const i = Math.floor(m.at * (text.length + 1));
    return text.slice(0, i) + m.text + text.slice(i);
  }
  const tokens = lexer.tokenize(text).tokens;
  const t = tokens[Math.floor(m.at * tokens.length)];
  if (t === undefined) return text;
  const [start, end] = [t.startOffset, t.startOffset + t.image.length];
  switch (m.kind) {
    case "delete":
      return text.slice(0, start) + text.slice(end);
    case "duplicate":
      return text.slice(0, end) + " " + t.image + text.slice(end);
    case "replaceToken":
      return text.slice(0, start) + tokens[Math.floor(m.with * tokens.length)]!.image + text.slice(end);
    case "replaceText":
      return text.slice(0, start) + m.text + text.slice(end);
  }
}

const damaged = fc
  .record({ model: fc.nat({ max: models.length - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) })
  .map(({ model, mutations }) => mutations.reduce(mutate, models[model]!));

/** Lines as diagnostics count them: \n, \r\n and \r end a line. */
function linesOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function expectInside(text: string, diagnostics: readonly Diagnostic[]): void {
  const lines = linesOf(text);
  for (const d of diagnostics) {
    if (!d.span) continue;
    const { line, col, endLine, endCol } = d.span;
    const where = `${d.message} at ${line}:${col}`;
    expect(line, where).toBeGreaterThanOrEqual(1);
    expect(line, where).toBeLessThanOrEqual(lines.length);
    expect(col, where).toBeGreaterThanOrEqual(1);
    expect(col, where).toBeLessThanOrEqual(lines[line - 1]!.length + 1);
    expect(endLine > line || (endLine === line && endCol >= col), `${where}: ends before it starts`).toBe(true);
  }
}

/** Runs the front end; anything thrown fails the property. */
function check(text: string, set: Record<string, string> = {}): void {
  const r = frontend(text, "fuzz.nn", { set });
  expectInside(text, r.diagnostics);
  expect(typeof formatDiagnostics(r.diagnostics, r.sources)).toBe("string");
  if (!r.diagnostics.some((d) => d.severity === "error")) for (const g of r.graphs) verifyGraph(g);
}

describe("the front end on damaged models", () => {
  it("the models themselves check clean (the starting point of every mutation)", () => {
    for (const m of models) expect(frontend(m, "m.nn").diagnostics).toEqual([]);
  });

  it("never throws; every diagnostic lies inside the file", () => {
    fc.assert(
      fc.property(damaged, (text) => check(text)),
      params,
    );
  });

  it("one mutation of each kind, on each model", () => {
    for (const kind of ["delete", "duplicate", "replaceToken", "replaceText", "insert", "truncate"] as const) {
      const one = fc
        .tuple(
          fc.nat({ max: models.length - 1 }),
          mutation.filter((m) => m.kind === kind),
        )
        .map(([i, m]) => mutate(models[i]!, m));
      fc.assert(
        fc.property(one, (text) => check(text)),
        { ...params, numRuns: Math.max(10, Math.floor(RUNS / 3)) },
      );
    }
  });

  it("random --set values give usage errors or diagnostics, never an exception", () => {
    const multi = models.find((m) => m.includes("model MultiLayerNet("))!;
    const names = ["depth", "width", "activation", "init", "classes"];
    const value = fc.oneof(
      awkward,
      fc.constantFrom(
        "0",
        "-1",
        "1.5",
        "1e9",
        "relu",
        "softmax",
        "normal(-1)",
        "uniform(1, 0)",
        "he",
        "true",
        "[1, 2]",
        "sgd(lr = 1)",
        "batch",
        "depth",
        "x",
        "(",
      ),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 3 }), (set) => check(multi, set)),
      { ...params, numRuns: Math.max(20, Math.floor(RUNS / 2)) },
    );
  });
});
