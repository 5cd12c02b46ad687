import { describe, it } from "vitest";
import { checkGradients, expectGradientsMatch } from "nnc/testing";

describe("models/two_layer_net.nn", () => {
  it("has the gradients of its numerical derivative", () => {
    expectGradientsMatch("models/two_layer_net.nn", { set: { hidden: "20" } });
  });
  it("keeps them for any inputs and weights (property)", () => {
    checkGradients("models/two_layer_net.nn", { set: { hidden: "5" }, numRuns: 10, seed: 1 });
  });
});
