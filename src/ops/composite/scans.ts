/**
 * Cumulative ops along a dim — cumsum, cumprod, logcumsumexp — as a Hillis–Steele scan: log₂(n)
 * rounds of combining each element with the one `shift` before it, each round one narrow, one
 * elementwise op and one cat, so the work is O(n log n) in whole-tensor ops and the gradients
 * come from theirs. Also diff, trapezoid and cumulativeTrapezoid.
 */
import { isFloating } from "../../core/dtype.js";
import { ValueError } from "../../core/errors.js";
import { normalizeDim } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { add, cast, ge, isnan, le, logicalAnd, logicalOr, logicalXor, mul, sub, where } from "../elementwise.js";
import { arange, zeros } from "../creation.js";
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
    const positions = expand(reshape(arange(x.shape[d]!, undefined, 1, { dtype: "int32" }), x.shape.map((n, k) => (k === d ? n : 1))), [...x.shape]);
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
