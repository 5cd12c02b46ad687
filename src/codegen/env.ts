// What a kernel body is rendered against (render.ts makes one per kernel): the names of the arrays
// it touches, fresh locals, sizes as code, dropout draws. Kernel plugins render through it only.
import type { Graph } from "../graph/ir.js";
import type { Code, Name } from "./code.js";
import type { Size, Storage } from "./plan.js";

export interface KernelEnv {
  readonly g: Graph;
  readonly training: boolean;
  readonly batch: number | undefined;
  /** The kernel's parameter for an array (made on first use, named after `hint`). */
  array(s: Storage, hint: string): Name;
  local(hint: string): Name;
  /** A readable name for a node's value: its binding, and the op when it is a step inside one. */
  hint(node: number): string;
  size(s: Size): Code;
  /** Uniform draws for random op `seq` (seeds its stream at the top of the kernel). */
  random(seq: number): Code;
}
