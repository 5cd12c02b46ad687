// The kernel plan: everything `lower` decides and `render` prints, as plain data (no code text).
// A program is a list of kernels over flat row-major arrays. Every extent and stride is a `Size`,
// a constant times a power of the batch size, so loops have constant bounds except for `batch`.
import type { Graph, NodeId } from "../graph/ir.js";
import type { HeavyKernel } from "./kernels/types.js";

/** c · batch^p: an extent or stride known up to the batch size (p = 0: a constant). */
export interface Size {
  readonly c: number;
  readonly p: number;
}

/** Where a value lives while a program runs. */
export type Storage =
  /** An array the caller feeds (an input or target), by name. */
  | { readonly kind: "input"; readonly name: string }
  /** An entry of the params record (a trainable param or batch-norm state), by name. */
  | { readonly kind: "param"; readonly name: string }
  /** A scratch array, allocated once per batch size. */
  | { readonly kind: "slot"; readonly slot: number }
  /** A scalar written into the code: a constant, or a number of elements. */
  | { readonly kind: "const"; readonly value: number }
  | { readonly kind: "size"; readonly size: Size };

/** A scratch array, shared by values whose lifetimes do not overlap. */
export interface Slot {
  readonly id: number;
  /** Elements: the largest value it holds. */
  readonly size: Size;
  /** Float64 even in an f32 module (custom kernels' statistics). */
  readonly f64: boolean;
  /** Returned to the caller (an output, the loss, a gradient, a state update): never shared. */
  readonly result: boolean;
  /** The nodes whose values it holds, in program order (for comments). */
  readonly holds: readonly NodeId[];
}

/** A value in a loop body: a local made by an earlier step, or a scalar written inline. */
export type Operand =
  | { readonly kind: "local"; readonly step: number }
  | { readonly kind: "inline"; readonly value: Extract<Storage, { kind: "const" | "size" }> };

/** One element's worth of work in a fused loop; each `load` and `compute` defines a local. */
export type Step =
  | { readonly kind: "load"; readonly node: NodeId; readonly from: Storage; readonly strides: readonly Size[] }
  | { readonly kind: "compute"; readonly node: NodeId; readonly args: readonly Operand[] }
  | { readonly kind: "store"; readonly node: NodeId; readonly value: Operand; readonly slot: number }
  /** Folds the value into a reduction's output; `strides` are 0 along the reduced loops. */
  | {
      readonly kind: "accumulate";
      readonly node: NodeId;
      readonly value: Operand;
      readonly slot: number;
      readonly strides: readonly Size[];
    };

/** Elementwise work and reductions over one iteration space, fused into one loop nest. */
export interface LoopKernel {
  readonly kind: "loop";
  /** The graph nodes computed here (for the kernel's name and origin comments). */
  readonly nodes: readonly NodeId[];
  /** Loop extents, outermost first, after merging contiguous loops. */
  readonly dims: readonly Size[];
  readonly steps: readonly Step[];
  /** Reductions whose outputs start at their op's initial value before the loop. */
  readonly reductions: readonly { readonly node: NodeId; readonly slot: number; readonly size: Size }[];
}

/** Fused elementwise loops, or a heavy kernel's (kernels/types.ts: its plugin's plan data). */
export type Kernel = LoopKernel | HeavyKernel;

export interface Program {
  readonly mode: "predict" | "train";
  readonly kernels: readonly Kernel[];
  readonly slots: readonly Slot[];
  /** Inputs this program reads, by name. */
  readonly feeds: readonly string[];
  /** Where each result is, by name: slots of this program. */
  readonly outputs: readonly { readonly name: string; readonly slot: number }[];
  readonly loss?: number;
  readonly grads: readonly { readonly name: string; readonly slot: number }[];
  /** New values of the state, copied into the params record after the step. */
  readonly state: readonly { readonly name: string; readonly slot: number }[];
}

export interface KernelPlan {
  readonly graph: Graph;
  readonly dtype: "f32" | "f64";
  /** A batch size fixed at compile time, or undefined when it is taken from the inputs. */
  readonly batch?: number;
  readonly predict: Program;
  /** Absent when the model has no loss. */
  readonly train?: Program;
}
