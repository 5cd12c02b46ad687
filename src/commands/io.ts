// What commands share: where output goes (so tests can capture it), usage errors, and printing
// the diagnostics of the front end.
import { formatDiagnostics, hasErrors } from "../diagnostics.js";
import { frontendFile, type FrontendOptions, type FrontendResult } from "../index.js";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
}

/** A problem with how nnc was called (exit code 2), as opposed to a problem in a model (1). */
export class UsageError extends Error {}

export interface Loaded {
  readonly result: FrontendResult;
  /** 0 when the file checked clean (warnings allowed), else the exit code to return. */
  readonly code: number;
}

/** Runs the front end on a file and prints its diagnostics to stderr. */
export function load(path: string, options: FrontendOptions, io: Io): Loaded {
  const result = frontendFile(path, options);
  for (const u of result.usageErrors) io.err(`nnc: error: ${u}\n`);
  if (result.diagnostics.length > 0) io.err(formatDiagnostics(result.diagnostics, result.sources) + "\n");
  const code = result.usageErrors.length > 0 ? 2 : hasErrors(result.diagnostics) ? 1 : 0;
  return { result, code };
}
