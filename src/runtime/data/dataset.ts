// The Dataset every reader produces, and the splits the trainer makes of it: a seeded
// shuffle, a held-out validation split (as the book's hyperparameter chapter does) and a subset
// (the book's 300-sample overfitting experiment).
import { createRng, type Rng } from "../rng.js";
import { dataFail, DataError, plural } from "./errors.js";

export interface Dataset {
  /** rows x features, row-major. */
  readonly x: Float32Array;
  /** One class index per row, each in [0, classes). */
  readonly labels: Int32Array;
  readonly rows: number;
  readonly features: number;
  readonly classes: number;
  /** Where the data came from, for messages: `mnist/train`, `data/train.csv`. */
  readonly source?: string;
}

export interface DatasetParts {
  readonly x: Float32Array;
  readonly labels: Int32Array;
  readonly features: number;
  /** The number of classes; when omitted, the largest label + 1. */
  readonly classes?: number;
  readonly source: string;
  /** How errors refer to the inputs and the labels (default: the source), e.g. their files. */
  readonly xName?: string;
  readonly labelsName?: string;
  /** Where `classes` comes from, for an out-of-range label's message. */
  readonly classesNote?: string;
}

/** A checked Dataset: x and labels agree on the row count and every label is in [0, classes). */
export function makeDataset(parts: DatasetParts): Dataset {
  const { x, labels, features, source } = parts;
  const xName = parts.xName ?? source;
  const labelsName = parts.labelsName ?? source;
  if (features <= 0 || x.length % features !== 0) {
    dataFail(xName, `holds ${plural(x.length, "value")}, which is not a whole number of rows of ${plural(features, "feature")}`);
  }
  const rows = x.length / features;
  if (rows === 0) dataFail(xName, "holds no rows");
  if (labels.length !== rows) {
    const counts =
      labelsName === xName
        ? `has ${plural(rows, "row")} but ${plural(labels.length, "label")}`
        : `has ${plural(rows, "image")} but ${labelsName} has ${plural(labels.length, "label")}`;
    dataFail(xName, `${counts}; images and labels must pair up one to one`);
  }
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  const classes = parts.classes ?? max + 1;
  checkLabels(labels, classes, labelsName, parts.classesNote);
  return { x, labels, rows, features, classes, source };
}

/** Every label in [0, classes); names the first bad one and counts the rest. */
export function checkLabels(labels: Int32Array, classes: number, name: string, note?: string): void {
  if (!Number.isInteger(classes) || classes < 1)
    throw new DataError(name, `the number of classes must be a whole number >= 1, got ${classes}`);
  let first = -1;
  let bad = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v < 0 || v >= classes) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (first >= 0) {
    const more = bad > 1 ? ` (and ${plural(bad - 1, "other label")} out of range)` : "";
    dataFail(
      name,
      `label ${labels[first]} at index ${first} is out of range [0, ${classes})${more}; ${note ?? `labels must be class indices 0..${classes - 1}`}`,
    );
  }
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, rng);
  return order;
}

/** Fisher-Yates: every permutation equally likely, reproducible from the rng's seed. */
export function shuffleInPlace(order: Int32Array, rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
}

/** The given rows, copied, in the given order. */
export function takeRows(ds: Dataset, indices: Int32Array, source = ds.source): Dataset {
  const f = ds.features;
  const x = new Float32Array(indices.length * f);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (!(r >= 0 && r < ds.rows)) throw new RangeError(`takeRows: row ${r} is outside [0, ${ds.rows})`);
    x.set(ds.x.subarray(r * f, (r + 1) * f), i * f);
    labels[i] = ds.labels[r]!;
  }
  return { x, labels, rows: indices.length, features: f, classes: ds.classes, ...(source !== undefined && { source }) };
}

/** The rows of ds in a seeded random order. */
export function shuffled(ds: Dataset, seed: number): Dataset {
  return takeRows(ds, permutation(ds.rows, createRng(seed)));
}

/**
 * Holds out a random `fraction` of the rows for validation, as the book does: shuffle with the
 * seed, the first floor(rows * fraction) rows are validation and the rest training.
 */
export function valSplit(ds: Dataset, fraction: number, seed: number): { train: Dataset; val: Dataset } {
  const name = ds.source ?? "data";
  if (!(fraction > 0 && fraction < 1)) {
    dataFail(
      name,
      `the validation fraction must be a number between 0 and 1 (exclusive), got ${fraction}; try 0.2 (the book holds out 20%)`,
    );
  }
  const valRows = Math.floor(ds.rows * fraction);
  if (valRows === 0 || valRows === ds.rows) {
    const side = valRows === 0 ? "validation" : "training";
    dataFail(
      name,
      `a validation fraction of ${fraction} of ${plural(ds.rows, "row")} leaves no ${side} rows; choose a fraction between ${1 / ds.rows} and ${1 - 1 / ds.rows}`,
    );
  }
  const order = permutation(ds.rows, createRng(seed));
  return {
    val: takeRows(ds, order.subarray(0, valRows), `${name} (validation)`),
    train: takeRows(ds, order.subarray(valRows), `${name} (training)`),
  };
}

/** The first n rows, as views (no copy), like the book's `x_train[:300]`. */
export function subset(ds: Dataset, n: number): Dataset {
  const name = ds.source ?? "data";
  if (!Number.isInteger(n) || n < 1)
    dataFail(name, `a subset needs a whole number of rows >= 1, got ${n}; the book's overfitting experiment uses 300`);
  if (n > ds.rows) dataFail(name, `a subset of ${plural(n, "row")} asks for more than the ${plural(ds.rows, "row")} there are`);
  return {
    x: ds.x.subarray(0, n * ds.features),
    labels: ds.labels.subarray(0, n),
    rows: n,
    features: ds.features,
    classes: ds.classes,
    source: `${name} (first ${n})`,
  };
}
