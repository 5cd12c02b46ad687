// `nnc gradcheck FILE`: every param's analytic gradient against the numerical one, in float64.
import { gradcheck, type GradcheckResult } from "../gradcheck.js";
import { pickModel } from "./graph.js";
import { load, UsageError, type Io } from "./io.js";

export interface GradcheckCommandOptions {
  readonly set: Record<string, string>;
  readonly seed?: string;
  readonly batch?: string;
  readonly samples?: string;
  readonly all?: boolean;
  readonly tolerance?: string;
  readonly h?: string;
  readonly json?: boolean;
  readonly model?: string;
}

function intOption(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${text}'`);
  return v;
}

function positiveOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`--${name} must be a positive number, got '${text}'`);
  return v;
}

const fmt = (x: number) => (x === 0 ? "0" : x.toExponential(1));
const short = (x: number) => (x < 1e-3 ? x.toExponential() : String(x));

export function formatGradcheck(r: GradcheckResult, batch: number, seed: number): string {
  const rows = r.params.map((p) => [p.name, `[${p.shape.join(", ")}]`, String(p.checked), fmt(p.maxAbsError), fmt(p.maxRelError)]);
  const header = ["param", "shape", "checked", "max abs error", "max rel error"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const out = [
    `${r.model}: float64 gradient check, central difference h = ${short(r.h)}, batch ${batch}, seed ${seed}`,
    line(header),
    ...rows.map(line),
  ];
  if (r.nearKinks > 0) out.push(`passed over ${r.nearKinks} coordinate(s) where ±h crosses a kink (relu at 0, a max tie)`);
  const def = `relative error = |analytic - numerical| / max(|analytic|, |numerical|, ${fmt(r.floor)})`;
  if (r.ok) out.push(`ok: max relative error ${fmt(r.maxRelError)} <= tolerance ${short(r.tolerance)} (${def})`);
  else if (r.worst) {
    const w = r.worst;
    out.push(
      `FAILED: worst is ${w.param}[${w.coord.join(", ")}]: analytic ${w.analytic}, numerical ${w.numeric}, ` +
        `relative error ${fmt(w.relError)} > tolerance ${short(r.tolerance)} (${def})`,
    );
  }
  return out.join("\n") + "\n";
}

export async function gradcheckCommand(file: string, opts: GradcheckCommandOptions, io: Io): Promise<number> {
  const seed = intOption("seed", opts.seed, 0) ?? 0;
  const batch = intOption("batch", opts.batch, 1) ?? 8;
  const samples = intOption("samples", opts.samples, 1);
  if (samples !== undefined && opts.all) throw new UsageError(`give either --samples or --all, not both`);
  const tolerance = positiveOption("tolerance", opts.tolerance);
  const h = positiveOption("h", opts.h);
  const { result, code } = load(file, { set: opts.set }, io);
  if (code !== 0) return code;
  const g = pickModel(result.graphs, opts.model);
  if (g.loss === undefined) throw new UsageError(`model '${g.model}' has no loss, so it has no gradient to check`);
  const r = gradcheck(g, {
    seed,
    batch,
    all: Boolean(opts.all),
    ...(samples !== undefined && { samples }),
    ...(tolerance !== undefined && { tolerance }),
    ...(h !== undefined && { h }),
  });
  if (opts.json) {
    const params = r.params.map((p) => ({
      name: p.name,
      shape: p.shape,
      checked: p.checked,
      maxAbsError: p.maxAbsError,
      maxRelError: p.maxRelError,
    }));
    io.out(
      JSON.stringify({
        ok: r.ok,
        model: r.model,
        maxRelError: r.maxRelError,
        tolerance: r.tolerance,
        floor: r.floor,
        h: r.h,
        nearKinks: r.nearKinks,
        worst: r.worst,
        params,
      }) + "\n",
    );
  } else io.out(formatGradcheck(r, batch, seed));
  return r.ok ? 0 : 1;
}
