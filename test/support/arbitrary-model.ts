// Random, valid, numerically tame models as .nn text, for end-to-end gradient properties: random
// DAGs of ops over [batch, k] tensors, with broadcasting, reductions, blocks, repeat, params used
// twice, batch norm and dropout, ending in one of the losses. The value is the .nn source itself,
// so a failing case shrinks to, and prints as, a file a person can read.
import fc from "fast-check";

const LAYER_KINDS = [
  "dense",
  "shared",
  "tanh",
  "sigmoid",
  "exp",
  "log",
  "sqrt",
  "relu",
  "square",
  "add",
  "mul",
  "sub",
  "div",
  "bias",
  "scale",
  "reduce",
  "softmax",
  "log_softmax",
  "maximum",
  "block",
  "repeat",
  "batchnorm",
  "dropout",
] as const;

type LayerKind = (typeof LAYER_KINDS)[number];

interface LayerSpec {
  readonly kind: LayerKind;
  readonly a: number;
  readonly b: number;
  readonly width: number;
}

export interface ModelSpec {
  readonly features: number;
  readonly classes: number;
  readonly layers: readonly LayerSpec[];
  readonly loss: "softmax_cross_entropy" | "cross_entropy" | "mse" | "mean_square" | "index";
}

const layer: fc.Arbitrary<LayerSpec> = fc.record({
  kind: fc.constantFrom(...LAYER_KINDS),
  a: fc.nat(20),
  b: fc.nat(20),
  width: fc.integer({ min: 1, max: 4 }),
});

export const modelSpec: fc.Arbitrary<ModelSpec> = fc.record({
  features: fc.integer({ min: 1, max: 4 }),
  classes: fc.integer({ min: 2, max: 4 }),
  layers: fc.array(layer, { minLength: 1, maxLength: 6 }),
  loss: fc.constantFrom("softmax_cross_entropy", "cross_entropy", "mse", "mean_square", "index"),
});

const BLOCK = `# A dense layer with its own params, instantiated by name.
block Dense(x: [batch, n], units, act = tanh) {
  param W: [n, units] = normal(0.5)
  param b: [units] = normal(0.2)
  return act(x @ W + b)
}
`;

/** The .nn text of a spec. Each layer binds a new [batch, width] tensor from earlier ones. */
export function modelText(spec: ModelSpec): string {
  const env: { name: string; width: number }[] = [{ name: "x", width: spec.features }];
  const params: string[] = [];
  const lines: string[] = [];
  const matrices: { name: string; rows: number; cols: number }[] = [];
  const pick = (i: number) => env[i % env.length]!;
  const sameWidth = (i: number, w: number) => env.filter((e) => e.width === w)[i % Math.max(1, env.filter((e) => e.width === w).length)];
  spec.layers.forEach((l, i) => {
    const name = `h${i}`;
    const src = pick(l.a);
    let width = src.width;
    let expr: string;
    switch (l.kind) {
      case "dense":
      case "shared": {
        const reuse = l.kind === "shared" ? matrices.find((m) => m.rows === src.width) : undefined;
        const W = reuse ?? { name: `W${i}`, rows: src.width, cols: l.width };
        if (!reuse) {
          params.push(`param ${W.name}: [${W.rows}, ${W.cols}] = normal(0.5)`, `param c${i}: [${W.cols}] = normal(0.2)`);
          matrices.push(W);
          expr = `${src.name} @ ${W.name} + c${i}`;
        } else expr = `tanh(${src.name} @ ${W.name})`;
        width = W.cols;
        break;
      }
      case "tanh":
      case "sigmoid":
      case "relu":
        expr = `${l.kind}(${src.name})`;
        break;
      case "exp":
        expr = `exp(0.3 * ${src.name})`;
        break;
      case "log":
        expr = `log(sigmoid(${src.name}) + 0.5)`;
        break;
      case "sqrt":
        expr = `sqrt(sigmoid(${src.name}) + 0.1)`;
        break;
      case "square":
        expr = `0.5 * tanh(${src.name}) ** 2`;
        break;
      case "add":
      case "mul":
      case "sub": {
        const other = sameWidth(l.b, src.width)!;
        expr = `${src.name} ${{ add: "+", mul: "*", sub: "-" }[l.kind]} ${other.name}`;
        break;
      }
      case "div": {
        const other = sameWidth(l.b, src.width)!;
        expr = `${src.name} / (sigmoid(${other.name}) + 0.5)`;
        break;
      }
      case "bias":
        params.push(`param v${i}: [${src.width}] = normal(0.5)`);
        expr = `${src.name} * v${i} + v${i}`;
        break;
      case "scale":
        expr = `-0.7 * ${src.name}`;
        break;
      case "reduce":
        expr = `${src.name} - mean(${src.name}, axis = 1, keepdims = 1) + sum(tanh(${pick(l.b).name}), axis = 1, keepdims = 1)`;
        break;
      case "softmax":
      case "log_softmax":
        expr = `${l.kind}(${src.name})`;
        break;
      case "maximum": {
        const other = sameWidth(l.b, src.width)!;
        expr = `maximum(${src.name}, ${other.name})`;
        break;
      }
      case "block":
        expr = `Dense(${src.name}, ${l.width}, ${l.b % 2 === 0 ? "sigmoid" : "tanh"})`;
        width = l.width;
        break;
      case "repeat":
        expr = `repeat(${1 + (l.b % 3)}) Dense(${src.name}, ${l.width})`;
        width = l.width;
        break;
      case "batchnorm":
        expr = `batchnorm(${src.name})`;
        break;
      case "dropout":
        expr = `dropout(${src.name}, 0.3)`;
        break;
    }
    lines.push(`${name} = ${expr}`);
    env.push({ name, width });
  });
  const last = env[env.length - 1]!;
  const C = spec.classes;
  params.push(`param Wout: [${last.width}, ${C}] = normal(0.5)`, `param bout: [${C}] = zeros`);
  lines.push(`logits = ${last.name} @ Wout + bout`);
  const target = spec.loss === "index" ? `index[batch]` : spec.loss === "mse" ? `[batch, ${C}]` : `onehot[batch, ${C}]`;
  const loss = {
    softmax_cross_entropy: "softmax_cross_entropy(logits, t)",
    index: "softmax_cross_entropy(logits, t)",
    cross_entropy: "cross_entropy(softmax(logits), t)",
    mse: "mse(sigmoid(logits), t)",
    mean_square: "mean(logits * logits) + 0 * sum(t)",
  }[spec.loss];
  const body = [`input x: [batch, ${spec.features}]`, `target t: ${target}`, ...params, ...lines, `output y = logits`, `loss ${loss}`];
  return `${BLOCK}\nmodel Generated {\n${body.map((l) => `  ${l}`).join("\n")}\n}\n`;
}

export const arbitraryModel: fc.Arbitrary<string> = modelSpec.map(modelText);
