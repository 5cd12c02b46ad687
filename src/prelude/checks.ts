// The checks a compiled module makes of its arguments, so that a wrong one is a clear Error
// naming the input or param, never a stack trace from inside a kernel.

/** A fed input: [name, row size, has a batch dimension, its shape as text]. */
type Feed = readonly [string, number, boolean, string];
type Fed = Record<string, ArrayLike<number> | null | undefined>;

/** The batch size, from the lengths of the fed arrays. */
export function batchOf(data: Fed, feeds: readonly Feed[], fixed: number, what: string): number {
  if (data === null || typeof data !== "object") throw new TypeError(what + ": expected an object of typed arrays by name");
  let batch = -1;
  let first = "";
  for (const [name, row, hasBatch, shape] of feeds) {
    const v = data[name];
    if (v === undefined || v === null)
      throw new Error(what + ": missing input '" + name + "' (a flat, row-major array of shape " + shape + ")");
    if (typeof v.length !== "number") throw new TypeError(what + ": input '" + name + "' must be a typed array, got " + typeof v);
    if (!hasBatch) {
      if (v.length !== row)
        throw new Error(what + ": input '" + name + "' has " + v.length + " numbers, its shape " + shape + " has " + row);
      continue;
    }
    if (v.length % row !== 0)
      throw new Error(
        what + ": input '" + name + "' has " + v.length + " numbers, not a multiple of its row size " + row + " (shape " + shape + ")",
      );
    const rows = v.length / row;
    if (batch >= 0 && rows !== batch)
      throw new Error(what + ": inputs disagree on the batch size: '" + first + "' has " + batch + " rows, '" + name + "' has " + rows);
    if (batch < 0) [batch, first] = [rows, name];
  }
  if (batch === 0) throw new Error(what + ": input '" + first + "' is empty (batch size 0)");
  if (fixed > 0 && batch >= 0 && batch !== fixed)
    throw new Error(what + ": the module was compiled for batch size " + fixed + ", input '" + first + "' has " + batch + " rows");
  return batch < 0 ? (fixed > 0 ? fixed : 1) : batch;
}

/** A fed array as the module's float type: as is when it already is, else a copy. */
export function feed(data: Fed, name: string): Floats {
  const v = data[name]!;
  return v instanceof F ? v : F.from(v);
}

/** A float32 array copied into a float64 one (so that the JS register tiles read it without converting). */
export function stage(to: Float64Array, from: ArrayLike<number>): Float64Array {
  to.set(from);
  return to;
}

/** Every param (and state) present, of the module's float type and the right length. */
export function checkParams(params: Record<string, unknown>, table: readonly (readonly [string, number])[], what: string): void {
  if (params === null || typeof params !== "object") throw new TypeError(what + ": expected the params record (see init())");
  for (const [name, size] of table) {
    const v = params[name];
    if (!(v instanceof F) || v.length !== size) {
      const got =
        v === undefined
          ? "nothing"
          : v instanceof Object
            ? v.constructor.name + " of " + (v as { length?: number }).length + " numbers"
            : typeof v;
      const held = [...meta.params, ...meta.state].find((p) => p.name === name);
      const shape = held ? " [" + held.shape.join(", ") + "]" : "";
      const hint =
        v === undefined || !(v instanceof Object) || (v as { length?: number }).length === size
          ? "params from init() or loadParams() have it"
          : "were these params made for another model, or with other --set values?";
      throw new TypeError(
        what +
          ": model " +
          meta.model +
          " needs params['" +
          name +
          "'] as a " +
          F.name +
          " of " +
          size +
          " numbers" +
          shape +
          ", got " +
          got +
          " (" +
          hint +
          ")",
      );
    }
  }
}
