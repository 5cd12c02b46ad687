// Issue 13.3: every mistake a user can make is a usage error (exit 2) or an error in their model
// or data (exit 1), with a message about their input; "internal error" (exit 3) is for bugs only.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifier, csvRows, nnc, scratch, type Run } from "../support/cli.js";

const t = scratch("nnc-mistakes-");
const model = t.put("three.nn", classifier(3, "", "Three"));
const data = t.put("d.csv", csvRows(40, 3));
const aFile = t.put("afile", "not a folder");

function expectUserError(r: Run, code: 1 | 2, message: string): void {
  expect(r.err).not.toMatch(/internal error|\n\s+at /);
  expect(r.err).toContain(`nnc: error: ${message}`);
  expect(r.code).toBe(code);
}

describe("user mistakes are reported as theirs", () => {
  it("an output path that cannot be written (train --out, compile -o)", async () => {
    expectUserError(
      await nnc("train", model, "--data", data, "--out", join(aFile, "run")),
      2,
      `cannot create the folder ${join(aFile, "run")}: a part of the path is a file, not a folder`,
    );
    expectUserError(
      await nnc("compile", model, "-o", join(aFile, "m.js")),
      2,
      `cannot create the folder ${aFile}: a file of that name is in the way`,
    );
  });

  it("a custom optimizer that throws", async () => {
    const opt = t.put("throws.mjs", `export default () => ({ init: () => ({}), update() { throw new Error("my bug"); } });\n`);
    expectUserError(
      await nnc("train", model, "--data", data, "--out", join(t.dir, "opt"), "--optimizer", opt),
      2,
      `optimizer "throws" (from ${opt}) threw in update at step 1: my bug`,
    );
  });

  it("--resume with a changed --set, and into another model's run folder", async () => {
    const out = join(t.dir, "run");
    expect((await nnc("train", model, "--data", data, "--out", out, "--json")).code).toBe(0);
    expectUserError(
      await nnc("train", model, "--data", data, "--out", out, "--resume", "--set", "hidden=16"),
      2,
      `--resume: the settings differ from the checkpoint's:\n  --set hidden: the run was started with 8, now 16`,
    );
    const other = t.put("other.nn", classifier(3, "", "Other"));
    expectUserError(
      await nnc("train", other, "--data", data, "--out", out, "--resume"),
      2,
      `${join(out, "checkpoint.safetensors")} is a checkpoint of model 'Three', not 'Other': this folder holds another model's run; give another --out`,
    );
  });

  it("a model too large to allocate (--set hidden=1e9)", async () => {
    for (const argv of [
      ["train", model, "--data", data, "--out", join(t.dir, "big")],
      ["compile", model, "-o", join(t.dir, "big.js")],
    ]) {
      const r = await nnc(...argv, "--set", "hidden=1e9");
      expectUserError(r, 1, "Three is too large to allocate: ");
      expect(r.err).toContain("; check the hyperparameters (hidden = 1000000000)");
    }
  });

  it("output piped into a reader that has gone (| head, | true) ends quietly, without a stack trace", () => {
    // `true` exits before nnc has started, so nnc's first write meets a closed pipe (EPIPE).
    const r = spawnSync("sh", ["-c", "node bin/nnc.js summary models/multi_layer_net_extend.nn | true; echo exit $?"], {
      cwd: join(import.meta.dirname, "../.."),
      encoding: "utf8",
    });
    expect(r.stdout).toBe("exit 0\n");
    expect(r.stderr).toBe("");
  });

  it("README lists every exit code", () => {
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    expect(readme).toMatch(/Exit codes: 0 success,\s1 [^.]*,\s2 [^.]*,\s3 [^.]*,\s130 [^.]*\./);
  });
});
