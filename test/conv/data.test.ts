// A model whose input is [batch, 1, H, W] trains from rows of H·W pixels: each row is reshaped to
// the image (row-major, as MNIST's and the CSV's pixels are stored), from CSV and IDX alike, and
// evaluates. The task needs the image's layout: a vertical bar (class 0) or a horizontal one
// (class 1) at a random place, which a 3×3 convolution and a max pool tell apart.
import { afterAll, describe, expect, it } from "vitest";
import { idxBytes, TempDir } from "../runtime/data-files.js";
import { nnc } from "../support/cli.js";

const SIDE = 6;
const dir = new TempDir();

/** Bars on a dark, slightly noisy background: [label, pixels in 0..255][]. */
function bars(count: number, seed: number): [number, number[]][] {
  let s = seed;
  const u = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, () => {
    const label = u() < 0.5 ? 0 : 1;
    const at = Math.floor(u() * SIDE);
    const pixels = Array.from({ length: SIDE * SIDE }, (_, i) => {
      const [r, c] = [Math.floor(i / SIDE), i % SIDE];
      return (label === 0 ? c === at : r === at) ? 255 : Math.floor(u() * 40);
    });
    return [label, pixels];
  });
}

const model = dir.write(
  "bars.nn",
  `model Bars {
  input x: [batch, 1, ${SIDE}, ${SIDE}]
  target t: index[batch]
  param W: [4, 1, 3, 3] = he
  param b: [4, 1, 1] = zeros
  param W2: [${4 * (SIDE / 2 - 1) ** 2}, 2] = he
  param b2: [2] = zeros
  h = max_pool(relu(conv2d(x, W) + b))
  scores = flatten(h) @ W2 + b2
  output y = softmax(scores)
  loss softmax_cross_entropy(scores, t)
  train {
    optimizer = adam(lr = 0.01)
    batch_size = 20
    epochs = 8
  }
}
`,
);

afterAll(() => dir.remove());

async function trained(...data: string[]) {
  const r = await nnc("train", model, ...data, "--json");
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.out.trim().split("\n").at(-1)!);
}

describe("[batch, 1, H, W] inputs from rows of pixels", () => {
  const train = bars(300, 1);
  const test = bars(100, 2);

  it("CSV: trains and tells the bars apart on held-out images", async () => {
    const csv = (rows: [number, number[]][]) => rows.map(([l, p]) => [l, ...p.map((v) => v / 255)].join(",")).join("\n") + "\n";
    const result = await trained("--data", dir.write("train.csv", csv(train)), "--test-data", dir.write("test.csv", csv(test)));
    expect(result.testAccuracy).toBeGreaterThan(0.95);
  });

  it("IDX: the same from an images file [n, H, W] and its labels", async () => {
    const write = (prefix: string, rows: [number, number[]][]) => {
      dir.write(
        `idx/${prefix}-images-idx3-ubyte`,
        idxBytes(
          "ubyte",
          [rows.length, SIDE, SIDE],
          rows.flatMap(([, p]) => p),
        ),
      );
      dir.write(
        `idx/${prefix}-labels-idx1-ubyte`,
        idxBytes(
          "ubyte",
          [rows.length],
          rows.map(([l]) => l),
        ),
      );
    };
    write("train", train);
    write("t10k", test);
    const result = await trained("--data", dir.sub("idx"));
    expect(result.testAccuracy).toBeGreaterThan(0.95);
  });

  it("data whose rows are not H·W pixels is refused with the sizes", async () => {
    const wide = dir.write("wide.csv", "1,0,0,0\n0,1,1,1\n");
    const r = await nnc("train", model, "--data", wide);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`the data has 3 features per row, but input 'x' of Bars takes ${SIDE * SIDE}`);
  });
});
