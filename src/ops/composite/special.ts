/**
 * Special functions (torch.special's everyday members) composed from the primitives: erfc, erfinv,
 * lgamma, digamma, polygamma, mvlgamma, i0. Each is a smooth approximation accurate to float64
 * rounding or near it (Lanczos for lgamma, recurrence plus the asymptotic series for the
 * polygammas, power series plus the asymptotic form for i0), so autograd through the composition
 * gives the textbook derivatives — lgamma′ = digamma, digamma′ = polygamma(1), i0′ = i1 — to the
 * same accuracy, at every order.
 */
import { ValueError } from "../../base/errors.js";
import { isFloating } from "../../base/dtype.js";
import type { Tensor } from "../tensor.js";
import { abs, add, cast, div, eq, erf, exp, floor, gt, log, logicalAnd, logicalNot, lt, mul, neg, pow, sin, sqrt, sub, where } from "../elementwise.js";
import { tan } from "./transcendental.js";
import { isfinite } from "./math.js";
import { tensor, zerosLike } from "../creation.js";
import { prepare } from "../elementwise.js";
import { isGradEnabled, noGrad } from "../grad-mode.js";
import { refuseIfAny } from "../deferred-check.js";
import { tryApply } from "../dispatch.js";

const floating = (x: Tensor): Tensor => (isFloating(x.dtype) ? x : cast(x, "float32"));

/** 1 − erf(x) without the cancellation for large x: e^{−x²}·(a Chebyshev fit in t = 1/(1 + |x|/2)), relative error < 1.2e-7. */
export function erfc(input: Tensor): Tensor {
  const x = floating(input);
  const ax = abs(x);
  const t = div(1, add(mul(ax, 0.5), 1));
  // Numerical Recipes' erfcc coefficients.
  const coeffs = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
  let poly: Tensor = mul(t, coeffs[9]!);
  for (let i = 8; i >= 1; i--) poly = mul(t, add(poly, coeffs[i]!));
  const tail = mul(t, exp(add(neg(mul(ax, ax)), add(poly, coeffs[0]!))));
  const positive = where(lt(ax, 0.5), sub(1, erf(ax)), tail);
  return where(lt(x, 0), sub(2, positive), positive);
}

/**
 * The inverse of erf on (−1, 1) (±∞ at ±1, NaN outside): Giles' single-precision approximation,
 * then two Newton steps on erf(y) = x.
 */
export function erfinv(input: Tensor): Tensor {
  const x = floating(input);
  const inside = lt(abs(x), 1);
  const xs = where(inside, x, 0);
  const w = neg(log(mul(sub(1, xs), add(1, xs))));
  const central = polynomial(sub(w, 2.5), [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]);
  const tailArg = sub(sqrt(where(lt(w, 5), 5, w)), 3);
  const tail = polynomial(tailArg, [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]);
  let y = mul(where(lt(w, 5), central, tail), xs);
  const twoOverSqrtPi = 2 / Math.sqrt(Math.PI);
  for (let i = 0; i < 2; i++) y = sub(y, div(sub(erf(y), xs), mul(exp(neg(mul(y, y))), twoOverSqrtPi)));
  const ends = where(eq(x, 1), Infinity, where(eq(x, -1), -Infinity, NaN));
  return where(inside, y, ends);
}

/** c₀·tⁿ + c₁·tⁿ⁻¹ + … by Horner's rule (coefficients from the highest power). */
function polynomial(t: Tensor, coeffs: readonly number[]): Tensor {
  let p: Tensor = mul(t, 0);
  p = add(p, coeffs[0]!);
  for (const c of coeffs.slice(1)) p = add(mul(p, t), c);
  return p;
}

