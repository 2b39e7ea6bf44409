// Reductions over float32 views: sum, prod, max, min. The JS side orders the view as
// [kept g0, kept g1, reduced r0, reduced r1] (collapsed, strides in elements); out is contiguous [g0·g1].
import { expSimd } from "./fastmath";

import { MAX, MIN, PROD, SUM } from "./op-codes";

function identity(op: i32): f32 {
  return op == SUM ? 0 : op == PROD ? 1 : op == MAX ? -Infinity : Infinity;
}

/** max/min that propagate NaN, as the reference does. */
function pick(op: i32, acc: f32, v: f32): f32 {
  if (isNaN(acc) || isNaN(v)) return NaN;
  return op == MAX ? (v > acc ? v : acc) : (v < acc ? v : acc);
}

function combineSimd(op: i32, acc: v128, v: v128): v128 {
  switch (op) {
    case SUM: return f32x4.add(acc, v);
    case PROD: return f32x4.mul(acc, v);
    case MAX: return f32x4.max(acc, v);
    default: return f32x4.min(acc, v);
  }
}

/**
 * Σ of a contiguous run of n floats into float64 lanes. Each lane first adds eight floats in float32
 * as a tree (three roundings, like pairwise summation's first steps), then widens: converting every
 * float to float64 bounded the speed at a third of memory's, and a tree of four still left the loop
 * bound by its conversions (62 GB/s on one thread against 74 for eight). Four float64 accumulators
 * keep the adds independent.
 */
function sumRun(p: usize, n: i32): f64 {
  let i = 0;
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  for (; i + 64 <= n; i += 64) {
    const q = p + (<usize>i << 2);
    const a = f32x4.add(f32x4.add(v128.load(q), v128.load(q, 16)), f32x4.add(v128.load(q, 32), v128.load(q, 48)));
    const b = f32x4.add(f32x4.add(v128.load(q, 64), v128.load(q, 80)), f32x4.add(v128.load(q, 96), v128.load(q, 112)));
    const c = f32x4.add(f32x4.add(v128.load(q, 128), v128.load(q, 144)), f32x4.add(v128.load(q, 160), v128.load(q, 176)));
    const d = f32x4.add(f32x4.add(v128.load(q, 192), v128.load(q, 208)), f32x4.add(v128.load(q, 224), v128.load(q, 240)));
    const e = f32x4.add(a, b), f = f32x4.add(c, d);
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1)));
    s2 = f64x2.add(s2, f64x2.promote_low_f32x4(f));
    s3 = f64x2.add(s3, f64x2.promote_low_f32x4(i32x4.shuffle(f, f, 2, 3, 0, 1)));
  }
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let acc = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) acc += <f64>load<f32>(p + (<usize>i << 2));
  return acc;
}

/**
 * Float64 partial sums of `parts` equal slices of a contiguous run of n floats, slices p0 … p1 − 1
 * into out[p]: a whole-tensor sum split over threads in a fixed number of parts, so that the
 * result does not depend on how many threads there are.
 */
export function sumParts(x: usize, n: i32, parts: i32, p0: i32, p1: i32, out: usize): void {
  const per = <i32>((<i64>n + parts - 1) / parts + 15) & ~15;
  for (let p = p0; p < p1; p++) {
    const start = min(p * per, n), end = min(start + per, n);
    store<f64>(out + (<usize>p << 3), sumRun(x + (<usize>start << 2), end - start));
  }
}

/** Reduces one contiguous run of n floats; sums accumulate in float64 lanes (sumRun). */
function reduceRun(op: i32, p: usize, n: i32, acc: f64): f64 {
  let i = 0;
  if (op == SUM) {
    return acc + sumRun(p, n);
  } else if (op != PROD && n >= 16) {
    // Four independent accumulators, merged at the end.
    let v = v128.load(p), w = v128.load(p, 16), y = v128.load(p, 32), z = v128.load(p, 48);
    for (i = 16; i + 16 <= n; i += 16) {
      const q = p + (<usize>i << 2);
      v = combineSimd(op, v, v128.load(q));
      w = combineSimd(op, w, v128.load(q, 16));
      y = combineSimd(op, y, v128.load(q, 32));
      z = combineSimd(op, z, v128.load(q, 48));
    }
    v = combineSimd(op, combineSimd(op, v, w), combineSimd(op, y, z));
    for (; i + 4 <= n; i += 4) v = combineSimd(op, v, v128.load(p + (<usize>i << 2)));
    let r = <f32>acc;
    r = pick(op, r, f32x4.extract_lane(v, 0));
    r = pick(op, r, f32x4.extract_lane(v, 1));
    r = pick(op, r, f32x4.extract_lane(v, 2));
    r = pick(op, r, f32x4.extract_lane(v, 3));
    acc = <f64>r;
  }
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (op == SUM) acc += <f64>v;
    else if (op == PROD) acc *= <f64>v;
    else acc = <f64>pick(op, <f32>acc, v);
  }
  return acc;
}

