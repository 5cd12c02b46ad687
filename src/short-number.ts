// Numbers in messages, short: 4 significant digits and no float noise, so a tenth of 1e-5 reads
// `1e-6`, not `0.0000010000000000000002`.

/** `x` to 4 significant digits, as JavaScript prints the rounded number (1e-6, 0.001, 1234, 1.235e+21). */
export function shortNumber(x: number): string {
  if (!Number.isFinite(x) || x === 0) return String(x);
  return String(Number(x.toPrecision(4)));
}
