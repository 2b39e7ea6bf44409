// One Lloyd iteration of k-means, fused so that the data are read once per iteration (as
// scikit-learn's chunked Lloyd does): each row's dot products with the k centres (2 rows × 4
// centres at a time; the centres stay in cache), its nearest centre by ‖c‖² − 2x·c, then, while
// the row is in cache, its squared distance to that centre (computed directly, so that the inertia
// is exact) and the row added, weighted, into the centre's sum.
//
// The rows are cut into KMEANS_PARTS fixed parts, each summed into its own [k, d] block and then
// added in part order (sumBlocks), so the centres do not depend on how many threads share the
// parts. Per-row state (best value so far, its centre) lives in the row's own outputs, so threads
// never write the same bytes.
import { hsum } from "./dot";
import { madd } from "./gemm";
import { zeroBytes } from "./memops";

export const KMEANS_PARTS: i32 = 8;

/** Offers centre j's value v = ‖c_j‖² − 2·dot to row i's running minimum (the first minimum wins). */
@inline
function offer(i: usize, labels: usize, best: usize, j: i32, v: f32): void {
  if (v < load<f32>(best + (i << 2))) {
    store<f32>(best + (i << 2), v);
    store<i32>(labels + (i << 2), j);
  }
}

/** Rows r, r+1 against centres j … j+3 (d floats each, contiguous). */
function block2x4(x0: usize, x1: usize, c0: usize, d: i32, r: usize, j: i32, cc: usize, labels: usize, best: usize): void {
  const step = <usize>d << 2;
  const c1 = c0 + step, c2 = c1 + step, c3 = c2 + step;
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
  let q = 0;
  for (; q + 4 <= d; q += 4) {
    const o = <usize>q << 2;
    const u = v128.load(x0 + o), v = v128.load(x1 + o);
    const y0 = v128.load(c0 + o), y1 = v128.load(c1 + o), y2 = v128.load(c2 + o), y3 = v128.load(c3 + o);
    a00 = madd(u, y0, a00); a01 = madd(u, y1, a01); a02 = madd(u, y2, a02); a03 = madd(u, y3, a03);
    a10 = madd(v, y0, a10); a11 = madd(v, y1, a11); a12 = madd(v, y2, a12); a13 = madd(v, y3, a13);
  }
  let s00 = hsum(a00), s01 = hsum(a01), s02 = hsum(a02), s03 = hsum(a03);
  let s10 = hsum(a10), s11 = hsum(a11), s12 = hsum(a12), s13 = hsum(a13);
  for (; q < d; q++) {
    const o = <usize>q << 2;
    const u = load<f32>(x0 + o), v = load<f32>(x1 + o);
    const y0 = load<f32>(c0 + o), y1 = load<f32>(c1 + o), y2 = load<f32>(c2 + o), y3 = load<f32>(c3 + o);
    s00 += u * y0; s01 += u * y1; s02 += u * y2; s03 += u * y3;
    s10 += v * y0; s11 += v * y1; s12 += v * y2; s13 += v * y3;
  }
  const n0 = load<f32>(cc + (<usize>j << 2)), n1 = load<f32>(cc + (<usize>j << 2), 4);
  const n2 = load<f32>(cc + (<usize>j << 2), 8), n3 = load<f32>(cc + (<usize>j << 2), 12);
  offer(r, labels, best, j, n0 - 2 * s00); offer(r, labels, best, j + 1, n1 - 2 * s01);
  offer(r, labels, best, j + 2, n2 - 2 * s02); offer(r, labels, best, j + 3, n3 - 2 * s03);
  offer(r + 1, labels, best, j, n0 - 2 * s10); offer(r + 1, labels, best, j + 1, n1 - 2 * s11);
  offer(r + 1, labels, best, j + 2, n2 - 2 * s12); offer(r + 1, labels, best, j + 3, n3 - 2 * s13);
}

/** Rows r, r+1 against centres j, j+1. */
function block2x2(x0: usize, x1: usize, c0: usize, d: i32, r: usize, j: i32, cc: usize, labels: usize, best: usize): void {
  const c1 = c0 + (<usize>d << 2);
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let q = 0;
  for (; q + 4 <= d; q += 4) {
    const o = <usize>q << 2;
    const u = v128.load(x0 + o), v = v128.load(x1 + o), y0 = v128.load(c0 + o), y1 = v128.load(c1 + o);
    a00 = madd(u, y0, a00); a01 = madd(u, y1, a01); a10 = madd(v, y0, a10); a11 = madd(v, y1, a11);
  }
  let s00 = hsum(a00), s01 = hsum(a01), s10 = hsum(a10), s11 = hsum(a11);
  for (; q < d; q++) {
    const o = <usize>q << 2;
    const u = load<f32>(x0 + o), v = load<f32>(x1 + o), y0 = load<f32>(c0 + o), y1 = load<f32>(c1 + o);
    s00 += u * y0; s01 += u * y1; s10 += v * y0; s11 += v * y1;
  }
  const n0 = load<f32>(cc + (<usize>j << 2)), n1 = load<f32>(cc + (<usize>j << 2), 4);
  offer(r, labels, best, j, n0 - 2 * s00); offer(r, labels, best, j + 1, n1 - 2 * s01);
  offer(r + 1, labels, best, j, n0 - 2 * s10); offer(r + 1, labels, best, j + 1, n1 - 2 * s11);
}

