// The optimizers, in order of increasing complexity, following the book's common/optimizer.py.
// Each is one small kernel; a variant is a parameter of its family, not a copy:
//   SGD, Momentum, Nesterov  = one loop, with momentum 0 / a velocity / Nesterov's look-ahead
//   AdaGrad, RMSprop         = one loop, with a sum / a decaying average of squared gradients
//   Adam, AdamW              = one loop, with weight decay 0 / decoupled weight decay
// `update` changes params in place and allocates nothing: the state's buffers are made in `init`.

export type Tensor = Float32Array | Float64Array;
export type Params = Record<string, Tensor>;

/** An optimizer: `init` makes its state for the params, `update` takes one step (counted from 1). */
export interface Optimizer<S = unknown> {
  init(params: Readonly<Params>): S;
  update(params: Params, grads: Readonly<Params>, state: S, step: number): S;
}

/** The built-ins' state: per slot ("v", "h", "m"), one buffer shaped like each param; a checkpoint saves it as is. */
export type Slots = Record<string, Params>;

/** What the trainer tells an optimizer about the params (AdamW decays only the params it names). */
export interface OptimizerContext {
  decays(paramName: string): boolean;
  /** The executable's vector updates and memory for state, when it has them (the wasm backend). */
  readonly kernels?: OptimizerKernels;
}

/**
 * What an executable may offer the built-in optimizers: state buffers in its own memory, and
 * updates there (src/codegen/wasm/optimizers.ts) that equal the loops below (to the bit, but for
 * Adam's, in float32 lanes, within float32 rounding) and return false, leaving the loop to run,
 * when an array is not in that memory.
 */
export interface OptimizerKernels {
  zeros(n: number): Tensor;
  updateSgd(p: Tensor, g: Tensor, lr: number): boolean;
  updateAdam(p: Tensor, g: Tensor, m: Tensor, v: Tensor, lrT: number, beta1: number, beta2: number, eps: number, decay: number): boolean;
  /** Absent in modules compiled before it existed. */
  updateMomentum?(p: Tensor, g: Tensor, v: Tensor, lr: number, momentum: number, nesterov: boolean): boolean;
}

export const DEFAULT_CONTEXT: OptimizerContext = { decays: () => true };

/** A bad name, bad hyperparameter or bad user module: a usage error, with a message for a person. */
export class OptimizerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OptimizerError";
  }
}

// ---- Hyperparameters ----------------------------------------------------------------------------

type Range = "positive" | "nonnegative" | "fraction" | "any";

export interface HyperSpec {
  readonly default: number;
  /** positive: > 0; nonnegative: >= 0; fraction: in [0, 1) (a decay or momentum coefficient); any: finite. */
  readonly range: Range;
}

type HyperSpecs = Readonly<Record<string, HyperSpec>>;
type Hyper<H extends HyperSpecs> = { readonly [K in keyof H]: number };

function checkRange(optimizer: string, name: string, v: number, spec: HyperSpec): void {
  const ok = { positive: v > 0, nonnegative: v >= 0, fraction: v >= 0 && v < 1, any: true }[spec.range];
  if (ok && Number.isFinite(v)) return;
  const what = { positive: "a positive number", nonnegative: "a number >= 0", fraction: "a number in [0, 1)", any: "a finite number" }[
    spec.range
  ];
  throw new OptimizerError(`${optimizer}: ${name} must be ${what}, got ${v}; try ${spec.default}`);
}

// ---- SGD, Momentum, Nesterov ---------------------------------------------------------------------

/**
 * SGD:       p -= lr * g
 * Momentum:  v = momentum * v - lr * g;  p += v                      (the book's ball rolling in a bowl)
 * Nesterov:  v = momentum * v - lr * g;  p += momentum² * v - (1 + momentum) * lr * g
 *            (the book's form: the step evaluated at the look-ahead point p + momentum * v)
 * With momentum 0 all three are SGD, and no velocity is kept.
 */
