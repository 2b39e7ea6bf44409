/**
 * Statistics over samples: cov and corrcoef (NumPy's, rows are variables), stdMean and varMean
 * (both moments in one call), and histogram (NumPy's: bin counts or densities with their edges).
 */
import { isFloating } from "../../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../tensor.js";
import { linspace, tensor } from "../creation.js";
import { cast, clamp, div, mul, sqrt, sub } from "../elementwise.js";
import { mean, std, sum, variance, type Dims } from "../reduce.js";
import { reshape, unsqueeze } from "../movement.js";
import { matmul } from "../matmul.js";
import { diagonal } from "./arrange.js";

export interface CovOptions {
  /** Bessel's correction: divide by N − correction (1 by default). */
  correction?: number;
  /** Integer frequency weights, one per observation. */
  fweights?: Tensor;
  /** Observation weights, one per observation. */
  aweights?: Tensor;
}

/** The covariance matrix of the variables in x's rows (observations in columns); a 1-D x is one variable. */
export function cov(x: Tensor, { correction = 1, fweights, aweights }: CovOptions = {}): Tensor {
  if (x.ndim > 2) throw new ShapeError(`cov: expected a 1-D or 2-D tensor, got shape ${fmtShape(x.shape)}`);
  const xs = isFloating(x.dtype) ? x : cast(x, "float32");
  const m = xs.ndim === 2 ? xs : reshape(xs, [1, -1]);
  const n = m.shape[1]!;
  let w: Tensor | null = null;
  for (const [name, weights] of [["fweights", fweights], ["aweights", aweights]] as const) {
    if (!weights) continue;
    if (weights.ndim !== 1 || weights.shape[0] !== n) throw new ShapeError(`cov: ${name} must be 1-D with ${n} entries, got shape ${fmtShape(weights.shape)}`);
    if (name === "fweights" && weights.dtype !== "int32") throw new DTypeError(`cov: fweights must be int32, got ${weights.dtype}`);
    const wf = cast(weights, m.dtype);
    w = w ? mul(w, wf) : wf;
  }
  const wSum = w ? sum(w) : tensor(n, { dtype: m.dtype, device: m.backend });
  const avg = w ? div(sum(mul(m, w), 1, true), wSum) : mean(m, 1, true);
  // NumPy's normaliser: Σw − correction·Σ(w·a)/Σw with aweights, else Σw − correction.
  const norm = w && aweights ? sub(wSum, div(mul(sum(mul(w, cast(aweights, m.dtype))), correction), wSum)) : sub(wSum, correction);
  const centered = sub(m, avg);
  const product = matmul(w ? mul(centered, w) : centered, centered.transpose(0, 1));
  const out = div(product, clamp(norm, 0));
  return x.ndim < 2 ? reshape(out, []) : out;
}

/** The Pearson correlation matrix of x's rows, clipped to [−1, 1]. */
export function corrcoef(x: Tensor): Tensor {
  const c = cov(x);
  if (c.ndim === 0) return div(c, c);
  const d = sqrt(diagonal(c));
  return clamp(div(div(c, unsqueeze(d, 1)), unsqueeze(d, 0)), -1, 1);
}

/** [std, mean] over dim (Bessel-corrected unless correction is 0). */
export function stdMean(x: Tensor, dim?: Dims, { correction = 1, keepdim = false }: { correction?: 0 | 1; keepdim?: boolean } = {}): [std: Tensor, mean: Tensor] {
  return [std(x, dim, correction === 1, keepdim), mean(x, dim, keepdim)];
}

/** [var, mean] over dim. */
export function varMean(x: Tensor, dim?: Dims, { correction = 1, keepdim = false }: { correction?: 0 | 1; keepdim?: boolean } = {}): [variance: Tensor, mean: Tensor] {
  return [variance(x, dim, correction === 1, keepdim), mean(x, dim, keepdim)];
}

export interface HistogramOptions {
  /** The range [min, max] of equal bins; x's own min and max by default. */
  range?: readonly [number, number];
  /** Per-element weights. */
  weight?: Tensor;
  /** Densities (integrating to 1) instead of counts. */
  density?: boolean;
}

/**
 * NumPy's histogram: `bins` equal bins over the range (or the given increasing bin edges), the
 * last bin closed on the right. Returns [hist, binEdges].
 */
