// The one safe code builder: every piece of generated JavaScript (and .d.ts) text is a `Code`,
// and `Code` is only made by the `js` tagged template, whose holes accept nothing but other
// `Code`, validated `Name`s and finite numbers. Text that comes from a .nn file reaches the
// output only through `literal()` (a string literal), `comment()` (a neutralized line comment) or
// `Name.sanitize()` (an identifier). So "a model cannot inject JavaScript" is a property of the
// types, tested with hostile names in test/codegen/code.test.ts.

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Reserved words, strict-mode and module restrictions, and globals a name must not shadow. */
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await async of get set arguments eval " +
    "undefined NaN Infinity globalThis Math Object Array Error RangeError TypeError Number String JSON Symbol " +
    "Float32Array Float64Array Uint32Array Int32Array Map Set Promise Function Reflect Proxy"
  ).split(" "),
);

/** Names that mean something special as property names or on every object. */
const SPECIAL = new Set(["constructor", "__proto__", "prototype", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "toJSON"]);

const MAX_NAME = 48;

/** A JavaScript identifier, checked: never a reserved word, never a special property name. */
export class Name {
  private constructor(readonly text: string) {}

  /** The name as given, or an Error saying why it cannot be an identifier. */
  static of(text: string): Name {
    if (!IDENTIFIER.test(text)) throw new Error(`not a valid identifier: ${JSON.stringify(text)}`);
    if (RESERVED.has(text) || SPECIAL.has(text)) throw new Error(`reserved name: ${JSON.stringify(text)}`);
    if (text.length > 200) throw new Error(`identifier too long (${text.length} characters)`);
    return new Name(text);
  }

  /** Any text made into a readable identifier: `layers.0.W` -> `layers_0_W`, `∂h` -> `d_h`. */
  static sanitize(text: string): Name {
    let s = text
      .replace(/∂/g, "d_")
      .replace(/[^A-Za-z0-9_$]+/g, "_")
      .replace(/_+/g, "_")
      .replace(/^_(?=.)|_$/g, "");
    if (s === "") s = "_";
    if (/^[0-9]/.test(s)) s = `_${s}`;
    if (s.length > MAX_NAME) s = `${s.slice(0, MAX_NAME - 9)}_${hash(s)}`;
    if (RESERVED.has(s) || SPECIAL.has(s)) s = `${s}_`;
    return new Name(s);
  }

  toString(): string {
    return this.text;
  }
}

/** A short, stable hash, to keep cut names distinct. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36).padStart(7, "0").slice(0, 8);
}

/** The only way to make Code from text; module-private, so only this file's functions can. */
let trusted: (text: string) => Code;

/** Generated text. Made only by `js`, `literal`, `comment`, `num`, `join`, `lines`. */
export class Code {
  private constructor(readonly text: string) {}
  static {
    trusted = (text) => new Code(text);
  }

  toString(): string {
    return this.text;
  }
}

export type Hole = Code | Name | number;

/** A finite number as a literal that reads back as the same float64 (-0 included). */
export function num(x: number): Code {
  if (typeof x !== "number" || !Number.isFinite(x)) throw new Error(`cannot emit the number ${String(x)}: not finite`);
  if (Object.is(x, -0)) return trusted("(-0)");
  const s = String(x);
  return trusted(x < 0 ? `(${s})` : s);
}

/** Like `num`, and also ±Infinity and NaN as their global names. */
export function anyNum(x: number): Code {
  if (Number.isNaN(x)) return trusted("NaN");
  if (x === Infinity) return trusted("Infinity");
  if (x === -Infinity) return trusted("(-Infinity)");
  return num(x);
}

function hole(h: unknown): string {
  if (h instanceof Code) return h.text;
  if (h instanceof Name) return h.text;
  if (typeof h === "number") return num(h).text;
  throw new TypeError(`js\`\`: a hole must be Code, a Name or a number, got ${typeof h}`);
}

/**
 * A template's own text, with control characters that are never whitespace (NUL from a `\0` in a
 * template, ...) written as `\xNN`: they can stand only inside a string, regex or template literal
 * of the generated code, where the escape means the same, and a raw NUL makes tools call the file binary.
 */
