// The WebAssembly functions a module needs, collected while its kernels are rendered: row kernels
// (exports kernel0, kernel1, …: (a, b, c, batch, row0, row1), any heavy kernel's, run over rows
// by the thread protocol), fused loops (epilogue0, …), the optimizers' updates, and functions a
// kernel calls directly (softmax_xent0, …). Identical
// functions are made once. Each row kernel comes in two builds: with relaxed SIMD's fused
// multiply-add and without; the module picks the one its platform validates.
import { encodeModuleImportingMemory, type FunctionBody, type WasmFunction } from "./encode.js";
import type { WasmEpilogue } from "./loop.js";
import { adamFunction, momentumFunction, sgdFunction } from "./optimizers.js";
import { listing } from "./listing.js";
import { packFunction } from "./pack.js";
import { MAX_PAGES } from "./runtime.js";

export class WasmFunctions {
  private readonly kernels: { readonly name: string; readonly build: (fma: boolean) => FunctionBody }[] = [];
  private readonly kernelKeys = new Map<string, number>();
  private readonly epilogues: WasmFunction[] = [];
  private readonly epilogueKeys = new Map<string, number>();
  private readonly directs: WasmFunction[] = [];
  private readonly directKeys = new Map<string, string>();

  /** The index of the row kernel `build` makes (`key` identifies it), made on first use. */
  rowKernel(key: string, build: (fma: boolean) => FunctionBody): number {
    let index = this.kernelKeys.get(key);
    if (index === undefined) {
      index = this.kernels.length;
      this.kernels.push({ name: `kernel${index}`, build });
      this.kernelKeys.set(key, index);
    }
    return index;
  }
  get kernelCount(): number {
    return this.kernels.length;
  }

  /** The index of the export that runs this epilogue; identical ones share one. */
  epilogue(ep: WasmEpilogue): number {
    const key = ep.body.encode().join(",");
    let index = this.epilogueKeys.get(key);
    if (index === undefined) {
      index = this.epilogues.length;
      this.epilogues.push({ name: `epilogue${index}`, body: ep.body });
      this.epilogueKeys.set(key, index);
    }
    return index;
  }
  get epilogueCount(): number {
    return this.epilogues.length;
  }

  /** The export name of a function a kernel calls directly from JS (`prefix` + a number), made once per `key`. */
  direct(key: string, prefix: string, build: () => FunctionBody): string {
    let name = this.directKeys.get(key);
    if (name === undefined) {
      name = `${prefix}${this.directs.length}`;
      this.directs.push({ name, body: build() });
      this.directKeys.set(key, name);
    }
    return name;
  }

  /**
   * The module, importing its memory (shared or not: see encodeModuleImportingMemory): row
   * kernels, epilogues, the optimizers' updates, then the direct functions; and the same with fused multiply-adds.
   */
  encode(): {
    bytes: Uint8Array;
    flagsAt: number;
    fma: Uint8Array;
    kernels: number;
    epilogues: number;
    maxPages: number;
    listing: string[];
  } {
    const updates = [
      { name: "sgd", body: sgdFunction() },
      { name: "adam", body: adamFunction() },
      { name: "momentum", body: momentumFunction() },
      { name: "pack", body: packFunction() },
    ];
    const build = (fma: boolean) => [
      ...this.kernels.map((k) => ({ name: k.name, body: k.build(fma) })),
      ...this.epilogues,
      ...updates,
      ...this.directs,
    ];
    const plain = encodeModuleImportingMemory(build(false), 1, MAX_PAGES);
    const counts = { kernels: this.kernels.length, epilogues: this.epilogues.length, maxPages: MAX_PAGES };
    const listed = build(false).flatMap((f) => listing(f));
    return { ...plain, fma: encodeModuleImportingMemory(build(true), 1, MAX_PAGES).bytes, ...counts, listing: listed };
  }
}
