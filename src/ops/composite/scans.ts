/**
 * Cumulative ops along a dim — cumsum, cumprod, logcumsumexp — as a Hillis–Steele scan: log₂(n)
 * rounds of combining each element with the one `shift` before it, each round one narrow, one
 * elementwise op and one cat, so the work is O(n log n) in whole-tensor ops and the gradients
 * come from theirs. Also diff, trapezoid and cumulativeTrapezoid.
 */
import { isFloating } from "../../base/dtype.js";
import { ValueError } from "../../base/errors.js";
import { normalizeDim } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import { noGrad } from "../grad-mode.js";
import { add, cast, ge, isnan, le, logicalAnd, logicalOr, logicalXor, mul, sub, where } from "../elementwise.js";
import { arange, tensor, zeros } from "../creation.js";
import { gather } from "../indexing.js";
import { cat, expand, narrow, reshape } from "../movement.js";
import { sum, valuesIndices, type ValuesIndices } from "../reduce.js";
import { logaddexp } from "./math.js";

function scan(x: Tensor, dim: number, op: string, combine: (later: Tensor, earlier: Tensor) => Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim, op);
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  let out = x;
  for (let shift = 1; shift < n; shift *= 2) {
    out = cat([narrow(out, d, 0, shift), combine(narrow(out, d, shift, n - shift), narrow(out, d, 0, n - shift))], d);
  }
  return out === x ? x.clone() : out;
}

/** Integers and booleans accumulate as int32 (PyTorch: int64); floats keep their dtype. */
const accumulating = (x: Tensor) => (isFloating(x.dtype) ? x : cast(x, "int32"));

/** Running sums along dim. */
export function cumsum(x: Tensor, dim: number): Tensor {
  return scan(accumulating(x), dim, "cumsum", add);
}

/** Running products along dim. */
export function cumprod(x: Tensor, dim: number): Tensor {
  return scan(accumulating(x), dim, "cumprod", mul);
}

/** log of the running sums of exp along dim, without overflow. */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  return scan(isFloating(x.dtype) ? x : cast(x, "float32"), dim, "logcumsumexp", logaddexp);
}

/**
 * Running maximum (or minimum) along dim with the index where it was reached: a scan over
 * (value, index) pairs outside the graph, then the values gathered from x so the gradient flows
 * to those indices. As PyTorch: ties take the later index, and a NaN, once seen, stays.
 */
function cumulativeExtremum(x: Tensor, dim: number, op: "cummax" | "cummin"): ValuesIndices {
  const d = normalizeDim(dim, x.ndim, op);
  if (x.ndim === 0) return valuesIndices(x.clone(), zeros([], { dtype: "int32" }));
  const beats = op === "cummax" ? ge : le;
  const indices = noGrad(() => {
    const positions = expand(reshape(arange(x.shape[d]!, undefined, 1, { dtype: "int32", device: x.backend }), x.shape.map((n, k) => (k === d ? n : 1))), [...x.shape]);
    // later wins when it is NaN, or when neither is NaN and it ties or beats earlier.
    const combine = ([lv, li]: Tensor[], [ev, ei]: Tensor[]): Tensor[] => {
      const later = logicalOr(isnan(lv!), logicalAnd(isnan(ev!).logicalNot(), beats(lv!, ev!)));
      return [where(later, lv!, ev!), where(later, li!, ei!)];
    };
    let pair = [x.detach(), positions];
    const n = x.shape[d]!;
    for (let shift = 1; shift < n; shift *= 2) {
      const merged = combine(pair.map((t) => narrow(t, d, shift, n - shift)), pair.map((t) => narrow(t, d, 0, n - shift)));
      pair = pair.map((t, k) => cat([narrow(t, d, 0, shift), merged[k]!], d));
    }
    return pair[1]!;
  });
  return valuesIndices(gather(x, d, indices), indices);
}

export const cummax = (x: Tensor, dim: number): ValuesIndices => cumulativeExtremum(x, dim, "cummax");
export const cummin = (x: Tensor, dim: number): ValuesIndices => cumulativeExtremum(x, dim, "cummin");

/** The n-th forward difference along dim (booleans: xor), after optionally prepending and appending values. */
export function diff(x: Tensor, n = 1, dim = -1, { prepend, append }: { prepend?: Tensor; append?: Tensor } = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`diff: n must be a non-negative integer, got ${n}`);
  const d = normalizeDim(dim, x.ndim, "diff");
  let out = prepend || append ? cat([...(prepend ? [prepend] : []), x, ...(append ? [append] : [])], d) : x;
  for (let k = 0; k < n && out.shape[d]! > 0; k++) {
    const len = out.shape[d]! - 1;
    const [later, earlier] = [narrow(out, d, 1, len), narrow(out, d, 0, len)];
    out = out.dtype === "bool" ? logicalXor(later, earlier) : sub(later, earlier);
  }
  return out;
}

/** The trapezoid areas between neighbours along dim: spacing dx, or the differences of the sample points x. */
function trapezoids(y: Tensor, dim: number, spacing: Tensor | number): Tensor {
  const d = normalizeDim(dim, y.ndim, "trapezoid");
  const len = Math.max(0, y.shape[d]! - 1);
  const mid = mul(add(narrow(y, d, 1, len), narrow(y, d, 0, len)), 0.5);
  return mul(mid, typeof spacing === "number" ? spacing : diff(spacing, 1, spacing.ndim === 1 ? 0 : d));
}

