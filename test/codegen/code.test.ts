// The safe code builder: holes take only Code, Names and finite numbers; hostile text from .nn
// files becomes inert literals, comments and identifiers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyNum, Code, comment, data, docComment, js, key, literal, Name, Namer, num, propertyKey } from "../../src/codegen/code.js";

const HOSTILE = [
  "constructor",
  "__proto__",
  "prototype",
  "toString",
  "class",
  "await",
  "yield",
  "let",
  "eval",
  "arguments",
  "undefined",
  "*/ alert(1) /*",
  'a"; process.exit(1); "',
  "a'b",
  "back\\slash",
  "line\u2028sep",
  "para\u2029sep",
  "new\nline",
  "cr\rreturn",
  "</script><script>alert(1)</script>",
  "<!-- html",
  "${injection}",
  "`tick`",
  "∂h",
  "layers.0.W",
  "0starts_with_digit",
  "",
  "x".repeat(10_000),
  "\u0000nul",
  "\ud800 lone surrogate",
];

/** Evaluates an expression in a fresh function scope (tests only). */
const evaluate = (code: Code): unknown => new Function(`return (${code.text});`)();

describe("js``", () => {
  it("accepts Code, Names and numbers in holes", () => {
    const x = Name.of("x");
    expect(js`const ${x} = ${num(2)} * ${js`y`};`.text).toBe("const x = 2 * y;");
  });

  it("refuses strings and anything else in holes, whatever TypeScript was told", () => {
    const bad = [["s"], [undefined], [null], [{}], [true], [NaN], [Infinity], [-Infinity], [10n]];
    for (const [h] of bad) expect(() => js`${h as never}`, String(h)).toThrow();
  });

  it("refuses to be called as a plain function with a hand-made strings array", () => {
    expect(() => (js as unknown as (s: string[]) => Code)(["alert(1)"])).toThrow(/tagged template/);
  });

  it("has no public way to make Code from text", () => {
    expect(() => new (Code as unknown as new (t: string) => Code)("x")).not.toThrow(); // TS private, runtime not
    expect(Object.keys(Code)).toEqual([]);
    expect((Code as unknown as { trusted?: unknown }).trusted).toBeUndefined();
  });
});

describe("numbers", () => {
  it.each([0, 1, -1, 0.1, 1e-7, 1e21, -2.5e-300, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2])("%s round-trips exactly", (x) => {
    expect(evaluate(num(x))).toBe(x);
  });

  it("keeps the sign of -0 and never glues a minus to a minus", () => {
    expect(Object.is(evaluate(num(-0)), -0)).toBe(true);
    expect(evaluate(js`1 - ${num(-1)}`)).toBe(2);
    expect(evaluate(js`1-${num(-1)}`)).toBe(2);
    expect(evaluate(js`-${num(-0)}`)).toBe(0);
  });

  it("refuses NaN and infinities; anyNum spells them out", () => {
    for (const x of [NaN, Infinity, -Infinity]) expect(() => num(x)).toThrow(/not finite/);
    expect(evaluate(anyNum(-Infinity))).toBe(-Infinity);
    expect(Number.isNaN(evaluate(anyNum(NaN)))).toBe(true);
  });

  it("round-trips every double (property)", () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => Object.is(evaluate(num(x)), x)));
  });
});

describe("Name", () => {
  it.each(["class", "await", "yield", "let", "eval", "arguments", "constructor", "__proto__", "prototype", "Math", "undefined"])(
    "of(%s) refuses a reserved or special name",
    (s) => expect(() => Name.of(s)).toThrow(/reserved/),
  );

  it.each(["a b", "1x", "x-y", "", "a.b", "*/", '"', "\u2028"])("of(%j) refuses a non-identifier", (s) =>
    expect(() => Name.of(s)).toThrow(/identifier/),
  );

  it.each(HOSTILE.map((h) => [JSON.stringify(h).slice(0, 40), h]))("sanitize(%s) is a valid, harmless identifier", (_label, text) => {
    const n = Name.sanitize(text);
    expect(n.text).toMatch(/^[A-Za-z_$][\w$]*$/);
    expect(n.text.length).toBeLessThanOrEqual(48);
    expect(() => Name.of(n.text)).not.toThrow();
    // Usable as a binding and a property.
    expect(evaluate(js`(() => { const ${n} = 7; return ${n}; })()`)).toBe(7);
  });

  it("keeps readable names readable and long ones distinct", () => {
    expect(Name.sanitize("layers.0.W").text).toBe("layers_0_W");
    expect(Name.sanitize("∂h").text).toBe("d_h");
    expect(Name.sanitize("constructor").text).toBe("constructor_");
    expect(Name.sanitize("a".repeat(100) + "1").text).not.toBe(Name.sanitize("a".repeat(100) + "2").text);
  });

  it("Namer hands out distinct names and avoids taken ones", () => {
    const n = new Namer(["h"]);
    expect([n.fresh("h").text, n.fresh("h").text, n.fresh("h").text]).toEqual(["h_2", "h_3", "h_4"]);
    expect(n.child().fresh("h").text).toBe("h_5");
  });
});

describe("literal, comment, data", () => {
  it.each(HOSTILE.map((h) => [JSON.stringify(h).slice(0, 40), h]))("literal(%s) reads back as the same string", (_label, text) => {
    const code = literal(text);
    expect(evaluate(code)).toBe(text);
    expect(code.text).not.toMatch(/[\u2028\u2029\n\r<]/);
  });

  it.each(HOSTILE.map((h) => [JSON.stringify(h).slice(0, 40), h]))("comment(%s) stays one inert line", (_label, text) => {
    const code = js`${comment(text)}const after = 1;\nafter`;
    const [first, ...rest] = code.text.split("\n");
    expect(first!.startsWith("// ")).toBe(true);
    expect(first).not.toMatch(/[\u2028\u2029\r]/);
    expect(rest.join("\n")).toBe("const after = 1;\nafter");
    expect(new Function(`${code.text.replace(/after$/, "return after;")}`)()).toBe(1);
    expect(new Function(`${docComment(text).text}return 2;`)()).toBe(2);
  });

  it("data() makes own properties, __proto__ included", () => {
    const input = JSON.parse('{"__proto__": 1, "constructor": "x", "a.b": [1, "two", null, true], "n": 0}');
    const v = evaluate(data(input)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["__proto__", "constructor", "a.b", "n"]);
    expect(Object.getOwnPropertyDescriptor(v, "__proto__")!.value).toBe(1);
    expect(key("__proto__").text).toBe('["__proto__"]');
  });

  it("propertyKey() is bare only for identifiers other than __proto__", () => {
    expect(["W1", "function", "constructor", "layers.0.W", "__proto__", "*/"].map((n) => propertyKey(n).text)).toEqual([
      "W1",
      "function",
      "constructor",
      '"layers.0.W"',
      '"__proto__"',
      '"*/"',
    ]);
  });
});
