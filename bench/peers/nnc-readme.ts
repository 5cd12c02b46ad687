// README's example of a compiled module, timed as written there: `init()` params, the batch
// filled into `batchBuffers(batch)` (here: copied from the workload's batch k, as a user's loop
// fills it from their data), `lossAndGrads(params, { x, t })`, then SGD by `updateSgd` (the
// example's JS loop where it returns false). The `nnc-wasm-f32` peer is the path `nnc train`
// takes: the same, but its batches made once in the module's memory, as numpy's peer has them.
import { enableFma } from "../../src/runtime/fma.js";
import { modelGraph, FEATURES, CLASSES } from "../harness/data.js";
import { Unavailable, type NodePeer, type PeerContext } from "../harness/peers.js";
import type { Stepper } from "../harness/protocol.js";
import { compile } from "./nnc.js";

export const readmeExample: NodePeer = {
  async create({ workload: w, data, root }: PeerContext): Promise<Stepper> {
    if (w.optimizer.name !== "sgd") throw new Unavailable("README's example trains with SGD; this workload uses " + w.optimizer.name);
    const lr = w.optimizer.lr;
    enableFma(); // what README tells Node 20 users to do
    const g = modelGraph(w, root);
    const model = await compile(g, "f32", "wasm");
    const params = model.init(42);
    // The workload's initial values, so that the check compares the same run.
    for (const [name, v] of Object.entries(data.init)) params[name]!.set(v);
    const B = w.batchSize;
    const xName = g.inputs.find((i) => i.role === "input")!.name;
    const tName = g.inputs.find((i) => i.role === "target")!.name;
    const buffers = model.batchBuffers!(B);
    const [x, t] = [buffers[xName]!, buffers[tName]!];
    return {
      step(k) {
        x.set(data.x.subarray(k * B * FEATURES, (k + 1) * B * FEATURES));
        t.set(data.t.subarray(k * B * CLASSES, (k + 1) * B * CLASSES));
        const { loss, grads } = model.lossAndGrads(params, { [xName]: x, [tName]: t });
        for (const name in grads) {
          const p = params[name]!;
          const g = grads[name]!;
          if (!model.updateSgd!(p, g, lr)) for (let i = 0; i < p.length; i++) p[i]! -= lr * g[i]!;
        }
        return loss;
      },
      params: () => params,
    };
  },
};
