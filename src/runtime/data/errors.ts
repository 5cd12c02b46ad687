// The one error type of data loading. Its message is ready for a person: it names the file (or
// the source, like `mnist/train-labels`) and says what is wrong, so the CLI prints it as is.

export class DataError extends Error {
  /** The file or source the problem is in. */
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "DataError";
    this.file = file;
  }
}

/** Throws a DataError; `fail(file, "...")` reads as the sentence it prints. */
export function dataFail(file: string, problem: string): never {
  throw new DataError(file, problem);
}

/** "1 row", "2 rows". */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}
