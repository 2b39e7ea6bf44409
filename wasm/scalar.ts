// Scalar maths shared by the kernels, in float64 like the reference backend (rounded once on store).

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const SQRT_PI: f64 = 1.7724538509055159;

/** The error function: the same series / continued fraction as the reference backend's math.ts. */
export function erf(x: f64): f64 {
  if (isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / <f64>(2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + <f64>k / 2 / f;
  const erfc = Math.exp(-ax * ax) / SQRT_PI / f;
  return (x > 0 ? 1 : -1) * (1 - erfc);
}

export function sign(x: f64): f64 {
  return x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : NaN;
}

/** JavaScript's Math.max semantics: NaN if either is NaN. */
export function maximum(a: f64, b: f64): f64 {
  return isNaN(a) || isNaN(b) ? NaN : Math.max(a, b);
}

export function minimum(a: f64, b: f64): f64 {
  return isNaN(a) || isNaN(b) ? NaN : Math.min(a, b);
}
