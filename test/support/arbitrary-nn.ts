// Random syntactically valid .nn source, for fuzzing the parser and the formatter: models and
// blocks with every kind of statement, expressions at every precedence level (if, comparisons,
// + - * / @, unary minus, **, calls with named arguments, repeat, lists, parentheses), train
// sections, and between any two tokens random whitespace, blank lines and comments. The names need
// not resolve: the source only has to parse.
//
// Sources are built as token lists and joined last, so a separator can go between any two tokens.
import fc from "fast-check";

type Tokens = readonly string[];

/** Identifiers, with a few that start like keywords (`inputs`, `iff`) to exercise the lexer. */
const NAMES = ["x", "y", "h", "W", "b", "t", "n", "batch", "relu", "softmax", "Dense", "_a1", "layer_2", "inputs", "iff", "onehot"];
const NUMBERS = ["0", "1", "2", "10", "784", "0.01", "1e-3", ".5", "2.", "3E+2", "1.5e2"];
const DECL_NAMES = ["M", "Net", "Hidden", "TwoLayerNet"];

const name = fc.constantFrom(...NAMES);
const leaf: fc.Arbitrary<Tokens> = fc.oneof(
  { arbitrary: fc.constantFrom(...NUMBERS).map((n) => [n]), weight: 3 },
  { arbitrary: name.map((n) => [n]), weight: 4 },
  { arbitrary: fc.constantFrom("true", "false").map((b) => [b]), weight: 1 },
);

/** `items` separated by commas, with an optional trailing comma when there is at least one. */
function commaList(item: fc.Arbitrary<Tokens>, maxLength: number): fc.Arbitrary<Tokens> {
  return fc
    .tuple(fc.array(item, { maxLength }), fc.boolean())
    .map(([items, trailing]) => [
      ...items.flatMap((it, i) => (i === 0 ? it : [",", ...it])),
      ...(trailing && items.length > 0 ? [","] : []),
    ]);
}

function joinOps(first: Tokens, rest: readonly (readonly [string, Tokens])[]): Tokens {
  return [...first, ...rest.flatMap(([op, operand]) => [op, ...operand])];
}

const memo = new Map<number, fc.Arbitrary<Tokens>>();

/** An expression whose brackets, calls and `if`s nest at most `depth` deep. */
export function expr(depth: number): fc.Arbitrary<Tokens> {
  const cached = memo.get(depth);
  if (cached) return cached;
  const arb = depth <= 0 ? unary(leaf) : makeExpr(depth);
  memo.set(depth, arb);
  return arb;
}

function makeExpr(depth: number): fc.Arbitrary<Tokens> {
  const inner = expr(depth - 1);
  const args = commaList(
    fc.tuple(fc.option(name, { nil: undefined }), inner).map(([n, e]) => (n ? [n, "=", ...e] : e)),
    3,
  );
  const primary = fc.oneof(
    { arbitrary: leaf, weight: 8 },
    { arbitrary: fc.tuple(name, args).map(([f, a]) => [f, "(", ...a, ")"]), weight: 3 },
    { arbitrary: inner.map((e) => ["(", ...e, ")"]), weight: 3 },
    { arbitrary: commaList(inner, 3).map((items) => ["[", ...items, "]"]), weight: 1 },
    { arbitrary: fc.tuple(inner, name, args).map(([n, f, a]) => ["repeat", "(", ...n, ")", f, "(", ...a, ")"]), weight: 1 },
  );
  const power = fc.oneof(
    { arbitrary: primary, weight: 4 },
    { arbitrary: fc.tuple(primary, unary(primary)).map(([p, u]) => [...p, "**", ...u]), weight: 1 },
  );
  const multiplicative = fc
    .tuple(unary(power), fc.array(fc.tuple(fc.constantFrom("*", "/", "@"), unary(power)), { maxLength: 2 }))
    .map(([first, rest]) => joinOps(first, rest));
  const additive = fc
    .tuple(multiplicative, fc.array(fc.tuple(fc.constantFrom("+", "-"), multiplicative), { maxLength: 2 }))
    .map(([first, rest]) => joinOps(first, rest));
  const comparison = fc.oneof(
    { arbitrary: additive, weight: 5 },
    {
      arbitrary: fc.tuple(additive, fc.constantFrom("==", "!=", "<", "<=", ">", ">="), additive).map(([a, op, b]) => [...a, op, ...b]),
      weight: 1,
    },
  );
  const ifExpr = fc.tuple(inner, inner, inner).map(([c, a, b]) => ["if", ...c, "then", ...a, "else", ...b]);
  return fc.oneof({ arbitrary: comparison, weight: 6 }, { arbitrary: ifExpr, weight: 1 });
}