/**
 * The sum over strided rows of a contiguous kept dim (a bias gradient: a sum over the batch), 16
 * columns at a time in registers across all the rows, where accumulating in the output cost a load
 * and a store per vector. Each column is added in row order, as the general loop adds it.
 */
function sumRows(x: usize, out: usize, g0: i32, g1: i32, r0: i32, r1: i32, sg0: isize, sr0: isize, sr1: isize): void {
  for (let i0 = 0; i0 < g0; i0++) {
    const o = out + (<usize>(i0 * g1) << 2);
    const base = x + (<usize>(<isize>i0 * sg0) << 2);
    let j = 0;
    for (; j + 16 <= g1; j += 16) {
      let a = f32x4.splat(0), b = f32x4.splat(0), c = f32x4.splat(0), d = f32x4.splat(0);
      for (let k0 = 0; k0 < r0; k0++)
        for (let k1 = 0; k1 < r1; k1++) {
          const row = base + (<usize>(<isize>k0 * sr0 + <isize>k1 * sr1 + j) << 2);
          a = f32x4.add(a, v128.load(row));
          b = f32x4.add(b, v128.load(row, 16));
          c = f32x4.add(c, v128.load(row, 32));
          d = f32x4.add(d, v128.load(row, 48));
        }
      const at = o + (<usize>j << 2);
      v128.store(at, a);
      v128.store(at, b, 16);
      v128.store(at, c, 32);
      v128.store(at, d, 48);
    }
    for (; j + 4 <= g1; j += 4) {
      let a = f32x4.splat(0);
      for (let k0 = 0; k0 < r0; k0++)
        for (let k1 = 0; k1 < r1; k1++) a = f32x4.add(a, v128.load(base + (<usize>(<isize>k0 * sr0 + <isize>k1 * sr1 + j) << 2)));
      v128.store(o + (<usize>j << 2), a);
    }
    for (; j < g1; j++) {
      let a: f32 = 0;
      for (let k0 = 0; k0 < r0; k0++)
        for (let k1 = 0; k1 < r1; k1++) a += load<f32>(base + (<usize>(<isize>k0 * sr0 + <isize>k1 * sr1 + j) << 2));
      store<f32>(o + (<usize>j << 2), a);
    }
  }
}

export function reduce(
  op: i32, x: usize, out: usize,
  g0: i32, g1: i32, r0: i32, r1: i32,
  sg0: isize, sg1: isize, sr0: isize, sr1: isize,
): void {
  if (sr1 != 1 && sg1 == 1 && g1 >= 4 && op == SUM) {
    sumRows(x, out, g0, g1, r0, r1, sg0, sr0, sr1);
    return;
  }
  if (sr1 != 1 && sg1 == 1 && g1 >= 4 && op != PROD) {
    // Kept dim contiguous, reduced dims strided (a max over the batch): accumulate whole rows.
    for (let i0 = 0; i0 < g0; i0++) {
      const o = out + (<usize>(i0 * g1) << 2);
      const init = f32x4.splat(identity(op));
      let j = 0;
      for (; j + 4 <= g1; j += 4) v128.store(o + (<usize>j << 2), init);
      for (; j < g1; j++) store<f32>(o + (<usize>j << 2), identity(op));
      for (let k0 = 0; k0 < r0; k0++)
        for (let k1 = 0; k1 < r1; k1++) {
          const row = x + (<usize>(<isize>i0 * sg0 + <isize>k0 * sr0 + <isize>k1 * sr1) << 2);
          j = 0;
          for (; j + 4 <= g1; j += 4) {
            const at = o + (<usize>j << 2);
            v128.store(at, combineSimd(op, v128.load(at), v128.load(row + (<usize>j << 2))));
          }
          for (; j < g1; j++) {
            const at = o + (<usize>j << 2);
            const v = load<f32>(row + (<usize>j << 2));
            store<f32>(at, op == SUM ? load<f32>(at) + v : pick(op, load<f32>(at), v));
          }
        }
    }
    return;
  }
  let o = out;
  for (let i0 = 0; i0 < g0; i0++)
    for (let i1 = 0; i1 < g1; i1++) {
      const base = x + (<usize>(<isize>i0 * sg0 + <isize>i1 * sg1) << 2);
      let acc = <f64>identity(op);
      for (let k0 = 0; k0 < r0; k0++) {
        const run = base + (<usize>(<isize>k0 * sr0) << 2);
        if (sr1 == 1) {
          acc = reduceRun(op, run, r1, acc);
        } else {
          for (let k1 = 0; k1 < r1; k1++) {
            const v = load<f32>(run + (<usize>(<isize>k1 * sr1) << 2));
            if (op == SUM) acc += <f64>v;
            else if (op == PROD) acc *= <f64>v;
            else acc = <f64>pick(op, <f32>acc, v);
          }
        }
      }
      store<f32>(o, <f32>acc);
      o += 4;
    }
}

