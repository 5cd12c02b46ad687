// The numbers the zero-skipping kernel's gate (sparse-function.ts) decides with.

/**
 * The entries per row of op(A) the gate counts, of k: with contiguous rows the first 4 of every
 * 16 (one vector), with contiguous columns (Aᵀ) every 4th; and the last (fewer than 16, or 4)
 * one by one. A sample, because the count is paid on dense data too; the data alone decide it.
 */
export function sampled(k: number, columns: boolean): number {
  return columns ? (k >> 2) + (k & 3) : ((k >> 4) << 2) + (k & 15);
}

/**
 * Estimated costs of a block of 4 rows of Aᵀ, up to a common factor, from the break-even shares
 * (percent) of one-row tiles (`rows`) and 4-row tiles (`columns`): the dense kernel's per p,
 * one-row tiles' per nonzero, 4-row tiles' per p of the union (the shares' inverses), as integers.
 */
export function costWeights({ rows, columns }: { readonly rows: number; readonly columns: number }): {
  dense: number;
  one: number;
  four: number;
} {
  const unit = gcd(gcd(4 * rows * columns, 100 * columns), 400 * rows);
  return { dense: (4 * rows * columns) / unit, one: (100 * columns) / unit, four: (400 * rows) / unit };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
