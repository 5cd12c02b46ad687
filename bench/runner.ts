// One Node peer on one workload, in a process of its own: `node runner.js JOB.json`. Reads the
// data the parent wrote, runs the protocol (bench/harness/protocol.ts) and writes its result as
// JSON to the job's `result` path (and the params after the check to its `params` path).
import { readFileSync, writeFileSync } from "node:fs";
import { readData } from "./harness/data.js";
import { peerById, Unavailable, type PeerContext } from "./harness/peers.js";
import { check, time } from "./harness/protocol.js";
import type { Job, RunnerResult } from "./harness/job.js";

async function run(job: Job): Promise<RunnerResult> {
  const entry = peerById(job.peer);
  if (entry.runner.kind !== "node") throw new Error(`${entry.id} is not a Node peer`);
  const data = readData(job.files);
  const ctx: PeerContext = { workload: job.workload, data, dtype: entry.dtype, root: job.root };
  try {
    const peer = await entry.runner.load();
    const info = (await peer.describe?.(ctx)) ?? {};
    const t0 = performance.now();
    const timed = await peer.create(ctx);
    const setupMs = performance.now() - t0;
    const timing = time(timed, data.batches, job.plan);
    timed.dispose?.();
    const fresh = await peer.create(ctx);
    const checked = check(fresh, data.batches, job.plan, job.files.params);
    fresh.dispose?.();
    writeFileSync(job.params, checked.params);
    return { status: "ok", setupMs, timing, check: checked.check, info: { ...info, ...timed.info } };
  } catch (e) {
    if (e instanceof Unavailable) return { status: "unavailable", reason: e.message };
    throw e;
  }
}

const job = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Job;
let result: RunnerResult;
try {
  result = await run(job);
} catch (e) {
  result = { status: "failed", error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
writeFileSync(job.result, JSON.stringify(result));
// tfjs-wasm keeps the event loop alive; the result is written, so end here.
process.exit(0);