/**
 * Softmax (or log-softmax) of each contiguous row of x [R, C] into out: y = exp(x − max) / Σ exp(x − max)
 * with the SIMD exp (softmaxRow), or x − max − log Σ exp(x − max) in float64 like the composed ops.
 */
export function softmaxRows(x: usize, out: usize, R: i32, C: i32, log: bool): void {
  for (let r = 0; r < R; r++) {
    const px = x + (<usize>(r * C) << 2);
    const po = out + (<usize>(r * C) << 2);
    if (!log) {
      softmaxRow(px, po, C, rowMax(px, C));
      continue;
    }
    let m: f64 = -Infinity;
    for (let j = 0; j < C; j++) {
      const v = <f64>load<f32>(px + (<usize>j << 2));
      if (v > m || isNaN(v)) m = v;
    }
    let s: f64 = 0;
    for (let j = 0; j < C; j++) s += Math.exp(<f64>load<f32>(px + (<usize>j << 2)) - m);
    // logsumexp as the composed op takes it: +∞ when the row holds +∞ (so those entries are NaN).
    const lse = m == Infinity ? m : m + Math.log(s);
    for (let j = 0; j < C; j++) store<f32>(po + (<usize>j << 2), <f32>(<f64>load<f32>(px + (<usize>j << 2)) - lse));
  }
}

/** The largest element of a row, NaN if it holds one (f32x4.max propagates NaN, as the scalar test does). */
function rowMax(px: usize, C: i32): f64 {
  let j = 0;
  let m: f32 = -Infinity;
  if (C >= 4) {
    // pmax is one instruction where max is several; NaN is tracked apart (a lane unequal to itself).
    let vm = v128.load(px);
    let nan = f32x4.ne(vm, vm);
    for (j = 4; j + 4 <= C; j += 4) {
      const v = v128.load(px + (<usize>j << 2));
      vm = f32x4.pmax(vm, v);
      nan = v128.or(nan, f32x4.ne(v, v));
    }
    if (v128.any_true(nan)) return NaN;
    m = Mathf.max(Mathf.max(f32x4.extract_lane(vm, 0), f32x4.extract_lane(vm, 1)), Mathf.max(f32x4.extract_lane(vm, 2), f32x4.extract_lane(vm, 3)));
  }
  for (; j < C; j++) {
    const v = load<f32>(px + (<usize>j << 2));
    if (v > m || isNaN(v)) m = v;
  }
  return <f64>m;
}

/**
 * One softmax row given its max: e = exp(x − m) four lanes at a time (fastmath.ts) into out, then
 * out · (1/Σe). The sum is kept in float64 across the lanes' partial sums.
 */
