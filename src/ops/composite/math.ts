/**
 * Elementwise maths composed from the primitives, each as ATen writes it where that matters
 * (remainder's floor, fmod's truncation, lerp's two-sided form), so the values and gradients
 * match PyTorch's: rounding toward zero, remainders, interpolation, fused multiply-adds, hyperbolic
 * functions, log-sum-exp of two, and PyTorch's other names.
 */
import { isFloating } from "../../base/dtype.js";
import type { Tensor } from "../tensor.js";
import { abs, add, cast, ceil, clamp, div, eq, exp, floor, ge, gt, isnan, le, log, logicalAnd, logicalOr, lt, maximum, mul, ne, neg, pow, sqrt, sub, where, type TensorLike } from "../elementwise.js";
import { softplus } from "./activations.js";

/** Rounds toward zero. */
export function trunc(x: Tensor): Tensor {
  return isFloating(x.dtype) ? where(lt(x, 0), ceil(x), floor(x)) : x;
}

export const fix = trunc;

/** x − trunc(x): the fractional part, with x's sign. */
export function frac(x: Tensor): Tensor {
  return sub(x, trunc(x));
}

/** a − trunc(a / b)·b: C's fmod, with the dividend's sign. */
export function fmod(a: Tensor, b: TensorLike): Tensor {
  return sub(a, mul(trunc(div(a, b)), b));
}

/** a − floor(a / b)·b: Python's %, with the divisor's sign. */
export function remainder(a: Tensor, b: TensorLike): Tensor {
  return sub(a, mul(floor(div(a, b)), b));
}

/** floor(a / b). */
export function floorDivide(a: Tensor, b: TensorLike): Tensor {
  return floor(div(a, b));
}

/** start + weight·(end − start), computed from the nearer end as ATen does (exact at weight 0 and 1). */
export function lerp(start: Tensor, end: Tensor, weight: Tensor | number): Tensor {
  const diff = sub(end, start);
  const fromStart = () => add(start, mul(weight, diff));
  const fromEnd = () => sub(end, mul(diff, typeof weight === "number" ? 1 - weight : sub(1, weight)));
  if (typeof weight === "number") return weight < 0.5 ? fromStart() : fromEnd();
  return where(lt(weight, 0.5), fromStart(), fromEnd());
}

/** input + value·t1·t2. */
export function addcmul(input: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  const p = mul(t1, t2);
  return add(input, value === 1 ? p : mul(p, value));
}

/** input + value·t1 / t2. */
export function addcdiv(input: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  const q = div(t1, t2);
  return add(input, value === 1 ? q : mul(q, value));
}

/** √(a² + b²). */
export function hypot(a: Tensor, b: TensorLike): Tensor {
  return sqrt(add(mul(a, a), mul(b, b)));
}

/**
 * x·log(y), with 0 where x = 0 (unless y is NaN), as scipy.special.xlogy. Where x = 0 the
 * gradient in x is still log(y) (0 where y ≤ 0), as PyTorch's.
 */
export function xlogy(x: Tensor, y: Tensor | number): Tensor {
  const [logY, finiteLogY, yIsNumber] = typeof y === "number"
    ? [Math.log(y), y > 0 ? Math.log(y) : 0, !Number.isNaN(y)]
    : [log(y), where(gt(y, 0), log(y), 0), eq(y, y)];
  return where(logicalAnd(eq(x, 0), yIsNumber), mul(x, finiteLogY), mul(x, logY));
}

/** 1 where x > 0, 0 where x < 0, `values` where x = 0. */
export function heaviside(x: Tensor, values: TensorLike): Tensor {
  return where(eq(x, 0), values, gt(x, 0).to(x.dtype));
}

/** log(eˣ + eʸ) without overflow: max + log(1 + e^{−|x − y|}). */
export function logaddexp(a: Tensor, b: TensorLike): Tensor {
  const m = maximum(a, b);
  const both = logicalAnd(eq(a, b), eq(abs(a), Infinity)); // two equal infinities: the infinity itself
  return where(both, a, add(m, softplus(neg(abs(sub(a, b))))));
}

/** log₂(2ˣ + 2ʸ). */
export function logaddexp2(a: Tensor, b: TensorLike): Tensor {
  return mul(logaddexp(mul(a, Math.LN2), mul(b, Math.LN2)), 1 / Math.LN2);
}

/** 2ˣ. */
export function exp2(x: Tensor): Tensor {
  return exp(mul(x, Math.LN2));
}

/** (eˣ − e⁻ˣ) / 2, by its series near 0 where the difference would cancel. */
export function sinh(x: Tensor): Tensor {
  const small = lt(abs(x), 1e-2);
  const safe = where(small, 1, x); // the branch `where` discards must not overflow into NaN gradients
  const x2 = mul(x, x);
  const series = mul(x, add(1, mul(x2, add(1 / 6, mul(x2, 1 / 120)))));
  return where(small, series, mul(sub(exp(safe), exp(neg(safe))), 0.5));
}

/** (eˣ + e⁻ˣ) / 2. */
export function cosh(x: Tensor): Tensor {
  return mul(add(exp(x), exp(neg(x))), 0.5);
}

/** Degrees to radians, and back. */
export const deg2rad = (x: Tensor): Tensor => mul(x, Math.PI / 180);
export const rad2deg = (x: Tensor): Tensor => mul(x, 180 / Math.PI);

/** clamp with only a lower or only an upper bound. */
export const clampMin = (x: Tensor, min: TensorLike): Tensor => clamp(x, min, null);
export const clampMax = (x: Tensor, max: TensorLike): Tensor => clamp(x, null, max);

const FLOAT32_MAX = 3.4028234663852886e38;

/** NaN, +∞ and −∞ replaced by finite numbers (0 and the dtype's largest and lowest by default). */
export function nanToNum(x: Tensor, { nan = 0, posinf, neginf }: { nan?: number; posinf?: number; neginf?: number } = {}): Tensor {
  if (!isFloating(x.dtype)) return x.clone();
  const big = x.dtype === "float64" ? Number.MAX_VALUE : FLOAT32_MAX;
  const out = where(isnan(x), nan, x);
  return where(eq(out, Infinity), posinf ?? big, where(eq(out, -Infinity), neginf ?? -big, out));
}

/** A boolean tensor: whether each element is finite (neither ±∞ nor NaN). */
export function isfinite(x: Tensor): Tensor {
  return isFloating(x.dtype) ? logicalAnd(eq(x, x), ne(abs(x), Infinity)) : ne(x, x).logicalNot();
}

export const isinf = (x: Tensor): Tensor => eq(abs(x), Infinity);
export const isposinf = (x: Tensor): Tensor => eq(x, Infinity);
export const isneginf = (x: Tensor): Tensor => eq(x, -Infinity);

/** The larger of a and b, ignoring a NaN on one side (NumPy's fmax); NaN only where both are. Ties go to a, as PyTorch's gradient. */
export function fmax(a: Tensor, b: Tensor): Tensor {
  return where(logicalOr(ge(a, b), isnan(b)), a, b);
}

/** The smaller of a and b, ignoring a NaN on one side (NumPy's fmin). */
export function fmin(a: Tensor, b: Tensor): Tensor {
  return where(logicalOr(le(a, b), isnan(b)), a, b);
}

/** aᵇ in float64, as PyTorch's float_power (which computes in double precision). */
export function floatPower(a: Tensor | number, b: TensorLike): Tensor {
  const a64 = typeof a === "number" ? a : cast(a, "float64");
  const b64 = typeof b === "object" ? cast(b, "float64") : b;
  return pow(a64 as TensorLike, b64);
}
