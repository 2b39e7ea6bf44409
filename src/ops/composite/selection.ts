/**
 * Sorting and counting beyond ops/sorting.ts: unique and uniqueConsecutive, searchsorted and
 * bucketize, bincount and histc (host loops: their output sizes depend on the data, as in
 * PyTorch's CPU kernels; searchsorted and histc run on the device where reads are asynchronous), and the
 * differentiable msort, nanmedian, quantile and nanquantile (values gathered from argsort's order,
 * interpolated linearly).
 */
import { isFloating } from "../../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { normalizeDim } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import { full, tensor, zeros } from "../creation.js";
import { add, bitwiseRightShift, isnan, mul, sub, where } from "../elementwise.js";
import { gather, scatterAdd } from "../indexing.js";
import { resultType } from "../tensor-info.js";
import { movedim } from "./arrange.js";
import { argsort, sort } from "../sorting.js";
import { refuseIfAny } from "../deferred-check.js";
import { amax, amin, sum, valuesIndices, type ValuesIndices } from "../reduce.js";

const ints = (values: ArrayLike<number>, shape?: number[]) => tensor(Int32Array.from(values), { dtype: "int32", ...(shape ? { shape } : {}) });

export interface UniqueOptions {
  sorted?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
}

/** What unique returns: the values, then the inverse indices and the counts when asked for. */
export type UniqueResult = Tensor | [values: Tensor, ...rest: Tensor[]];

function uniqueResult(values: Tensor, inverse: Tensor, counts: Tensor, { returnInverse = false, returnCounts = false }: UniqueOptions): UniqueResult {
  if (!returnInverse && !returnCounts) return values;
  return [values, ...(returnInverse ? [inverse] : []), ...(returnCounts ? [counts] : [])];
}

/** The distinct elements (sorted, as PyTorch always sorts on CPU), with where each input element went and how often each occurs. */
export function unique(x: Tensor, options: UniqueOptions = {}): UniqueResult {
  const data = x.contiguous().dataSync();
  const distinct = [...new Set(data as ArrayLike<number> as number[])].sort((a, b) => (Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b));
  const at = new Map(distinct.map((v, i) => [v, i]));
  const inverse = Int32Array.from(data as ArrayLike<number>, (v) => at.get(v)!);
  const counts = new Int32Array(distinct.length);
  for (const i of inverse) counts[i]!++;
  return uniqueResult(tensor(distinct, { dtype: x.dtype }), ints(inverse, [...x.shape]), ints(counts), options);
}

/** Each run of equal consecutive elements (of the flattened tensor) once. */
export function uniqueConsecutive(x: Tensor, options: Omit<UniqueOptions, "sorted"> = {}): UniqueResult {
  const data = x.contiguous().dataSync();
  const values: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(data.length);
  data.forEach((v, i) => {
    if (values.length === 0 || values[values.length - 1] !== v) {
      values.push(v);
      counts.push(0);
    }
    counts[counts.length - 1]!++;
    inverse[i] = values.length - 1;
  });
  return uniqueResult(tensor(values, { dtype: x.dtype }), ints(inverse, [...x.shape]), ints(counts), options);
}

