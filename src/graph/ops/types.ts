// What one op definition holds: its arity, shape rule, reference implementation (float64),
// gradient rule and test domain, side by side; elementwise math as an Expr (./expr.ts) that
// every backend renders, and the facts passes ask about (kinks, randomness, rewrites).
import type { Builder } from "../builder.js";
import type { NodeId, NodeOf, Shape } from "../ir.js";
import type { Tensor } from "../tensor.js";
import type { AttrMap, OpKind } from "./attrs.js";
import type { BinaryAlu, Expr } from "./expr.js";
import type { OnnxForm } from "./onnx.js";

/**
 * Where the gradient property test draws an input from: any real, positive reals (log, sqrt),
 * reals away from zero (divisors), reals away from the op's kinks (relu at 0, max ties), or
 * fixed data that is not differentiated (class targets, indices).
 */
export type Domain = "any" | "positive" | "nonzero" | "awayFromKinks" | "probabilities" | "classIndex";

export interface EvalContext {
  readonly training: boolean;
  /**
   * A seeded stream of uniform numbers in [0, 1) for random op number `seq`: the same seed and
   * seq give the same draws however often the op is evaluated (forward and numerical checks see
   * the same dropout mask), and different random ops get independent streams.
   */
  readonly stream: (seq: number) => () => number;
  readonly dims: ReadonlyMap<string, number>;
  /** The value fed for a leaf (input, param or state) by name. */
  readonly feed: (name: string) => Tensor;
}

/** A source of small random choices for generating test cases of an op. */
export interface SampleGen {
  int(min: number, max: number): number;
  bool(): boolean;
}

export interface Sample<K extends OpKind> {
  readonly shapes: readonly (readonly number[])[];
  readonly attrs: AttrMap[K];
}

/** Thrown by a shape rule; the builder turns it into a diagnostic at the node's span. */
export class ShapeError extends Error {}

/** What an elementwise op's math may depend on besides its attributes. */
export interface MapMode {
  readonly training: boolean;
}

/**
 * How the code generator emits an op (src/codegen/render.ts). Elementwise ops (`map`) and
 * reductions are fused into shared loops, their math given as data (an Expr, a combining ALU op);
 * heavy kernels (matmul, whole loops) are plugins of the code generator (`kernel`).
 */
export type KernelTemplate<K extends OpKind> =
  /** Inputs, params, state: arrays the caller supplies. */
  | { readonly kind: "leaf" }
  /** A scalar constant, inlined where used. */
  | { readonly kind: "const" }
  /** A number of elements known from shapes (the batch size, or a constant); the input is not read. */
  | { readonly kind: "size" }
  /** The same data as the input, seen with another shape or role: no code. */
  | { readonly kind: "view" }
  /**
   * One element of the output from the same element of each input: `expr` (arg i = input i;
   * each may be used more than once). Inputs are read broadcast (numpy) or, with `permute`,
   * through that axis permutation. `readsInputs: false`: inputs only give the shape.
   */
  | {
      readonly kind: "map";
      readonly expr: (attrs: AttrMap[K], mode: MapMode) => Expr;
      readonly permute?: (attrs: AttrMap[K]) => readonly number[];
      readonly readsInputs?: false;
    }
  /** Folds the input's elements over `axes` into the reduced ones, in row-major order from `init`. */
  | {
      readonly kind: "reduce";
      readonly init: number;
      readonly combine: BinaryAlu;
      readonly axes: (attrs: AttrMap[K]) => readonly number[];
    }
  /**
   * A heavy kernel: a plugin under src/codegen/kernels/ (matmul, the losses' and batch norm's
   * whole loops) plans and renders it; the registry there has one for every op of this kind.
   */
  | { readonly kind: "kernel" };

export interface OpDef<K extends OpKind> {
  readonly arity: number;
  /** The output shape, or a ShapeError whose message names the shapes involved. */
  readonly shape: (inputs: readonly Shape[], attrs: AttrMap[K]) => Shape;
  /** How compiled code computes it (src/codegen); same semantics as `eval`. */
  readonly kernel: KernelTemplate<K>;
  /** How the ONNX exporter writes it (src/onnx/): in inference mode, as standard ONNX ops. */
  readonly onnx: OnnxForm<K>;
  /** The reference implementation, in float64. */
  readonly eval: (inputs: readonly Tensor[], attrs: AttrMap[K], ctx: EvalContext) => Tensor;
  /**
   * The vector-Jacobian product: one entry per input, the gradient of the loss with respect to
   * that input given `dOut`, or null for none. Entries may have the output's (broadcast) shape:
   * the autodiff driver sums them back to the input's shape. `wants[i]` says whether input i
   * needs a gradient at all, so a rule can skip building what nobody reads.
   */
  readonly grad: (b: Builder, node: NodeOf<K>, dOut: NodeId, wants: readonly boolean[]) => readonly (NodeId | null)[];
  /** One domain per input, for the gradient property test. */
  readonly domain: readonly Domain[];
  /** Random valid input shapes and attributes for the property test; null for leaves only. */
  readonly sample: ((g: SampleGen) => Sample<K>) | null;
  /**
   * For ops with kinks (relu at 0, max ties): which side of its kinks each output element is on,
   * as 0/1 per element. Gradient checks discard a difference whose ±h changes a side.
   */
  readonly kinks?: (inputs: readonly Tensor[], output: Tensor, attrs: AttrMap[K]) => Tensor;
  /** For ops that draw random numbers: the `seq` of their seeded stream (EvalContext.stream). */
  readonly random?: (attrs: AttrMap[K]) => number;
  /**
   * A simpler node computing the same value (exactly or within an ulp), built from the new
   * graph's `inputs`; undefined keeps the op. `onlyUse`: the single input is read nowhere else.
   */
  readonly rewrite?: (b: Builder, inputs: readonly NodeId[], attrs: AttrMap[K], onlyUse: boolean) => NodeId | undefined;
  /**
   * A `.nn` builtin `op(x, p1 = d1, ...)` for a unary op: named numeric parameters with their
   * defaults, turned into the op's attributes by `attrs` (in the order of `params`).
   */
  readonly builtin?: {
    readonly summary: string;
    readonly params?: readonly (readonly [name: string, fallback: number])[];
    readonly attrs: (args: readonly number[]) => AttrMap[K];
  };
}

export type OpTable = { readonly [K in OpKind]: OpDef<K> };
