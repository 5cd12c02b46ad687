// What training needs of a model: the compiled module's contract (init, predict, lossAndGrads).
// Compiled modules from `compileToString` provide it; `interpreted` provides it with the
// reference interpreter (float64, slow, obviously right) for small models and tests.
import { differentiate } from "../graph/autodiff.js";
import { run, type Feeds } from "../graph/interpret.js";
import type { Graph } from "../graph/ir.js";
import { tensor } from "../graph/tensor.js";
import { initValues } from "./initializers.js";
import type { FloatArray, ModelModule, Params } from "../codegen/contract.js";
import type { OptimizerKernels } from "./optimizers.js";

export type { FloatArray, Params };

/**
 * The compiled module's contract (src/codegen/contract.ts), of which training needs `init`,
 * `predict` and `lossAndGrads`; the rest (the wasm arena's adopt, batchBuffers, optimizer state
 * and updates, threads) it uses when present.
 */
export type Executable = Pick<ModelModule, "init" | "predict" | "lossAndGrads"> &
  Partial<Omit<ModelModule, "init" | "predict" | "lossAndGrads">>;

/** The vector updates and state memory an executable offers the built-in optimizers (the wasm backend's), if any. */
export function optimizerKernels(exe: Executable): OptimizerKernels | undefined {
  return exe.zeros && exe.updateSgd && exe.updateAdam
    ? {
        zeros: exe.zeros,
        updateSgd: exe.updateSgd,
        updateAdam: exe.updateAdam,
        ...(exe.updateMomentum && { updateMomentum: exe.updateMomentum }),
      }
    : undefined;
}

/** The reference interpreter behind the Executable contract. */
export function interpreted(forward: Graph): Executable {
  // A model without a loss (the book's activation histograms) can still predict.
  const g = forward.loss !== undefined ? differentiate(forward) : forward;
  const feeds = (params: Params, values: Readonly<Record<string, ArrayLike<number>>>, names: readonly string[]): Feeds => {
    const out: Record<string, ReturnType<typeof tensor>> = {};
    const spec0 = g.inputs.find((i) => names.includes(i.name));
    const first = spec0 ? values[spec0.name] : undefined;
    const rowSize = spec0 ? spec0.shape.slice(1).reduce<number>((a, d) => a * (d as number), 1) : 1;
    const batch = first ? first.length / rowSize : 1;
    for (const spec of g.inputs) {
      if (!names.includes(spec.name)) continue;
      const v = values[spec.name];
      if (!v) throw new Error(`missing ${spec.role} '${spec.name}'`);
      out[spec.name] = tensor(
        spec.shape.map((d) => (typeof d === "number" ? d : batch)),
        v,
      );
    }
    for (const p of [...g.params, ...g.states]) out[p.name] = tensor(p.shape, params[p.name]!);
    return out;
  };
  const inputNames = g.inputs.filter((i) => i.role === "input").map((i) => i.name);
  const allNames = g.inputs.map((i) => i.name);
  return {
    init: (seed = 0) => initValues(g, seed),
    predict(params, inputs) {
      const r = run({ ...g, grads: [], loss: undefined } as Graph, feeds(params, inputs, inputNames), { training: false });
      return Object.fromEntries(Object.entries(r.outputs).map(([k, t]) => [k, t.data]));
    },
    lossAndGrads(params, batch, options = {}) {
      const r = run({ ...g, outputs: [] }, feeds(params, batch, allNames), { training: true, seed: options.seed ?? 0 });
      for (const [name, t] of Object.entries(r.state)) params[name]!.set(t.data);
      return { loss: r.loss!, grads: Object.fromEntries(Object.entries(r.grads).map(([k, t]) => [k, t.data])) };
    },
  };
}
