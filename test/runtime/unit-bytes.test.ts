// IDX pixels to [0, 1]: the WebAssembly kernel gives every byte the float32 nearest to b / 255,
// the same as the table it replaced, on lengths that cross its 64 KiB chunks and end mid-vector.
import { describe, expect, it } from "vitest";
import { BYTE_SCALE, unitBytes } from "../../src/runtime/data/unit-bytes.js";

describe("unitBytes", () => {
  it("maps every byte to Math.fround(b / 255): 0 to 0, 255 to 1", () => {
    const all = Uint8Array.from({ length: 256 }, (_, b) => b);
    const x = new Float32Array(256);
    unitBytes(all, x);
    expect(Array.from(x)).toEqual(Array.from(all, (b) => Math.fround(b / 255)));
    expect(Array.from(BYTE_SCALE)).toEqual(Array.from(x));
    expect([x[0], x[255]]).toEqual([0, 1]);
  });

  it("converts lengths across chunks and with a tail of fewer than 16 bytes, into shared memory too", () => {
    let seed = 5;
    for (const n of [0, 1, 15, 17, 65536, 65536 * 2 + 37]) {
      const src = Uint8Array.from({ length: n }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
      const x = new Float32Array(new SharedArrayBuffer(4 * (n + 3))).fill(-1);
      unitBytes(src, x);
      expect(Array.from(x.subarray(0, n)), `n = ${n}`).toEqual(Array.from(src, (b) => BYTE_SCALE[b]!));
      expect(Array.from(x.subarray(n)), "past the end: untouched").toEqual([-1, -1, -1]);
    }
  });
});
