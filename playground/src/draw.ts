// "Try it": a canvas to draw a digit on with a mouse, a pen or a finger; the drawing made into
// an MNIST image (preprocess.ts), shown as the model sees it, and the model's class
// probabilities as bars.
import { mnistImage, SIZE } from "./preprocess.js";

export interface DrawPad {
  clear(): void;
  /** The digit as the model's input (784 values in [0, 1]), or undefined when nothing is drawn. */
  input(): Float32Array | undefined;
}

export function createDrawPad(canvas: HTMLCanvasElement, preview: HTMLCanvasElement, onDrawn: () => void): DrawPad {
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  const pctx = preview.getContext("2d")!;
  let last: { x: number; y: number } | undefined;
  let image: Uint8Array | undefined;
  const clear = () => {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    pctx.fillStyle = "#000";
    pctx.fillRect(0, 0, SIZE, SIZE);
    image = undefined;
  };
  const at = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * canvas.width) / r.width, y: ((e.clientY - r.top) * canvas.height) / r.height };
  };
  const line = (to: { x: number; y: number }) => {
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = canvas.width / 12;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo((last ?? to).x, (last ?? to).y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last = to;
  };
  const finish = () => {
    if (!last) return;
    last = undefined;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const ink = new Float32Array(canvas.width * canvas.height);
    for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i]! / 255;
    image = mnistImage(ink, canvas.width, canvas.height);
    if (image) {
      const pixels = new ImageData(SIZE, SIZE);
      image.forEach((v, i) => pixels.data.set([v, v, v, 255], 4 * i));
      pctx.putImageData(pixels, 0, 0);
    }
    onDrawn();
  };
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = undefined;
    line(at(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (last) line(at(e));
  });
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  clear();
  return { clear, input: () => (image ? Float32Array.from(image, (v) => v / 255) : undefined) };
}

/** Ten bars, the most probable highlighted; each bar carries its probability. */
export function showProbabilities(target: HTMLElement, y: Float32Array): void {
  let best = 0;
  y.forEach((p, i) => (best = p > y[best]! ? i : best));
  target.replaceChildren(
    ...Array.from(y, (p, digit) => {
      const row = document.createElement("div");
      row.className = `bar${digit === best ? " best" : ""}`;
      row.dataset.digit = String(digit);
      row.dataset.probability = String(p);
      row.title = `${digit}: ${(100 * p).toFixed(2)}%`;
      const fill = document.createElement("span");
      fill.style.width = `${(100 * p).toFixed(1)}%`;
      row.append(Object.assign(document.createElement("b"), { textContent: String(digit) }), fill);
      row.append(Object.assign(document.createElement("i"), { textContent: `${(100 * p).toFixed(1)}%` }));
      return row;
    }),
  );
  target.dataset.predicted = String(best);
}