/** Zero to two unary minus signs in front. */
function unary(operand: fc.Arbitrary<Tokens>): fc.Arbitrary<Tokens> {
  return fc.tuple(fc.constantFrom(0, 0, 0, 1, 2), operand).map(([minus, e]) => [...Array<string>(minus).fill("-"), ...e]);
}

const EXPR_DEPTH = 2;
const value = expr(EXPR_DEPTH);
const shape = commaList(expr(1), 3).map((dims) => ["[", ...dims, "]"]);

const setting = fc.tuple(name, value).map(([n, v]) => [n, "=", ...v]);

const stmt: fc.Arbitrary<Tokens> = fc.oneof(
  fc.tuple(name, shape).map(([n, s]) => ["input", n, ":", ...s]),
  fc.tuple(name, fc.constantFrom([], ["onehot"], ["index"], ["real"]), shape).map(([n, enc, s]) => ["target", n, ":", ...enc, ...s]),
  fc.tuple(name, shape, value).map(([n, s, v]) => ["param", n, ":", ...s, "=", ...v]),
  { arbitrary: fc.tuple(name, value).map(([n, v]) => [n, "=", ...v]), weight: 4 },
  fc.tuple(name, fc.option(value, { nil: undefined })).map(([n, v]) => ["output", n, ...(v ? ["=", ...v] : [])]),
  value.map((v) => ["loss", ...v]),
  value.map((v) => ["return", ...v]),
  fc.array(setting, { maxLength: 3 }).map((ss) => ["train", "{", ...ss.flat(), "}"]),
);

const formal = fc
  .tuple(name, fc.option(shape, { nil: undefined }), fc.option(expr(1), { nil: undefined }))
  .map(([n, s, d]) => [n, ...(s ? [":", ...s] : []), ...(d ? ["=", ...d] : [])]);

const body = fc.array(stmt, { maxLength: 4 }).map((ss) => ["{", ...ss.flat(), "}"]);

const decl: fc.Arbitrary<Tokens> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...DECL_NAMES), fc.option(commaList(formal, 4), { nil: undefined }), body)
    .map(([n, fs, b]) => ["model", n, ...(fs ? ["(", ...fs, ")"] : []), ...b]),
  fc.tuple(fc.constantFrom(...DECL_NAMES), commaList(formal, 4), body).map(([n, fs, b]) => ["block", n, "(", ...fs, ")", ...b]),
);

const commentText = fc.string({ unit: fc.constantFrom(..."ab XZ#{}()[]=,-é\t".split("")), maxLength: 12 }).map((s) => `#${s}`);

/** What goes between two tokens: mostly a space, sometimes line breaks, blank lines or comments. */
const separator: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant(" "), weight: 12 },
  { arbitrary: fc.constant(""), weight: 2 },
  { arbitrary: fc.constantFrom("\n", "\n  ", "\n\n", "\n\n\n    ", "\t", "  ", "\r\n"), weight: 4 },
  { arbitrary: commentText.map((c) => ` ${c}\n`), weight: 1 },
  { arbitrary: fc.tuple(commentText, commentText).map(([a, b]) => `\n  ${a}\n\n${b}\n`), weight: 1 },
);

const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_.]/.test(c);

/** Joins tokens; an empty separator between two words would merge them, so it becomes a space. */
function render(tokens: Tokens, seps: readonly string[], start: string, end: string): string {
  let out = start;
  tokens.forEach((tok, i) => {
    if (i > 0) {
      const sep = seps[i - 1] ?? " ";
      out += sep === "" && isWordChar(out.at(-1)) && isWordChar(tok[0]) ? " " : sep;
    }
    out += tok;
  });
  return out + end;
}

/** A whole `.nn` file: zero to three declarations, laid out at random. */
export const arbitraryNn: fc.Arbitrary<string> = fc.array(decl, { maxLength: 3 }).chain((decls) => {
  const tokens = decls.flat();
  const gaps = Math.max(0, tokens.length - 1);
  const edge = fc.oneof(
    fc.constant(""),
    separator,
    commentText.map((c) => `${c}\n`),
  );
  // The last line may be a comment without a newline after it.
  const last = fc.oneof(
    edge,
    commentText.map((c) => `\n${c}`),
  );
  return fc
    .tuple(fc.array(separator, { minLength: gaps, maxLength: gaps }), edge, last)
    .map(([seps, start, end]) => render(tokens, seps, start, end));
});