/**
 * Where each value would be inserted into sortedSequence to keep it sorted: the first position
 * (or, with right, the last) — along the last dim, whose leading dims must match the values'.
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, { right = false }: { right?: boolean } = {}): Tensor {
  const v = typeof values === "number" ? tensor(values, { dtype: sortedSequence.dtype, device: sortedSequence.backend }) : values;
  const n = sortedSequence.shape[sortedSequence.ndim - 1] ?? 1;
  const rows = sortedSequence.ndim <= 1 ? 1 : sortedSequence.numel() / n;
  if (sortedSequence.ndim > 1 && (v.ndim !== sortedSequence.ndim || v.shape.slice(0, -1).some((s, i) => s !== sortedSequence.shape[i]))) {
    throw new ShapeError(`searchsorted: the leading dims of values ${fmtShape(v.shape)} must match those of the sorted sequence ${fmtShape(sortedSequence.shape)}`);
  }
  if (sortedSequence.backend.read) return deviceSearch(sortedSequence.reshape(rows, n), v, n, right);
  const seq = sortedSequence.contiguous().dataSync();
  const vals = v.contiguous().dataSync();
  const perRow = rows === 1 ? vals.length : v.shape[v.ndim - 1]!;
  const out = Int32Array.from(vals, (value, i) => {
    const base = rows === 1 ? 0 : Math.floor(i / perRow) * n;
    let [lo, hi] = [0, n];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = seq[base + mid]!;
      if (right ? s <= value : s < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
  return ints(out, [...v.shape]);
}

/**
 * searchsorted where reads are asynchronous (the GPU): the host loop's binary search for every value
 * at once, ⌈log2(n + 1)⌉ rounds of a gather and a comparison on the device, each value's range
 * frozen once lo meets hi, so that every value makes the host loop's comparisons in its order.
 */
function deviceSearch(table: Tensor, v: Tensor, n: number, right: boolean): Tensor {
  const vals = table.shape[0] === 1 ? v.reshape(1, -1) : v.reshape(table.shape[0]!, -1);
  let lo = zeros(vals.shape, { dtype: "int32", device: vals.backend });
  let hi = full(vals.shape, n, { dtype: "int32", device: vals.backend });
  for (let round = 0; round < Math.ceil(Math.log2(n + 1)); round++) {
    const open = lo.lt(hi);
    const mid = bitwiseRightShift(lo.add(hi), 1);
    const at = gather(table, 1, mid.clamp(0, n - 1));
    const below = right ? at.le(vals) : at.lt(vals);
    lo = where(open.logicalAnd(below), mid.add(1), lo);
    hi = where(open.logicalAnd(below.logicalNot()), mid, hi);
  }
  return lo.reshape(v.shape);
}

/**
 * Whether each element of `elements` occurs in testElements (or does not, with invert): a binary
 * search of the sorted test elements, on the elements' device (no read). NaN occurs nowhere, as
 * in PyTorch (NaN ≠ NaN).
 */
export function isin(elements: Tensor | number, testElements: Tensor | number, { invert = false }: { invert?: boolean } = {}): Tensor {
  const device = typeof elements === "object" ? elements.backend : typeof testElements === "object" ? testElements.backend : undefined;
  const asTensor = (v: Tensor | number) => (typeof v === "number" ? tensor(v, { dtype: Number.isInteger(v) ? "int32" : "float32", device }) : v);
  const [e, test] = [asTensor(elements), asTensor(testElements)];
  const dtype = resultType(e, test);
  const values = e.to(dtype);
  const pool = sort(test.reshape(-1).to(dtype)).values;
  const m = pool.numel();
  if (m === 0) return full([...e.shape], invert ? 1 : 0, { dtype: "bool", device: e.backend });
  const at = searchsorted(pool, values.reshape(-1)).clamp(undefined, m - 1);
  const found = gather(pool, 0, at).reshape([...e.shape]).eq(values);
  return invert ? found.logicalNot() : found;
}

/** The bucket of each input element among sorted boundaries (searchsorted with the roles swapped). */
export function bucketize(input: Tensor, boundaries: Tensor, { right = false }: { right?: boolean } = {}): Tensor {
  if (boundaries.ndim !== 1) throw new ShapeError(`bucketize: boundaries must be 1-D, got shape ${fmtShape(boundaries.shape)}`);
  return searchsorted(boundaries, input, { right });
}

