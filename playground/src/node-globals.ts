// Node's `Buffer` for the page, for the runtime code it shares with the CLI that still uses it
// (the data readers). The `buffer` package is the browser implementation bundlers have long used.
import { Buffer } from "buffer";

const g = globalThis as { Buffer?: unknown };
g.Buffer ??= Buffer;