function text(s: string): string {
  return s.replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The tagged template: js`for (let ${i} = 0; ${i} < ${n}; ${i}++) ${body}`. */
export function js(strings: TemplateStringsArray, ...holes: readonly Hole[]): Code {
  // A real template's strings array is frozen and has `raw`; a hand-made array is not code we wrote.
  if (!Object.isFrozen(strings) || !Array.isArray(strings.raw)) throw new TypeError("js must be used as a tagged template");
  let out = text(strings[0]!);
  holes.forEach((h, i) => (out += hole(h) + text(strings[i + 1]!)));
  return trusted(out);
}

/** Pieces of code with a separator between them. */
export function join(items: readonly Code[], separator: Code = js`, `): Code {
  return trusted(items.map((c) => c.text).join(separator.text));
}

/** Lines of code, one after the other. */
export function lines(items: readonly Code[]): Code {
  return trusted(items.map((c) => c.text).join("\n"));
}

/**
 * A string literal for any text: JSON's escaping, plus the line separators U+2028/U+2029 and `<`
 * (so no `</script>` or `<!--` can appear when the code is inlined in HTML).
 */
export function literal(s: string): Code {
  if (typeof s !== "string") throw new TypeError("literal() takes a string");
  const quoted = JSON.stringify(s)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")
    .replace(/</g, "\\u003c");
  return trusted(quoted);
}

/** A `// ...` comment line for any text: line breaks and control characters become spaces. */
export function comment(text: string): Code {
  const safe = neutralize(text);
  return trusted(`// ${safe}\n`);
}

/** A `/** ... *\/` doc comment for any text, on one line. */
export function docComment(text: string): Code {
  const lines = String(text).split("\n");
  if (lines.length === 1) return trusted(`/** ${neutralize(text)} */\n`);
  return trusted(`/**\n${lines.map((l) => ` * ${neutralize(l)}`.trimEnd()).join("\n")}\n */\n`);
}

function neutralize(text: string): string {
  return String(text)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .replace(/\*\//g, "* /")
    .replace(/\/\*/g, "/ *")
    .trimEnd();
}

/**
 * JSON-like data as a JavaScript expression: strings through `literal`, keys quoted (and
 * `__proto__` computed, so it stays an own property instead of setting the prototype).
 */
export function data(value: unknown): Code {
  if (value === null || value === undefined) return trusted("null");
  if (typeof value === "boolean") return trusted(String(value));
  if (typeof value === "number") return anyNum(value);
  if (typeof value === "string") return literal(value);
  if (Array.isArray(value)) return trusted(`[${value.map((v) => data(v).text).join(", ")}]`);
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${key(k).text}: ${data(v).text}`);
    return trusted(`{ ${entries.join(", ")} }`);
  }
  throw new TypeError(`data(): cannot emit a ${typeof value}`);
}

/** An object key for any text: a string literal, computed when it is `__proto__`. */
export function key(name: string): Code {
  return name === "__proto__" ? trusted(`[${literal(name).text}]`) : literal(name);
}

/**
 * A property name in a type (.d.ts): bare when it is an identifier (reserved words are valid
 * property names), else a string literal. Not for object literals in code: `__proto__` there sets
 * the prototype, so records use `key()`.
 */
export function propertyKey(name: string): Code {
  return IDENTIFIER.test(name) && name !== "__proto__" ? trusted(name) : literal(name);
}

/** Hands out distinct sanitized names within one scope (a function, the module). */
export class Namer {
  private readonly used = new Set<string>();
  constructor(
    taken: Iterable<string> = [],
    private readonly parent?: Namer,
  ) {
    for (const t of taken) this.used.add(t);
  }
  /** A namer for an inner scope: it avoids every name of this one (now and later) and `extra`. */
  child(extra: Iterable<string> = []): Namer {
    return new Namer(extra, this);
  }
  private has(text: string): boolean {
    return this.used.has(text) || (this.parent?.has(text) ?? false);
  }
  /** A fresh name based on `hint`: `h`, then `h_2`, `h_3`, ... */
  fresh(hint: string): Name {
    const base = Name.sanitize(hint).text;
    let text = base;
    for (let i = 2; this.has(text); i++) text = `${base}_${i}`;
    this.used.add(text);
    return Name.of(text);
  }
}
