/**
 * Sorting along a dim: sort, argsort, topk, kthvalue, median, mode and aminmax, with PyTorch's
 * semantics (stable, NaN the largest value; median the lower median, NaN where a line has one).
 * Two primitives, argsort and argmode (no gradient: they give indices); the values are gathered at those indices,
 * so gradients flow to the chosen elements as in PyTorch.
 */
import { IndexError, ShapeError, ValueError } from "../base/errors.js";
import { normalizeDim } from "../base/shape.js";
import type { Tensor } from "./tensor.js";
import { apply } from "./dispatch.js";
import { scalar } from "./creation.js";
import { gather } from "./indexing.js";
import { narrow, permute, reshape, squeeze, unsqueeze } from "./movement.js";
import { amax, amin, sum, valuesIndices, type ValuesIndices } from "./reduce.js";
import { isnan, sub, where } from "./elementwise.js";

/** The order that sorts x along dim (int32, x's shape). */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  if (x.ndim === 0) return reshape(scalar(0, "int32", x.backend), []);
  const d = normalizeDim(dim, x.ndim, "argsort");
  const moved = apply("argsort", [x], { dim: d, descending }); // dim moved last
  const back = Array.from({ length: x.ndim }, (_, i) => (i < d ? i : i === d ? x.ndim - 1 : i - 1));
  return permute(moved, back);
}

/** `const [values, indices] = x.sort(dim, descending)`. */
export function sort(x: Tensor, dim = -1, descending = false): ValuesIndices {
  const indices = argsort(x, dim, descending);
  return valuesIndices(x.ndim === 0 ? x : gather(x, normalizeDim(dim, x.ndim, "sort"), indices), indices);
}

function lineLength(x: Tensor, dim: number, op: string): [number, number] {
  const d = normalizeDim(dim, Math.max(x.ndim, 1), op);
  return [d, x.ndim === 0 ? 1 : x.shape[d]!];
}

/** The k largest (or smallest) along dim, in order: `const [values, indices] = x.topk(3)`. */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  const [d, n] = lineLength(x, dim, "topk");
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ValueError(`topk: k (${k}) must be an integer in [0, ${n}] (the size of dim ${d})`);
  void sorted; // the k are always returned in order (PyTorch's sorted=True; False allows any order)
  if (x.ndim === 0) return sort(x);
  const indices = narrow(argsort(x, d, largest), d, 0, k);
  return valuesIndices(gather(x, d, indices), indices);
}

/** The k-th smallest along dim (k from 1), and its index. */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  const [d, n] = lineLength(x, dim, "kthvalue");
  if (!Number.isInteger(k) || k < 1 || k > n) throw new IndexError(`kthvalue: k (${k}) must be in [1, ${n}] (the size of dim ${d})`);
  if (x.ndim === 0) return valuesIndices(x, reshape(scalar(0, "int32", x.backend), []));
  return pick(x, d, narrow(argsort(x, d), d, k - 1, 1), keepdim);
}

function pick(x: Tensor, d: number, at: Tensor, keepdim: boolean): ValuesIndices {
  const values = gather(x, d, at);
  return keepdim ? valuesIndices(values, at) : valuesIndices(squeeze(values, d), squeeze(at, d));
}

/**
 * The lower median along dim (PyTorch's median: of an even count, the smaller middle value), NaN
 * where the line holds one; without dim, of all elements.
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return median(reshape(x, [-1]), 0).values;
  const [d, n] = lineLength(x, dim, "median");
  if (n === 0) throw new ShapeError(`median: dim ${d} is empty`);
  if (x.ndim === 0) return valuesIndices(x, reshape(scalar(0, "int32", x.backend), []));
  const order = argsort(x, d);
  // NaNs sort last: a line with one takes its first NaN, at position n − (its NaN count).
  const nans = sum(isnan(x), d, true);
  const position = where(nans.gt(0), sub(n, nans), Math.floor((n - 1) / 2)).int();
  return pick(x, d, gather(order, d, position), keepdim);
}

/** The most frequent value along dim (the smallest of equally frequent ones) and its last index. */
export function mode(x: Tensor, dim = -1, keepdim = false): ValuesIndices {
  if (x.ndim === 0) return valuesIndices(x, reshape(scalar(0, "int32", x.backend), []));
  const [d, n] = lineLength(x, dim, "mode");
  if (n === 0) throw new ShapeError(`mode: dim ${d} is empty`);
  const at = unsqueeze(apply("argmode", [x], { dim: d }), d);
  return pick(x, d, at, keepdim);
}

/** `{min, max}` along dim (or of all elements), destructuring as [min, max] like PyTorch's tuple. */
export function aminmax(x: Tensor, dim?: number, keepdim = false): readonly [min: Tensor, max: Tensor] & { readonly min: Tensor; readonly max: Tensor } {
  const min = amin(x, dim, keepdim);
  const max = amax(x, dim, keepdim);
  return Object.assign([min, max] as const, { min, max });
}