function momentumFamily(lr: number, momentum: number, nesterov: boolean, kernels?: OptimizerKernels): Optimizer<Slots> {
  return {
    init: (params): Slots => (momentum === 0 ? {} : { v: zerosLike(params, kernels) }),
    update(params, grads, state) {
      for (const key in params) {
        const p = params[key]!;
        const g = gradOf(grads, key, p);
        const v = state.v?.[key];
        if (v === undefined) {
          if (kernels?.updateSgd(p, g, lr)) continue;
          for (let i = 0; i < p.length; i++) p[i]! -= lr * g[i]!;
        } else if (kernels?.updateMomentum?.(p, g, v, lr, momentum, nesterov)) continue;
        else if (!nesterov) {
          for (let i = 0; i < p.length; i++) {
            v[i] = momentum * v[i]! - lr * g[i]!;
            p[i]! += v[i]!;
          }
        } else {
          for (let i = 0; i < p.length; i++) {
            v[i] = momentum * v[i]! - lr * g[i]!;
            p[i]! += momentum * momentum * v[i]! - (1 + momentum) * lr * g[i]!;
          }
        }
      }
      return state;
    },
  };
}

// ---- AdaGrad, RMSprop ----------------------------------------------------------------------------

/**
 * h = keep * h + add * g²;  p -= lr * g / (√h + eps)
 * AdaGrad sums squared gradients (keep 1, add 1): a param that has moved a lot slows down for good.
 * RMSprop forgets them exponentially (keep = decay, add = 1 - decay), so the step size can recover.
 */
function adaptiveFamily(lr: number, keep: number, add: number, eps: number): Optimizer<Slots> {
  return {
    init: (params) => ({ h: zerosLike(params) }),
    update(params, grads, state) {
      for (const key in params) {
        const p = params[key]!;
        const g = gradOf(grads, key, p);
        const h = slotOf(state, "h", key, p);
        for (let i = 0; i < p.length; i++) {
          const gi = g[i]!;
          h[i] = keep * h[i]! + add * gi * gi;
          p[i]! -= (lr * gi) / (Math.sqrt(h[i]!) + eps);
        }
      }
      return state;
    },
  };
}

// ---- Adam, AdamW ---------------------------------------------------------------------------------

/**
 * Adam keeps moving averages of the gradient (m) and of its square (v):
 *   m += (1 - β1) (g - m);  v += (1 - β2) (g² - v)   (= β1 m + (1 - β1) g, written as the book does)
 * Both start at 0, so early on they are biased towards 0 by the factors (1 - β1^t) and (1 - β2^t).
 * Bias correction divides those out: m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t). As in the book, both
 * corrections are folded into one step size, lr_t = lr √(1 - β2^t) / (1 - β1^t), and eps is added
 * to the uncorrected √v:  p -= lr_t m / (√v + eps).  The first step is then about lr · sign(g).
 * AdamW adds decoupled weight decay, p -= lr · weightDecay · p, outside the adaptive scaling
 * (Loshchilov & Hutter), to the params the context says decay.
 */
function adamFamily(
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  weightDecay: number,
  context: OptimizerContext,
): Optimizer<Slots> {
  return {
    init: (params) => ({ m: zerosLike(params, context.kernels), v: zerosLike(params, context.kernels) }),
    update(params, grads, state, step) {
      if (!(Number.isInteger(step) && step >= 1))
        throw new RangeError(`adam: step counts from 1 (it sets the bias correction), got ${step}`);
      const lrT = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
      for (const key in params) {
        const p = params[key]!;
        const g = gradOf(grads, key, p);
        const m = slotOf(state, "m", key, p);
        const v = slotOf(state, "v", key, p);
        const decay = weightDecay > 0 && context.decays(key) ? lr * weightDecay : 0;
        if (context.kernels?.updateAdam(p, g, m, v, lrT, beta1, beta2, eps, decay)) continue;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i]!;
          m[i]! += (1 - beta1) * (gi - m[i]!);
          v[i]! += (1 - beta2) * (gi * gi - v[i]!);
          p[i]! -= (lrT * m[i]!) / (Math.sqrt(v[i]!) + eps) + decay * p[i]!;
        }
      }
      return state;
    },
  };
}

// ---- The table -----------------------------------------------------------------------------------

export interface OptimizerDef<H extends HyperSpecs = HyperSpecs> {
  readonly summary: string;
  readonly hyper: H;
  // A method, so that a def with its own hyperparameters is still an OptimizerDef<HyperSpecs>.
  make(hp: Hyper<H>, context: OptimizerContext): Optimizer<Slots>;
}

const lr = (v: number): HyperSpec => ({ default: v, range: "positive" });
const fraction = (v: number): HyperSpec => ({ default: v, range: "fraction" });
/** The book's fixed 1e-7, which keeps 1/√h finite while h is 0. */
const eps: HyperSpec = { default: 1e-7, range: "positive" };