// Lanczos (g = 7, n = 9): Γ(z + 1) = √(2π)·(z + g + ½)^{z+½}·e^{−(z+g+½)}·A(z), relative error ~1e-15.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x ≥ ½ by Lanczos' formula. */
function lgammaRight(x: Tensor): Tensor {
  const z = sub(x, 1);
  let a: Tensor = add(zerosLike(z), LANCZOS[0]!);
  for (let i = 1; i < LANCZOS.length; i++) a = add(a, div(LANCZOS[i]!, add(z, i)));
  const t = add(z, LANCZOS_G + 0.5);
  return add(add(0.5 * Math.log(2 * Math.PI), mul(add(z, 0.5), log(t))), sub(log(a), t));
}

/** log |Γ(x)|: Lanczos for x ≥ ½, the reflection log(π/|sin πx|) − log Γ(1 − x) below; +∞ at 0 and the negative integers. */
export function lgamma(input: Tensor): Tensor {
  const x = floating(input);
  const left = lt(x, 0.5);
  const pole = logicalAnd(left, eq(x, floor(x)));
  // Each branch sees only inputs it is finite at, so `where` passes no NaN gradient from the other.
  const right = lgammaRight(where(left, sub(1, where(pole, 0.5, x)), x));
  const xl = where(logicalAnd(left, pole.logicalNot()), x, 0.5);
  const sinPiX = abs(sin(mul(sub(xl, floor(xl)), Math.PI))); // reduce first: sin(πx) of a large x keeps its digits
  const reflected = sub(log(div(Math.PI, sinPiX)), right);
  // +∞ apart: Lanczos' (z + ½)·log t − t is ∞ − ∞ there.
  return where(pole.logicalOr(eq(x, Infinity)), Infinity, where(left, reflected, right));
}

/** Bernoulli numbers B₂, B₄, …, B₁₂ for the asymptotic series. */
const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730];

/**
 * How many unit steps bring every finite element of x to at least `target` (the recurrence's
 * shift). ±∞ and NaN take no part: each gives its own answer whatever the shift.
 */
function shiftFor(x: Tensor, target: number): number {
  const t = x.detach();
  const lowest = t.numel() === 0 ? target : where(isfinite(t), t, target).min().item();
  return Math.min(10_000, Math.max(0, Math.ceil(target - lowest)));
}

/** ψ(x) for x ≥ ½: ψ(x) = ψ(x + m) − Σ 1/(x + k), then log z − 1/(2z) − Σ B₂ₖ/(2k·z²ᵏ) at z = x + m ≥ 10. */
function digammaRight(x: Tensor): Tensor {
  const m = shiftFor(x, 10);
  let shift: Tensor = zerosLike(x);
  for (let k = 0; k < m; k++) shift = add(shift, div(1, add(x, k)));
  const z = add(x, m);
  const z2 = div(1, mul(z, z));
  let series: Tensor = mul(z2, BERNOULLI[5]! / 12);
  for (let k = 5; k >= 1; k--) series = mul(z2, add(series, BERNOULLI[k - 1]! / (2 * k)));
  return sub(sub(sub(log(z), div(0.5, z)), series), shift);
}

/**
 * ψ⁽ⁿ⁾(x) by the backend's routine, or null where it has none or declines x: a GPU's, whose
 * synchronous composed form could not read the smallest value it sizes its recurrence by.
 */
function fusedPolygamma(n: number, x: Tensor): Tensor | null {
  return typeof x.backend.polygamma === "function" ? tryApply("polygamma", [x.contiguous()], { n }) : null;
}

/** The digamma function ψ = Γ′/Γ; −∞ at 0 and NaN at the negative integers, as PyTorch gives. */
export function digamma(input: Tensor): Tensor {
  const x = floating(input);
  const fused = fusedPolygamma(0, x);
  if (fused) return fused;
  const left = lt(x, 0.5);
  const integer = eq(x, floor(x));
  const regular = logicalAnd(left, integer).logicalNot();
  const right = digammaRight(where(left, sub(1, where(regular, x, 0.5)), x));
  // ψ(1 − x) − ψ(x) = π·cot(πx), with πx reduced to (−π, π]; safe inputs where the branch is unused.
  const xl = where(logicalAnd(left, regular), x, 0.25);
  const reflected = sub(right, div(Math.PI, tan(mul(sub(xl, floor(xl)), Math.PI))));
  return where(eq(x, 0), -Infinity, where(logicalAnd(left, integer), NaN, where(left, reflected, right)));
}

