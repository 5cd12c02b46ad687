// A model the code generator cannot compile (a feature it does not support): a model error for
// the user (exit 1), as opposed to an internal error, a bug in nnc.
export class CompileError extends Error {
  override readonly name = "CompileError";
}
