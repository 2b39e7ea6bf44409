// exp and erf on four float32 lanes at once. The scalar forms (Math.exp in float64, erf's series)
// cost 10–50 ns an element; these cost about one, within 2 ulp of the correctly rounded result
// (exp) and 2e-7 absolute (erf) — test/backends/fastmath.test.ts measures both over their ranges.
// Their multiply-adds are fused where relaxed SIMD is on (madd, as in the GEMM): a third fewer
// instructions in exp, the costliest step of every sigmoid, tanh, softmax and GELU. The bounds hold
// for both builds; the last bit of a result can differ between them.

import { lanes, ONE, SIGN_BIT, TWO } from "./constants";
import { madd } from "./gemm";

const LOG2E: f32 = 1.44269504;
// ln 2 split so that n·LN2_HI is exact for the n that occur (Cephes' expf).
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

const EXPONENT_BIAS = memory.data<i32>([127]);

/** 2^n for integer lanes n in [-126, 127], as float32 bit patterns. */
@inline
function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, lanes(EXPONENT_BIAS)), 23);
}

/** 1.5·2^23: adding it rounds a float32 of magnitude below 2^22 to the nearest integer (ties to even). */
const ROUND: f32 = 12582912.0;
/** The bits of ROUND: subtracted from x·log2e + ROUND's bits, they leave the rounded integer. */
const ROUND_BITS = memory.data<i32>([0x4b400000]);
/** exp's clamp (and the bound of its one-step scaling), its range reduction, and Cephes' degree-6 polynomial (highest power first). */
const EXP_CLAMP = memory.data<f32>([88.8, -104.0, 86.5]);
const EXP_REDUCE = memory.data<f32>([LOG2E, ROUND, -LN2_HI, -LN2_LO]);
const EXP_POLY = memory.data<f32>([1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]);

/** Entry i of a float32 table, in four lanes (a table's entries: see constants.ts). */
@inline
function at(table: usize, i: i32): v128 {
  return lanes(table + (<usize>i << 2));
}

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
  x = f32x4.pmax(f32x4.pmin(x, at(EXP_CLAMP, 0)), at(EXP_CLAMP, 1));
  const shifted = madd(x, at(EXP_REDUCE, 0), at(EXP_REDUCE, 1));
  const fn = f32x4.sub(shifted, at(EXP_REDUCE, 1));
  let r = madd(fn, at(EXP_REDUCE, 2), x);
  r = madd(fn, at(EXP_REDUCE, 3), r);
  let p = at(EXP_POLY, 0);
  p = madd(p, r, at(EXP_POLY, 1));
  p = madd(p, r, at(EXP_POLY, 2));
  p = madd(p, r, at(EXP_POLY, 3));
  p = madd(p, r, at(EXP_POLY, 4));
  p = madd(p, r, at(EXP_POLY, 5));
  const y = f32x4.add(madd(p, f32x4.mul(r, r), r), lanes(ONE));
  const n = i32x4.sub(shifted, lanes(ROUND_BITS)); // the integer in the low mantissa bits
  // Within ±86.5, |n| ≤ 125 and y·2^n (y within [0.7, 1.42]) is a normal float: adding n to y's
  // exponent field is the exact product, in two instructions. Past that, and for NaN, the two
  // halves keep subnormal and near-overflow results right.
  if (i32x4.all_true(f32x4.le(f32x4.abs(x), at(EXP_CLAMP, 2)))) return i32x4.add(y, i32x4.shl(n, 23));
  const n1 = i32x4.shr_s(n, 1);
  return f32x4.mul(f32x4.mul(y, pow2(n1)), pow2(i32x4.sub(n, n1)));
}

// erf(x)/x as a polynomial in x² on |x| < SPLIT, and erfc(x)·e^(x²) as a polynomial in 1/x above
// it: least-squares fits in relative error (tools/fit_erf.py prints them), 7e-8 and 1e-7 with these float32
// coefficients. Past 3.92, erf rounds to ±1 in float32.
const SPLIT: f32 = 0.921875;
const ERF_SMALL = memory.data<f32>([-0.0005986119504086673, 0.004992161877453327, -0.026765845715999603, 0.1128179207444191, -0.37612491846084595, 1.1283791065216064]);
const ERF_LARGE = memory.data<f32>([
  0.019182518124580383, -0.11630609631538391, 0.28704842925071716, -0.33207225799560547, 0.06472194939851761,
  0.32567471265792847, -0.40969008207321167, 0.02802141010761261, 0.5608314871788025, 0.00017154727538581938,
]);
/** erfLarge's clamp: from SPLIT to 4. */
const ERF_RANGE = memory.data<f32>([SPLIT, 4.0]);

