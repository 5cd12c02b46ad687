// README's example of a compiled module, timed as written there: `init()` params,
// `lossAndGrads(params, { x, t })` on plain Float32Arrays the caller fills, then the example's
// SGD loop in JavaScript. The path a user takes first; the `nnc-wasm-f32` peer is the path
// `nnc train` takes (adopted params, batches in the module's memory, updates in WebAssembly).
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
    const batches = Array.from({ length: data.batches }, (_, k) => ({
      [xName]: Float32Array.from(data.x.subarray(k * B * FEATURES, (k + 1) * B * FEATURES)),
      [tName]: Float32Array.from(data.t.subarray(k * B * CLASSES, (k + 1) * B * CLASSES)),
    }));
    return {
      step(k) {
        const { loss, grads } = model.lossAndGrads(params, batches[k]!);
        for (const name in grads) {
          const p = params[name]!;
          const g = grads[name]!;
          for (let i = 0; i < p.length; i++) p[i]! -= lr * g[i]!;
        }
        return loss;
      },
      params: () => params,
    };
  },
};
