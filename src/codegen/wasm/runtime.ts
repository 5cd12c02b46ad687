// The arena's layout, fixed at compile time: each param's (and state's) place in the one
// WebAssembly memory a module with `--backend wasm` works in. The code that manages the arena at
// run time is src/prelude/arena.ts; the module declares this layout for it (codegen/prelude.ts).

/** The arena's limit in 64 KiB pages: 2 GiB (a batch that needs more gets a clear error). */
export const MAX_PAGES = 32768;

export interface ArenaLayout {
  /** Each param's (and state's) name, byte offset and number of floats. */
  readonly params: readonly (readonly [string, number, number])[];
  /** Bytes the params take: the programs' regions start here. */
  readonly paramBytes: number;
}

/** Params at 16-byte aligned offsets from 0, in the order given. */
export function arenaLayout(params: readonly { readonly name: string; readonly size: number }[]): ArenaLayout {
  let at = 0;
  const out = params.map((p): [string, number, number] => {
    const entry: [string, number, number] = [p.name, at, p.size];
    at += align16(p.size * 4);
    return entry;
  });
  return { params: out, paramBytes: at };
}

export function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