/** How often each non-negative integer occurs (summing weights instead, if given), at least minlength long. */
export function bincount(x: Tensor, { weights = null, minlength = 0 }: { weights?: Tensor | null; minlength?: number } = {}): Tensor {
  if (x.ndim !== 1 || isFloating(x.dtype)) throw new DTypeError(`bincount: input must be a 1-D integer tensor, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  const data = x.dataSync();
  if (data.some((v) => v < 0)) throw new ValueError("bincount: input must be non-negative");
  const w = weights?.contiguous().dataSync();
  if (w && w.length !== data.length) throw new ShapeError(`bincount: ${w.length} weights for ${data.length} inputs`);
  const size = Math.max(minlength, data.length ? Math.max(...data) + 1 : 0);
  const counts = new Float64Array(size);
  data.forEach((v, i) => (counts[v]! += w ? w[i]! : 1));
  return w ? tensor(counts, { dtype: weights!.dtype === "float64" ? "float64" : "float32" }) : ints(counts);
}

/** A histogram of bins equal-width bins over [min, max] (the data's range when both are 0); elements outside are ignored. */
export function histc(x: Tensor, { bins = 100, min = 0, max = 0 }: { bins?: number; min?: number; max?: number } = {}): Tensor {
  if (!isFloating(x.dtype)) throw new DTypeError(`histc: input must be floating point, got ${x.dtype}`);
  if (!(Number.isInteger(bins) && bins > 0)) throw new ValueError(`histc: bins must be a positive integer, got ${bins}`);
  if (!(min === 0 && max === 0) && min > max) throw new ValueError(`histc: max (${max}) must not be smaller than min (${min})`);
  if (x.backend.read) return deviceHistc(x.reshape(-1), bins, min, max);
  const data = x.contiguous().dataSync();
  let [lo, hi] = [min, max];
  if (lo === 0 && hi === 0 && data.length) [lo, hi] = [Math.min(...data), Math.max(...data)];
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  const counts = new Float64Array(bins);
  for (const v of data) {
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
  }
  return tensor(counts, { dtype: x.dtype });
}

/**
 * histc where reads are asynchronous (the GPU): the host loop's bins, computed in the input's
 * precision (PyTorch's, which the host loop's float64 may differ from at a bin's edge), counted by
 * a scatter-add into one more bin that takes the elements outside the range (and NaN), then dropped.
 */
function deviceHistc(x: Tensor, bins: number, min: number, max: number): Tensor {
  const like = { dtype: x.dtype, device: x.backend };
  if (x.numel() === 0) return zeros([bins], like);
  let [lo, hi] = min === 0 && max === 0 ? [amin(x), amax(x)] : [full([], min, like), full([], max, like)];
  const same = lo.eq(hi);
  [lo, hi] = [where(same, lo.sub(1), lo), where(same, hi.add(1), hi)];
  const at = x.sub(lo).div(hi.sub(lo)).mul(bins).floor();
  const inside = x.ge(lo).logicalAnd(x.le(hi)).logicalAnd(at.eq(at));
  const bin = where(inside, at.clamp(0, bins - 1), bins).int();
  return scatterAdd(zeros([bins + 1], like), 0, bin, full(x.shape, 1, like)).narrow(0, 0, bins);
}

/** Sorted along dim 0. */
export function msort(x: Tensor): Tensor {
  return sort(x, 0).values;
}

/** The lower median along dim of the elements that are not NaN (NaN where all are). */
export function nanmedian(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return (nanmedian(x.reshape(-1), 0) as ValuesIndices).values;
  const d = normalizeDim(dim, Math.max(x.ndim, 1), "nanmedian");
  const order = argsort(x, d); // NaNs last
  const valid = sum(isnan(x).logicalNot(), d, true);
  const position = where(valid.gt(0), valid.sub(1).div(2).floor(), 0).int();
  const at = gather(order, d, position);
  const values = gather(x, d, at);
  return keepdim ? valuesIndices(values, at) : valuesIndices(values.squeeze(d), at.squeeze(d));
}

export type QuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";

/**
 * The q-th quantiles along dim (of all elements without dim), for q in [0, 1] (a number or a 1-D
 * tensor, whose values then make a new first dim), interpolating between the order statistics.
 * nanquantile ignores NaNs; quantile gives NaN for a line holding one.
 */
export function quantile(x: Tensor, q: number | Tensor, dim?: number, { keepdim = false, interpolation = "linear" }: { keepdim?: boolean; interpolation?: QuantileInterpolation } = {}): Tensor {
  return quantiles(x, q, dim, keepdim, interpolation, false);
}

export function nanquantile(x: Tensor, q: number | Tensor, dim?: number, { keepdim = false, interpolation = "linear" }: { keepdim?: boolean; interpolation?: QuantileInterpolation } = {}): Tensor {
  return quantiles(x, q, dim, keepdim, interpolation, true);
}

function quantiles(x: Tensor, q: number | Tensor, dim: number | undefined, keepdim: boolean, interpolation: QuantileInterpolation, skipNan: boolean): Tensor {
  const op = skipNan ? "nanquantile" : "quantile";
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: input must be floating point, got ${x.dtype}`);
  if (!["linear", "lower", "higher", "midpoint", "nearest"].includes(interpolation)) throw new ValueError(`${op}: interpolation must be linear, lower, higher, midpoint or nearest, got ${JSON.stringify(interpolation)}`);
  if (typeof q !== "number" && q.ndim > 1) throw new ShapeError(`${op}: q must be a number or a 1-D tensor, got shape ${fmtShape(q.shape)}`);
  if (typeof q === "number" && !(q >= 0 && q <= 1)) throw new ValueError(`${op}: q must be in [0, 1], got ${q}`);
  // q as a tensor [Q] on x's device: its values never need reading (a GPU's reads are asynchronous).
  const qs = typeof q === "number" ? full([1], q, { dtype: x.dtype, device: x.backend }) : q.reshape(-1).to(x.dtype);
  const inRange = qs.ge(0).logicalAnd(qs.le(1));
  if (typeof q !== "number") refuseIfAny(inRange.logicalNot(), `${op}: q must be in [0, 1], got {value}`, qs);
  const flat = dim === undefined;
  const input = flat ? x.reshape(-1) : x;
  const d = flat ? 0 : normalizeDim(dim, input.ndim, op);
  // Lines along the last dim: sorted values (NaNs last) and how many are not NaN.
  const lines = movedim(input, d, -1);
  const sorted = sort(lines, -1).values;
  const n = lines.shape[lines.ndim - 1]!;
  if (n === 0) throw new ShapeError(`${op}: dim ${d} is empty`);
  const valid = skipNan ? sum(isnan(lines).logicalNot(), -1, true) : full([1], n, { dtype: "int32", device: input.backend });
  const hasNan = sum(isnan(lines), -1, true).gt(0);
  // (A q outside [0, 1], refused above, reads position 0 meanwhile: the GPU raises the refusal at the next read.)
  const rank = mul(sub(valid, 1).to(x.dtype).clamp(0), where(inRange, qs, 0)); // [..., Q]: fractional positions among the valid values
  const below = rank.floor();
  const above = rank.ceil();
  const pick = (at: Tensor) => gather(sorted, -1, at.int().expand(...sorted.shape.slice(0, -1), qs.shape[0]!));
  const [lo, hi] = [pick(below), pick(above)];
  let value: Tensor;
  if (interpolation === "lower") value = lo;
  else if (interpolation === "higher") value = hi;
  else if (interpolation === "midpoint") value = mul(add(lo, hi), 0.5);
  else if (interpolation === "nearest") value = pick(rank.round()); // half to even, as torch.round
  else value = add(lo, mul(sub(hi, lo), sub(rank, below)));
  // quantile: NaN where a line holds one; nanquantile: NaN where a line is all NaN.
  value = where(skipNan ? valid.eq(0) : hasNan, NaN, value).unsqueeze(-2); // [..., 1, Q]
  value = keepdim && !flat ? movedim(value, -2, d) : value.squeeze(-2);
  const byQ = movedim(value, -1, 0);
  return typeof q === "number" ? byQ.squeeze(0) : byQ;
}
