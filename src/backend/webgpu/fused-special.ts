/**
 * The polygamma functions in WGSL, a thread per element: ψ⁽ⁿ⁾(x) by the recurrence up to x + m ≥ 10
 * and the asymptotic series there, as ops/composite/special.ts composes them, but with each value
 * taking the m it needs. The composed form takes one m for all, sized by the smallest value, which
 * it reads: a GPU tensor cannot be read synchronously, and a value far below zero would need
 * thousands of steps for every element.
 */
import { kernel, type Flat } from "./fused.js";
import type { MapKernel } from "./elementwise.js";

/** Bernoulli numbers B₂, B₄, …, B₁₂ for the asymptotic series (special.ts's). */
const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730];
/** The recurrence's longest run, as the composed form's cap. */
const MAX_STEPS = 10000;

const lit = (v: number) => {
  const s = Math.fround(v).toPrecision(9);
  return /[.e]/.test(s) ? s : `${s}.0`;
};

/** ψ(x): −∞ at 0, NaN at the negative integers and −∞; ψ(x) = ψ(1 − x) − π·cot(πx) below ½. */
function digammaBody(): string[] {
  // log z − 1/(2z) − Σₖ B₂ₖ/(2k·z²ᵏ), Horner in 1/z².
  let series = `z2 * ${lit(BERNOULLI[5]! / 12)}`;
  for (let k = 5; k >= 1; k--) series = `z2 * (${series} + ${lit(BERNOULLI[k - 1]! / (2 * k))})`;
  return [
    `  let v = x[x0 + i];`,
    `  if (isNan(v) || (v < 0.0 && v == floor(v))) { y[y0 + i] = nanF(); return; }`,
    `  if (v == 0.0) { y[y0 + i] = -infF(); return; }`,
    `  var t = v;`,
    `  var reflected = 0.0;`,
    `  if (v < 0.5) {`,
    `    reflected = ${lit(Math.PI)} / tan((v - floor(v)) * ${lit(Math.PI)});`,
    `    t = 1.0 - v;`,
    `  }`,
    `  var shift = 0.0;`,
    `  for (var k = 0; k < ${MAX_STEPS} && t < 10.0; k++) { shift += 1.0 / t; t += 1.0; }`,
    `  let z2 = 1.0 / (t * t);`,
    `  y[y0 + i] = log(t) - 0.5 / t - ${series} - shift - reflected;`,
  ];
}

/**
 * ψ⁽ⁿ⁾(x) = (−1)ⁿ⁺¹·n!·ζ(n + 1, x), n ≥ 1: Σ 1/(x + k)ˢ while x + k < 10, then ζ(s, z) ≈
 * z^{1−s}/(s − 1) + z^{−s}/2 + Σⱼ B₂ⱼ/(2j)!·s(s+1)…(s+2j−2)·z^{−s−2j+1}. Powers are products, so
 * that a negative base keeps its sign.
 */
function polygammaBody(n: number): string[] {
  const s = n + 1;
  let nFactorial = 1;
  for (let k = 2; k <= n; k++) nFactorial *= k;
  const coefficients: number[] = [];
  let rising = s;
  let factorial = 2;
  for (let j = 1; j <= BERNOULLI.length; j++) {
    coefficients.push((BERNOULLI[j - 1]! / factorial) * rising);
    rising *= (s + 2 * j - 1) * (s + 2 * j);
    factorial *= (2 * j + 1) * (2 * j + 2);
  }
  return [
    `  let v = x[x0 + i];`,
    `  if (isNan(v) || v == -infF()) { y[y0 + i] = nanF(); return; }`,
    `  var t = v;`,
    `  var sum = 0.0;`,
    `  for (var k = 0; k < ${MAX_STEPS} && t < 10.0; k++) {`,
    `    var p = t;`,
    `    for (var e = 1; e < ${s}; e++) { p *= t; }`,
    `    sum += 1.0 / p;`,
    `    t += 1.0;`,
    `  }`,
    `  let iz = 1.0 / t;`,
    `  let iz2 = iz * iz;`,
    `  var q = 1.0;`,
    `  for (var e = 1; e < ${s}; e++) { q *= iz; }`, // z^{1−s}
    `  var tail = q / ${lit(s - 1)} + q * iz * 0.5;`,
    ...coefficients.map((c) => `  q *= iz2; tail += ${lit(c)} * q;`),
    `  y[y0 + i] = (sum + tail) * ${lit((n % 2 === 1 ? 1 : -1) * nFactorial)};`,
  ];
}

export function polygammaKernel(size: number, n: number, x: Flat, out: Flat): MapKernel {
  return kernel(size, [{ name: "x", write: false, at: x }, { name: "y", write: true, at: out }], [], n === 0 ? digammaBody() : polygammaBody(n));
}