/**
 * The n-th derivative of digamma: (−1)ⁿ⁺¹·n!·ζ(n + 1, x), the Hurwitz zeta summed to x + m ≥ 10
 * and continued by its asymptotic (Euler–Maclaurin) series.
 */
export function polygamma(n: number, input: Tensor): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`polygamma: n must be a non-negative integer, got ${n}`);
  if (n === 0) return digamma(input);
  const x = floating(input);
  const fused = fusedPolygamma(n, x);
  if (fused) return fused;
  const s = n + 1;
  const m = shiftFor(x, 10);
  let sum: Tensor = zerosLike(x);
  for (let k = 0; k < m; k++) sum = add(sum, pow(add(x, k), -s));
  const z = add(x, m);
  // ζ(s, z) ≈ z^{1−s}/(s − 1) + z^{−s}/2 + Σⱼ B₂ⱼ/(2j)!·s(s+1)…(s+2j−2)·z^{−s−2j+1}
  let tail = add(div(pow(z, 1 - s), s - 1), mul(pow(z, -s), 0.5));
  let rising = s; // s(s+1)…(s+2j−2)
  let factorial = 2; // (2j)!
  for (let j = 1; j <= BERNOULLI.length; j++) {
    tail = add(tail, mul(pow(z, -s - 2 * j + 1), (BERNOULLI[j - 1]! / factorial) * rising));
    rising *= (s + 2 * j - 1) * (s + 2 * j);
    factorial *= (2 * j + 1) * (2 * j + 2);
  }
  let nFactorial = 1;
  for (let k = 2; k <= n; k++) nFactorial *= k;
  // −∞ has no limit to give (the sum would be 0 there).
  return where(eq(x, -Infinity), NaN, mul(add(sum, tail), (n % 2 === 1 ? 1 : -1) * nFactorial));
}

/** The multivariate log-gamma of dimension p: p(p−1)/4·log π + Σⱼ lgamma(x − (j−1)/2); every element must exceed (p − 1)/2. */
export function mvlgamma(input: Tensor, p: number): Tensor {
  if (!Number.isInteger(p) || p < 1) throw new ValueError(`mvlgamma: p must be a positive integer, got ${p}`);
  const x = floating(input);
  noGrad(() => refuseIfAny(logicalNot(gt(x.detach(), (p - 1) / 2)), `mvlgamma: all elements must be greater than (p-1)/2 = ${(p - 1) / 2} (element {position} is not)`));
  let out = zerosLike(x);
  out = add(out, (p * (p - 1) / 4) * Math.log(Math.PI));
  for (let j = 1; j <= p; j++) out = add(out, lgamma(sub(x, (j - 1) / 2)));
  return out;
}

/** The modified Bessel function of the first kind, order 0: Σ (x²/4)ᵏ/(k!)² for |x| ≤ 15, eˣ/√(2πx)·(1 + 1/(8x) + 9/(2(8x)²) + …) beyond. */
export function i0(input: Tensor): Tensor {
  const x = floating(input);
  const ax = abs(x);
  const small = where(gt(ax, 15), 0, ax);
  const q = mul(mul(small, small), 0.25);
  let term: Tensor = add(mul(q, 0), 1);
  let series = term;
  for (let k = 1; k <= 40; k++) {
    term = mul(term, div(q, k * k));
    series = add(series, term);
  }
  const large = where(gt(ax, 15), ax, 15);
  // Asymptotic: Σ ((2k−1)!!)²/(k!·(8x)ᵏ).
  let aterm: Tensor = add(mul(large, 0), 1);
  let asymptotic = aterm;
  for (let k = 1; k <= 8; k++) {
    aterm = mul(aterm, div((2 * k - 1) * (2 * k - 1), mul(large, 8 * k)));
    asymptotic = add(asymptotic, aterm);
  }
  const big = mul(div(exp(large), sqrt(mul(large, 2 * Math.PI))), asymptotic);
  return where(gt(ax, 15), big, series);
}

