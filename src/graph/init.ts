// Initializers, resolved against the param's shape: Xavier and He scale by the fan-in, the number
// of inputs to a unit, which for a weight W: [in, out] is its first dimension (as in the book).
import type { Init } from "./ir.js";
import type { InitValue } from "./values.js";

export function resolveInit(init: InitValue, shape: readonly number[], fail: (message: string) => never): Init {
  switch (init.kind) {
    case "normal":
      if (!(init.std >= 0) || !Number.isFinite(init.std)) fail(`normal(std) needs a finite std >= 0, got ${init.std}`);
      return init;
    case "uniform":
      if (!(init.low < init.high) || !Number.isFinite(init.high - init.low)) {
        fail(`uniform(low, high) needs finite low < high, got uniform(${init.low}, ${init.high})`);
      }
      return init;
    case "xavier":
    case "he":
      // A [F, C, KH, KW] filter sees C·KH·KW inputs per output (PyTorch's and the book's fan-in).
      return { kind: init.kind, fanIn: shape.length === 4 ? shape[1]! * shape[2]! * shape[3]! : (shape[0] ?? 1) };
    default:
      return init;
  }
}

/** The standard deviation an initializer draws with, or undefined for constant ones. */
export function initStd(init: Init): number | undefined {
  switch (init.kind) {
    case "normal":
      return init.std;
    case "xavier":
      return 1 / Math.sqrt(init.fanIn);
    case "he":
      return Math.sqrt(2 / init.fanIn);
    default:
      return undefined;
  }
}