const def = <H extends HyperSpecs>(d: OptimizerDef<H>): OptimizerDef<H> => d;

/** The built-in optimizers; defaults are the book's. */
export const BUILTIN_OPTIMIZERS = {
  sgd: def({ summary: "p -= lr * g", hyper: { lr: lr(0.01) }, make: (h, c) => momentumFamily(h.lr, 0, false, c.kernels) }),
  momentum: def({
    summary: "SGD with a velocity: v = momentum v - lr g; p += v",
    hyper: { lr: lr(0.01), momentum: fraction(0.9) },
    make: (h, c) => momentumFamily(h.lr, h.momentum, false, c.kernels),
  }),
  nesterov: def({
    summary: "momentum with Nesterov's look-ahead",
    hyper: { lr: lr(0.01), momentum: fraction(0.9) },
    make: (h, c) => momentumFamily(h.lr, h.momentum, true, c.kernels),
  }),
  adagrad: def({
    summary: "per-element step lr / √(sum of g²)",
    hyper: { lr: lr(0.01), eps },
    make: (h) => adaptiveFamily(h.lr, 1, 1, h.eps),
  }),
  rmsprop: def({
    summary: "per-element step lr / √(moving average of g²)",
    hyper: { lr: lr(0.01), decay: fraction(0.99), eps },
    make: (h) => adaptiveFamily(h.lr, h.decay, 1 - h.decay, h.eps),
  }),
  adam: def({
    summary: "momentum + RMSprop, bias-corrected",
    hyper: { lr: lr(0.001), beta1: fraction(0.9), beta2: fraction(0.999), eps },
    make: (h, c) => adamFamily(h.lr, h.beta1, h.beta2, h.eps, 0, c),
  }),
  adamw: def({
    summary: "Adam with decoupled weight decay",
    hyper: { lr: lr(0.001), beta1: fraction(0.9), beta2: fraction(0.999), eps, weight_decay: { default: 0.01, range: "nonnegative" } },
    make: (h, c) => adamFamily(h.lr, h.beta1, h.beta2, h.eps, h.weight_decay, c),
  }),
} as const satisfies Record<string, OptimizerDef<HyperSpecs>>;

export type BuiltinOptimizer = keyof typeof BUILTIN_OPTIMIZERS;

/** The hyperparameters with defaults filled in, each checked against its range. */
export function resolveHyper(
  optimizer: string,
  specs: HyperSpecs,
  args: Readonly<Record<string, number>>,
  unknown: (name: string) => never,
): Record<string, number> {
  for (const name of Object.keys(args)) if (!Object.hasOwn(specs, name)) unknown(name);
  const out: Record<string, number> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const v = args[name] ?? spec.default;
    if (typeof v !== "number")
      throw new OptimizerError(`${optimizer}: ${name} must be a number, got ${JSON.stringify(v)}; try ${spec.default}`);
    checkRange(optimizer, name, v, spec);
    out[name] = v;
  }
  return out;
}

// ---- Helpers -------------------------------------------------------------------------------------

/** Zeroed buffers shaped like the params: in the executable's memory when it offers it for arrays of their type. */
function zerosLike(params: Readonly<Params>, kernels?: OptimizerKernels): Params {
  const out: Params = {};
  for (const key in params) {
    const p = params[key]!;
    const z = kernels?.zeros(p.length);
    out[key] =
      z !== undefined && z.constructor === p.constructor
        ? z
        : p instanceof Float32Array
          ? new Float32Array(p.length)
          : new Float64Array(p.length);
  }
  return out;
}

function gradOf(grads: Readonly<Params>, key: string, p: Tensor): Tensor {
  const g = grads[key];
  if (g === undefined) throw new RangeError(`optimizer: no gradient for param "${key}"`);
  if (g.length !== p.length) throw new RangeError(`optimizer: the gradient of "${key}" has ${g.length} values, the param ${p.length}`);
  return g;
}

function slotOf(state: Slots, slot: string, key: string, p: Tensor): Tensor {
  const s = state[slot]?.[key];
  if (s === undefined || s.length !== p.length)
    throw new RangeError(`optimizer: the state has no "${slot}" buffer for param "${key}"; make the state with init(params)`);
  return s;
}
