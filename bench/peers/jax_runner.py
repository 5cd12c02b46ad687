"""The JAX peer on one workload: `$NNC_PYTHON jax_runner.py JOB.json`, started by bench/run.ts.
The workload's .nn model through `nnc compile --target jax` (the module nnc train --engine jax
runs), its loss differentiated by jax.value_and_grad and updated by nnc's SGD or Adam, the whole
step one jit-compiled XLA program on the devices JAX sees (the CPU here). Mirrors
bench/peers/numpy_runner.py: warm-up, timed chunks, then a check from fresh params. Each step
ends with float(loss), so a step's time includes waiting for the device, as every peer's does.
"""
import json
import os
import subprocess
import sys
import tempfile
import time


def compile_module(job, work):
    w = job["workload"]
    out = os.path.join(work, "model.py")
    sets = [a for k, v in w["model"]["set"].items() for a in ("--set", f"{k}={v}")]
    cmd = ["node", os.path.join(job["root"], "bin", "nnc.js"), "compile", os.path.join(job["root"], w["model"]["file"]), "--target", "jax", "-o", out, *sets]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return out, (time.perf_counter() - t0) * 1000


def run(job):
    if job["dtype"] == "f64":
        os.environ["JAX_ENABLE_X64"] = "1"
    try:
        import jax
        import jax.numpy as jnp
        import numpy as np
    except ImportError as e:
        return {"status": "unavailable", "reason": f"{sys.executable} has no jax ({e}); set NNC_PYTHON to a Python with jax"}
    import importlib.util

    dtype = np.float32 if job["dtype"] == "f32" else np.float64
    plan, files, w = job["plan"], job["files"], job["workload"]
    work = tempfile.mkdtemp(prefix="nnc-bench-jax-")
    path, compile_ms = compile_module(job, work)
    spec = importlib.util.spec_from_file_location("bench_model", path)
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    x_spec = next(i for i in model.META["inputs"] if i["role"] == "input")
    x_name, row_shape = x_spec["name"], tuple(x_spec["shape"][1:])  # a conv net's rows are [1, 28, 28]
    t_name = next(i["name"] for i in model.META["inputs"] if i["role"] == "target")
    flat = np.fromfile(files["init"], dtype=np.float64)
    shapes = {p["name"]: tuple(p["shape"]) for p in model.META["params"]}
    B, k = w["batchSize"], files["batches"]
    xs = jnp.asarray(np.fromfile(files["x"], dtype=np.float32).astype(dtype).reshape(k, B, *row_shape))
    ts = jnp.asarray(np.fromfile(files["t"], dtype=np.float32).astype(dtype).reshape(k, B, 10))
    o = w["optimizer"]

    def step_lr(count):
        # nnc's Adam: both bias corrections folded into lr_t, computed on the host in float64 as
        # nnc and the numpy peer do (1 - 0.999**t in float32 is off by 1e-5 at t = 1).
        if o["name"] == "sgd":
            return o["lr"]
        return o["lr"] * np.sqrt(1 - o["beta2"] ** count) / (1 - o["beta1"] ** count)

    def update(p, g, s, lr_t):
        if o["name"] == "sgd":
            return {n: p[n] - lr_t * g[n] for n in p}, s
        b1, b2 = o["beta1"], o["beta2"]
        m = {n: s["m"][n] + (1 - b1) * (g[n] - s["m"][n]) for n in p}
        v = {n: s["v"][n] + (1 - b2) * (g[n] * g[n] - s["v"][n]) for n in p}
        return {n: p[n] - lr_t * m[n] / (jnp.sqrt(v[n]) + o["eps"]) for n in p}, {"m": m, "v": v}

    @jax.jit
    def train_step(p, s, x, t, lr_t):
        loss, g = jax.value_and_grad(model.loss)(p, {x_name: x, t_name: t})
        p, s = update(p, g, s, lr_t)
        return p, s, loss

    def fresh():
        p = {}
        for name, shape in shapes.items():
            offset, length = files["params"][name]
            p[name] = jnp.asarray(flat[offset : offset + length].astype(dtype).reshape(shape))
        s = {} if o["name"] == "sgd" else {"m": {n: jnp.zeros_like(v) for n, v in p.items()}, "v": {n: jnp.zeros_like(v) for n, v in p.items()}}
        state = {"p": p, "s": s, "count": 0}

        def step(i):
            state["count"] += 1
            state["p"], state["s"], loss = train_step(state["p"], state["s"], xs[i], ts[i], dtype(step_lr(state["count"])))
            return float(loss)

        return step, state

    t0 = time.perf_counter()
    step, _ = fresh()
    step(0)  # the first call compiles
    setup_ms = compile_ms + (time.perf_counter() - t0) * 1000
    n, t0 = 1, time.perf_counter()
    while n < 2 or (n < plan["warmupSteps"] and time.perf_counter() - t0 < plan["warmupSeconds"]):
        step(n % k)
        n += 1
    warmup_ms = (time.perf_counter() - t0) * 1000 / max(1, n - 1)
    chunk_steps = max(1, round(plan["chunkMs"] / max(warmup_ms, 1e-3)))
    chunks, timed, start = [], 0, time.perf_counter()
    while True:
        c0 = time.perf_counter()
        for _ in range(chunk_steps):
            step(n % k)
            n += 1
        c1 = time.perf_counter()
        chunks.append((c1 - c0) * 1000 / chunk_steps)
        timed += chunk_steps
        if (timed >= plan["minSteps"] and c1 - start >= plan["minSeconds"]) or c1 - start >= plan["maxSeconds"]:
            break
    timing = {"chunks": chunks, "chunkSteps": chunk_steps, "steps": timed, "seconds": time.perf_counter() - start, "warmupSteps": n, "warmupMsPerStep": warmup_ms}
    step, state = fresh()
    losses = [step(i % k) for i in range(plan["checkSteps"])]
    out = np.zeros(sum(length for _, length in files["params"].values()), dtype=np.float64)
    for name, value in state["p"].items():
        offset, length = files["params"][name]
        out[offset : offset + length] = np.asarray(value, dtype=np.float64).ravel()
    out.tofile(job["params"])
    info = {"jax": jax.__version__, "devices": f"{len(jax.devices())} {jax.devices()[0].platform}", "python": sys.version.split()[0]}
    return {"status": "ok", "setupMs": setup_ms, "timing": timing, "check": {"losses": losses}, "info": info}


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    try:
        result = run(job)
    except Exception as e:  # reported by the parent, with the traceback
        import traceback

        result = {"status": "failed", "error": f"{e}\n{traceback.format_exc()}"}
    with open(job["result"], "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
