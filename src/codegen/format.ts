// Layout of generated text. `indent` is a fast re-indenter by bracket depth (strings and
// comments skipped), so even unformatted output reads well in an error excerpt; `prettify` is
// prettier, for the files `nnc compile` writes and the committed snapshots, imported on first use
// (not by every command that compiles a model: `nnc train` never formats).

/** Re-indents code by the depth of its brackets; collapses runs of blank lines. */
export function indent(text: string, unit = "  "): string {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let blockComment = false;
  let blank = false;
  for (const raw of text.split("\n")) {
    const line = quote === "`" ? raw : raw.trim();
    if (line === "") {
      if (!blank && out.length > 0) out.push("");
      blank = true;
      continue;
    }
    blank = false;
    const closesFirst = !quote && !blockComment && /^[)\]}]/.test(line) ? 1 : 0;
    // Inside a /** … */ comment, a line's `*` sits one space in, under the first line's.
    const star = blockComment && line.startsWith("*") ? " " : "";
    out.push(quote === "`" ? line : unit.repeat(Math.max(0, depth - closesFirst)) + star + line);
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (blockComment) {
        if (c === "*" && line[i + 1] === "/") [blockComment, i] = [false, i + 1];
      } else if (quote) {
        if (c === "\\") i++;
        else if (c === quote) quote = undefined;
      } else if (c === "/" && line[i + 1] === "/") break;
      else if (c === "/" && line[i + 1] === "*") [blockComment, i] = [true, i + 1];
      else if (c === '"' || c === "'" || c === "`") quote = c;
      else if ("([{".includes(c)) depth++;
      else if (")]}".includes(c)) depth = Math.max(0, depth - 1);
    }
    if (quote === '"' || quote === "'") quote = undefined; // a string never spans lines
  }
  return out.join("\n").trim() + "\n";
}

/** prettier, with a width that keeps a register tile's lines whole. */
export async function prettify(text: string, parser: "babel" | "typescript" = "babel"): Promise<string> {
  const prettier = await import("prettier");
  return prettier.format(text, { parser, printWidth: 110 });
}
