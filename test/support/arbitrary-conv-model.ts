// Random, valid convolutional models as .nn text: an NCHW input through a chain of conv2d (random
// filters, kernel sizes, strides and pads, with a [F, 1, 1] bias), max and average pooling,
// relu/tanh, per-channel batch norm and dropout, then flatten, a dense layer and a loss. Layers
// whose window does not fit the current image are written as tanh instead, so every model is valid.
import fc from "fast-check";

const KINDS = ["conv", "conv", "max_pool", "avg_pool", "relu", "tanh", "batchnorm", "dropout"] as const;

interface LayerSpec {
  readonly kind: (typeof KINDS)[number];
  readonly filters: number;
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
}

export interface ConvModelSpec {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  readonly layers: readonly LayerSpec[];
  readonly loss: "index" | "mse";
}

export const convModelSpec: fc.Arbitrary<ConvModelSpec> = fc.record({
  channels: fc.integer({ min: 1, max: 2 }),
  height: fc.integer({ min: 3, max: 7 }),
  width: fc.integer({ min: 3, max: 7 }),
  classes: fc.integer({ min: 2, max: 3 }),
  layers: fc.array(
    fc.record({
      kind: fc.constantFrom(...KINDS),
      filters: fc.integer({ min: 1, max: 3 }),
      k: fc.integer({ min: 1, max: 3 }),
      stride: fc.integer({ min: 1, max: 2 }),
      pad: fc.integer({ min: 0, max: 1 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  loss: fc.constantFrom("index", "mse"),
});

const out = (n: number, k: number, stride: number, pad: number) => Math.floor((n + 2 * pad - k) / stride) + 1;

export function convModelText(spec: ConvModelSpec): string {
  let [c, h, w] = [spec.channels, spec.height, spec.width];
  let src = "x";
  const params: string[] = [];
  const lines: string[] = [];
  spec.layers.forEach((l, i) => {
    const name = `h${i}`;
    let expr = `tanh(${src})`;
    const fits = l.k <= h + 2 * l.pad && l.k <= w + 2 * l.pad;
    if (l.kind === "conv" && fits) {
      params.push(`param W${i}: [${l.filters}, ${c}, ${l.k}, ${l.k}] = normal(0.5)`, `param b${i}: [${l.filters}, 1, 1] = normal(0.2)`);
      expr = `conv2d(${src}, W${i}, stride = ${l.stride}, pad = ${l.pad}) + b${i}`;
      [c, h, w] = [l.filters, out(h, l.k, l.stride, l.pad), out(w, l.k, l.stride, l.pad)];
    } else if ((l.kind === "max_pool" || l.kind === "avg_pool") && fits && l.pad < l.k) {
      expr = `${l.kind}(${src}, size = ${l.k}, stride = ${l.stride}, pad = ${l.pad})`;
      [h, w] = [out(h, l.k, l.stride, l.pad), out(w, l.k, l.stride, l.pad)];
    } else if (l.kind === "relu") expr = `relu(${src})`;
    else if (l.kind === "batchnorm") expr = `batchnorm(${src})`;
    else if (l.kind === "dropout") expr = `dropout(${src}, 0.3)`;
    lines.push(`${name} = ${expr}`);
    src = name;
  });
  const C = spec.classes;
  params.push(`param Wout: [${c * h * w}, ${C}] = normal(0.5)`, `param bout: [${C}] = zeros`);
  lines.push(`logits = flatten(${src}) @ Wout + bout`);
  const target = spec.loss === "index" ? `index[batch]` : `[batch, ${C}]`;
  const loss = spec.loss === "index" ? "softmax_cross_entropy(logits, t)" : "mse(sigmoid(logits), t)";
  const body = [
    `input x: [batch, ${spec.channels}, ${spec.height}, ${spec.width}]`,
    `target t: ${target}`,
    ...params,
    ...lines,
    `output y = logits`,
    `loss ${loss}`,
  ];
  return `model GeneratedConv {\n${body.map((l) => `  ${l}`).join("\n")}\n}\n`;
}

export const arbitraryConvModel: fc.Arbitrary<string> = convModelSpec.map(convModelText);
