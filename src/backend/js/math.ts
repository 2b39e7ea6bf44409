/** Scalar maths that `Math` lacks, accurate to float64 so that gradcheck can rely on them. */

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * The error function. For |x| < 2.5 the series erf(x) = 2/√π·e^{-x²}·Σ (2x²)ⁿ·x / (1·3·…·(2n+1)),
 * whose terms are all positive (no cancellation); beyond, erfc by its continued fraction.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(a) = e^{-a²}/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))), evaluated bottom-up.
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** Round half to even, as PyTorch's torch.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}
