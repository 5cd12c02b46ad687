// The Train panel: the `train { }` settings as a form (prefilled from the model, checked by
// nnc's own settings resolver), live loss and accuracy charts (the vega-lite specs `nnc train`
// renders to SVG, drawn with vega-embed), progress and steps per second.
import type { EpochRecord } from "../../src/runtime/train.js";
import { accuracySpec, lossSpec, resolveSettings, type Graph, type RunSettings } from "./nnc.js";

const OPTIMIZERS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"];

export interface Form {
  readonly optimizer: HTMLSelectElement;
  readonly lr: HTMLInputElement;
  readonly batchSize: HTMLInputElement;
  readonly length: HTMLInputElement;
  readonly unit: HTMLSelectElement;
  readonly seed: HTMLInputElement;
}

export function formOf(root: HTMLElement): Form {
  const get = <T extends HTMLElement>(name: string) => root.querySelector<T>(`[name=${name}]`)!;
  const form: Form = {
    optimizer: get("optimizer"),
    lr: get("lr"),
    batchSize: get("batch_size"),
    length: get("length"),
    unit: get("unit"),
    seed: get("seed"),
  };
  form.optimizer.replaceChildren(...OPTIMIZERS.map((o) => new Option(o, o)));
  return form;
}

/** The model's own settings (its `train { }` section, nnc's defaults for the rest) into the form. */
export function fillForm(form: Form, g: Graph): void {
  const s = resolveSettings(g, {});
  form.optimizer.value = s.optimizer.name;
  form.lr.value = String(s.optimizer.args.lr ?? "");
  form.batchSize.value = String(s.batchSize);
  form.unit.value = s.iters !== undefined ? "iters" : "epochs";
  form.length.value = String(s.iters ?? s.epochs);
  form.seed.value = String(s.seed);
}

/** The form's settings, checked as `nnc train` checks its flags (throws an Error that says what is wrong). */
export function readForm(form: Form, g: Graph): RunSettings {
  const length = form.length.value.trim();
  return resolveSettings(g, {
    optimizer: form.optimizer.value,
    lr: form.lr.value.trim(),
    batchSize: form.batchSize.value.trim(),
    seed: form.seed.value.trim(),
    ...(form.unit.value === "iters" ? { iters: length } : { epochs: length }),
  });
}

export const percent = (v: number) => `${(100 * v).toFixed(2)}%`;

/** The charts of one run, redrawn at most every `every` ms. */
export class Charts {
  private losses: number[] = [];
  private epochs: EpochRecord[] = [];
  private drawn = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly lossEl: HTMLElement,
    private readonly accuracyEl: HTMLElement,
    private readonly model: () => string,
    private stepsPerEpoch = 1,
    private readonly every = 700,
  ) {}

  reset(stepsPerEpoch: number, keep: boolean): void {
    this.stepsPerEpoch = stepsPerEpoch;
    if (!keep) [this.losses, this.epochs] = [[], []];
    this.schedule();
  }

  addLosses(losses: readonly number[]): void {
    this.losses.push(...losses);
    this.schedule();
  }

  addEpoch(record: EpochRecord): void {
    this.epochs.push(record);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.drawn + this.every - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drawn = performance.now();
      void this.draw();
    }, wait);
  }

  private async draw(): Promise<void> {
    const { default: embed } = await import("vega-embed"); // with the first chart, not with the page
    const options = { actions: false, renderer: "svg" as const };
    // The CLI's specs; only their width follows the page's.
    const fit = <T extends object>(spec: T) => ({ ...spec, width: "container", autosize: { type: "fit-x", contains: "padding" } });
    if (this.losses.length > 0) await embed(this.lossEl, fit(lossSpec(this.model(), this.losses)), options);
    const acc = accuracySpec(this.model(), this.epochs, this.stepsPerEpoch);
    if (acc) await embed(this.accuracyEl, fit(acc), options);
  }
}
