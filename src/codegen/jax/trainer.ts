// The Python side of `nnc train --engine jax` (src/commands/train-jax.ts is the other): a fixed
// driver, written once here through the safe builder (no text from a .nn file reaches it; the
// model comes as the module ./module.ts rendered, the run as a JSON config and raw arrays). It
// runs the steps src/runtime/train.ts runs (the same batches, learning rates, optimizers, weight
// decay and clipping), jit-compiled and data-parallel: a mesh over every device JAX sees, the
// batch sharded over it, params and optimizer state replicated; several hosts through
// jax.distributed when JAX_COORDINATOR_ADDRESS is set. It reports on stdout, one JSON object a
// line: start, losses (in chunks, so the host does not wait on every step), epoch, diverged, done.
import { py, type Py } from "./python.js";

export const TRAINER_FILE = "nnc_jax_trainer.py";

export const TRAINER: Py = py`# nnc's JAX training driver (nnc train --engine jax). Do not edit: nnc writes it for each run.
import importlib.util
import json
import math
import os
import sys
import time

import numpy as np

config_path = sys.argv[1]
work = os.path.dirname(os.path.abspath(config_path))
with open(config_path) as f:
    cfg = json.load(f)
if cfg["dtype"] == "f64":
    os.environ["JAX_ENABLE_X64"] = "1"
import jax
import jax.numpy as jnp
from jax.sharding import Mesh, NamedSharding, PartitionSpec

if os.environ.get("JAX_COORDINATOR_ADDRESS"):
    jax.distributed.initialize(
        os.environ["JAX_COORDINATOR_ADDRESS"],
        int(os.environ.get("JAX_NUM_PROCESSES", "1")),
        int(os.environ.get("JAX_PROCESS_ID", "0")),
    )
LEAD = jax.process_index() == 0
FLOAT = np.float64 if cfg["dtype"] == "f64" else np.float32


def emit(kind, **fields):
    if LEAD:
        print(json.dumps({"type": kind, **fields}), flush=True)


spec = importlib.util.spec_from_file_location("nnc_model", os.path.join(work, "model.py"))
model = importlib.util.module_from_spec(spec)
spec.loader.exec_module(model)
META = model.META
PARAMS = [p["name"] for p in META["params"]]
STATE = [s["name"] for s in META["state"]]
SHAPES = {p["name"]: tuple(p["shape"]) for p in META["params"] + META["state"]}
X_NAME, T_NAME, OUT = cfg["input"], cfg["target"], cfg["output"]

devices = jax.devices()
if cfg["batch"] % len(devices) != 0:
    emit("error", message="the batch of %d rows does not split evenly over %d devices: give a --batch-size that is a multiple of %d" % (cfg["batch"], len(devices), len(devices)))
    sys.exit(2)
mesh = Mesh(np.array(devices), ("data",))
REPLICATED = NamedSharding(mesh, PartitionSpec())
ROWS = NamedSharding(mesh, PartitionSpec("data"))
PROCESSES, PROCESS = jax.process_count(), jax.process_index()


def raw(name, dtype, shape):
    return np.fromfile(os.path.join(work, name), dtype=dtype).reshape(shape)


def dataset(name):
    d = cfg["data"].get(name)
    if d is None:
        return None
    return raw(name + ".x", np.float32, (d["rows"], *cfg["row_shape"])).astype(FLOAT), raw(name + ".labels", np.int32, (d["rows"],))


train, test, val = dataset("train"), dataset("test"), dataset("val")
classes = cfg["classes"]


def targets(labels):
    if cfg["encoding"] == "index":
        return labels.astype(FLOAT)
    return np.eye(classes, dtype=FLOAT)[labels]


def global_rows(rows, sharding=ROWS):
    # This process's contiguous share of a global batch, assembled into one array over the mesh.
    share = rows.shape[0] // PROCESSES
    local = rows[PROCESS * share : (PROCESS + 1) * share]
    return jax.make_array_from_process_local_data(sharding, local, rows.shape)


flat = raw("init.bin", np.float64, (-1,))
values, at = {}, 0
for name in PARAMS + STATE:
    size = int(np.prod(SHAPES[name], dtype=np.int64))
    values[name] = jax.device_put(flat[at : at + size].reshape(SHAPES[name]).astype(FLOAT), REPLICATED)
    at += size
params = {n: values[n] for n in PARAMS}
state = {n: values[n] for n in STATE}


def optimizer(name, h, decays):
    momentum = h.get("momentum", 0.0)
    zeros = lambda p: {k: jnp.zeros_like(v) for k, v in p.items()}
    if name in ("sgd", "momentum", "nesterov"):
        def init(p):
            return {} if momentum == 0 else {"v": zeros(p)}
        def update(p, g, s, lr, correction):
            if momentum == 0:
                return {k: p[k] - lr * g[k] for k in p}, s
            v = {k: momentum * s["v"][k] - lr * g[k] for k in p}
            if name == "nesterov":
                return {k: p[k] + momentum * momentum * v[k] - (1 + momentum) * lr * g[k] for k in p}, {"v": v}
            return {k: p[k] + v[k] for k in p}, {"v": v}
        return init, update
    if name in ("adagrad", "rmsprop"):
        keep, add = (1.0, 1.0) if name == "adagrad" else (h["decay"], 1 - h["decay"])
        def update(p, g, s, lr, correction):
            hs = {k: keep * s["h"][k] + add * g[k] * g[k] for k in p}
            return {k: p[k] - lr * g[k] / (jnp.sqrt(hs[k]) + h["eps"]) for k in p}, {"h": hs}
        return (lambda p: {"h": zeros(p)}), update
    if name in ("adam", "adamw"):
        b1, b2, eps, wd = h["beta1"], h["beta2"], h["eps"], h.get("weight_decay", 0.0)
        def update(p, g, s, lr, correction):
            # As nnc's Adam: both bias corrections folded into lr_t, eps added to the uncorrected sqrt(v).
            lr_t = lr * correction
            m = {k: s["m"][k] + (1 - b1) * (g[k] - s["m"][k]) for k in p}
            v = {k: s["v"][k] + (1 - b2) * (g[k] * g[k] - s["v"][k]) for k in p}
            decay = {k: lr * wd if (wd > 0 and k in decays) else 0.0 for k in p}
            return {k: p[k] - (lr_t * m[k] / (jnp.sqrt(v[k]) + eps) + decay[k] * p[k]) for k in p}, {"m": m, "v": v}
        return (lambda p: {"m": zeros(p), "v": zeros(p)}), update
    raise SystemExit("nnc: error: the JAX engine has no optimizer " + name)


DECAYS = set(cfg["decays"])
WD, CLIP = cfg["weight_decay"], cfg["clip_norm"]
opt_init, opt_update = optimizer(cfg["optimizer"]["name"], cfg["optimizer"]["args"], DECAYS)
opt_state = jax.device_put(opt_init(params), REPLICATED)


def bias_correction(t):
    # Adam's two bias corrections as one factor of lr, computed on the host in float64 as nnc's loop
    # does: in float32, 1 - 0.999**t is off by 1e-5 at t = 1, which Adam carries into every param.
    o = cfg["optimizer"]
    if o["name"] not in ("adam", "adamw"):
        return np.ones_like(t)
    return np.sqrt(1 - o["args"]["beta2"] ** t) / (1 - o["args"]["beta1"] ** t)


def train_step(params, state, opt_state, x, t, lr, correction, key):
    def objective(p):
        return model.loss_and_state({**p, **state}, {X_NAME: x, T_NAME: t}, key)

    (loss, new_state), grads = jax.value_and_grad(objective, has_aux=True)(params)
    if WD > 0:
        # The book's L2 penalty: the loss gains half lambda |W|^2, each weight's gradient lambda W.
        loss = loss + 0.5 * WD * sum(jnp.sum(params[k] ** 2) for k in DECAYS)
        grads = {k: g + WD * params[k] if k in DECAYS else g for k, g in grads.items()}
    if CLIP is not None:
        norm = jnp.sqrt(sum(jnp.sum(g * g) for g in grads.values()))
        scale = jnp.where(norm > CLIP, CLIP / norm, 1.0)
        grads = {k: g * scale for k, g in grads.items()}
    params, opt_state = opt_update(params, grads, opt_state, lr, correction)
    return params, {**state, **new_state}, opt_state, loss


def run_steps(params, state, opt_state, xs, ts, rows, lrs, counts, corrections, base_key):
    # A chunk of steps in one XLA program (lax.scan): the data stays on the devices, each step
    # gathers its rows (sharded over the mesh) from the replicated training set.
    def body(carry, step_inputs):
        p, st, o = carry
        r, lr, count, correction = step_inputs
        x = jax.lax.with_sharding_constraint(xs[r], ROWS)
        t = jax.lax.with_sharding_constraint(ts[r], ROWS)
        key = jax.random.fold_in(base_key, count.astype(jnp.int32))
        p, st, o, loss = train_step(p, st, o, x, t, lr, correction, key)
        return (p, st, o), loss

    (params, state, opt_state), losses = jax.lax.scan(body, (params, state, opt_state), (rows, lrs, counts, corrections))
    return params, state, opt_state, losses


run_steps = jax.jit(run_steps, donate_argnums=(0, 1, 2), out_shardings=REPLICATED)


def correct(params, state, x, labels, valid):
    y = model.predict({**params, **state}, {X_NAME: x})[OUT]
    return jnp.sum(jnp.where(valid, jnp.argmax(y, axis=1) == labels, False))


correct = jax.jit(correct, out_shardings=REPLICATED)
EVAL_ROWS = -(-cfg["eval_batch"] // len(devices)) * len(devices)


def accuracy(ds):
    if ds is None or not cfg["evaluate"]:
        return None
    x, labels = ds
    hits = 0
    for start in range(0, x.shape[0], EVAL_ROWS):
        n = min(EVAL_ROWS, x.shape[0] - start)
        # The last chunk padded to the same shape (one compilation), its padding masked out.
        pad = lambda a: np.concatenate([a, np.zeros((EVAL_ROWS - n,) + a.shape[1:], a.dtype)]) if n < EVAL_ROWS else a
        valid = np.arange(EVAL_ROWS) < n
        hits += int(correct(params, state, global_rows(pad(x[start : start + n])), global_rows(pad(labels[start : start + n])), global_rows(valid)))
    return hits / x.shape[0]


order = raw("order.bin", np.int32, (cfg["iters"], cfg["batch"]))
lrs = raw("lrs.bin", np.float64, (cfg["iters"],)).astype(FLOAT)
everywhere = lambda a, sharding=REPLICATED: jax.make_array_from_callback(a.shape, sharding, lambda index: a[index])
xs, ts = everywhere(train[0]), everywhere(targets(train[1]))
base_key = jax.random.PRNGKey(cfg["seed"])
spe, iters, chunk = cfg["steps_per_epoch"], cfg["iters"], cfg["chunk"]
emit("start", devices=len(devices), processes=PROCESSES, platform=devices[0].platform, jax=jax.__version__)
started = time.perf_counter()
seconds = lambda: time.perf_counter() - started


def epoch_record(epoch, s, loss):
    return dict(epoch=epoch, step=s, loss=loss, trainAccuracy=accuracy(train), testAccuracy=accuracy(test), valAccuracy=accuracy(val))


def save(file):
    values = [np.asarray(v.addressable_data(0), dtype=np.float64).ravel() for v in [params[n] for n in PARAMS] + [state[n] for n in STATE]]
    if LEAD:
        np.concatenate(values).tofile(os.path.join(work, file))


emit("epoch", **epoch_record(0, 0, None), seconds=seconds())
epoch_losses, first, best = [], None, None
s = 0
while s < iters:
    # Chunks never cross the end of an epoch, where the accuracies are taken.
    n = min(chunk, spe - s % spe, iters - s)
    rows = everywhere(order[s : s + n], NamedSharding(mesh, PartitionSpec(None, "data")))
    counts = np.arange(s + 1, s + n + 1, dtype=np.float64)
    corrections = everywhere(bias_correction(counts).astype(FLOAT))
    params, state, opt_state, losses = run_steps(params, state, opt_state, xs, ts, rows, everywhere(lrs[s : s + n]), everywhere(counts.astype(FLOAT)), corrections, base_key)
    losses = [float(v) for v in np.asarray(losses.addressable_data(0))]
    for i, v in enumerate(losses):
        first = v if first is None else first
        if not math.isfinite(v) or v > 1e3 * max(1.0, abs(first)):
            emit("diverged", step=s + i + 1, loss=v if math.isfinite(v) else None, lr=float(lrs[s + i]))
            sys.exit(0)
    emit("losses", start=s + 1, values=losses)
    epoch_losses += losses
    s += n
    if s % spe == 0 or s == iters:
        record = epoch_record(s // spe + (1 if s % spe else 0), s, sum(epoch_losses) / len(epoch_losses))
        emit("epoch", **record, seconds=seconds())
        epoch_losses = []
        # The best validation accuracy so far (as nnc's early-stopping bookkeeping): its params for best.safetensors.
        if record["valAccuracy"] is not None and (best is None or record["valAccuracy"] > best):
            best = record["valAccuracy"]
            save("best.bin")
            emit("best", epoch=record["epoch"])

save("final.bin")
emit("done", seconds=seconds())
`;
