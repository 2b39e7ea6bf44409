/** The arrays fairness functions take: labels, predictions, weights and sensitive features. */
import { Tensor } from "../ops/tensor.js";
import { ShapeError, ValueError } from "../base/errors.js";

/** 0/1 labels or predictions (or scores), as an array or a 1-D tensor. */
export type Vector = readonly number[] | Tensor;
/** A sensitive-feature value per example. */
export type SensitiveValue = string | number | boolean;
/**
 * The sensitive feature(s): one value per example, or several named columns (groups are then their
 * combinations, labelled "a, b").
 */
export type SensitiveFeatures = readonly SensitiveValue[] | Tensor | Readonly<Record<string, readonly SensitiveValue[] | Tensor>>;

export function toNumbers(v: Vector, what: string, fn: string): number[] {
  const out = v instanceof Tensor ? Array.from(v.reshape([-1]).dataSync(), Number) : [...v];
  if (v instanceof Tensor && v.ndim > 1 && v.shape.filter((d) => d !== 1).length > 1) throw new ShapeError(`${fn}: ${what} must be 1-D, got shape [${v.shape.join(", ")}]`);
  out.forEach((x, i) => {
    if (!Number.isFinite(x)) throw new ValueError(`${fn}: ${what}[${i}] is ${x}`);
  });
  return out;
}

/** Each example's group label, and the sorted distinct labels. */
export function groupLabels(features: SensitiveFeatures, n: number, fn: string): { labels: string[]; groups: string[] } {
  const columns: (readonly SensitiveValue[])[] =
    Array.isArray(features) || features instanceof Tensor
      ? [features instanceof Tensor ? Array.from(features.reshape([-1]).dataSync(), Number) : (features as readonly SensitiveValue[])]
      : Object.values(features as Record<string, readonly SensitiveValue[] | Tensor>).map((c) => (c instanceof Tensor ? Array.from(c.reshape([-1]).dataSync(), Number) : c));
  if (!columns.length) throw new ValueError(`${fn}: no sensitive features given`);
  for (const c of columns) if (c.length !== n) throw new ShapeError(`${fn}: ${c.length} sensitive-feature values for ${n} examples`);
  const labels = Array.from({ length: n }, (_, i) => columns.map((c) => String(c[i])).join(", "));
  const groups = [...new Set(labels)].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return { labels, groups };
}

/** Checks that the arrays have one entry per example; returns the count. */
export function sameLength(fn: string, named: Record<string, readonly unknown[] | undefined>): number {
  const entries = Object.entries(named).filter(([, v]) => v !== undefined) as [string, readonly unknown[]][];
  const n = entries[0]![1].length;
  for (const [name, v] of entries) if (v.length !== n) throw new ShapeError(`${fn}: ${name} has ${v.length} entries, ${entries[0]![0]} has ${n}`);
  return n;
}