function softmaxRow(px: usize, po: usize, C: i32, m: f64): void {
  const vm = f32x4.splat(<f32>m);
  let acc = f32x4.splat(0);
  let s: f64 = 0;
  let j = 0;
  for (; j + 4 <= C; j += 4) {
    const q = <usize>j << 2;
    const e = expSimd(f32x4.sub(v128.load(px + q), vm));
    v128.store(po + q, e);
    acc = f32x4.add(acc, e);
    if ((j & 255) == 252) {
      // Fold the lanes into the float64 sum every 64 groups, so long rows keep their precision.
      s += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
      acc = f32x4.splat(0);
    }
  }
  s += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; j < C; j++) {
    const e = <f32>Math.exp(<f64>(load<f32>(px + (<usize>j << 2)) - <f32>m)); // x − m in float32, as in the lanes
    store<f32>(po + (<usize>j << 2), e);
    s += <f64>e;
  }
  const inv = f32x4.splat(<f32>(1 / s));
  j = 0;
  for (; j + 4 <= C; j += 4) v128.store(po + (<usize>j << 2), f32x4.mul(v128.load(po + (<usize>j << 2)), inv));
  const invs = <f32>(1 / s);
  for (; j < C; j++) store<f32>(po + (<usize>j << 2), load<f32>(po + (<usize>j << 2)) * invs);
}

/**
 * Their vector–Jacobian products per row: softmax dx = y·(g − Σ g·y); log-softmax dx = g − exp(y)·Σ g.
 * Four lanes at a time; the sum folds into float64 every 64 groups, as in softmaxRow.
 */
export function softmaxRowsBackward(y: usize, g: usize, dx: usize, R: i32, C: i32, log: bool): void {
  for (let r = 0; r < R; r++) {
    const py = y + (<usize>(r * C) << 2);
    const pg = g + (<usize>(r * C) << 2);
    const pd = dx + (<usize>(r * C) << 2);
    let acc = f32x4.splat(0);
    let s: f64 = 0;
    let j = 0;
    for (; j + 4 <= C; j += 4) {
      const q = <usize>j << 2;
      const gj = v128.load(pg + q);
      acc = f32x4.add(acc, log ? gj : f32x4.mul(gj, v128.load(py + q)));
      if ((j & 255) == 252) {
        s += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
        acc = f32x4.splat(0);
      }
    }
    s += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
    for (; j < C; j++) {
      const gj = load<f32>(pg + (<usize>j << 2));
      s += log ? <f64>gj : <f64>gj * <f64>load<f32>(py + (<usize>j << 2));
    }
    const s32 = <f32>s;
    const vs = f32x4.splat(s32);
    j = 0;
    if (log) {
      for (; j + 4 <= C; j += 4) {
        const q = <usize>j << 2;
        v128.store(pd + q, f32x4.sub(v128.load(pg + q), f32x4.mul(expSimd(v128.load(py + q)), vs)));
      }
      for (; j < C; j++) {
        const q = <usize>j << 2;
        store<f32>(pd + q, load<f32>(pg + q) - <f32>Math.exp(<f64>load<f32>(py + q)) * s32);
      }
    } else {
      for (; j + 4 <= C; j += 4) {
        const q = <usize>j << 2;
        v128.store(pd + q, f32x4.mul(v128.load(py + q), f32x4.sub(v128.load(pg + q), vs)));
      }
      for (; j < C; j++) {
        const q = <usize>j << 2;
        store<f32>(pd + q, load<f32>(py + q) * (load<f32>(pg + q) - s32));
      }
    }
  }
}

// rowStats' results (module globals: kernels must not allocate, the JS side owns the heap).
let rowMean: f64 = 0;
let rowRstd: f64 = 0;

/** Lanes 2 and 3 of four float32s as float64s (f64x2.promote_low_f32x4 gives lanes 0 and 1). */
@inline
function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
}

