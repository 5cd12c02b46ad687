// The drawing pad's preprocessing, as MNIST's images were made: the digit scaled into a 20×20
// box (aspect kept), centred by its centre of mass in 28×28, stored as bytes.
import { describe, expect, it } from "vitest";
import { mnistImage, SIZE } from "../../playground/src/preprocess.js";

/** A canvas-sized ink image with the rectangle [x0, x1) × [y0, y1) fully inked. */
function rect(width: number, height: number, x0: number, y0: number, x1: number, y1: number): Float32Array {
  const ink = new Float32Array(width * height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * width + x] = 1;
  return ink;
}

function bounds(img: Uint8Array): { x0: number; y0: number; x1: number; y1: number } {
  let [x0, y0, x1, y1] = [SIZE, SIZE, -1, -1];
  img.forEach((v, i) => {
    if (v === 0) return;
    const [x, y] = [i % SIZE, Math.floor(i / SIZE)];
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  });
  return { x0, y0, x1, y1 };
}

function centreOfMass(img: Uint8Array): [number, number] {
  let [m, mx, my] = [0, 0, 0];
  img.forEach((v, i) => ([m, mx, my] = [m + v, mx + (i % SIZE) * v, my + Math.floor(i / SIZE) * v]));
  return [mx / m, my / m];
}

describe("mnistImage", () => {
  it("is undefined for an empty drawing", () => {
    expect(mnistImage(new Float32Array(280 * 280), 280, 280)).toBeUndefined();
  });

  it("scales a tall stroke to 20 pixels high, keeps its aspect and centres its mass", () => {
    // 40 × 200 pixels in a corner of a 280 × 280 canvas: 4 × 20 after scaling.
    const img = mnistImage(rect(280, 280, 10, 30, 50, 230), 280, 280)!;
    const b = bounds(img);
    expect([b.x1 - b.x0 + 1, b.y1 - b.y0 + 1]).toEqual([4, 20]);
    const [cx, cy] = centreOfMass(img);
    expect(Math.abs(cx - 13.5)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy - 13.5)).toBeLessThanOrEqual(0.5);
    // A full box stays full: every covered pixel is 255.
    expect(img.filter((v) => v > 0).every((v) => v === 255)).toBe(true);
  });

  it("antialiases by area: a stroke half a target pixel wide gives half-grey pixels", () => {
    // An L: a bar 200 wide and 10 high on top, a stroke 5 wide and 200 high on the left. The scale
    // is 0.1, so the bar fills the top row and the stroke half of the first column below it.
    const ink = rect(280, 280, 0, 0, 200, 10);
    rect(280, 280, 0, 0, 5, 200).forEach((v, i) => (ink[i] = Math.max(ink[i]!, v)));
    const img = mnistImage(ink, 280, 280)!;
    const b = bounds(img);
    // (The bar's mass puts the centre high, so the stroke's end may pass the image's bottom, as in MNIST.)
    const below = Array.from(img.subarray((b.y0 + 1) * SIZE)).filter((v) => v > 0);
    expect(below.length).toBeGreaterThan(15);
    expect(below.every((v) => v === 128)).toBe(true); // round(0.5 · 255)
    expect(Array.from(img.subarray(b.y0 * SIZE + b.x0, b.y0 * SIZE + b.x0 + 20)).every((v) => v === 255)).toBe(true);
  });

  it("centres a small drawing too (scaled up)", () => {
    const img = mnistImage(rect(100, 100, 90, 90, 95, 100), 100, 100)!;
    const b = bounds(img);
    expect(b.y1 - b.y0 + 1).toBe(20);
    expect(b.x1 - b.x0 + 1).toBe(10);
  });
});
