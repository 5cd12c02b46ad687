// Where a dataset lives for an executable: in its shared WebAssembly memory when it has one (the
// wasm backend in Node), so that evaluation reads rows in place instead of copying them in.
import type { Dataset } from "./data/index.js";
import type { Executable, FloatArray } from "./executable.js";

/** Inputs larger than this stay where they are (the executable's memory holds 2 GiB in all). */
const PLACE_LIMIT = 256 * 2 ** 20;

/** By executable: its datasets copied into its shared memory (by inputs), or null when its memory is not shared. */
const placedData = new WeakMap<Executable, WeakMap<Float32Array, Dataset> | null>();

/**
 * The dataset with its inputs in the executable's memory when that memory is shared (the wasm
 * backend in Node), copied once: each evaluation's predict then reads its rows in place instead of
 * copying them in (the book's TwoLayerNet run copies 4 GB that way, about a tenth of its time),
 * for the memory of one more copy of the inputs. Otherwise the dataset as it is.
 */
export function placed(exe: Executable, ds: Dataset): Dataset {
  let byData = placedData.get(exe);
  if (byData === undefined) {
    byData = exe.zeros && exe.zeros(1).buffer instanceof SharedArrayBuffer ? new WeakMap() : null;
    placedData.set(exe, byData);
  }
  if (byData === null || ds.x.byteLength > PLACE_LIMIT) return ds;
  let copy = byData.get(ds.x);
  if (!copy) {
    let x: FloatArray;
    try {
      x = exe.zeros!(ds.x.length);
    } catch {
      return ds; // the memory is full: copy rows in as needed
    }
    if (!(x instanceof Float32Array)) return ds;
    x.set(ds.x);
    copy = { ...ds, x };
    byData.set(ds.x, copy);
  }
  return copy;
}
