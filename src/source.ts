// Reading a .nn file with every way it can go wrong turned into one clear line: a missing file,
// a directory, a binary or non-UTF-8 file, a file far larger than any model.
import { readFileSync, statSync } from "node:fs";

export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

export function readSource(path: string): ReadResult {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { ok: false, message: `${path}: is a directory; give a .nn file` };
    // A device or a pipe could be endless (/dev/zero) or block forever.
    if (!st.isFile()) return { ok: false, message: `${path}: is not a regular file; give a .nn file` };
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, message: `${path}: no such file` };
    if (code === "EACCES") return { ok: false, message: `${path}: permission denied` };
    return { ok: false, message: `${path}: cannot read (${code ?? String(e)})` };
  }
  if (size > MAX_SOURCE_BYTES) {
    const mb = (size / 1024 / 1024).toFixed(1);
    return { ok: false, message: `${path}: file is ${mb} MB, larger than any model file (limit ${MAX_SOURCE_BYTES / 1024 / 1024} MB)` };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, message: `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
  if (bytes.includes(0)) return { ok: false, message: `${path}: looks like a binary file, not .nn text` };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { ok: true, text: text.startsWith("\uFEFF") ? text.slice(1) : text };
  } catch {
    return { ok: false, message: `${path}: is not valid UTF-8 text` };
  }
}
