// The safe code builder for Python text, the JAX target's counterpart of ../code.ts: every piece
// of generated Python is a `Py`, and `Py` is only made by the `py` tagged template, whose holes
// accept nothing but other `Py`, validated `PyName`s and integers. Text from a .nn file reaches
// the output only through `pyStr()` (a string literal, every non-printable or non-ASCII character
// escaped), `pyComment()` (a `#` line whose line breaks are neutralized) or `PyName.sanitize()`.
// Floats go through `pyFloat()`, so a number hole can never turn into an expression. Python is
// indentation-sensitive: `indented()` shifts a block, which is safe because no literal this
// builder makes spans lines. Tested with hostile names in test/codegen/jax-python.test.ts.

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Keywords, soft keywords, and the builtins and modules generated code relies on. */
const RESERVED = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from global " +
    "if import in is lambda nonlocal not or pass raise return try while with yield match case type " +
    "jax jnp lax np math os sys float int str len dict list tuple range print object super self " +
    "params inputs batch key dtype __builtins__ __import__ eval exec open getattr setattr globals locals"
  ).split(" "),
);

const MAX_NAME = 48;

/** A Python identifier, checked: never a keyword or a name the module uses. */
export class PyName {
  private constructor(readonly text: string) {}

  static of(text: string): PyName {
    if (!IDENTIFIER.test(text)) throw new Error(`not a valid Python identifier: ${JSON.stringify(text)}`);
    if (RESERVED.has(text) || text.startsWith("__")) throw new Error(`reserved Python name: ${JSON.stringify(text)}`);
    return new PyName(text);
  }

  /** Any text as a readable identifier: `layers.0.W` -> `layers_0_W`, `∂h` -> `d_h`. */
  static sanitize(text: string): PyName {
    let s = text
      .replace(/∂/g, "d_")
      .replace(/[^A-Za-z0-9_]+/g, "_")
      .replace(/_+/g, "_")
      .replace(/^_(?=.)|_$/g, "");
    if (s === "" || s === "_") s = "v";
    if (/^[0-9]/.test(s)) s = `v${s}`;
    if (s.length > MAX_NAME) s = s.slice(0, MAX_NAME);
    if (RESERVED.has(s)) s = `${s}_`;
    return new PyName(s);
  }

  toString(): string {
    return this.text;
  }
}

let trusted: (text: string) => Py;

/** Generated Python text. */
export class Py {
  private constructor(readonly text: string) {}
  static {
    trusted = (text) => new Py(text);
  }
  toString(): string {
    return this.text;
  }
}

export type PyHole = Py | PyName | number;

function hole(h: unknown): string {
  if (h instanceof Py || h instanceof PyName) return h.text;
  if (typeof h === "number") return pyInt(h).text;
  throw new TypeError(`py\`\`: a hole must be Py, a PyName or an integer, got ${typeof h}`);
}

/** The tagged template: py`${x} = jnp.exp(${a})`. Its own text is ours; holes are checked. */
export function py(strings: TemplateStringsArray, ...holes: readonly PyHole[]): Py {
  if (!Object.isFrozen(strings) || !Array.isArray(strings.raw)) throw new TypeError("py must be used as a tagged template");
  let out = strings[0]!;
  holes.forEach((h, i) => (out += hole(h) + strings[i + 1]!));
  return trusted(out);
}

/** An integer literal (shapes, axes, seeds). */
export function pyInt(n: number): Py {
  if (!Number.isSafeInteger(n)) throw new Error(`cannot emit ${String(n)} as a Python int`);
  return trusted(n < 0 ? `(${n})` : String(n));
}

/** A float literal that reads back as the same float64: `0.1`, `1e-07`, `float("inf")`, `(-0.0)`. */
export function pyFloat(x: number): Py {
  if (typeof x !== "number") throw new TypeError("pyFloat() takes a number");
  if (Number.isNaN(x)) return trusted(`float("nan")`);
  if (x === Infinity) return trusted(`float("inf")`);
  if (x === -Infinity) return trusted(`(-float("inf"))`);
  if (Object.is(x, -0)) return trusted("(-0.0)");
  let s = String(x);
  if (!/[.e]/.test(s)) s += ".0";
  return trusted(x < 0 ? `(${s})` : s);
}

export const pyBool = (b: boolean): Py => trusted(b ? "True" : "False");

/** A string literal for any text: printable ASCII as itself, everything else escaped. */
export function pyStr(s: string): Py {
  if (typeof s !== "string") throw new TypeError("pyStr() takes a string");
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c <= 0xff) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (c <= 0xffff) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += `\\U${c.toString(16).padStart(8, "0")}`;
  }
  return trusted(`${out}"`);
}

/** A `# ...` comment line for any text: control characters and line separators become spaces. */
export function pyComment(text: string): Py {
  const safe = String(text)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .trimEnd();
  return trusted(`# ${safe}`);
}

/** Pieces with a separator between them. */
export function pyJoin(items: readonly Py[], separator: Py = py`, `): Py {
  return trusted(items.map((c) => c.text).join(separator.text));
}

/** Lines, one after the other. */
export function pyLines(items: readonly Py[]): Py {
  return trusted(items.map((c) => c.text).join("\n"));
}

/** A tuple: `()`, `(a,)`, `(a, b)`. */
export function pyTuple(items: readonly Py[]): Py {
  return items.length === 1 ? py`(${items[0]!},)` : py`(${pyJoin(items)})`;
}

/** A block indented by `levels` × 4 spaces (every line: no literal spans lines). */
export function indented(block: Py, levels = 1): Py {
  const pad = " ".repeat(4 * levels);
  return trusted(
    block.text
      .split("\n")
      .map((l) => (l === "" ? l : pad + l))
      .join("\n"),
  );
}

/** JSON-like data as a Python literal (dicts with string keys, lists, numbers, strings, None). */
export function pyData(value: unknown): Py {
  if (value === null || value === undefined) return trusted("None");
  if (typeof value === "boolean") return trusted(value ? "True" : "False");
  if (typeof value === "number") return Number.isSafeInteger(value) ? pyInt(value) : pyFloat(value);
  if (typeof value === "string") return pyStr(value);
  if (Array.isArray(value)) return py`[${pyJoin(value.map(pyData))}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => py`${pyStr(k)}: ${pyData(v)}`);
    return py`{${pyJoin(entries)}}`;
  }
  throw new TypeError(`pyData(): cannot emit a ${typeof value}`);
}

/** Hands out distinct sanitized names within one Python function. */
export class PyNamer {
  private readonly used = new Set<string>();
  constructor(taken: Iterable<string> = []) {
    for (const t of taken) this.used.add(t);
  }
  fresh(hint: string): PyName {
    const base = PyName.sanitize(hint).text;
    let text = base;
    for (let i = 2; this.used.has(text); i++) text = `${base}_${i}`;
    this.used.add(text);
    return PyName.of(text);
  }
}
