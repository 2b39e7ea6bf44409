// exp and erf on four float32 lanes at once. The scalar forms (Math.exp in float64, erf's series)
// cost 10–50 ns an element; these cost about one, within 2 ulp of the correctly rounded result
// (exp) and 2e-7 absolute (erf) — test/backends/fastmath.test.ts measures both over their ranges.

const LOG2E: f32 = 1.44269504;
// ln 2 split so that n·LN2_HI is exact for the n that occur (Cephes' expf).
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** 2^n for integer lanes n in [-126, 127], as float32 bit patterns. */
function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

/** 1.5·2^23: adding it rounds a float32 of magnitude below 2^22 to the nearest integer (ties to even). */
const ROUND: f32 = 12582912.0;

/**
 * e^x: x = n·ln2 + r with |r| ≤ ln2/2, e^r by Cephes' degree-6 polynomial, then scaled by 2^n in
 * two halves so that results down to the smallest subnormal come out right. NaN stays NaN
 * (pmin/pmax return their first operand when a comparison fails); +∞ gives +∞ and −∞ gives 0
 * through the clamp.
 *
 * Cheap on x86 (this runs in every softmax, sigmoid, tanh and GELU): pmin/pmax are one instruction
 * each where min/max are several, and n comes from the bits of x·log2e + 1.5·2^23 (round to
 * nearest, as f32x4.nearest) instead of a saturating conversion.
 */
@inline
export function expSimd(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.8)), f32x4.splat(-104.0));
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUND));
  const fn = f32x4.sub(shifted, f32x4.splat(ROUND));
  let r = f32x4.sub(x, f32x4.mul(fn, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fn, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  const n = i32x4.sub(shifted, i32x4.splat(0x4b400000)); // the integer in the low mantissa bits
  const n1 = i32x4.shr_s(n, 1);
  return f32x4.mul(f32x4.mul(y, pow2(n1)), pow2(i32x4.sub(n, n1)));
}

// erf(x)/x as a polynomial in x² on |x| < SPLIT, and erfc(x)·e^(x²) as a polynomial in 1/x above
// it: least-squares fits in relative error (tools/fit_erf.py prints them), 7e-8 and 1e-7 with these float32
// coefficients. Past 3.92, erf rounds to ±1 in float32.
const SPLIT: f32 = 0.921875;

function erfSmall(x: v128): v128 {
  const t = f32x4.mul(x, x);
  let p = f32x4.splat(-0.0005986119504086673);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.004992161877453327));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.026765845715999603));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.1128179207444191));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.37612491846084595));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.1283791065216064));
  return f32x4.mul(p, x);
}

/** 1 − erfc(|x|) for |x| ≥ SPLIT (clamped to 4, where erfc is below float32's resolution of 1). */
function erfLarge(ax: v128): v128 {
  const a = f32x4.min(f32x4.max(ax, f32x4.splat(SPLIT)), f32x4.splat(4.0));
  const u = f32x4.div(f32x4.splat(1), a);
  let p = f32x4.splat(0.019182518124580383);
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(-0.11630609631538391));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(0.28704842925071716));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(-0.33207225799560547));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(0.06472194939851761));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(0.32567471265792847));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(-0.40969008207321167));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(0.02802141010761261));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(0.5608314871788025));
  p = f32x4.add(f32x4.mul(p, u), f32x4.splat(0.00017154727538581938));
  const erfc = f32x4.mul(p, expSimd(f32x4.neg(f32x4.mul(a, a))));
  return f32x4.sub(f32x4.splat(1), erfc);
}

/** erf(x), odd: the small-|x| polynomial or the large-|x| form with x's sign. NaN stays NaN. */
@inline
export function erfSimd(x: v128): v128 {
  const ax = f32x4.abs(x);
  const small = f32x4.lt(ax, f32x4.splat(SPLIT));
  const large = v128.or(erfLarge(ax), v128.and(x, i32x4.splat(0x80000000))); // copy x's sign bit
  const out = v128.bitselect(erfSmall(x), large, small);
  // NaN lanes compare false everywhere: give them x itself.
  return v128.bitselect(out, x, f32x4.eq(x, x));
}

/** σ(x) with e = exp(−|x|), which never overflows: r = 1/(1 + e) for x ≥ 0, e·r below. */
@inline
export function sigmoidSimd(x: v128): v128 {
  const e = expSimd(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e)); // one division (the costly op here)
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

/**
 * tanh(x): Cephes' odd polynomial below |x| = 0.625 (where 1 − e^−2|x| would cancel), and
 * 1 − 2/(e^2|x| + 1) with x's sign above (e^2|x| clamps to ∞ past 44, giving exactly ±1).
 * NaN stays NaN.
 */
@inline
export function tanhSimd(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const e = expSimd(f32x4.add(ax, ax));
  const mag = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const large = v128.or(mag, v128.and(x, i32x4.splat(0x80000000))); // x's sign bit
  const out = v128.bitselect(small, large, f32x4.lt(ax, f32x4.splat(0.625)));
  return v128.bitselect(out, x, f32x4.eq(x, x));
}