export function histogram(x: Tensor, bins: number | Tensor = 100, { range, weight, density = false }: HistogramOptions = {}): [hist: Tensor, binEdges: Tensor] {
  if (!isFloating(x.dtype)) throw new DTypeError(`histogram: input must be floating point, got ${x.dtype}`);
  const data = x.contiguous().dataSync();
  let edges: Float64Array;
  if (typeof bins === "number") {
    if (!(Number.isInteger(bins) && bins > 0)) throw new ValueError(`histogram: bins must be a positive integer, got ${bins}`);
    let [lo, hi] = range ?? (data.length ? [Math.min(...data), Math.max(...data)] : [0, 1]);
    if (!(lo <= hi)) throw new ValueError(`histogram: range must have min <= max, got [${lo}, ${hi}]`);
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    edges = Float64Array.from(linspace(lo, hi, bins + 1, { dtype: "float64" }).dataSync());
  } else {
    if (bins.ndim !== 1 || bins.shape[0]! < 2) throw new ShapeError(`histogram: bin edges must be 1-D with at least 2 entries, got shape ${fmtShape(bins.shape)}`);
    edges = Float64Array.from(bins.contiguous().dataSync());
    for (let i = 1; i < edges.length; i++) if (!(edges[i]! >= edges[i - 1]!)) throw new ValueError("histogram: bin edges must increase monotonically");
  }
  const w = weight ? weight.contiguous().dataSync() : null;
  if (w && w.length !== data.length) throw new ShapeError(`histogram: weight has ${w.length} elements but the input has ${data.length}`);
  const nb = edges.length - 1;
  const counts = new Float64Array(nb);
  const [lo, hi] = [edges[0]!, edges[nb]!];
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= lo && v <= hi)) continue;
    // Binary search for the last edge ≤ v; v = hi belongs to the last bin.
    let [a, b] = [0, nb];
    while (b - a > 1) {
      const mid = (a + b) >> 1;
      if (edges[mid]! <= v) a = mid;
      else b = mid;
    }
    counts[a]! += w ? w[i]! : 1;
  }
  if (density) {
    const total = counts.reduce((s, c) => s + c, 0);
    for (let i = 0; i < nb; i++) counts[i] = counts[i]! / (total * (edges[i + 1]! - edges[i]!));
  }
  return [tensor(counts, { dtype: x.dtype }), tensor(edges, { dtype: x.dtype })];
}

/**
 * NumPy's histogramdd: counts (or densities) of the rows of x [N, D] in a D-dimensional grid of
 * equal bins per dim (over `range` [min0, max0, min1, max1, …] or the data's extent). Returns
 * [hist, binEdges per dim].
 */
export function histogramdd(x: Tensor, bins: number | readonly number[] = 10, { range, weight, density = false }: { range?: readonly number[]; weight?: Tensor; density?: boolean } = {}): [hist: Tensor, binEdges: Tensor[]] {
  if (!isFloating(x.dtype)) throw new DTypeError(`histogramdd: input must be floating point, got ${x.dtype}`);
  const rows = x.ndim === 1 ? x.reshape([-1, 1]) : x.reshape([-1, x.shape.at(-1)!]);
  const [n, D] = rows.shape as [number, number];
  const counts = typeof bins === "number" ? new Array<number>(D).fill(bins) : [...bins];
  if (counts.length !== D || counts.some((b) => !(Number.isInteger(b) && b > 0))) throw new ValueError(`histogramdd: bins must be ${D} positive integers, got [${counts.join(", ")}]`);
  if (range && range.length !== 2 * D) throw new ValueError(`histogramdd: range needs ${2 * D} numbers (a min and max per dim), got ${range.length}`);
  const data = rows.contiguous().dataSync();
  const w = weight ? weight.contiguous().dataSync() : null;
  if (w && w.length !== n) throw new ShapeError(`histogramdd: weight has ${w.length} elements for ${n} points`);
  const edges = counts.map((b, d) => {
    let [lo, hi] = range ? [range[2 * d]!, range[2 * d + 1]!] : [Infinity, -Infinity];
    if (!range) for (let i = 0; i < n; i++) [lo, hi] = [Math.min(lo, data[i * D + d]!), Math.max(hi, data[i * D + d]!)];
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    return Float64Array.from({ length: b + 1 }, (_, k) => lo + ((hi - lo) * k) / b);
  });
  const strides = counts.map((_, d) => counts.slice(d + 1).reduce((a, b) => a * b, 1));
  const hist = new Float64Array(counts.reduce((a, b) => a * b, 1));
  for (let i = 0; i < n; i++) {
    let cell = 0;
    let inside = true;
    for (let d = 0; d < D && inside; d++) {
      const e = edges[d]!;
      const v = data[i * D + d]!;
      const b = counts[d]!;
      if (!(v >= e[0]! && v <= e[b]!)) inside = false;
      else cell += Math.min(b - 1, Math.floor(((v - e[0]!) / (e[b]! - e[0]!)) * b)) * strides[d]!;
    }
    if (inside) hist[cell]! += w ? w[i]! : 1;
  }
  if (density) {
    const total = hist.reduce((s, c) => s + c, 0);
    const volume = edges.reduce((v, e, d) => v * ((e[counts[d]!]! - e[0]!) / counts[d]!), 1);
    for (let i = 0; i < hist.length; i++) hist[i] = hist[i]! / (total * volume);
  }
  return [tensor(hist, { dtype: x.dtype }).reshape(counts), edges.map((e) => tensor(e, { dtype: x.dtype }))];
}
