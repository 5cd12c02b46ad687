// `nnc fmt FILE... [--check] [--write]`: the canonical layout of .nn files (src/format/).
// Prints the formatted text by default; --check lists the files that are not formatted (exit 1);
// --write rewrites the files that change, atomically.
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { formatDiagnostics } from "../diagnostics.js";
import { formatNn } from "../format/format.js";
import { parse } from "../parser/parse.js";
import { readSource } from "../source.js";
import { UsageError, type Io } from "./io.js";

export interface FmtOptions {
  readonly check?: boolean;
  readonly write?: boolean;
}

export async function fmtCommand(files: readonly string[], opts: FmtOptions, io: Io): Promise<number> {
  if (opts.check && opts.write) throw new UsageError("--check and --write cannot be used together");
  let code = 0;
  for (const file of files) {
    const read = readSource(file);
    if (!read.ok) {
      io.err(`nnc: error: ${read.message}\n`);
      code = Math.max(code, 2);
      continue;
    }
    // Parse first, so that syntax errors print like every other command's.
    const parsed = parse(read.text, file);
    if (!parsed.ast) {
      io.err(formatDiagnostics(parsed.diagnostics, new Map([[file, read.text]])) + "\n");
      code = Math.max(code, 1);
      continue;
    }
    const formatted = await formatNn(read.text, file);
    if (opts.check) {
      if (formatted !== read.text) {
        io.out(`${file}\n`);
        code = Math.max(code, 1);
      }
    } else if (opts.write) {
      if (formatted === read.text) continue;
      const failure = writeAtomically(file, formatted);
      if (failure) {
        io.err(`nnc: error: ${file}: cannot write (${failure})\n`);
        code = Math.max(code, 2);
      }
    } else {
      io.out(formatted);
    }
  }
  return code;
}

/** Writes a temp file next to `path`, then renames it over `path`: readers never see half a file. */
function writeAtomically(path: string, text: string): string | undefined {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: statSync(path).mode, flag: "wx" });
    renameSync(tmp, path);
    return undefined;
  } catch (e) {
    rmSync(tmp, { force: true });
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}