function erfSmall(x: v128): v128 {
  const t = f32x4.mul(x, x);
  let p = at(ERF_SMALL, 0);
  p = madd(p, t, at(ERF_SMALL, 1));
  p = madd(p, t, at(ERF_SMALL, 2));
  p = madd(p, t, at(ERF_SMALL, 3));
  p = madd(p, t, at(ERF_SMALL, 4));
  p = madd(p, t, at(ERF_SMALL, 5));
  return f32x4.mul(p, x);
}

/** 1 − erfc(|x|) for |x| ≥ SPLIT (clamped to 4, where erfc is below float32's resolution of 1). */
function erfLarge(ax: v128): v128 {
  const a = f32x4.min(f32x4.max(ax, at(ERF_RANGE, 0)), at(ERF_RANGE, 1));
  const u = f32x4.div(lanes(ONE), a);
  let p = at(ERF_LARGE, 0);
  p = madd(p, u, at(ERF_LARGE, 1));
  p = madd(p, u, at(ERF_LARGE, 2));
  p = madd(p, u, at(ERF_LARGE, 3));
  p = madd(p, u, at(ERF_LARGE, 4));
  p = madd(p, u, at(ERF_LARGE, 5));
  p = madd(p, u, at(ERF_LARGE, 6));
  p = madd(p, u, at(ERF_LARGE, 7));
  p = madd(p, u, at(ERF_LARGE, 8));
  p = madd(p, u, at(ERF_LARGE, 9));
  const erfc = f32x4.mul(p, expSimd(f32x4.neg(f32x4.mul(a, a))));
  return f32x4.sub(lanes(ONE), erfc);
}

/** erf(x), odd: the small-|x| polynomial or the large-|x| form with x's sign. NaN stays NaN. */
@inline
export function erfSimd(x: v128): v128 {
  const ax = f32x4.abs(x);
  const small = f32x4.lt(ax, at(ERF_RANGE, 0));
  const large = v128.or(erfLarge(ax), v128.and(x, lanes(SIGN_BIT))); // copy x's sign bit
  const out = v128.bitselect(erfSmall(x), large, small);
  // NaN lanes compare false everywhere: give them x itself.
  return v128.bitselect(out, x, f32x4.eq(x, x));
}

/** σ(x) with e = exp(−|x|), which never overflows: r = 1/(1 + e) for x ≥ 0, e·r below. */
@inline
export function sigmoidSimd(x: v128): v128 {
  const e = expSimd(f32x4.neg(f32x4.abs(x)));
  const r = f32x4.div(lanes(ONE), f32x4.add(lanes(ONE), e)); // one division (the costly op here)
  return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(x, f32x4.splat(0)));
}

/** tanh's odd polynomial below TANH_SPLIT (Cephes'), highest power first. */
const TANH_POLY = memory.data<f32>([-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1]);
const TANH_SPLIT = memory.data<f32>([0.625]);

/**
 * tanh(x): Cephes' odd polynomial below |x| = 0.625 (where 1 − e^−2|x| would cancel), and
 * 1 − 2/(e^2|x| + 1) with x's sign above (e^2|x| clamps to ∞ past 44, giving exactly ±1).
 * NaN stays NaN.
 */
@inline
export function tanhSimd(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = at(TANH_POLY, 0);
  p = madd(p, z, at(TANH_POLY, 1));
  p = madd(p, z, at(TANH_POLY, 2));
  p = madd(p, z, at(TANH_POLY, 3));
  p = madd(p, z, at(TANH_POLY, 4));
  const small = madd(f32x4.mul(p, z), x, x);
  const e = expSimd(f32x4.add(ax, ax));
  const mag = f32x4.sub(lanes(ONE), f32x4.div(lanes(TWO), f32x4.add(e, lanes(ONE))));
  const large = v128.or(mag, v128.and(x, lanes(SIGN_BIT))); // x's sign bit
  const out = v128.bitselect(small, large, f32x4.lt(ax, lanes(TANH_SPLIT)));
  return v128.bitselect(out, x, f32x4.eq(x, x));
}
