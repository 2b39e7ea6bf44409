/**
 * Tabular data with a sensitive attribute: the UCI Adult files (adult.data / adult.test), and any CSV
 * table — such as AER's CPS1985 (wages by gender and ethnicity) and HMDA (mortgage denials by race),
 * which tools/make_fairness_data.R writes as CSV — turned into features, 0/1 labels and the sensitive
 * columns. Numeric columns stay numbers; text columns become one-hot indicators ("sex=Female").
 */
import type { Tensor } from "../ops/tensor.js";
import { DataError, FormatError } from "../base/errors.js";
import { requireNode } from "../base/node.js";
import { decodeUtf8 } from "../base/utf8.js";
import { tensor } from "../ops/creation.js";
import { parseCSV, Table } from "../data/datasets/csv.js";
import type { Cell } from "../data/preprocessing/cleaning.js";

export interface SensitiveDataset {
  name: string;
  /** The table as read (label and sensitive columns included). */
  table: Table;
  /** (N, F) float32 features: numeric columns as they are, text columns one-hot. */
  features: Tensor;
  featureNames: string[];
  /** 0/1 labels. */
  labels: number[];
  /** Each sensitive column's values as text, by column name. */
  sensitive: Record<string, string[]>;
}

export interface TabularOptions {
  name?: string;
  /** The label column and which of its values is the positive class. */
  label: string;
  positive: (value: Cell) => boolean;
  sensitive: readonly string[];
  /** Columns left out of the features. */
  drop?: readonly string[];
  /** Leave the sensitive columns out of the features too (default false). */
  dropSensitive?: boolean;
}

/** Features, labels and sensitive columns from a table; rows with a missing value are dropped. */
export function tabularDataset(table: Table, o: TabularOptions): SensitiveDataset {
  for (const c of [o.label, ...o.sensitive, ...(o.drop ?? [])]) {
    if (!table.columns.includes(c)) throw new DataError(`${o.name ?? "dataset"}: no column '${c}'; columns are ${table.columns.join(", ")}`);
  }
  const rows = table.rows.filter((r) => r.every((v) => v !== null));
  const skip = new Set([o.label, ...(o.drop ?? []), ...(o.dropSensitive ? o.sensitive : [])]);
  const kept = table.columns.map((c, j) => ({ c, j })).filter(({ c }) => !skip.has(c));
  const encoders = kept.map(({ c, j }) => {
    if (table.types[j] !== "string") return { names: [c], encode: (v: Cell) => [Number(v)] };
    const levels = [...new Set(rows.map((r) => String(r[j])))].sort();
    return { names: levels.map((l) => `${c}=${l}`), encode: (v: Cell) => levels.map((l) => (String(v) === l ? 1 : 0)) };
  });
  const data = rows.flatMap((r) => kept.flatMap(({ j }, k) => encoders[k]!.encode(r[j]!)));
  const featureNames = encoders.flatMap((e) => e.names);
  const labelAt = table.columns.indexOf(o.label);
  return {
    name: o.name ?? "dataset",
    table: new Table(table.columns, table.types, rows),
    features: tensor(data, { dtype: "float32" }).reshape([rows.length, featureNames.length]),
    featureNames,
    labels: rows.map((r) => (o.positive(r[labelAt]!) ? 1 : 0)),
    sensitive: Object.fromEntries(o.sensitive.map((c) => [c, rows.map((r) => String(r[table.columns.indexOf(c)]))])),
  };
}

export const ADULT_COLUMNS = [
  "age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation", "relationship",
  "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country", "income",
] as const;

/**
 * The UCI Adult census files: 15 comma-separated fields without a header, "?" for missing values;
 * adult.test opens with a "|1x3 Cross validator" line and ends its labels with ".". The label is
 * income > 50K; sensitive columns sex and race. `source` is a path, or the file's text with `{text: true}`.
 */
export function loadAdult(source: string, { text = false, dropSensitive = false }: { text?: boolean; dropSensitive?: boolean } = {}): SensitiveDataset {
  let content = source;
  if (!text) {
    try {
      content = decodeUtf8(requireNode("node:fs", "loadAdult").readFileSync(source), source);
    } catch (e) {
      if (e instanceof FormatError) throw e;
      throw new DataError(`loadAdult: cannot read ${source}: ${(e as Error).message}`);
    }
  }
  const name = text ? "adult" : source;
  const lines = content.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith("|"));
  const cleaned = lines.map((l) => l.split(",").map((f) => f.trim().replace(/\.$/, "")).join(",")).join("\n");
  const table = parseCSV(`${ADULT_COLUMNS.join(",")}\n${cleaned}`, { types: { education_num: "number", income: "string" } }, name);
  const incomes = new Set(table.column("income").filter((v) => v !== null).map(String));
  for (const v of incomes) if (v !== ">50K" && v !== "<=50K") throw new FormatError(`${name}: income must be >50K or <=50K, found '${v}'`);
  return tabularDataset(table, { name: "adult", label: "income", positive: (v) => v === ">50K", sensitive: ["sex", "race"], drop: ["fnlwgt", "education"], dropSensitive });
}

/** Reads a CSV file or text (with `{text: true}`) into a table. */
function readTable(source: string, text: boolean, fn: string): Table {
  if (text) return parseCSV(source, {}, fn);
  let bytes: Uint8Array;
  try {
    bytes = requireNode("node:fs", fn).readFileSync(source);
  } catch (e) {
    throw new DataError(`${fn}: cannot read ${source}: ${(e as Error).message}`);
  }
  return parseCSV(decodeUtf8(bytes, source), {}, source);
}

/**
 * HMDA (AER; Munnell et al. 1996): 2,380 Boston mortgage applications. The label is approval
 * (deny = no) — the favourable outcome, so the selection rate is the approval rate; the sensitive
 * column is afam (African American applicant: yes / no).
 */
export function loadHMDA(source: string, { text = false, dropSensitive = false }: { text?: boolean; dropSensitive?: boolean } = {}): SensitiveDataset {
  return tabularDataset(readTable(source, text, "loadHMDA"), { name: "HMDA", label: "deny", positive: (v) => v === "no", sensitive: ["afam"], dropSensitive });
}

/**
 * CPS1985 (AER): 534 workers of the 1985 Current Population Survey. The label is a wage above the
 * sample's median; the sensitive columns are gender and ethnicity.
 */
export function loadCPS1985(source: string, { text = false, dropSensitive = false }: { text?: boolean; dropSensitive?: boolean } = {}): SensitiveDataset {
  const table = readTable(source, text, "loadCPS1985");
  const wages = table.column("wage").filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
  if (!wages.length) throw new DataError("loadCPS1985: the wage column has no numbers");
  const median = wages.length % 2 ? wages[(wages.length - 1) / 2]! : (wages[wages.length / 2 - 1]! + wages[wages.length / 2]!) / 2;
  return tabularDataset(table, { name: "CPS1985", label: "wage", positive: (v) => (v as number) > median, sensitive: ["gender", "ethnicity"], dropSensitive });
}
