// Where a dataset lives for an executable: in its shared WebAssembly memory when it has one (the
// wasm backend in Node), so that evaluation reads rows in place instead of copying them in.
import type { Dataset } from "./data/index.js";
import type { Executable, FloatArray } from "./executable.js";

/** Inputs larger than this stay where they are (the executable's memory holds 2 GiB in all). */
const PLACE_LIMIT = 256 * 2 ** 20;

/** By executable: its datasets copied into its shared memory (by inputs), or null when its memory is not shared. */
const placedData = new WeakMap<Executable, WeakMap<Float32Array, Dataset> | null>();
/** By executable: the arrays of datasets in its shared memory (placed()'s copies, and what `arenaAllocator` made). */
const madeThere = new WeakMap<Executable, WeakSet<Float32Array>>();

function there(exe: Executable): WeakSet<Float32Array> {
  let made = madeThere.get(exe);
  if (!made) madeThere.set(exe, (made = new WeakSet()));
  return made;
}

/** Whether the executable's memory is shared (the wasm backend in Node), so data can live in it. */
function sharesMemory(exe: Executable): boolean {
  return exe.zeros !== undefined && exe.zeros(1).buffer instanceof SharedArrayBuffer;
}

/**
 * Makes zeroed arrays in the executable's shared memory, for a loader to decode a dataset into
 * (then placed() has nothing to copy: no second 188 MB array and copy for MNIST); a plain array
 * past PLACE_LIMIT or when the memory is full. Undefined when the memory is not shared.
 */
export function arenaAllocator(exe: Executable): ((n: number) => Float32Array) | undefined {
  if (!sharesMemory(exe)) return undefined;
  const made = there(exe);
  return (n) => {
    if (4 * n <= PLACE_LIMIT) {
      try {
        const x = exe.zeros!(n);
        if (x instanceof Float32Array) {
          made.add(x);
          return x;
        }
      } catch {
        // the memory is full: a plain array, whose rows predict copies in as needed
      }
    }
    return new Float32Array(n);
  };
}

/**
 * The dataset with its inputs in the executable's memory when that memory is shared (the wasm
 * backend in Node), copied once: each evaluation's predict then reads its rows in place instead of
 * copying them in (the book's TwoLayerNet run copies 4 GB that way, about a tenth of its time),
 * for the memory of one more copy of the inputs. Otherwise the dataset as it is.
 */
export function placed(exe: Executable, ds: Dataset): Dataset {
  if (madeThere.get(exe)?.has(ds.x)) return ds;
  let byData = placedData.get(exe);
  if (byData === undefined) {
    byData = sharesMemory(exe) ? new WeakMap() : null;
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
    there(exe).add(x);
    copy = { ...ds, x };
    byData.set(ds.x, copy);
  }
  return copy;
}

/** Whether the dataset's inputs are in the executable's shared memory (placed there, or decoded there). */
export function inMemoryOf(exe: Executable, ds: Dataset): boolean {
  return madeThere.get(exe)?.has(ds.x) === true;
}