/** ∫ y along dim by the trapezoid rule, with sample points x or a constant spacing dx. */
export function trapezoid(y: Tensor, { x, dx = 1, dim = -1 }: { x?: Tensor; dx?: number; dim?: number } = {}): Tensor {
  return sum(trapezoids(y, dim, spacingOf(y, x, dx, dim)), dim);
}

/** The running integral of y along dim by the trapezoid rule (one element shorter than y). */
export function cumulativeTrapezoid(y: Tensor, { x, dx = 1, dim = -1 }: { x?: Tensor; dx?: number; dim?: number } = {}): Tensor {
  return cumsum(trapezoids(y, dim, spacingOf(y, x, dx, dim)), dim);
}

/** A 1-D x is the points along dim; otherwise x broadcasts against y. */
function spacingOf(y: Tensor, x: Tensor | undefined, dx: number, dim: number): Tensor | number {
  if (!x) return dx;
  if (x.ndim === 1) {
    const d = normalizeDim(dim, y.ndim, "trapezoid");
    if (x.shape[0] !== y.shape[d]) throw new ValueError(`trapezoid: ${x.shape[0]} sample points for dim ${d} of size ${y.shape[d]}`);
    return x.reshape(...y.shape.map((s, i) => (i === d ? s : 1)));
  }
  return x;
}

/**
 * torch.gradient: the derivative of samples along each dim (or `dim`) by central differences inside
 * and one-sided ones at the edges (first or second order), for unit, per-dim or coordinate spacing.
 */
export function gradient(
  y: Tensor,
  { spacing = 1, dim, edgeOrder = 1 }: { spacing?: number | readonly (number | Tensor)[]; dim?: number | readonly number[]; edgeOrder?: 1 | 2 } = {},
): Tensor[] {
  if (edgeOrder !== 1 && edgeOrder !== 2) throw new ValueError(`gradient: edgeOrder must be 1 or 2, got ${String(edgeOrder)}`);
  const dims = dim === undefined ? y.shape.map((_, d) => d) : (typeof dim === "number" ? [dim] : [...dim]).map((d) => normalizeDim(d, y.ndim, "gradient"));
  const spacings = typeof spacing === "number" ? dims.map(() => spacing) : [...spacing];
  if (spacings.length !== dims.length) throw new ValueError(`gradient: ${spacings.length} spacings for ${dims.length} dims`);
  const yf = isFloating(y.dtype) ? y : cast(y, "float32");
  return dims.map((d, k) => {
    const n = yf.shape[d]!;
    if (n < edgeOrder + 1) throw new ValueError(`gradient: dim ${d} has ${n} samples; edgeOrder ${edgeOrder} needs at least ${edgeOrder + 1}`);
    const s = spacings[k]!;
    const x = typeof s === "number" ? Array.from({ length: n }, (_, i) => i * s) : Array.from(s.contiguous().dataSync());
    if (x.length !== n) throw new ValueError(`gradient: ${x.length} coordinates for dim ${d} of size ${n}`);
    const at = (i: number) => narrow(yf, d, i, 1);
    const shape = yf.shape.map((v, j) => (j === d ? n - 2 : 1));
    const parts: Tensor[] = [];
    // Edges.
    const h = (i: number) => x[i + 1]! - x[i]!;
    let first: Tensor;
    let last: Tensor;
    if (edgeOrder === 1) {
      first = sub(at(1), at(0)).div(h(0));
      last = sub(at(n - 1), at(n - 2)).div(h(n - 2));
    } else {
      const [a1, a2] = [h(0), h(1)];
      first = at(0).mul(-(2 * a1 + a2) / (a1 * (a1 + a2))).add(at(1).mul((a1 + a2) / (a1 * a2))).add(at(2).mul(-a1 / (a2 * (a1 + a2))));
      const [b1, b2] = [h(n - 3), h(n - 2)];
      last = at(n - 3).mul(b2 / (b1 * (b1 + b2))).add(at(n - 2).mul(-(b1 + b2) / (b1 * b2))).add(at(n - 1).mul((2 * b2 + b1) / (b2 * (b1 + b2))));
    }
    parts.push(first);
    if (n > 2) {
      // Inside: (hₗ²·f[i+1] − hᵣ²·f[i−1] + (hᵣ² − hₗ²)·f[i]) / (hₗ·hᵣ·(hₗ + hᵣ)), hₗ = x[i] − x[i−1], hᵣ = x[i+1] − x[i].
      const hl = Array.from({ length: n - 2 }, (_, i) => h(i));
      const hr = Array.from({ length: n - 2 }, (_, i) => h(i + 1));
      const coef = (f: (l: number, r: number) => number) => tensor(hl.map((l, i) => f(l, hr[i]!)), { dtype: yf.dtype }).reshape(shape);
      const upper = narrow(yf, d, 2, n - 2).mul(coef((l, r) => (l * l) / (l * r * (l + r))));
      const lower = narrow(yf, d, 0, n - 2).mul(coef((l, r) => -(r * r) / (l * r * (l + r))));
      const middle = narrow(yf, d, 1, n - 2).mul(coef((l, r) => (r * r - l * l) / (l * r * (l + r))));
      parts.push(add(add(upper, lower), middle));
    }
    parts.push(last);
    return cat(parts, d);
  });
}
