// The optimizer registry: names, hyperparameter checks with messages that say what to do,
// users' own optimizers (registered or loaded from a module), duplicates rejected.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createOptimizer, loadOptimizerModule, optimizerNames, registerOptimizer } from "../../src/runtime/optimizer-registry.js";
import { OptimizerError, type Optimizer, type Params } from "../../src/runtime/optimizers.js";

const dir = mkdtempSync(join(tmpdir(), "nnc-opt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An optimizer that moves every param by -step · scale · sign(g): easy to check. */
const signSgd = (args: Readonly<Record<string, number>>): Optimizer<null> => ({
  init: () => null,
  update(params, grads, state) {
    for (const key in params) {
      const p = params[key]!;
      for (let i = 0; i < p.length; i++) p[i]! -= args.lr! * Math.sign(grads[key]![i]!);
    }
    return state;
  },
});

function step(name: string, args: Record<string, number> = {}): number {
  const opt = createOptimizer(name, args);
  const params: Params = { w: Float64Array.of(1) };
  opt.update(params, { w: Float64Array.of(-3) }, opt.init(params), 1);
  return params.w![0]!;
}

describe("built-in optimizers by name", () => {
  it("lists them in order of increasing complexity", () => {
    expect(optimizerNames().slice(0, 7)).toEqual(["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]);
  });

  it("rejects bad hyperparameters with what to do", () => {
    const bad: [string, Record<string, number>, string][] = [
      ["sgd", { lr: -1 }, "sgd: lr must be a positive number, got -1; try 0.01"],
      ["sgd", { lr: NaN }, "sgd: lr must be a positive number, got NaN; try 0.01"],
      ["adam", { lr: Infinity }, "adam: lr must be a positive number, got Infinity; try 0.001"],
      ["momentum", { momentum: 1 }, "momentum: momentum must be a number in [0, 1), got 1; try 0.9"],
      ["rmsprop", { decay: -0.5 }, "rmsprop: decay must be a number in [0, 1), got -0.5; try 0.99"],
      ["adamw", { weight_decay: -0.1 }, "adamw: weight_decay must be a number >= 0, got -0.1; try 0.01"],
      ["adagrad", { eps: 0 }, "adagrad: eps must be a positive number, got 0; try 1e-7"],
    ];
    for (const [name, args, message] of bad) {
      expect(() => createOptimizer(name, args)).toThrow(OptimizerError);
      expect(() => createOptimizer(name, args)).toThrow(message);
    }
  });

  it("rejects unknown hyperparameters and optimizers with a did-you-mean", () => {
    expect(() => createOptimizer("sgd", { lrr: 0.1 })).toThrow('sgd has no hyperparameter "lrr"; did you mean "lr"? sgd takes lr.');
    expect(() => createOptimizer("adam", { beta: 0.9 })).toThrow('did you mean "beta1"? adam takes lr, beta1, beta2, eps.');
    expect(() => createOptimizer("sgd", { momentum: 0.9 })).toThrow('sgd has no hyperparameter "momentum"; sgd takes lr.');
    expect(() => createOptimizer("adma")).toThrow(
      'unknown optimizer "adma"; did you mean "adam"? the optimizers are sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw',
    );
    expect(() => createOptimizer("adma")).toThrow("--optimizer ./my-optimizer.js");
  });

  it("uses the book's defaults", () => {
    expect(step("sgd")).toBeCloseTo(1 + 0.01 * 3, 12);
    expect(step("adam")).toBeCloseTo(1 + 0.001, 6);
  });
});

describe("users' optimizers", () => {
  it("registerOptimizer adds one by name; a duplicate or a built-in name is rejected", () => {
    registerOptimizer("sign_sgd", signSgd, { defaults: { lr: 0.5 } });
    expect(optimizerNames()).toContain("sign_sgd");
    expect(step("sign_sgd")).toBe(1.5);
    expect(step("sign_sgd", { lr: 0.25 })).toBe(1.25);
    expect(() => registerOptimizer("sign_sgd", signSgd)).toThrow(
      'an optimizer named "sign_sgd" is already registered; give this one another name',
    );
    expect(() => registerOptimizer("adam", signSgd)).toThrow('an optimizer named "adam" is built in; give yours another name');
    expect(() => registerOptimizer("my optimizer", signSgd)).toThrow("must start with a letter or _");
  });

  it("checks args against the registered defaults, and what the factory returns", () => {
    expect(() => step("sign_sgd", { rl: 1 })).toThrow('sign_sgd has no hyperparameter "rl"; did you mean "lr"? sign_sgd takes lr.');
    expect(() => step("sign_sgd", { lr: NaN })).toThrow("sign_sgd: lr must be a finite number, got NaN");
    registerOptimizer("broken", () => ({}) as Optimizer);
    expect(() => createOptimizer("broken")).toThrow(
      'optimizer "broken": its factory must return an object with init(params) and update(params, grads, state, step) methods',
    );
  });

  it("loadOptimizerModule imports a default-exported factory, named after the file, and registers it once", async () => {
    const file = join(dir, "my-optimizer.mjs");
    writeFileSync(
      file,
      `export const defaults = { lr: 0.1 };
       export default function ({ lr }) {
         return {
           init: (params) => ({ calls: 0 }),
           update(params, grads, state, step) {
             for (const k in params) for (let i = 0; i < params[k].length; i++) params[k][i] -= lr * step * grads[k][i];
             state.calls++;
             return state;
           },
         };
       }`,
    );
    expect(await loadOptimizerModule(file)).toBe("my-optimizer");
    expect(step("my-optimizer")).toBeCloseTo(1.3, 12);
    expect(() => createOptimizer("my-optimizer", { momentum: 1 })).toThrow(
      'my-optimizer has no hyperparameter "momentum"; my-optimizer takes lr.',
    );
    await expect(loadOptimizerModule(file)).rejects.toThrow(
      `an optimizer named "my-optimizer" is already registered (from ${file}); export another \`name\` from ${file}`,
    );
  });

  it("loadOptimizerModule takes a named `factory` and `name`", async () => {
    const file = join(dir, "other.mjs");
    writeFileSync(
      file,
      `export const name = "halver"; export function factory() { return { init: () => null, update(p, g, s) { for (const k in p) p[k][0] /= 2; return s; } }; }`,
    );
    expect(await loadOptimizerModule(file)).toBe("halver");
    expect(step("halver")).toBe(0.5);
  });

  it("loadOptimizerModule explains a missing file, a module without a factory, and a broken module", async () => {
    await expect(loadOptimizerModule(join(dir, "nope.mjs"))).rejects.toThrow(/cannot load the optimizer module .*nope\.mjs: no such file/);
    const empty = join(dir, "empty.mjs");
    writeFileSync(empty, "export const x = 1;");
    await expect(loadOptimizerModule(empty)).rejects.toThrow(
      "must export its optimizer factory as `export default function (args) { return { init, update }; }` (or as `factory`)",
    );
    const broken = join(dir, "broken.mjs");
    writeFileSync(broken, "export default function (");
    await expect(loadOptimizerModule(broken)).rejects.toThrow(/cannot load the optimizer module .*broken\.mjs: /);
  });
});
