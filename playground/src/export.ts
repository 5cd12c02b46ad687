// Export: the compiled module (.js, formatted as `nnc compile` formats it, and its .d.ts) and the
// trained params (.safetensors, as `nnc train` writes them), downloaded from the page.
import * as prettier from "prettier/standalone";
import { compileDeclarations, encodeSafetensors, type Graph, type NamedTensor } from "./nnc.js";
import type { Params } from "./protocol.js";

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** prettier's standalone build (the page has it for `nnc fmt`) with its JavaScript plugins, loaded on the first export. */
async function prettify(js: string): Promise<string> {
  const [babel, estree] = await Promise.all([import("prettier/plugins/babel"), import("prettier/plugins/estree")]);
  return prettier.format(js, { parser: "babel", plugins: [babel, estree], printWidth: 110 });
}

export async function downloadModule(g: Graph, js: string): Promise<void> {
  download(`${g.model}.js`, await prettify(js), "text/javascript");
  download(`${g.model}.d.ts`, compileDeclarations(g), "text/plain");
}

export function downloadParams(g: Graph, params: Params): void {
  const shapes = new Map([...g.params, ...g.states].map((p) => [p.name, p.shape]));
  const tensors: Record<string, NamedTensor> = Object.fromEntries(
    Object.entries(params).map(([name, data]) => [name, { shape: shapes.get(name) ?? [data.length], data }]),
  );
  const bytes = encodeSafetensors(tensors, { model: g.model });
  download(`${g.model}.safetensors`, bytes.slice(), "application/octet-stream");
}