/** Σ_q a[q]·b[q] over d floats (two accumulators: one would wait on each multiply-add's latency). */
function dot(a: usize, b: usize, d: i32): f32 {
  let p = f32x4.splat(0), r = f32x4.splat(0);
  let q = 0;
  for (; q + 8 <= d; q += 8) {
    const o = <usize>q << 2;
    p = madd(v128.load(a + o), v128.load(b + o), p);
    r = madd(v128.load(a + o, 16), v128.load(b + o, 16), r);
  }
  for (; q + 4 <= d; q += 4) p = madd(v128.load(a + (<usize>q << 2)), v128.load(b + (<usize>q << 2)), p);
  let s = hsum(f32x4.add(p, r));
  for (; q < d; q++) s += load<f32>(a + (<usize>q << 2)) * load<f32>(b + (<usize>q << 2));
  return s;
}

/**
 * sum[0, d) += w·x[0, d), returning ‖x − c‖² computed directly (exact, unlike the nearest-centre
 * search's ‖x‖² + ‖c‖² − 2x·c) in the same pass; two accumulators, see dot.
 */
function addRowAndDistance(sum: usize, x: usize, c: usize, d: i32, w: f32): f32 {
  const wv = f32x4.splat(w);
  let p = f32x4.splat(0), r = f32x4.splat(0);
  let q = 0;
  for (; q + 8 <= d; q += 8) {
    const o = <usize>q << 2;
    const u = v128.load(x + o), v = v128.load(x + o, 16);
    v128.store(sum + o, madd(wv, u, v128.load(sum + o)));
    v128.store(sum + o, madd(wv, v, v128.load(sum + o, 16)), 16);
    const du = f32x4.sub(u, v128.load(c + o)), dv = f32x4.sub(v, v128.load(c + o, 16));
    p = madd(du, du, p);
    r = madd(dv, dv, r);
  }
  for (; q + 4 <= d; q += 4) {
    const o = <usize>q << 2;
    const u = v128.load(x + o);
    v128.store(sum + o, madd(wv, u, v128.load(sum + o)));
    const du = f32x4.sub(u, v128.load(c + o));
    p = madd(du, du, p);
  }
  let s = hsum(f32x4.add(p, r));
  for (; q < d; q++) {
    const u = load<f32>(x + (<usize>q << 2));
    store<f32>(sum + (<usize>q << 2), load<f32>(sum + (<usize>q << 2)) + w * u);
    const du = u - load<f32>(c + (<usize>q << 2));
    s += du * du;
  }
  return s;
}

/**
 * Parts [p0, p1) of x [n, d] (float32, contiguous) against centres c [k, d] with squared norms
 * cc [k]: labels [n] (int32), dist [n] (squared distance ‖x − c‖² to the nearest centre), and per part p
 * the weighted row sums sums[p] [k, d] and weights mass[p] [k]. w [n] is 0 for unit weights.
 */
export function kmeansStep(
  x: usize, n: i32, d: i32, c: usize, cc: usize, k: i32, w: usize,
  labels: usize, dist: usize, sums: usize, mass: usize, p0: i32, p1: i32,
): void {
  const rowBytes = <usize>d << 2;
  for (let p = p0; p < p1; p++) {
    const r0 = <i32>(<i64>p * n / KMEANS_PARTS), r1 = <i32>(<i64>(p + 1) * n / KMEANS_PARTS);
    const S = sums + <usize>p * <usize>k * rowBytes, M = mass + (<usize>(p * k) << 2);
    zeroBytes(S, <usize>k * rowBytes);
    zeroBytes(M, <usize>k << 2);
    for (let i = r0; i < r1; i++) {
      store<f32>(dist + (<usize>i << 2), Infinity);
      store<i32>(labels + (<usize>i << 2), 0);
    }
    let i = r0;
    for (; i + 2 <= r1; i += 2) {
      const x0 = x + <usize>i * rowBytes, x1 = x0 + rowBytes;
      let j = 0;
      for (; j + 4 <= k; j += 4) block2x4(x0, x1, c + <usize>j * rowBytes, d, <usize>i, j, cc, labels, dist);
      for (; j + 2 <= k; j += 2) block2x2(x0, x1, c + <usize>j * rowBytes, d, <usize>i, j, cc, labels, dist);
      for (; j < k; j++) {
        const cj = c + <usize>j * rowBytes, nj = load<f32>(cc + (<usize>j << 2));
        offer(<usize>i, labels, dist, j, nj - 2 * dot(x0, cj, d));
        offer(<usize>(i + 1), labels, dist, j, nj - 2 * dot(x1, cj, d));
      }
      // While the two rows are in cache.
      finish(x0, d, <usize>i, c, w, labels, dist, S, M);
      finish(x1, d, <usize>(i + 1), c, w, labels, dist, S, M);
    }
    if (i < r1) {
      const xi = x + <usize>i * rowBytes;
      for (let j = 0; j < k; j++) offer(<usize>i, labels, dist, j, load<f32>(cc + (<usize>j << 2)) - 2 * dot(xi, c + <usize>j * rowBytes, d));
      finish(xi, d, <usize>i, c, w, labels, dist, S, M);
    }
  }
}

/** Row i added, weighted, into its centre's sum S and weight M; its squared distance to that centre. */
@inline
function finish(xi: usize, d: i32, i: usize, c: usize, w: usize, labels: usize, dist: usize, S: usize, M: usize): void {
  const label = <usize>load<i32>(labels + (i << 2));
  const wi: f32 = w ? load<f32>(w + (i << 2)) : 1;
  const rowBytes = <usize>d << 2;
  store<f32>(dist + (i << 2), addRowAndDistance(S + label * rowBytes, xi, c + label * rowBytes, d, wi));
  store<f32>(M + (label << 2), load<f32>(M + (label << 2)) + wi);
}
