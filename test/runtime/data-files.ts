// Small IDX and CSV files written into a temp folder, for the data tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const CODES = { ubyte: [0x08, 1], byte: [0x09, 1], short: [0x0b, 2], int: [0x0c, 4], float: [0x0d, 4], double: [0x0e, 8] } as const;
export type Dtype = keyof typeof CODES;

/** IDX bytes: magic 0x0000<dtype><ndims>, big-endian dims, big-endian values. */
export function idxBytes(dtype: Dtype, dims: readonly number[], values: readonly number[]): Buffer {
  const [code, size] = CODES[dtype];
  const header = 4 + 4 * dims.length;
  const buf = Buffer.alloc(header + values.length * size);
  buf.writeUInt32BE((code << 8) | dims.length, 0);
  dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
  values.forEach((v, i) => {
    const at = header + i * size;
    if (dtype === "ubyte") buf.writeUInt8(v, at);
    else if (dtype === "byte") buf.writeInt8(v, at);
    else if (dtype === "short") buf.writeInt16BE(v, at);
    else if (dtype === "int") buf.writeInt32BE(v, at);
    else if (dtype === "float") buf.writeFloatBE(v, at);
    else buf.writeDoubleBE(v, at);
  });
  return buf;
}

export const gz = (b: Buffer | string) => gzipSync(b);

/** A temp folder; `write(name, bytes)` returns the file's path. */
export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), "nnc-data-"));
  write(name: string, content: Buffer | Uint8Array | string): string {
    const file = join(this.path, name);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, content);
    return file;
  }
  sub(name: string): string {
    const dir = join(this.path, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** n images of rows x cols with pixel (i, j) of image k = (k * 31 + j * 7 + i) % 256, and labels k % classes. */
export function mnistLike(
  n: number,
  rows = 2,
  cols = 3,
  classes = 10,
): { images: Buffer; labels: Buffer; pixels: number[]; labelValues: number[] } {
  const pixels: number[] = [];
  for (let k = 0; k < n; k++)
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) pixels.push((k * 31 + i * cols * 7 + j * 7) % 256);
  const labelValues = Array.from({ length: n }, (_, k) => k % classes);
  return { images: idxBytes("ubyte", [n, rows, cols], pixels), labels: idxBytes("ubyte", [n], labelValues), pixels, labelValues };
}

/** Writes MNIST's four files (optionally gzipped) into dir. */
export function writeMnistFolder(t: TempDir, sub: string, nTrain: number, nTest: number, gzip = false): string {
  const dir = t.sub(sub);
  const suffix = gzip ? ".gz" : "";
  const pack = (b: Buffer) => (gzip ? gz(b) : b);
  const train = mnistLike(nTrain);
  const test = mnistLike(nTest);
  t.write(`${sub}/train-images-idx3-ubyte${suffix}`, pack(train.images));
  t.write(`${sub}/train-labels-idx1-ubyte${suffix}`, pack(train.labels));
  t.write(`${sub}/t10k-images-idx3-ubyte${suffix}`, pack(test.images));
  t.write(`${sub}/t10k-labels-idx1-ubyte${suffix}`, pack(test.labels));
  return dir;
}
