// Trained params in and out of a compiled module, as the safetensors files `nnc train` writes
// (params.safetensors, checkpoints): by the model's param and state names, so a module reads what
// nnc trained, and nnc (eval, --init-from) or PyTorch, JAX and numpy read what a module saved.
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from "./safetensors.js";

type Floats = Float32Array | Float64Array;

/** The params and state the module holds, with their shapes (from `meta`). */
function heldTensors(): { readonly name: string; readonly shape: readonly number[] }[] {
  return [...meta.params, ...meta.state];
}

function describeHeld(): string {
  return heldTensors()
    .map((p) => p.name + " [" + p.shape.join(", ") + "]")
    .join(", ");
}

/**
 * Params (and batch-norm state) from safetensors bytes, e.g. `new Uint8Array(await (await
 * fetch("params.safetensors")).arrayBuffer())` or `readFileSync(...)`; float64 files are
 * rounded to float32 in an f32 module. Tensors the model does not hold (optimizer state in a
 * checkpoint) are passed over.
 * @moduleExport
 */
export function loadParams(bytes: Uint8Array): Record<string, Floats> {
  const file = decodeSafetensors(bytes, "loadParams");
  const out: Record<string, Floats> = {};
  for (const p of heldTensors()) {
    const t = file.tensors[p.name];
    if (t === undefined)
      throw new Error("loadParams: the file has no tensor '" + p.name + "'; model " + meta.model + " holds " + describeHeld());
    if (t.shape.join(",") !== p.shape.join(","))
      throw new Error(
        "loadParams: tensor '" +
          p.name +
          "' has shape [" +
          t.shape.join(", ") +
          "], model " +
          meta.model +
          " needs [" +
          p.shape.join(", ") +
          "]",
      );
    out[p.name] = t.data instanceof F ? t.data : F.from(t.data);
  }
  return out;
}

/**
 * The params (and batch-norm state) as safetensors bytes: what nnc eval, nnc train --init-from
 * and the safetensors libraries read.
 * @moduleExport
 */
export function saveParams(params: Record<string, Floats>): Uint8Array {
  if (params === null || typeof params !== "object") throw new TypeError("saveParams: expected the params record (see init())");
  const tensors: Record<string, NamedTensor> = {};
  for (const p of heldTensors()) {
    const data = params[p.name];
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (!(data instanceof Float32Array || data instanceof Float64Array) || data.length !== size)
      throw new TypeError("saveParams: params['" + p.name + "'] must be a float array of " + size + " numbers (model " + meta.model + ")");
    tensors[p.name] = { shape: p.shape, data };
  }
  return encodeSafetensors(tensors, { model: meta.model });
}
