/**
 * Transcendental functions composed from the primitives (exp, log, sqrt, sin, cos), each accurate
 * to a few float32 ulps over its domain: log1p and expm1 by Kahan's correction, atan by two
 * argument reductions and a short series, the inverse hyperbolics through log1p. Where the
 * composed form's own derivative would carry rounding noise, the value is taken from the accurate
 * form and the gradient from the textbook derivative (`withGradient`), as PyTorch's formulas give.
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../tensor.js";
import { abs, add, cos, div, eq, exp, gt, log, logicalAnd, logicalOr, lt, mul, neg, sign, sin, sqrt, sub, where, type TensorLike } from "../elementwise.js";
import { isfinite } from "./math.js";
import { tensor } from "../creation.js";

/**
 * value's numbers with gradient's derivative: value.detach() + (g − g.detach()), g differentiated
 * instead. Where g is not finite (an overflowing derivative's own function), only the value counts.
 */
function withGradient(value: Tensor, gradient: Tensor): Tensor {
  const finite = isfinite(gradient.detach());
  return add(value.detach(), where(finite, sub(gradient, gradient.detach()), 0));
}

/** log(1 + x), accurate for tiny x. */
export function log1p(x: Tensor): Tensor {
  const u = add(x, 1);
  const value = where(eq(u, 1), x, where(eq(u, Infinity), u, div(mul(log(u), x), sub(u, 1))));
  return withGradient(value, log(u));
}

/** eˣ − 1, accurate for tiny x. */
export function expm1(x: Tensor): Tensor {
  const u = exp(x);
  const um1 = sub(u, 1);
  const value = where(eq(u, 1), x, where(eq(um1, -1), -1, where(eq(u, Infinity), Infinity, div(mul(um1, x), log(u)))));
  return withGradient(value, u);
}

export const log2 = (x: Tensor): Tensor => mul(log(x), Math.LOG2E);
export const log10 = (x: Tensor): Tensor => mul(log(x), Math.LOG10E);

export function tan(x: Tensor): Tensor {
  return div(sin(x), cos(x));
}

/** atan(x): |x| > 1 through π/2 − atan(1/x), then halved angles, then a series in t² (|t| ≤ tan(π/16)). */
function atanValue(x: Tensor): Tensor {
  const ax = abs(x);
  const big = gt(ax, 1);
  let t = where(big, div(1, where(big, ax, 1)), ax); // in [0, 1]
  // atan(t) = 2·atan(t / (1 + √(1 + t²))): twice, to |t| ≤ tan(π/16) ≈ 0.199.
  t = div(t, add(1, sqrt(add(1, mul(t, t)))));
  t = div(t, add(1, sqrt(add(1, mul(t, t)))));
  const t2 = mul(t, t);
  // t − t³/3 + t⁵/5 − … to t¹⁵: the remainder is below 0.199¹⁷/17 ≈ 7e-14.
  let series: Tensor = mul(t2, -1 / 15);
  for (const k of [13, 11, 9, 7, 5, 3]) series = mul(t2, add(series, (k % 4 === 1 ? 1 : -1) / k));
  const small = mul(mul(t, add(series, 1)), 4);
  const unsigned = where(big, sub(Math.PI / 2, small), small);
  return mul(sign(x), unsigned);
}

/** The angle whose tangent is x, in (−π/2, π/2). */
export function atan(x: Tensor): Tensor {
  return withGradient(atanValue(x), atanGradient(x));
}

/** Any function whose derivative is 1/(1 + x²): its gradient (the value is irrelevant). */
function atanGradient(x: Tensor): Tensor {
  return withDerivative(x, div(1, add(1, mul(x, x))));
}

/** A tensor whose value is 0 and whose derivative in x is `derivative` (computed outside the graph; 0 where it is infinite). */
function withDerivative(x: Tensor, derivative: Tensor): Tensor {
  const d = derivative.detach();
  return where(isfinite(d), mul(sub(x, x.detach()), d), 0);
}

/** The angle whose sine is x, in [−π/2, π/2]; NaN outside [−1, 1]. */
export function asin(x: Tensor): Tensor {
  const value = atanValue(div(x, sqrt(sub(1, mul(x, x)))));
  const outside = gt(abs(x), 1);
  const atEnds = eq(abs(x), 1);
  const v = where(outside, NaN, where(atEnds, mul(sign(x), Math.PI / 2), value));
  return withGradient(v, withDerivative(x, div(1, sqrt(sub(1, mul(x, x))))));
}

