// The kernel registry and the op table agree: every op whose OpDef says its kernel is a plugin has
// one in src/codegen/kernels/, and no plugin computes an op that says otherwise.
import { describe, expect, it } from "vitest";
import { KERNELS } from "../../src/codegen/kernels/index.js";
import { OP_KINDS, OPS } from "../../src/graph/ops/index.js";

describe("kernel plugins", () => {
  it("exist exactly for the ops whose kernel is a plugin", () => {
    const heavy = OP_KINDS.filter((op) => OPS[op].kernel.kind === "kernel").sort();
    expect(Object.keys(KERNELS).sort()).toEqual(heavy);
  });
});