/** log Γ(z) of one number (Lanczos; z > 0). */
function lgammaScalar(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgammaScalar(1 - z);
  const x = z - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (x + i);
  const t = x + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** [P(a, x), Q(a, x)], the regularised incomplete gamma functions: the series below x < a + 1, Lentz's continued fraction above. */
function incompleteGamma(a: number, x: number): [number, number] {
  if (Number.isNaN(a) || Number.isNaN(x) || a < 0 || x < 0) return [NaN, NaN];
  if (a === 0) return x > 0 ? [1, 0] : [NaN, NaN];
  if (x === 0) return [0, 1];
  if (x === Infinity) return [1, 0];
  const logPrefix = -x + a * Math.log(x) - lgammaScalar(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    const p = Math.min(1, sum * Math.exp(logPrefix));
    return [p, 1 - p];
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const q = Math.min(1, Math.exp(logPrefix) * h);
  return [1 - q, q];
}

function regularizedGamma(op: "igamma" | "igammac", aIn: Tensor, xIn: Tensor): Tensor {
  if (aIn.requiresGrad && isGradEnabled()) throw new ValueError(`${op}: the gradient with respect to a is not implemented (as in PyTorch); pass a.detach()`);
  const [a, x] = prepare([floating(aIn), floating(xIn)], isFloating(xIn.dtype) ? xIn.dtype : floating(aIn).dtype, op);
  // The backend's routine where it has one (a GPU's: these loops read the values).
  if (typeof x!.backend.incompleteGamma === "function") {
    const fused = tryApply("incompleteGamma", [a!.contiguous(), x!.contiguous()], { upper: op === "igammac" });
    if (fused) return fused;
  }
  const [da, dx] = [a!.contiguous().dataSync(), x!.contiguous().dataSync()];
  const values = new Float64Array(da.length);
  const slopes = new Float64Array(da.length);
  for (let i = 0; i < da.length; i++) {
    const [p, q] = incompleteGamma(da[i]!, dx[i]!);
    values[i] = op === "igamma" ? p : q;
    // ∂P/∂x = e^{−x}·x^{a−1}/Γ(a) = −∂Q/∂x.
    const slope = dx[i]! > 0 ? Math.exp(-dx[i]! + (da[i]! - 1) * Math.log(dx[i]!) - lgammaScalar(da[i]!)) : 0;
    slopes[i] = op === "igamma" ? slope : -slope;
  }
  const shape = [...x!.shape];
  const value = tensor(values, { dtype: "float64" }).reshape(shape).to(x!.dtype).toBackend(x!.backend);
  if (!x!.requiresGrad) return value;
  const slope = tensor(slopes, { dtype: "float64" }).reshape(shape).to(x!.dtype).toBackend(x!.backend);
  // value + (x − x.detach())·slope carries the gradient; infinite x (slope 0) stays out, as ∞ − ∞ is NaN.
  const xf = where(isfinite(x!), x!, 0);
  return add(value, mul(sub(xf, xf.detach()), where(isfinite(slope), slope, 0)));
}

/** The regularised lower incomplete gamma function P(a, x) (gradient with respect to x). */
export const igamma = (a: Tensor, x: Tensor): Tensor => regularizedGamma("igamma", a, x);
/** The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x). */
export const igammac = (a: Tensor, x: Tensor): Tensor => regularizedGamma("igammac", a, x);
