// A small WebAssembly binary encoder: what the kernels need and no more. The type, function,
// memory, export and code sections of a module (numbers in leb.ts, function bodies in body.ts).
// The output is checked by `WebAssembly.validate` in the tests; nothing here runs the code.
import { section, uleb, utf8, vec } from "./leb.js";
import type { FunctionBody } from "./body.js";

export { F32, F64, FunctionBody, I32, V128, type Depth, type ValType } from "./body.js";
export { sleb, uleb } from "./leb.js";

export interface WasmFunction {
  readonly name: string;
  readonly body: FunctionBody;
}

/**
 * A module with one memory, exported as `memory`: its own (`pages` initial 64 KiB pages), or with
 * `shared`, a shared memory imported as env.memory (threads share it; it needs a maximum).
 * Every function is exported by name.
 */
export function encodeModule(
  functions: readonly WasmFunction[],
  pages = 1,
  shared?: { readonly maxPages: number },
): Uint8Array<ArrayBuffer> {
  return assemble(functions, pages, shared && { maxPages: shared.maxPages, flags: 0x03 }).bytes;
}

/**
 * A module that imports its memory as env.memory (at least `pages`, at most `maxPages`), declared
 * shared; `flagsAt` is the byte of the declaration's flags: 0x03 there means shared, 0x01 not
 * shared, so one binary serves both (a browser page that is not cross-origin isolated has no
 * shared memory).
 */
export function encodeModuleImportingMemory(
  functions: readonly WasmFunction[],
  pages: number,
  maxPages: number,
): { bytes: Uint8Array<ArrayBuffer>; flagsAt: number } {
  return assemble(functions, pages, { maxPages, flags: 0x03 });
}

function assemble(
  functions: readonly WasmFunction[],
  pages: number,
  imported?: { readonly maxPages: number; readonly flags: number },
): { bytes: Uint8Array<ArrayBuffer>; flagsAt: number } {
  const types: string[] = [];
  const typeIndex = functions.map(({ body }) => {
    const key = JSON.stringify([body.params, body.results]);
    if (!types.includes(key)) types.push(key);
    return types.indexOf(key);
  });
  const typeSection = vec(
    types.map((t) => {
      const [params, results] = JSON.parse(t) as [number[], number[]];
      return [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
    }),
  );
  const exports = [[...utf8("memory"), 0x02, 0x00], ...functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)])];
  const head = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, typeSection)];
  let flagsAt = -1;
  let importSection: number[] = [];
  if (imported) {
    const entry = [...utf8("env"), ...utf8("memory"), 0x02];
    const body = vec([[...entry, imported.flags, ...uleb(pages), ...uleb(imported.maxPages)]]);
    importSection = section(2, body);
    // id, section size, entry count, then the entry up to its flags byte.
    flagsAt = head.length + 1 + uleb(body.length).length + uleb(1).length + entry.length;
  }
  const bytes = new Uint8Array([
    ...head,
    ...importSection,
    ...section(3, vec(typeIndex.map((t) => uleb(t)))),
    ...(imported ? [] : section(5, vec([[0x00, ...uleb(pages)]]))),
    ...section(7, vec(exports)),
    ...section(10, vec(functions.map((f) => f.body.encode()))),
  ]);
  return { bytes, flagsAt };
}
