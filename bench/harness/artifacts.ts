// What a deployed model is made of, written by nnc's CLI as a user makes it (bin/nnc.js, the
// built package): the workload's initial params as params.safetensors, `nnc export` of them to
// ONNX (what the onnxruntime peers load), and `nnc compile` of the model (the module a page
// ships). Then the bytes a browser downloads to predict with each: nnc's module and its params,
// against onnxruntime-web's wasm build (its JS and .wasm, and the .onnx file) and tfjs's core and
// wasm backend (its JS and .wasm, and the weights), raw and gzipped.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { saveParams } from "../../src/runtime/checkpoint.js";
import { modelGraph, readData, type DataFiles } from "./data.js";
import type { PredictWorkload } from "./workloads.js";

export interface Artifacts {
  readonly params: string;
  readonly onnx: string;
  /** `nnc compile`'s ES module (its wasm inlined). */
  readonly module: string;
  /** The params' float32 values one after the other: what tfjs's weights.bin holds. */
  readonly weights: string;
}

function nnc(root: string, args: readonly string[]): void {
  const r = spawnSync(process.execPath, [join(root, "bin", "nnc.js"), ...args], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`nnc ${args[0]} failed (did \`npm run build\` run?): ${r.stderr.trim()}`);
}

export function writeArtifacts(w: PredictWorkload, files: DataFiles, dir: string, root: string): Artifacts {
  const g = modelGraph(w, root);
  const params: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(readData(files).init)) params[name] = Float32Array.from(v);
  const out = {
    params: join(dir, `${w.id}.params.safetensors`),
    onnx: join(dir, `${w.id}.onnx`),
    module: join(dir, `${w.id}.module.js`),
    weights: join(dir, `${w.id}.weights.bin`),
  };
  saveParams(out.params, g, params);
  writeFileSync(out.weights, Buffer.concat(Object.values(params).map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
  const set = Object.entries(w.model.set).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
  nnc(root, ["export", w.model.file, ...set, "--params", out.params, "-o", out.onnx]);
  nnc(root, ["compile", w.model.file, ...set, "-o", out.module]);
  return out;
}

export interface Download {
  readonly what: string;
  /** The library's files, then the model's weights (the same values in each library's format). */
  readonly files: readonly { readonly name: string; readonly raw: number; readonly gzip: number; readonly weights?: true }[];
}

function sized(path: string, name: string, weights = false): Download["files"][number] {
  const bytes = readFileSync(path);
  return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, ...(weights && { weights }) };
}

/** The files a page loads to predict, per library; the weights files last. */
export function downloads(w: PredictWorkload, a: Artifacts): Download[] {
  const require = createRequire(import.meta.url);
  const ortDist = dirname(require.resolve("onnxruntime-web"));
  const tfWasm = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  const tfCore = join(dirname(require.resolve("@tensorflow/tfjs-core/package.json")), "dist");
  return [
    { what: "nnc (nnc compile)", files: [sized(a.module, `${w.id}.js (module, wasm inlined)`), sized(a.params, "params.safetensors", true)] },
    {
      what: "onnxruntime-web (wasm)",
      files: [sized(join(ortDist, "ort.wasm.bundle.min.mjs"), "ort.wasm.bundle.min.mjs"), sized(join(ortDist, "ort-wasm-simd-threaded.wasm"), "ort-wasm-simd-threaded.wasm"), sized(a.onnx, `${w.id}.onnx`, true)],
    },
    {
      what: "tfjs-wasm",
      files: [
        sized(join(tfCore, "tf-core.min.js"), "tf-core.min.js"),
        sized(join(tfWasm, "tf-backend-wasm.min.js"), "tf-backend-wasm.min.js"),
        sized(join(tfWasm, "tfjs-backend-wasm-simd.wasm"), "tfjs-backend-wasm-simd.wasm"),
        sized(a.weights, "weights.bin (float32 params)", true),
      ],
    },
  ];
}

const kb = (n: number) => (n / 1024).toFixed(n < 10 * 1024 ? 1 : 0);

export function downloadTable(w: PredictWorkload, ds: readonly Download[]): string {
  const sum = (d: Download, k: "raw" | "gzip", weights: boolean) => d.files.reduce((n, f) => n + (!!f.weights === weights ? f[k] : 0), 0);
  const code = (d: Download) => sum(d, "gzip", false);
  const head =
    `${w.id}: bytes a page downloads to predict, KiB raw / gzip -9: the library's code (JS and wasm), the model's weights, ` +
    `the total; ÷ nnc is the code's gzip over nnc's\n\n` +
    `| library | code files | code | weights | total | ÷ nnc (code) |\n| --- | --- | ---: | ---: | ---: | ---: |`;
  const pair = (d: Download, weights: boolean) => `${kb(sum(d, "raw", weights))} / ${kb(sum(d, "gzip", weights))}`;
  const rows = ds.map((d) => {
    const files = d.files.filter((f) => !f.weights).map((f) => `${f.name} ${kb(f.raw)} / ${kb(f.gzip)}`).join("; ");
    const weights = d.files.find((f) => f.weights)?.name ?? "";
    const total = `${kb(sum(d, "raw", false) + sum(d, "raw", true))} / ${kb(code(d) + sum(d, "gzip", true))}`;
    return `| ${d.what} | ${files} | ${pair(d, false)} | ${pair(d, true)} (${weights}) | ${total} | ${(code(d) / code(ds[0]!)).toFixed(1)} |`;
  });
  return [head, ...rows].join("\n");
}