/** Two float64 pairs rounded to four float32s, in order. */
@inline
function demotePairs(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

@inline
function laneSum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * Mean and 1/√(variance + eps) of one row, summed in float64 (two passes, as the composed ops) and
 * rounded to float32 as the composed ops' tensors and PyTorch's float32 kernel hold them: a
 * variance past float32's range is +∞ there, so its row normalises to 0 on every backend. Four
 * float64 partial sums, two per f64x2: the order differs from a running sum only below float32's
 * rounding.
 */
function rowStats(p: usize, C: i32, eps: f64): void {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= C; j += 4) {
    const v = v128.load(p + (<usize>j << 2));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
    s1 = f64x2.add(s1, promoteHigh(v));
  }
  let s = laneSum(f64x2.add(s0, s1));
  for (; j < C; j++) s += <f64>load<f32>(p + (<usize>j << 2));
  const mean = <f64><f32>(s / <f64>C);
  const m = f64x2.splat(mean);
  let v0 = f64x2.splat(0), v1 = f64x2.splat(0);
  for (j = 0; j + 4 <= C; j += 4) {
    const x = v128.load(p + (<usize>j << 2));
    const d0 = f64x2.sub(f64x2.promote_low_f32x4(x), m), d1 = f64x2.sub(promoteHigh(x), m);
    v0 = f64x2.add(v0, f64x2.mul(d0, d0));
    v1 = f64x2.add(v1, f64x2.mul(d1, d1));
  }
  let v = laneSum(f64x2.add(v0, v1));
  for (; j < C; j++) {
    const d = <f64>load<f32>(p + (<usize>j << 2)) - mean;
    v += d * d;
  }
  rowMean = mean;
  rowRstd = 1 / Math.sqrt(<f64><f32>(<f64><f32>(v / <f64>C) + eps));
}

/**
 * Layer normalisation of each contiguous row of x [R, C]: (x − mean)·rstd, and with the affine part
 * (w and b [C], 0: none) x̂·w + b, rounded once.
 */
export function layerNormRows(x: usize, out: usize, R: i32, C: i32, eps: f64, w: usize, b: usize): void {
  for (let r = 0; r < R; r++) {
    const px = x + (<usize>(r * C) << 2);
    const po = out + (<usize>(r * C) << 2);
    rowStats(px, C, eps);
    const m = f64x2.splat(rowMean), rs = f64x2.splat(rowRstd);
    let j = 0;
    for (; j + 4 <= C; j += 4) {
      const q = <usize>j << 2;
      const v = v128.load(px + q);
      let lo = f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(v), m), rs);
      let hi = f64x2.mul(f64x2.sub(promoteHigh(v), m), rs);
      if (w) {
        const wv = v128.load(w + q), bv = v128.load(b + q);
        lo = f64x2.add(f64x2.mul(lo, f64x2.promote_low_f32x4(wv)), f64x2.promote_low_f32x4(bv));
        hi = f64x2.add(f64x2.mul(hi, promoteHigh(wv)), promoteHigh(bv));
      }
      v128.store(po + q, demotePairs(lo, hi));
    }
    for (; j < C; j++) {
      const q = <usize>j << 2;
      const xhat = (<f64>load<f32>(px + q) - rowMean) * rowRstd;
      store<f32>(po + q, <f32>(w ? xhat * <f64>load<f32>(w + q) + <f64>load<f32>(b + q) : xhat));
    }
  }
}

/** Rows whose weight and bias gradients one part of layerNormRowsBackward sums. */
export const LAYER_NORM_PART_ROWS: i32 = 32;

/**
 * The layer norm's vector–Jacobian product over rows of x [R, C]: dx = rstd·(ĝ − mean(ĝ) −
 * x̂·mean(ĝ·x̂)) with ĝ = g·w (w [C]; 0: no weight, ĝ = g), statistics recomputed from x. With
 * parts (0: none), the weight's and bias's gradients Σ g·x̂ and Σ g are summed in float64 over each
 * LAYER_NORM_PART_ROWS rows into parts [⌈R / 32⌉, 2, C] (float64), which the caller sums in order
 * (sumPartsF64): the parts depend on the shape only, so the result is the same on any number of
 * threads, each of which takes whole parts.
 */
