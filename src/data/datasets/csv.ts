/**
 * CSV and other delimited text as a typed table: each column is inferred as number, boolean or
 * string (or given), and missing markers ("", "NA", "NaN", "null", "?") become null. Parsing is
 * csv-parse's (RFC 4180 quoting); the typing and the errors are ours.
 */
import { requireNode } from "../../base/node.js";
import { parse } from "csv-parse/sync";
import { decodeUtf8 } from "../../base/utf8.js";
import { DataError, FormatError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import type { Cell } from "../preprocessing/cleaning.js";

export type ColumnType = "number" | "boolean" | "string";

export interface CsvOptions {
  /** The first row names the columns (default true); otherwise columns are "0", "1", … */
  header?: boolean;
  delimiter?: string;
  missing?: readonly string[];
  /** Column types by name; the others are inferred. */
  types?: Record<string, ColumnType>;
}

const DEFAULT_MISSING = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"];

export class Table {
  constructor(
    readonly columns: string[],
    readonly types: ColumnType[],
    readonly rows: Cell[][],
  ) {}

  get length(): number {
    return this.rows.length;
  }

  private indexOf(name: string): number {
    const j = this.columns.indexOf(name);
    if (j < 0) throw new DataError(`Table: no column '${name}'; columns are ${this.columns.join(", ")}`);
    return j;
  }

  column(name: string): Cell[] {
    const j = this.indexOf(name);
    return this.rows.map((r) => r[j]!);
  }

  /** Numeric (or boolean) columns as a float32 [rows, columns] tensor; missing values are NaN. */
  toTensor(names: readonly string[] = this.columns.filter((_, j) => this.types[j] !== "string")): Tensor {
    const idx = names.map((n) => {
      const j = this.indexOf(n);
      if (this.types[j] === "string") throw new DataError(`Table.toTensor: column '${n}' holds strings; encode it first (OneHotEncoder, LabelEncoder)`);
      return j;
    });
    const out = new Float32Array(this.rows.length * idx.length);
    this.rows.forEach((r, i) => idx.forEach((j, k) => (out[i * idx.length + k] = r[j] === null ? NaN : Number(r[j]))));
    return tensor(out, { shape: [this.rows.length, idx.length] });
  }
}

/**
 * Plain decimal numbers only ("-1.5e3", ".5", "7."): JavaScript's Number() would also read "0x1F",
 * "0b101", "Infinity" and "" as numbers, which no CSV writer means.
 */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** The number a plain decimal denotes; NaN for anything else, and for one past float64's range ("1e309"). */
export function parseDecimal(raw: string): number {
  const v = DECIMAL.test(raw) ? Number(raw) : NaN;
  return Number.isFinite(v) ? v : NaN;
}

function convert(raw: string, type: ColumnType, where: () => string): Cell {
  if (type === "string") return raw;
  if (type === "boolean") {
    const l = raw.toLowerCase();
    if (l === "true" || l === "1") return true;
    if (l === "false" || l === "0") return false;
    throw new DataError(`${where()}: '${raw}' is not a boolean`);
  }
  const v = parseDecimal(raw);
  if (Number.isNaN(v)) throw new DataError(`${where()}: '${raw}' is not a number (plain decimal notation, within float64's range)`);
  return v;
}

function checkType(type: unknown, name: string, source: string): ColumnType {
  if (type === "number" || type === "boolean" || type === "string") return type;
  throw new DataError(`${source}: types['${name}'] is ${JSON.stringify(type)}; a column type is "number", "boolean" or "string"`);
}

function infer(values: string[]): ColumnType {
  if (values.length && values.every((v) => !Number.isNaN(parseDecimal(v)))) return "number";
  if (values.length && values.every((v) => /^(true|false)$/i.test(v))) return "boolean";
  return "string";
}

export function parseCSV(text: string, { header = true, delimiter = ",", missing = DEFAULT_MISSING, types = {} }: CsvOptions = {}, source = "CSV"): Table {
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  } catch (e) {
    throw new FormatError(`${source}: ${(e as Error).message}`);
  }
  const names = header ? (records.shift() ?? []) : (records[0] ?? []).map((_, j) => String(j));
  records.forEach((r, i) => {
    if (r.length !== names.length) {
      throw new FormatError(`${source}: line ${i + (header ? 2 : 1)} has ${r.length} fields, expected ${names.length}`);
    }
  });
  const isMissing = new Set(missing);
  // Own keys only: a column named "__proto__" or "toString" must not pick up Object.prototype's members.
  const colTypes = names.map((n, j) => (Object.hasOwn(types, n) ? checkType(types[n], n, source) : infer(records.map((r) => r[j]!).filter((v) => !isMissing.has(v)))));
  const rows = records.map((r, i) =>
    r.map((v, j) => (isMissing.has(v) ? null : convert(v, colTypes[j]!, () => `${source}: line ${i + (header ? 2 : 1)}, column '${names[j]}'`))),
  );
  return new Table(names, colTypes, rows);
}

export function loadCSV(path: string, opts: CsvOptions = {}): Table {
  let bytes: Uint8Array;
  try {
    bytes = requireNode("node:fs", "loadCSV").readFileSync(path);
  } catch (e) {
    throw new DataError(`loadCSV: cannot read ${path}: ${(e as Error).message}`);
  }
  return parseCSV(decodeUtf8(bytes, path), opts, path);
}
