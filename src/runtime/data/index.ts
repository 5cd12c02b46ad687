// Data loading for training: readers (IDX, CSV, MNIST), the Dataset they produce, and batching.
export { DataError } from "./errors.js";
export {
  parseIdx,
  readBytes,
  readIdx,
  readIdxImages,
  readIdxLabels,
  type Allocate,
  type IdxArray,
  type IdxData,
  type IdxDtype,
  type IdxImages,
} from "./idx.js";
export { findIdxFiles, loadIdxFolder, loadIdxPair, loadIdxPairs, type IdxPair, type Splits } from "./idx-folder.js";
export { parseCsv, readCsv, type CsvOptions } from "./csv.js";
export { loadMnist, loadMnistTest, mnistDir, MNIST_CLASSES } from "./mnist.js";
export { checkLabels, makeDataset, permutation, shuffled, shuffleInPlace, subset, takeRows, valSplit, type Dataset } from "./dataset.js";
export {
  Batches,
  fillBatch,
  sampleRows,
  targetWidth,
  type BatchOptions,
  rowCopy,
  type FloatBuffer,
  type RowCopy,
  type TargetBuffer,
  type TargetKind,
} from "./batches.js";
export { resolveData, resolveTrainTest, type ResolveOptions } from "./resolve.js";
