/**
 * Special functions in WGSL, a thread per element, where the CPU's form reads the values (which a
 * GPU tensor cannot do synchronously).
 *
 * The polygamma functions: ψ⁽ⁿ⁾(x) by the recurrence up to x + m ≥ 10 and the asymptotic series
 * there, as ops/composite/special.ts composes them, but with each value taking the m it needs. The
 * composed form takes one m for all, sized by the smallest value, which it reads; a value far below
 * zero would need thousands of steps for every element.
 *
 * The regularised incomplete gamma functions P(a, x) and Q(a, x): special.ts's series below
 * x < a + 1 and Lentz's continued fraction above, per element, in float32 (the CPU loops run in
 * float64).
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

// Lanczos (g = 7, n = 9), special.ts's coefficients, for log Γ(a) of a > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

const GAMMA_HELPERS = `
fn lgammaRight(z1: f32) -> f32 {
  let z = z1 - 1.0;
  var a = ${lit(LANCZOS[0]!)};
${LANCZOS.slice(1).map((c, i) => `  a += ${lit(c)} / (z + ${i + 1}.0);`).join("\n")}
  let t = z + 7.5;
  return ${lit(0.5 * Math.log(2 * Math.PI))} + (z + 0.5) * log(t) - t + log(a);
}
fn lgammaPos(z: f32) -> f32 {
  if (z < 0.5) { return log(${lit(Math.PI)} / abs(sin(${lit(Math.PI)} * z))) - lgammaRight(1.0 - z); }
  return lgammaRight(z);
}
// [P(a, x), Q(a, x)].
fn incompleteGamma(a: f32, x: f32) -> vec2f {
  if (isNan(a) || isNan(x) || a < 0.0 || x < 0.0) { return vec2f(nanF()); }
  if (a == 0.0) { return select(vec2f(nanF()), vec2f(1.0, 0.0), x > 0.0); }
  if (x == 0.0) { return vec2f(0.0, 1.0); }
  if (x == infF()) { return vec2f(1.0, 0.0); }
  let logPrefix = -x + a * log(x) - lgammaPos(a);
  if (x < a + 1.0) {
    var term = 1.0 / a;
    var sum = term;
    for (var n = 1; n < ${MAX_STEPS}; n++) {
      term *= x / (a + f32(n));
      sum += term;
      if (abs(term) < abs(sum) * 1e-8) { break; }
    }
    let p = min(1.0, sum * exp(logPrefix));
    return vec2f(p, 1.0 - p);
  }
  let tiny = 1e-30;
  var b = x + 1.0 - a;
  var c = 1.0 / tiny;
  var d = 1.0 / b;
  var h = d;
  for (var n = 1; n < ${MAX_STEPS}; n++) {
    let an = -f32(n) * (f32(n) - a);
    b += 2.0;
    d = an * d + b;
    if (abs(d) < tiny) { d = tiny; }
    c = b + an / c;
    if (abs(c) < tiny) { c = tiny; }
    d = 1.0 / d;
    let delta = d * c;
    h *= delta;
    if (abs(delta - 1.0) < 1e-8) { break; }
  }
  let q = min(1.0, exp(logPrefix) * h);
  return vec2f(1.0 - q, q);
}`;

/** P(a, x) (or, upper, Q(a, x)) of same-shape a and x. */
export function incompleteGammaKernel(size: number, upper: boolean, a: Flat, x: Flat, out: Flat): MapKernel {
  const operands = [{ name: "a", write: false, at: a }, { name: "x", write: false, at: x }, { name: "y", write: true, at: out }];
  return kernel(size, operands, [], [`  y[y0 + i] = incompleteGamma(a[a0 + i], x[x0 + i])[${upper ? 1 : 0}];`], GAMMA_HELPERS);
}
