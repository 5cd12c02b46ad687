// A drawing made into an MNIST image, as MNIST's own were made (LeCun et al.): the digit's
// bounding box scaled to fit a 20×20 box (aspect ratio kept, antialiased by area averaging), then
// placed in a 28×28 image so that its centre of mass is at the centre, and stored as bytes; the
// model sees byte / 255, as nnc's IDX reader scales MNIST.
export const SIZE = 28;
const BOX = 20;
/** Intensities below this are paper, not ink (the stroke's antialiased fringe still counts). */
const INK = 0.02;

/**
 * `ink`: width × height intensities in [0, 1], row-major (1 = full stroke). Returns the 28×28
 * image as bytes, or undefined when nothing is drawn.
 */
export function mnistImage(ink: Float32Array, width: number, height: number): Uint8Array | undefined {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (ink[y * width + x]! > INK) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  if (x1 < 0) return undefined;
  const [bw, bh] = [x1 - x0 + 1, y1 - y0 + 1];
  const scale = BOX / Math.max(bw, bh);
  const [tw, th] = [Math.max(1, Math.round(bw * scale)), Math.max(1, Math.round(bh * scale))];
  const wx = weights(x0, bw, tw);
  const wy = weights(y0, bh, th);
  const box = new Float64Array(tw * th);
  for (let ty = 0; ty < th; ty++)
    for (const [sy, fy] of wy[ty]!)
      for (let tx = 0; tx < tw; tx++) for (const [sx, fx] of wx[tx]!) box[ty * tw + tx]! += fy * fx * ink[sy * width + sx]!;
  // Centre of mass, in pixel-index coordinates; the image's centre is (13.5, 13.5).
  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const v = box[y * tw + x]!;
      [mass, mx, my] = [mass + v, mx + x * v, my + y * v];
    }
  const ox = Math.round((SIZE - 1) / 2 - mx / mass);
  const oy = Math.round((SIZE - 1) / 2 - my / mass);
  const out = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const [px, py] = [x + ox, y + oy];
      if (px < 0 || py < 0 || px >= SIZE || py >= SIZE) continue;
      out[py * SIZE + px] = Math.round(255 * Math.min(1, Math.max(0, box[y * tw + x]!)));
    }
  return out;
}

/**
 * For each of `n` target pixels spanning source pixels [from, from + length): the source pixels
 * it covers and what fraction of it each covers (a box filter; each target's fractions sum to 1).
 */
function weights(from: number, length: number, n: number): [number, number][][] {
  const step = length / n;
  return Array.from({ length: n }, (_, i) => {
    const [a, b] = [from + i * step, from + (i + 1) * step];
    const out: [number, number][] = [];
    for (let s = Math.floor(a); s < b; s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap > 0) out.push([s, overlap / step]);
    }
    return out;
  });
}
