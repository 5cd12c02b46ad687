// Issue 13.6: the train { } section is checked with the rest of the model, at the setting's
// file:line:col, with did-you-mean; `nnc check` no longer accepts what `nnc train` rejects.
import { describe, expect, it } from "vitest";
import { classifier, nnc, scratch } from "../support/cli.js";

const t = scratch("nnc-train-section-");

async function checkWith(setting: string, replace = "optimizer = adam(lr = 0.05)") {
  const file = t.put(`m${Math.random().toString(36).slice(2)}.nn`, classifier(3).replace(replace, setting));
  return { file, ...(await nnc("check", file)) };
}

describe("the train section in nnc check", () => {
  it("an unknown optimizer, at its line, with did-you-mean", async () => {
    const r = await checkWith("optimizer = adma(lr = 0.05)");
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `${r.file}:11:5: error: unknown optimizer 'adma'; did you mean 'adam'? (known: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw)\n` +
        `      optimizer = adma(lr = 0.05)\n      ^~~~~~~~~~~~~~~~~~~~~~~~~~~\n`,
    );
  });

  it("an optimizer's unknown or out-of-range hyperparameter", async () => {
    const typo = await checkWith("optimizer = adam(lr = 0.05, beta = 0.9)");
    expect(typo.code).toBe(1);
    expect(typo.err).toContain(`${typo.file}:11:5: error: adam has no hyperparameter 'beta'; did you mean 'beta1'?`);
    const range = await checkWith("optimizer = momentum(momentum = 1.5)");
    expect(range.code).toBe(1);
    expect(range.err).toMatch(new RegExp(`^${range.file}:11:5: error: momentum: momentum must be`));
  });

  it("schedules and sampling modes too", async () => {
    const schedule = await checkWith("lr_schedule = cosin", "batch_size = 10");
    expect(schedule.err).toContain(`${schedule.file}:12:5: error: unknown learning-rate schedule 'cosin'; did you mean 'cosine'?`);
    const sampling = await checkWith("sampling = with_replacment", "batch_size = 10");
    expect(sampling.err).toContain(`unknown sampling mode 'with_replacment'; did you mean 'with_replacement'?`);
    const ok = await checkWith("lr_schedule = step(every = 2, gamma = 0.5)\n    warmup = 10\n    clip_norm = 5", "batch_size = 10");
    expect(ok.err).toBe("");
    expect(ok.code).toBe(0);
  });
});
