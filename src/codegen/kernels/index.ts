// The heavy kernels, by the op each computes. Its type requires one for every op that declares a
// kernel plugin's data (kernels/types.ts: KernelData); test/codegen/kernels.test.ts checks that
// every op whose OpDef says `kernel: { kind: "kernel" }` has one here.
import type { Node } from "../../graph/ir.js";
import { batchnorm } from "./batchnorm.js";
import { conv2d, conv2dBackwardFilter, conv2dBackwardInput } from "./conv/index.js";
import { matmul } from "./matmul/index.js";
import { onehot } from "./onehot.js";
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward, maxPoolGather } from "./pool/index.js";
import { softmaxXent } from "./softmax-xent.js";
import type { HeavyOp, KernelPlugin, KernelRegistry } from "./types.js";

export const KERNELS: KernelRegistry = {
  matmul,
  softmax_xent: softmaxXent,
  onehot,
  batchnorm,
  conv2d,
  conv2d_backward_input: conv2dBackwardInput,
  conv2d_backward_filter: conv2dBackwardFilter,
  max_pool: maxPool,
  max_pool_backward: maxPoolBackward,
  max_pool_gather: maxPoolGather,
  avg_pool: avgPool,
  avg_pool_backward: avgPoolBackward,
};

/** Whether a heavy kernel computes the node. */
export function isHeavy(n: Node): n is Node<HeavyOp> {
  return n.op in KERNELS;
}

/** The plugin of a heavy op. */
export function pluginOf<K extends HeavyOp>(op: K): KernelPlugin<K> {
  return KERNELS[op];
}
