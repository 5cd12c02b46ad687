// Issue 13.12: the book, exactly. batchnorm's default eps is the book's `10e-7` (1e-6), and the
// book's mini-batches, drawn with replacement (np.random.choice), are a train { } setting.
import { describe, expect, it } from "vitest";
import { resolveSettings } from "../../src/commands/train-settings.js";
import { graphOf } from "../support/models.js";

describe("the book's defaults", () => {
  it("batchnorm's eps defaults to the book's 10e-7", () => {
    const g = graphOf(`model Bn {
  input x: [batch, 4]
  output y = batchnorm(x)
}`);
    const bn = g.nodes.filter((n) => n.op === "batchnorm");
    expect(bn).toHaveLength(1);
    expect(bn[0]!.attrs).toMatchObject({ eps: 10e-7 });
  });

  it("sampling = with_replacement in the train section reaches the run's settings", () => {
    const g = graphOf(`model S {
  input x: [batch, 2]
  target t: index[batch]
  param W: [2, 3] = zeros
  output y = softmax(x @ W)
  loss cross_entropy(y, t)
  train {
    sampling = with_replacement
  }
}`);
    expect(resolveSettings(g, {}).sampling).toBe("with_replacement");
    expect(resolveSettings(g, { sampling: "shuffle" }).sampling).toBeUndefined();
  });
});
