// The part of the WebAssembly JS API that nnc's own code and tests call, typed here because the
// project's TypeScript libs (ES2022 + node) do not declare `WebAssembly`.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

export const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A module's exports, compiled and instantiated synchronously (fine in Node for small modules). */
export function instantiateSync(bytes: Uint8Array): Record<string, unknown> {
  return new WebAssemblyApi.Instance(new WebAssemblyApi.Module(bytes)).exports;
}
