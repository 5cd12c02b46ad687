"""One numpy peer on one workload: `python3 numpy_runner.py JOB.json`, started by bench/run.ts.
Mirrors bench/harness/protocol.ts: warm-up (steps or seconds), timed chunks until minSteps and minSeconds (or
maxSeconds), then a check from fresh params; writes the result as JSON to the job's `result` and
the params after the check to its `params` file.
The data and the initial params come from the binary files the parent wrote.
"""
import ctypes
import json
import sys
import time


def blas_info(np):
    """Which BLAS numpy uses, and, for OpenBLAS, its kernel (core) and thread count, asked of the
    loaded library itself (what threadpoolctl does; it is not installed here)."""
    info = {"numpy": np.__version__}
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older numpy: no mode="dicts"
        pass
    try:
        import threadpoolctl  # noqa: F401  (used when present)

        for pool in threadpoolctl.threadpool_info():
            if pool.get("user_api") == "blas":
                info["blas_core"] = str(pool.get("architecture"))
                info["blas_threads"] = str(pool.get("num_threads"))
                return info
    except ImportError:
        pass
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line})
    for path in paths:
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_", ""):
            for suffix in ("64_", "", "_64"):
                try:
                    corename = getattr(lib, f"{prefix}openblas_get_corename{suffix}")
                    threads = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}")
                except AttributeError:
                    continue
                corename.restype = ctypes.c_char_p
                info["blas_core"] = corename().decode()
                info["blas_threads"] = str(threads())
                return info
    return info


def make_peer(np, job, dtype):
    from numpy_conv_net import SimpleConvNet
    from numpy_multi_layer import SGD, Adam, MultiLayerNet
    from numpy_two_layer import TwoLayerNet

    w = job["workload"]
    files = job["files"]
    flat = np.fromfile(files["init"], dtype=np.float64)
    conv = w.get("conv")
    # The book's names (W1, b1, W2, ...) for the workload's (W1 or layers.0.W, ...), with their shapes.
    shapes = []
    if conv:
        c, size = conv["image"][0], conv["size"]
        shapes.append(((conv["W"], (conv["filters"], c, size, size)), (conv["b"], (conv["filters"], 1, 1))))
    shapes += [((layer["W"], (layer["in"], layer["out"])), (layer["b"], (layer["out"],))) for layer in w["layers"]]
    names = {}
    params = {}
    for i, layer in enumerate(shapes):
        for kind, (name, shape) in zip(("W", "b"), layer):
            offset, length = files["params"][name]
            params[f"{kind}{i + 1}"] = flat[offset:offset + length].astype(dtype).reshape(shape)
            names[f"{kind}{i + 1}"] = name
    if w["book"] == "TwoLayerNet":
        net = TwoLayerNet(params)
    elif w["book"] == "SimpleConvNet":
        net = SimpleConvNet(params, {"stride": conv["stride"], "pad": conv["pad"]})
    else:
        net = MultiLayerNet(params, hidden_layer_num=len(w["layers"]) - 1, activation=w["activation"])
    o = w["optimizer"]
    optimizer = SGD(lr=o["lr"]) if o["name"] == "sgd" else Adam(lr=o["lr"], beta1=o["beta1"], beta2=o["beta2"], eps=o["eps"])

    B = w["batchSize"]
    k = files["batches"]
    image = tuple(conv["image"]) if conv else (784,)
    x = np.fromfile(files["x"], dtype=np.float32).astype(dtype).reshape(k, B, *image)
    t = np.fromfile(files["t"], dtype=np.float32).astype(dtype).reshape(k, B, 10)
    xs = [x[i].copy() for i in range(k)]
    ts = [t[i].copy() for i in range(k)]

    def step(i):
        loss, grads = net.gradient(xs[i], ts[i])
        optimizer.update(net.params, grads)
        return float(loss)

    return step, net.params, names


def run(job):
    try:
        import numpy as np
    except ImportError as e:
        return {"status": "unavailable", "reason": f"python3 has no numpy ({e})"}
    dtype = np.float32 if job["dtype"] == "f32" else np.float64
    plan = job["plan"]
    batches = job["files"]["batches"]
    info = blas_info(np)
    info["python"] = sys.version.split()[0]

    # 1. warm-up
    t0 = time.perf_counter()
    step, _, _ = make_peer(np, job, dtype)
    setup_ms = (time.perf_counter() - t0) * 1000
    n = 0
    sink = 0.0
    t0 = time.perf_counter()
    while n < 2 or (n < plan["warmupSteps"] and time.perf_counter() - t0 < plan["warmupSeconds"]):
        sink += step(n % batches)
        n += 1
    warmup_steps = n
    warmup_ms = (time.perf_counter() - t0) * 1000 / n
    # 2. timed chunks
    chunk_steps = max(1, round(plan["chunkMs"] / max(warmup_ms, 1e-3)))
    chunks = []
    timed = 0
    start = time.perf_counter()
    while True:
        c0 = time.perf_counter()
        for _ in range(chunk_steps):
            sink += step(n % batches)
            n += 1
        c1 = time.perf_counter()
        chunks.append((c1 - c0) * 1000 / chunk_steps)
        timed += chunk_steps
        seconds = c1 - start
        if (timed >= plan["minSteps"] and seconds >= plan["minSeconds"]) or seconds >= plan["maxSeconds"]:
            break
    timing = {"chunks": chunks, "chunkSteps": chunk_steps, "steps": timed, "seconds": time.perf_counter() - start, "warmupSteps": warmup_steps, "warmupMsPerStep": warmup_ms}
    # 3. check, from fresh params
    step, params, names = make_peer(np, job, dtype)
    losses = [step(i % batches) for i in range(plan["checkSteps"])]
    flat = np.zeros(sum(length for _, length in job["files"]["params"].values()), dtype=np.float64)
    for key, value in params.items():
        offset, length = job["files"]["params"][names[key]]
        flat[offset:offset + length] = value.ravel()
    flat.tofile(job["params"])
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
