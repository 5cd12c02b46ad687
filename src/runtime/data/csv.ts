// CSV data: one example per row, a label column (the first by default) and feature columns.
// The header row is optional: it is detected when the first row has a cell that is not a number.
// Errors name rows and columns from 1, as a spreadsheet shows them (the header is row 1).
import { didYouMean } from "../../diagnostics.js";
import { makeDataset, type Dataset } from "./dataset.js";
import { dataFail, plural } from "./errors.js";
import { readBytes } from "./idx.js";

export interface CsvOptions {
  /** The label column: a 0-based index (negative counts from the end) or a header name. Default 0. */
  readonly labelColumn?: number | string;
  /** Whether the first row is a header; detected when omitted. */
  readonly header?: boolean;
  /** Divide feature values by 255 (`true`) or by the given number; by default they are used as given. */
  readonly normalize?: boolean | number;
  /** The number of classes; when omitted, the largest label + 1. */
  readonly classes?: number;
  /** Where `classes` comes from, appended to an out-of-range label's message: "Net's target t has 3 classes". */
  readonly classesNote?: string;
}

/** Reads a CSV file (gzip-compressed or not) into a Dataset. */
export function readCsv(path: string, options: CsvOptions = {}, name = path): Dataset {
  const text = Buffer.from(readBytes(path, name)).toString("utf8");
  return parseCsv(text, name, options);
}

interface Row {
  readonly line: number;
  readonly cells: string[];
}

export function parseCsv(text: string, name: string, options: CsvOptions = {}): Dataset {
  const rows = splitRows(text.replace(/^\uFEFF/, ""));
  const first = rows[0];
  if (first === undefined) dataFail(name, "the file is empty (no rows)");
  const header = options.header ?? first.cells.some((c) => !isNumber(c));
  const data = header ? rows.slice(1) : rows;
  const columns = first.cells.length;
  if (data.length === 0) dataFail(name, `has a header row (${preview(first.cells)}) but no data rows`);
  if (columns < 2) dataFail(name, `has ${plural(columns, "column")}; it needs a label column and at least one feature column`);
  const labelAt = labelIndex(options.labelColumn ?? 0, header ? first.cells : undefined, columns, name);
  const divisor = options.normalize === true ? 255 : typeof options.normalize === "number" ? options.normalize : 1;
  if (!(divisor > 0) || !Number.isFinite(divisor))
    dataFail(name, `normalize must be true (divide by 255) or a positive number, got ${options.normalize}`);
  const columnName = (c: number) => (header ? ` ("${first.cells[c]}")` : c === labelAt ? " (label)" : "");
  const where = (row: Row, c: number) => `row ${row.line}, column ${c + 1}${columnName(c)}`;

  const features = columns - 1;
  const x = new Float32Array(data.length * features);
  const labels = new Int32Array(data.length);
  const classes = options.classes;
  for (let r = 0; r < data.length; r++) {
    const row = data[r]!;
    if (row.cells.length !== columns) {
      const reference = header ? "the header has" : `the first row has`;
      dataFail(
        name,
        `row ${row.line} has ${plural(row.cells.length, "cell")} but ${reference} ${columns}; every row needs the same number of columns`,
      );
    }
    let j = r * features;
    for (let c = 0; c < columns; c++) {
      const cell = row.cells[c]!;
      const v = Number(cell);
      if (!Number.isFinite(v) || cell.trim() === "") dataFail(name, `${where(row, c)}: ${JSON.stringify(cell)} is not a number`);
      if (c === labelAt) {
        if (!Number.isInteger(v) || v < 0)
          dataFail(name, `${where(row, c)}: ${JSON.stringify(cell)} is not a class index (a whole number >= 0)`);
        if (classes !== undefined && v >= classes)
          dataFail(
            name,
            `${where(row, c)}: label ${v} is out of range [0, ${classes})${options.classesNote ? `; ${options.classesNote}` : ""}`,
          );
        labels[r] = v;
      } else {
        x[j++] = v / divisor;
      }
    }
  }
  return makeDataset({ x, labels, features, source: name, ...(classes !== undefined && { classes }) });
}

/** Non-blank lines, split into cells. Quotes are honoured only on lines that have them (the slow path). */
function splitRows(text: string): Row[] {
  const lines = text.split(/\r\n|\n|\r/);
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    rows.push({ line: i + 1, cells: line.includes('"') ? splitQuoted(line) : line.split(",") });
  }
  return rows;
}

/** RFC 4180 cells within one line: "a, b" is one cell and "" inside quotes is a quote. */
function splitQuoted(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

function isNumber(cell: string): boolean {
  return cell.trim() !== "" && Number.isFinite(Number(cell));
}

function labelIndex(column: number | string, header: readonly string[] | undefined, columns: number, name: string): number {
  if (typeof column === "number") {
    const index = column < 0 ? columns + column : column;
    if (!Number.isInteger(column) || index < 0 || index >= columns) {
      dataFail(
        name,
        `label column ${column} is outside the file's ${plural(columns, "column")}; use 0..${columns - 1}, or -1 for the last`,
      );
    }
    return index;
  }
  if (header === undefined) {
    dataFail(
      name,
      `the label column is given by name ("${column}") but the file has no header row; give its index instead (0 is the first column)`,
    );
  }
  const index = header.findIndex((h) => h.trim() === column);
  if (index < 0) {
    const guess = didYouMean(column, header);
    const hint = guess !== undefined ? `; did you mean "${guess}"?` : `; the header is ${preview(header)}`;
    dataFail(name, `no column named "${column}" in the header${hint}`);
  }
  return index;
}

function preview(cells: readonly string[]): string {
  const shown = cells.slice(0, 5).join(",");
  return cells.length > 5 ? `${shown},… (${cells.length} columns)` : shown;
}