export function layerNormRowsBackward(x: usize, g: usize, dx: usize, R: i32, C: i32, eps: f64, w: usize, parts: usize): void {
  const part = <usize>(2 * C) << 3;
  const one = f64x2.splat(1);
  for (let r = 0; r < R; r++) {
    const px = x + (<usize>(r * C) << 2);
    const pg = g + (<usize>(r * C) << 2);
    const pd = dx + (<usize>(r * C) << 2);
    const pw = parts + <usize>(r / LAYER_NORM_PART_ROWS) * part; // dw's sums, then db's
    const pb = pw + (<usize>C << 3);
    if (parts && r % LAYER_NORM_PART_ROWS == 0) memory.fill(pw, 0, part);
    rowStats(px, C, eps);
    const m = f64x2.splat(rowMean), rs = f64x2.splat(rowRstd);
    let sg0 = f64x2.splat(0), sg1 = f64x2.splat(0), sgx0 = f64x2.splat(0), sgx1 = f64x2.splat(0);
    let j = 0;
    for (; j + 4 <= C; j += 4) {
      const q = <usize>j << 2, d = <usize>j << 3;
      const xv = v128.load(px + q), gv = v128.load(pg + q);
      const g0 = f64x2.promote_low_f32x4(gv), g1 = promoteHigh(gv);
      const h0 = f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(xv), m), rs), h1 = f64x2.mul(f64x2.sub(promoteHigh(xv), m), rs);
      if (parts) {
        v128.store(pw + d, f64x2.add(v128.load(pw + d), f64x2.mul(g0, h0)));
        v128.store(pw + d, f64x2.add(v128.load(pw + d, 16), f64x2.mul(g1, h1)), 16);
        v128.store(pb + d, f64x2.add(v128.load(pb + d), g0));
        v128.store(pb + d, f64x2.add(v128.load(pb + d, 16), g1), 16);
      }
      const wv = w ? v128.load(w + q) : v128.splat<f32>(1);
      const gw0 = f64x2.mul(g0, w ? f64x2.promote_low_f32x4(wv) : one), gw1 = f64x2.mul(g1, w ? promoteHigh(wv) : one);
      sg0 = f64x2.add(sg0, gw0);
      sg1 = f64x2.add(sg1, gw1);
      sgx0 = f64x2.add(sgx0, f64x2.mul(gw0, h0));
      sgx1 = f64x2.add(sgx1, f64x2.mul(gw1, h1));
    }
    let sg = laneSum(f64x2.add(sg0, sg1));
    let sgx = laneSum(f64x2.add(sgx0, sgx1));
    for (let k = j; k < C; k++) {
      const q = <usize>k << 2, d = <usize>k << 3;
      const gj = <f64>load<f32>(pg + q);
      const xhat = (<f64>load<f32>(px + q) - rowMean) * rowRstd;
      if (parts) {
        store<f64>(pw + d, load<f64>(pw + d) + gj * xhat);
        store<f64>(pb + d, load<f64>(pb + d) + gj);
      }
      const gw = w ? gj * <f64>load<f32>(w + q) : gj;
      sg += gw;
      sgx += gw * xhat;
    }
    const mg = sg / <f64>C;
    const mgx = sgx / <f64>C;
    const vmg = f64x2.splat(mg), vmgx = f64x2.splat(mgx);
    for (j = 0; j + 4 <= C; j += 4) {
      const q = <usize>j << 2;
      const xv = v128.load(px + q), gv = v128.load(pg + q);
      const wv = w ? v128.load(w + q) : v128.splat<f32>(1);
      const h0 = f64x2.mul(f64x2.sub(f64x2.promote_low_f32x4(xv), m), rs), h1 = f64x2.mul(f64x2.sub(promoteHigh(xv), m), rs);
      const gw0 = f64x2.mul(f64x2.promote_low_f32x4(gv), w ? f64x2.promote_low_f32x4(wv) : one), gw1 = f64x2.mul(promoteHigh(gv), w ? promoteHigh(wv) : one);
      const d0 = f64x2.mul(rs, f64x2.sub(f64x2.sub(gw0, vmg), f64x2.mul(h0, vmgx)));
      const d1 = f64x2.mul(rs, f64x2.sub(f64x2.sub(gw1, vmg), f64x2.mul(h1, vmgx)));
      v128.store(pd + q, demotePairs(d0, d1));
    }
    for (; j < C; j++) {
      const q = <usize>j << 2;
      const xhat = (<f64>load<f32>(px + q) - rowMean) * rowRstd;
      const gw = w ? <f64>load<f32>(pg + q) * <f64>load<f32>(w + q) : <f64>load<f32>(pg + q);
      store<f32>(pd + q, <f32>(rowRstd * (gw - mg - xhat * mgx)));
    }
  }
}

/** out[0, len) = Σ_p parts[p·stride + q] (float64, rounded once to float32) over `count` blocks, in block order. */
export function sumPartsF64(parts: usize, count: i32, stride: i32, len: i32, out: usize): void {
  for (let q = 0; q < len; q++) {
    let s: f64 = 0;
    for (let p = 0; p < count; p++) s += load<f64>(parts + ((<usize>p * <usize>stride + <usize>q) << 3));
    store<f32>(out + (<usize>q << 2), <f32>s);
  }
}

