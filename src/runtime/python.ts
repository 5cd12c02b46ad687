// The Python that runs JAX for `nnc train --engine jax` (and the JAX tests): NNC_PYTHON, else
// python3 on the PATH. Only the JAX engine asks for it; the JS path never needs Python.
import { spawnSync } from "node:child_process";

export interface PythonWithJax {
  readonly python: string;
  readonly jaxVersion: string;
}

/** How to get jax, for the error when it is missing. */
export const INSTALL_JAX =
  "install it with `python3 -m venv .venv && .venv/bin/pip install jax` and set NNC_PYTHON=.venv/bin/python (on a GPU: pip install 'jax[cuda12]')";

/** The Python to use and its jax version, or a message saying what is missing and how to fix it. */
export function findPythonWithJax(env: NodeJS.ProcessEnv = process.env): PythonWithJax | { readonly missing: string } {
  const python = env.NNC_PYTHON || "python3";
  const r = spawnSync(python, ["-c", "import jax; print(jax.__version__)"], { encoding: "utf8", env });
  if (r.error) return { missing: `cannot run ${python} (${r.error.message}): the JAX engine needs Python with jax; ${INSTALL_JAX}` };
  if (r.status !== 0) {
    const why = /No module named/.test(r.stderr)
      ? "has no jax"
      : `cannot import jax (${r.stderr.trim().split("\n").pop() ?? "unknown error"})`;
    return { missing: `${python} ${why}: ${INSTALL_JAX}` };
  }
  return { python, jaxVersion: r.stdout.trim() };
}
