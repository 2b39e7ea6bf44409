/**
 * Data cleaning: duplicates, invalid rows (with the reason each was dropped), and outliers by
 * z-score or interquartile range. Rows are arrays of cells (numbers, strings, booleans, null).
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";

export type Cell = number | string | boolean | null;

export interface Dropped {
  index: number;
  reason: string;
}

/** Keeps the first of identical rows (or rows identical on the `subset` columns). */
export function dropDuplicates<R extends readonly Cell[]>(rows: readonly R[], { subset }: { subset?: readonly number[] } = {}): { rows: R[]; dropped: Dropped[] } {
  const seen = new Map<string, number>();
  const kept: R[] = [];
  const dropped: Dropped[] = [];
  rows.forEach((row, index) => {
    const key = JSON.stringify(subset ? subset.map((j) => row[j]) : row);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      kept.push(row);
    } else dropped.push({ index, reason: `duplicate of row ${first}` });
  });
  return { rows: kept, dropped };
}

export interface ColumnRule {
  name?: string;
  type?: "number" | "string" | "boolean";
  required?: boolean;
  min?: number;
  max?: number;
  /** Allowed values. */
  oneOf?: readonly Cell[];
}

/** Drops rows that break a column's rule: missing/NaN, wrong type, out of range, or not allowed. */
export function dropInvalid<R extends readonly Cell[]>(rows: readonly R[], rules: readonly (ColumnRule | undefined)[]): { rows: R[]; dropped: Dropped[] } {
  const kept: R[] = [];
  const dropped: Dropped[] = [];
  rows.forEach((row, index) => {
    const reason = invalidReason(row, rules);
    if (reason) dropped.push({ index, reason });
    else kept.push(row);
  });
  return { rows: kept, dropped };
}

function invalidReason(row: readonly Cell[], rules: readonly (ColumnRule | undefined)[]): string | null {
  if (row.length !== rules.length) return `has ${row.length} values, expected ${rules.length}`;
  for (const [j, rule] of rules.entries()) {
    if (!rule) continue;
    const v = row[j];
    const name = rule.name ?? `column ${j}`;
    const missing = v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) || v === "";
    if (missing) {
      if (rule.required ?? true) return `${name} is missing`;
      continue;
    }
    if (rule.type && typeof v !== rule.type) return `${name} = ${JSON.stringify(v)} is not a ${rule.type}`;
    if (typeof v === "number" && !Number.isFinite(v)) return `${name} is not finite`;
    if (typeof v === "number" && rule.min !== undefined && v < rule.min) return `${name} = ${v} is below min ${rule.min}`;
    if (typeof v === "number" && rule.max !== undefined && v > rule.max) return `${name} = ${v} is above max ${rule.max}`;
    if (rule.oneOf && !rule.oneOf.includes(v!)) return `${name} = ${JSON.stringify(v)} is not one of ${JSON.stringify(rule.oneOf)}`;
  }
  return null;
}

export interface OutlierOptions {
  method?: "zscore" | "iqr";
  /** z-score: |z| above this is an outlier (default 3). */
  threshold?: number;
  /** IQR: outside [Q1 − k·IQR, Q3 + k·IQR] is an outlier (default 1.5). */
  k?: number;
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Keeps the rows of x [samples, features] where no feature is an outlier. */
export function filterOutliers(x: Tensor, { method = "zscore", threshold = 3, k = 1.5 }: OutlierOptions = {}): { kept: Tensor; mask: Tensor; removed: number[] } {
  if (x.ndim !== 2) throw new ValueError(`filterOutliers: expected [samples, features], got ${x.ndim} dims`);
  let outlier: Tensor;
  if (method === "zscore") {
    const mean = x.mean(0, true);
    const std = x.std(0, false, true);
    outlier = x.sub(mean).div(std).abs().gt(threshold).logicalAnd(std.gt(0));
  } else {
    const [n, f] = x.shape as [number, number];
    const data = x.dataSync();
    const bounds = Array.from({ length: f }, (_, j) => {
      const col = Array.from({ length: n }, (_, i) => data[i * f + j]!).sort((a, b) => a - b);
      const q1 = quantile(col, 0.25);
      const q3 = quantile(col, 0.75);
      return [q1 - k * (q3 - q1), q3 + k * (q3 - q1)];
    });
    const lo = tensor(bounds.map((b) => b[0]!));
    const hi = tensor(bounds.map((b) => b[1]!));
    outlier = x.lt(lo).logicalOr(x.gt(hi));
  }
  const bad = outlier.sum(1).gt(0); // any feature out of bounds
  const flags = Array.from(bad.dataSync());
  const keep = flags.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0);
  const removed = flags.map((v, i) => (v ? i : -1)).filter((i) => i >= 0);
  return { kept: x.indexSelect(0, tensor(keep, { dtype: "int32" })), mask: bad.logicalNot(), removed };
}
