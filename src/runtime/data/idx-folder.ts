// Pairs of IDX files (images + labels) and folders of them, found by MNIST's usual names:
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
// each optionally .gz, also with dots (train-images.idx3-ubyte) or a prefix (emnist-digits-train-...).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { makeDataset, type Dataset } from "./dataset.js";
import { dataFail } from "./errors.js";
import { readIdxImages, readIdxLabels, type Allocate } from "./idx.js";

export interface IdxPair {
  readonly images: string;
  readonly labels: string;
}

export interface PairNames {
  /** The Dataset's source (default: the images path). */
  readonly source?: string;
  /** How errors name the two files (default: their paths). */
  readonly imagesName?: string;
  readonly labelsName?: string;
}

export interface Splits {
  readonly train?: Dataset;
  readonly test?: Dataset;
}

/** Loads an images file and its labels file; counts must agree and labels be in [0, classes). */
export function loadIdxPair(pair: IdxPair, classes?: number, names: PairNames = {}, classesNote?: string, allocate?: Allocate): Dataset {
  return loadIdxPairs([{ pair, names }], classes, classesNote, allocate)[0]!;
}

/**
 * Loads several pairs that share one label set (train and test): when `classes` is omitted it is
 * the largest label of all of them + 1, so train and test always agree on it. `allocate` makes the
 * images' arrays.
 */
export function loadIdxPairs(
  pairs: readonly { pair: IdxPair; names?: PairNames }[],
  classes?: number,
  classesNote?: string,
  allocate?: Allocate,
): Dataset[] {
  const loaded = pairs.map(({ pair, names = {} }) => {
    const imagesName = names.imagesName ?? pair.images;
    const labelsName = names.labelsName ?? pair.labels;
    const images = readIdxImages(pair.images, imagesName, allocate);
    const labels = readIdxLabels(pair.labels, labelsName);
    return { images, labels, imagesName, labelsName, source: names.source ?? pair.images };
  });
  let k = classes;
  if (k === undefined) {
    k = 1;
    for (const { labels } of loaded) for (let i = 0; i < labels.length; i++) k = Math.max(k, labels[i]! + 1);
  }
  return loaded.map((l) =>
    makeDataset({
      x: l.images.x,
      labels: l.labels,
      features: l.images.features,
      classes: k,
      source: l.source,
      xName: l.imagesName,
      labelsName: l.labelsName,
      ...(classesNote !== undefined && { classesNote }),
    }),
  );
}

const IDX_NAME = /^(?:(.*?)[-_.])?(train|t10k|test)[-_.](images|labels)[-_.]idx(\d)[-_.]ubyte(\.gz)?$/i;

type Split = "train" | "test";
type Kind = "images" | "labels";

const EXPECTED: Readonly<Record<Split, Readonly<Record<Kind, string>>>> = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
};

/** The train and test pairs in a folder; a pair with one file but not the other is an error that names the missing one. */
export function findIdxFiles(dir: string): { train?: IdxPair; test?: IdxPair } {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return dataFail(
      dir,
      code === "ENOENT" ? "no such folder" : code === "ENOTDIR" ? "is not a folder" : `cannot read the folder: ${(e as Error).message}`,
    );
  }
  const found: Record<string, string[]> = {};
  for (const f of entries.sort()) {
    const m = IDX_NAME.exec(f);
    if (!m) continue;
    const split: Split = m[2]!.toLowerCase() === "train" ? "train" : "test";
    (found[`${split}/${m[3]!.toLowerCase()}`] ??= []).push(f);
  }
  const pick = (split: Split, kind: Kind): string | undefined => {
    const files = found[`${split}/${kind}`] ?? [];
    // The same file plain and gzipped is one file: prefer the plain one.
    const distinct = files.filter((f) => !(f.toLowerCase().endsWith(".gz") && files.includes(f.slice(0, -3))));
    if (distinct.length > 1)
      dataFail(dir, `has more than one ${split} ${kind} file (${distinct.join(", ")}); keep one, or give the pair as IMAGES,LABELS`);
    return distinct[0];
  };
  const out: { train?: IdxPair; test?: IdxPair } = {};
  for (const split of ["train", "test"] as const) {
    const images = pick(split, "images");
    const labels = pick(split, "labels");
    if (images !== undefined && labels !== undefined) out[split] = { images: join(dir, images), labels: join(dir, labels) };
    else if (images !== undefined)
      dataFail(dir, `has ${images} but no ${split} labels file; expected ${labelsNameFor(images)} (or .gz) beside it`);
    else if (labels !== undefined)
      dataFail(dir, `has ${labels} but no ${split} images file; expected ${imagesNameFor(labels)} (or .gz) beside it`);
  }
  if (out.train === undefined && out.test === undefined) {
    const listing =
      entries.length === 0 ? "the folder is empty" : `it has ${entries.slice(0, 8).join(", ")}${entries.length > 8 ? ", …" : ""}`;
    const want = `${EXPECTED.train.images} + ${EXPECTED.train.labels} and/or ${EXPECTED.test.images} + ${EXPECTED.test.labels}`;
    dataFail(dir, `no IDX files found: expected ${want} (each optionally .gz); ${listing}`);
  }
  return out;
}

/** Loads the train and test pairs found in a folder (at least one of them). */
export function loadIdxFolder(dir: string, classes?: number, classesNote?: string, allocate?: Allocate): Splits {
  const files = findIdxFiles(dir);
  const splits = (["train", "test"] as const).filter((s) => files[s] !== undefined);
  const datasets = loadIdxPairs(
    splits.map((s) => ({ pair: files[s]!, names: { source: join(dir, s) } })),
    classes,
    classesNote,
    allocate,
  );
  const out: { train?: Dataset; test?: Dataset } = {};
  splits.forEach((s, i) => (out[s] = datasets[i]!));
  return out;
}

/** train-images-idx3-ubyte.gz -> train-labels-idx1-ubyte.gz */
export function labelsNameFor(images: string): string {
  return images.replace(/images/i, "labels").replace(/idx\d/i, "idx1");
}

function imagesNameFor(labels: string): string {
  return labels.replace(/labels/i, "images").replace(/idx\d/i, "idx3");
}