/** The angle whose cosine is x, in [0, π]. */
export function acos(x: Tensor): Tensor {
  return sub(Math.PI / 2, asin(x));
}

/** The angle of the point (x, y), in (−π, π]: atan(y/x) moved to the right quadrant. */
export function atan2(y: Tensor, x: TensorLike): Tensor {
  const xt = typeof x === "object" ? x : null;
  const base = atanValue(div(y, x));
  const negX = xt ? signbit(xt) : (x as number) < 0 || Object.is(x, -0);
  const yNeg = signbit(y);
  // On an axis: ±π/2 for x = 0; for y = ±0, ±0 when x ≥ +0 and ±π when x ≤ −0 (IEEE atan2).
  const pi = tensor(Math.PI, { dtype: y.dtype, device: y.backend }); // π in y's precision, on its device
  const onXAxis = where(negX, where(yNeg, neg(pi), pi), where(yNeg, -0, 0));
  const value = where(eq(y, 0), onXAxis, where(eq(x, 0), mul(sign(y), mul(pi, 0.5)), where(negX, where(yNeg, sub(base, pi), add(base, pi)), base)));
  // ∂/∂y = x / (x² + y²), ∂/∂x = −y / (x² + y²).
  const r2 = add(mul(x, x), mul(y, y));
  const gradY = withDerivative(y, div(x, r2));
  const gradient = xt ? add(gradY, withDerivative(xt, div(neg(y), r2))) : gradY;
  return withGradient(value, gradient);
}

/** The inverse hyperbolic sine: sign(x)·log1p(|x| + x²/(1 + √(1 + x²))). */
export function asinh(x: Tensor): Tensor {
  const ax = abs(x);
  const x2 = mul(x, x);
  const value = mul(sign(x), log1p(add(ax, div(x2, add(1, sqrt(add(1, x2)))))));
  return withGradient(value.detach(), withDerivative(x, div(1, sqrt(add(x2, 1)))));
}

/** The inverse hyperbolic cosine, for x ≥ 1 (NaN below). */
export function acosh(x: Tensor): Tensor {
  const xm1 = sub(x, 1);
  const value = log1p(add(xm1, sqrt(add(mul(xm1, 2), mul(xm1, xm1)))));
  return withGradient(value.detach(), withDerivative(x, div(1, sqrt(sub(mul(x, x), 1)))));
}

/** The inverse hyperbolic tangent: ½·log1p(2x / (1 − x)). */
export function atanh(x: Tensor): Tensor {
  const value = mul(log1p(div(mul(x, 2), sub(1, x))), 0.5);
  return withGradient(value.detach(), withDerivative(x, div(1, sub(1, mul(x, x)))));
}

/** log(p / (1 − p)), with p clamped to [eps, 1 − eps] when eps is given. */
export function logit(x: Tensor, eps?: number | null): Tensor {
  if (eps !== undefined && eps !== null && !(eps >= 0 && eps < 0.5)) throw new ValueError(`logit: eps must be in [0, 0.5), got ${eps}`);
  const p = eps === undefined || eps === null ? x : x.clamp(eps, 1 - eps);
  return log(div(p, sub(1, p)));
}

/** sin(πx)/(πx), 1 at 0. */
export function sinc(x: Tensor): Tensor {
  const px = mul(x, Math.PI);
  const zero = eq(x, 0);
  return where(zero, 1, div(sin(px), where(zero, 1, px)));
}

/** |a| with b's sign (−0 counts as negative). */
export function copysign(a: Tensor, b: TensorLike): Tensor {
  const negative = typeof b === "number" ? b < 0 || Object.is(b, -0) : logicalOr(lt(b as Tensor, 0), logicalAnd(eq(b as Tensor, 0), lt(div(1, b as Tensor), 0)));
  return where(negative, neg(abs(a)), abs(a));
}

/** Whether the sign bit is set (−0 and negative numbers). */
export function signbit(x: Tensor): Tensor {
  return logicalOr(lt(x, 0), logicalAnd(eq(x, 0), lt(div(1, x), 0)));
}

/** x · 2^e. */
export function ldexp(x: Tensor, e: TensorLike): Tensor {
  return mul(x, exp(mul(e, Math.LN2)));
}
