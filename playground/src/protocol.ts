// Messages between the page and the training worker.
import type { EpochRecord } from "../../src/runtime/train.js";
import type { Graph, RunSettings } from "./nnc.js";

export type Params = Record<string, Float32Array | Float64Array>;

export type ToWorker =
  /** Compile-free: the page compiled the model; the worker imports the module text and trains. */
  | { readonly type: "train"; readonly js: string; readonly graph: Graph; readonly settings: RunSettings; readonly mnistUrl: string }
  | { readonly type: "resume" }
  | { readonly type: "stop" }
  | { readonly type: "predict"; readonly id: number; readonly x: Float32Array };

export interface Sample {
  readonly pixels: Uint8Array;
  readonly label: number;
  readonly predicted: number;
}

export type FromWorker =
  | { readonly type: "status"; readonly text: string }
  | { readonly type: "started"; readonly iters: number; readonly stepsPerEpoch: number; readonly threads: number }
  | { readonly type: "progress"; readonly step: number; readonly losses: number[]; readonly stepsPerSecond: number }
  | { readonly type: "epoch"; readonly record: EpochRecord }
  | { readonly type: "done"; readonly completed: boolean; readonly step: number; readonly params: Params; readonly samples: Sample[] }
  | { readonly type: "prediction"; readonly id: number; readonly y: Float32Array }
  | { readonly type: "error"; readonly message: string };
