// What the ONNX tests share: onnxruntime (CPU) sessions, and comparing float32 outputs.
import * as ort from "onnxruntime-node";
import { expect } from "vitest";
import type { Shape } from "../../src/graph/ir.js";
import { encodeModel, type ModelProto } from "../../src/onnx/proto.js";

export type Feeds = Readonly<Record<string, { readonly data: Float32Array; readonly shape: readonly number[] }>>;

/** The model run by onnxruntime: each output's values. */
export async function runOnnx(model: ModelProto | Uint8Array, feeds: Feeds): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(model instanceof Uint8Array ? model : encodeModel(model));
  const tensors = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor("float32", v.data, [...v.shape])]));
  const out = await session.run(tensors);
  await session.release();
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Float32Array.from(t.data as Float32Array)]));
}

/** A shape with `batch` bound. */
export function concrete(shape: Shape, batch: number): number[] {
  return shape.map((d) => (typeof d === "number" ? d : batch));
}

/**
 * Both sides compute in float32 but sum in different orders (a 784-term dot product loses a few
 * ulps each way), so values agree to |a - b| <= atol + rtol·|b|; 1e-5 and 1e-4 sit ~10x above
 * the differences seen on these models.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, atol = 1e-5, rtol = 1e-4): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - (atol + rtol * Math.abs(expected[i]!));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  expect(at, `${what}: element ${at} is ${actual[at]}, expected ${expected[at]}`).toBe(-1);
}
