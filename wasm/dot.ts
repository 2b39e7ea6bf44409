// GEMM as inner products, for small outputs with long, contiguous inner dims: C[b] = A[b]·B[b]
// where A[b] rows and B[b] columns are contiguous along K (a convolution's weight gradient,
// g[n]·cols[n]ᵀ: 6×9 outputs of 676-long products). The packed GEMM would pad such an output to
// its 4×8 tiles and gather B's transposed panels element by element; here each output is a SIMD
// dot product, 2 rows × 4 columns at a time (eight accumulators, six loads per four k).
import { madd } from "./gemm";

/** Σ lanes of v. */
@inline
export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** One output: Σ_k a[k]·b[k]. */
function dot(a: usize, b: usize, K: i32): f32 {
  let acc = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) acc = madd(v128.load(a + (<usize>k << 2)), v128.load(b + (<usize>k << 2)), acc);
  let s = hsum(acc);
  for (; k < K; k++) s += load<f32>(a + (<usize>k << 2)) * load<f32>(b + (<usize>k << 2));
  return s;
}

/** Rows i, i+1 × columns j … j+3 of C (row stride N), plus bias[j … j+3] where bias ≠ 0. */
function block(a0: usize, a1: usize, b0: usize, sbn: usize, K: i32, c: usize, N: i32, bias: usize): void {
  const b1 = b0 + sbn, b2 = b1 + sbn, b3 = b2 + sbn;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const off = <usize>k << 2;
    const x0 = v128.load(a0 + off), x1 = v128.load(a1 + off);
    const y0 = v128.load(b0 + off), y1 = v128.load(b1 + off), y2 = v128.load(b2 + off), y3 = v128.load(b3 + off);
    c00 = madd(x0, y0, c00); c01 = madd(x0, y1, c01); c02 = madd(x0, y2, c02); c03 = madd(x0, y3, c03);
    c10 = madd(x1, y0, c10); c11 = madd(x1, y1, c11); c12 = madd(x1, y2, c12); c13 = madd(x1, y3, c13);
  }
  let s00 = hsum(c00), s01 = hsum(c01), s02 = hsum(c02), s03 = hsum(c03);
  let s10 = hsum(c10), s11 = hsum(c11), s12 = hsum(c12), s13 = hsum(c13);
  for (; k < K; k++) {
    const off = <usize>k << 2;
    const x0 = load<f32>(a0 + off), x1 = load<f32>(a1 + off);
    const y0 = load<f32>(b0 + off), y1 = load<f32>(b1 + off), y2 = load<f32>(b2 + off), y3 = load<f32>(b3 + off);
    s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
    s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
  }
  if (bias) {
    const t0 = load<f32>(bias), t1 = load<f32>(bias, 4), t2 = load<f32>(bias, 8), t3 = load<f32>(bias, 12);
    s00 += t0; s01 += t1; s02 += t2; s03 += t3;
    s10 += t0; s11 += t1; s12 += t2; s13 += t3;
  }
  const r1 = c + (<usize>N << 2);
  store<f32>(c, s00); store<f32>(c, s01, 4); store<f32>(c, s02, 8); store<f32>(c, s03, 12);
  store<f32>(r1, s10); store<f32>(r1, s11, 4); store<f32>(r1, s12, 8); store<f32>(r1, s13, 12);
}

/**
 * C [batch, M, N] (contiguous) = A·B with A[b, i, k] at a + (b·sab + i·sam + k)·4 and B[b, k, j]
 * at b + (b·sbb + k + j·sbn)·4: both contiguous along k; plus the row bias [N] where bias ≠ 0.
 */
export function sgemmDot(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sab: isize, sam: isize,
  b: usize, sbb: isize, sbn: isize,
  c: usize, bias: usize,
): void {
  for (let n = 0; n < batch; n++) {
    const A = a + (<usize>(<isize>n * sab) << 2);
    const B = b + (<usize>(<isize>n * sbb) << 2);
    const C = c + (<usize>n * <usize>M * <usize>N << 2);
    const rowStep = <usize>sam << 2, colStep = <usize>sbn << 2;
    let i = 0;
    for (; i + 2 <= M; i += 2) {
      const a0 = A + <usize>i * rowStep;
      let j = 0;
      for (; j + 4 <= N; j += 4) block(a0, a0 + rowStep, B + <usize>j * colStep, colStep, K, C + (<usize>(i * N + j) << 2), N, bias ? bias + (<usize>j << 2) : 0);
      for (; j < N; j++) {
        const t: f32 = bias ? load<f32>(bias + (<usize>j << 2)) : 0;
        store<f32>(C + (<usize>(i * N + j) << 2), dot(a0, B + <usize>j * colStep, K) + t);
        store<f32>(C + (<usize>((i + 1) * N + j) << 2), dot(a0 + rowStep, B + <usize>j * colStep, K) + t);
      }
    }
    for (; i < M; i++) {
      for (let j = 0; j < N; j++) store<f32>(C + (<usize>(i * N + j) << 2), dot(A + <usize>i * rowStep, B + <usize>j * colStep, K) + (bias ? load<f32>(bias + (<usize>j << 2)) : 0));
    }
  }
}

/**
 * out[0, len) = Σ_p parts[p·len + q] over `count` contiguous blocks, in block order: the partial
 * products of a K-split sgemmDot (products.ts) summed the same way on any number of threads.
 */
export function sumBlocks(parts: usize, count: i32, len: i32, out: usize): void {
  const stride = <usize>len << 2;
  let q = 0;
  for (; q + 4 <= len; q += 4) {
    const at = <usize>q << 2;
    let s = v128.load(parts + at);
    for (let p = 1; p < count; p++) s = f32x4.add(s, v128.load(parts + <usize>p * stride + at));
    v128.store(out + at, s);
  }
  for (; q < len; q++) {
    const at = <usize>q << 2;
    let s = load<f32>(parts + at);
    for (let p = 1; p < count; p++) s += load<f32>(parts + <usize>p * stride + at);
    store<f32>(out + at, s);
  }
}
