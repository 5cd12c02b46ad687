// Which errors are the user's to fix, and how each reads: a usage error (exit 2) or an error in a
// model or its data (exit 1), with a message about their input. Anything else is a bug in nnc
// (exit 3). A file that cannot be read or written is named with the reason in words.
import { DataError } from "../runtime/data/index.js";
import { CheckpointError } from "../runtime/checkpoint.js";
import { ModelSizeError } from "../runtime/model-size.js";
import { OptimizerError } from "../runtime/optimizers.js";
import { UsageError } from "./io.js";

export interface UserError {
  readonly message: string;
  readonly code: 1 | 2;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "a file of that name is in the way",
  EISDIR: "it is a folder",
  ENOENT: "no such file or folder",
  EACCES: "permission denied",
  EPERM: "not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  ENAMETOOLONG: "the name is too long",
};

const VERBS: Readonly<Record<string, string>> = {
  mkdir: "create the folder",
  open: "open",
  write: "write",
  rename: "write",
  read: "read",
  scandir: "list the folder",
  stat: "read",
};

export function userError(e: unknown): UserError | undefined {
  if (e instanceof UsageError || e instanceof OptimizerError || e instanceof CheckpointError) return { message: e.message, code: 2 };
  if (e instanceof DataError || e instanceof ModelSizeError) return { message: e.message, code: 1 };
  const sys = e as NodeJS.ErrnoException;
  if (sys instanceof Error && typeof sys.code === "string" && sys.code in REASONS && typeof sys.path === "string") {
    const verb = VERBS[sys.syscall ?? ""] ?? "use";
    return { message: `cannot ${verb} ${sys.path}: ${REASONS[sys.code]}`, code: 2 };
  }
  return undefined;
}
