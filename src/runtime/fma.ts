// Fused multiply-adds for the compiled modules this process loads. Each wasm module carries its
// kernels twice, with relaxed SIMD's f32x4.relaxed_madd and with a multiply and an add, and picks
// the first where it validates (src/prelude/arena.ts). Node 22+ and Chrome validate relaxed SIMD
// as shipped; Node 20 does once V8's flag is set, which must happen before a module is compiled.
// The FMA kernels run a TwoLayerNet step 15-25% faster on a core with FMA; their sums round once
// per multiply-add, so results differ from the plain kernels' by float32 rounding.
import { setFlagsFromString } from "node:v8";
import { WebAssemblyApi } from "../codegen/wasm/api.js";

/** (module (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0)))) */
const PROBE = (() => {
  const zero = () => [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...zero(), ...zero(), ...zero(), 0xfd, 0x85, 0x02, 0x0b];
  const type = [0x01, 0x60, 0x00, 0x01, 0x7b];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, type.length, ...type],
    ...[0x03, 0x02, 0x01, 0x00],
    ...[0x0a, body.length + 2, 0x01, body.length, ...body],
  ]);
})();

const validate = (bytes: Uint8Array): boolean => WebAssemblyApi.validate(bytes);

/**
 * Lets compiled modules loaded from now on use fused multiply-adds (Node 20: sets
 * --experimental-wasm-relaxed-simd); NNC_FMA=0 declines. Whether relaxed SIMD now validates.
 */
export function enableFma(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.NNC_FMA === "0") return false;
  if (validate(PROBE)) return true;
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  return validate(PROBE);
}

/** Whether relaxed SIMD validates in this process (the FMA kernels would be picked unless NNC_FMA=0). */
export function fmaAvailable(): boolean {
  return validate(PROBE);
}
