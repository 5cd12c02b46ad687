// Node's `Buffer` for the page: the code generator base64-encodes the module's WebAssembly with
// it (src/codegen/wasm/runtime.ts), and src/codegen is the lead's to change. The `buffer`
// package is the browser implementation bundlers have long used.
import { Buffer } from "buffer";

const g = globalThis as { Buffer?: unknown };
g.Buffer ??= Buffer;
