// Python with jax for the JAX tests: NNC_PYTHON (set by .ci/run to its venv) or python3. Without
// it the tests skip, saying why, except under CI, where a missing jax fails instead: CI must never
// pass by skipping them.
import { spawnSync } from "node:child_process";
import { expect } from "vitest";
import type { Tensor } from "../../src/graph/tensor.js";
import { findPythonWithJax } from "../../src/runtime/python.js";

const found = findPythonWithJax();

/** The Python to run, or undefined (the tests skip) when there is none outside CI. */
export const jaxPython: string | undefined = (() => {
  if ("python" in found) return found.python;
  if (process.env.CI) throw new Error(`CI runs the JAX tests: ${found.missing}`);
  console.warn(`skipping the JAX tests: ${found.missing}`);
  return undefined;
})();

/** Runs a Python script with JSON on stdin; returns its JSON on stdout, or throws with stderr. */
export function runPython(script: string, input: unknown, env: Record<string, string> = {}): unknown {
  const r = spawnSync(jaxPython!, ["-c", script], {
    input: JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Relative tolerance of the float64 agreement tests (test/jax/models.test.ts says why). */
export const TOLERANCE = 1e-8;

export const plain = (t: Tensor) => ({ shape: t.shape, data: Array.from(t.data) });

// One Python process for every case: importing jax costs seconds.
export const AGREE_DRIVER = String.raw`
import importlib.util, json, sys
import jax
jax.config.update("jax_enable_x64", True)
import numpy as np
out = []
for c in json.load(sys.stdin):
    spec = importlib.util.spec_from_file_location("m", c["path"])
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    arr = lambda t: np.asarray(t["data"], dtype=np.float64).reshape(t["shape"])
    params = {k: arr(v) for k, v in c["params"].items()}
    batch = {k: arr(v) for k, v in c["batch"].items()}
    inputs = batch if c.get("predictAll") else {i["name"]: batch[i["name"]] for i in m.META["inputs"] if i["role"] == "input"}
    flat = lambda d: {k: np.asarray(v, dtype=np.float64).ravel().tolist() for k, v in d.items()}
    r = {"outputs": flat(m.predict(params, inputs))}
    if m.META["loss"]:
        loss, state = m.loss_and_state(params, batch)
        r["loss"] = float(loss)
        r["state"] = flat(state)
        grads = jax.grad(m.loss)(params, batch)
        r["grads"] = flat({p["name"]: grads[p["name"]] for p in m.META["params"]})
    out.append(r)
print(json.dumps(out))
`;

export interface JaxResult {
  outputs: Record<string, number[]>;
  loss?: number;
  state?: Record<string, number[]>;
  grads?: Record<string, number[]>;
}

export const largest = (xs: ArrayLike<number>) => Array.from(xs).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, scale = largest(expected)): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i]!, expected[i]!];
    const err = Math.abs(a - e) / Math.max(Math.abs(e), 1e-6 * scale, 1e-300);
    if (!(err <= TOLERANCE)) expect.fail(`${what}[${i}]: JAX ${a}, nnc ${e} (relative error ${err})`);
  }
}
