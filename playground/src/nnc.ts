// What the page and its worker use of nnc, from the sources (vite bundles them; see
// vite.config.ts for the Node modules they import on paths the page never takes).
export { frontend, type FrontendResult } from "../../src/index.js";
export { hasErrors, type Diagnostic } from "../../src/diagnostics.js";
export { formatNn } from "../../src/format/format.js";
export { toDot } from "../../src/commands/graph.js";
export { accuracySpec, lossSpec } from "../../src/commands/run-charts.js";
export { resolveSettings, type RunSettings } from "../../src/commands/train-settings.js";
export { differentiate } from "../../src/graph/autodiff.js";
export { showShape, type Graph, type Node } from "../../src/graph/ir.js";
export { BUILTINS, INITIALIZERS } from "../../src/graph/builtins.js";
export { keywords } from "../../src/parser/tokens.js";
export { compileDeclarations, compileToString } from "../../src/codegen/index.js";
export { encodeSafetensors, type NamedTensor } from "../../src/runtime/safetensors.js";
