// Products with one small operand, without packing: A's rows read in place, four at a time, against
// eight columns of B. The GEMM of gemm.ts packs A into panels, which pays when B has many column
// panels to reuse them; with one or two (N ≤ 16), a short K, or a small A against a long B (a
// convolution), the packing costs as much as the product.
import { madd } from "./gemm";

/**
 * C[4, 8] at c (row stride sc) = Init (0: none; row stride si) + A[4, K]·B[K, 8]: A's four rows from
 * a0 (stride sa), B's eight columns from pb (row stride sb). Eight accumulators.
 */
@inline
function block4x8(a0: usize, sa: usize, pb: usize, sb: usize, K: i32, r0: usize, si: usize, c0: usize, sc: usize): void {
  const zero = f32x4.splat(0);
  let x00 = r0 ? v128.load(r0) : zero, x01 = r0 ? v128.load(r0, 16) : zero;
  let x10 = r0 ? v128.load(r0 + si) : zero, x11 = r0 ? v128.load(r0 + si, 16) : zero;
  let x20 = r0 ? v128.load(r0 + 2 * si) : zero, x21 = r0 ? v128.load(r0 + 2 * si, 16) : zero;
  let x30 = r0 ? v128.load(r0 + 3 * si) : zero, x31 = r0 ? v128.load(r0 + 3 * si, 16) : zero;
  const a1 = a0 + sa, a2 = a1 + sa, a3 = a2 + sa;
  for (let k = 0; k < K; k++) {
    const y0 = v128.load(pb), y1 = v128.load(pb, 16);
    const off = <usize>k << 2;
    const v0 = v128.load32_splat(a0 + off), v1 = v128.load32_splat(a1 + off);
    const v2 = v128.load32_splat(a2 + off), v3 = v128.load32_splat(a3 + off);
    x00 = madd(v0, y0, x00); x01 = madd(v0, y1, x01);
    x10 = madd(v1, y0, x10); x11 = madd(v1, y1, x11);
    x20 = madd(v2, y0, x20); x21 = madd(v2, y1, x21);
    x30 = madd(v3, y0, x30); x31 = madd(v3, y1, x31);
    pb += sb;
  }
  v128.store(c0, x00); v128.store(c0, x01, 16);
  v128.store(c0 + sc, x10); v128.store(c0 + sc, x11, 16);
  v128.store(c0 + 2 * sc, x20); v128.store(c0 + 2 * sc, x21, 16);
  v128.store(c0 + 3 * sc, x30); v128.store(c0 + 3 * sc, x31, 16);
}

/** C[1, 8] at cr = Init row rr (0: none) + A[1, K]·B[K, 8], as block4x8 for one row. */
@inline
function block1x8(ar: usize, pb: usize, sb: usize, K: i32, rr: usize, cr: usize): void {
  const zero = f32x4.splat(0);
  let x0 = rr ? v128.load(rr) : zero, x1 = rr ? v128.load(rr, 16) : zero;
  for (let k = 0; k < K; k++) {
    const v = v128.load32_splat(ar + (<usize>k << 2));
    x0 = madd(v, v128.load(pb), x0);
    x1 = madd(v, v128.load(pb, 16), x1);
    pb += sb;
  }
  v128.store(cr, x0); v128.store(cr, x1, 16);
}

/**
 * C[M, G] = Init[M, G] (0: none; row stride ldi, 0 broadcasts one row) + A[M, K]·B[K, G], A's rows
 * contiguous (stride lda), B contiguous and k-major (row stride G), row blocks outermost: for a B
 * that stays in L1 whole (W_hh; a skinny layer's weight). Init may be C.
 */
export function rowsGemm(a: usize, lda: i32, b: usize, K: i32, G: i32, M: i32, init: usize, ldi: i32, c: usize, ldc: i32): void {
  const sa = <usize>lda << 2, sb = <usize>G << 2, si = <usize>ldi << 2, sc = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * sa, r0 = init ? init + <usize>i * si : 0, c0 = c + <usize>i * sc;
    let j = 0;
    for (; j + 8 <= G; j += 8) {
      const q = <usize>j << 2;
      block4x8(a0, sa, b + q, sb, K, r0 ? r0 + q : 0, si, c0 + q, sc);
    }
    for (let r = 0; r < 4; r++) rowTail(a0 + <usize>r * sa, b, K, G, G, j, r0 ? r0 + <usize>r * si : 0, c0 + <usize>r * sc);
  }
  for (; i < M; i++) {
    const ar = a + <usize>i * sa, rr = init ? init + <usize>i * si : 0, cr = c + <usize>i * sc;
    let j = 0;
    for (; j + 8 <= G; j += 8) {
      const q = <usize>j << 2;
      block1x8(ar, b + q, sb, K, rr ? rr + q : 0, cr + q);
    }
    rowTail(ar, b, K, G, G, j, rr, cr);
  }
}

/**
 * C[b] = A[b]·B[b] for b < batch, A [M, K] with contiguous rows (stride lda; batch stride sab, 0
 * broadcasts), B [K, N] with contiguous rows (stride ldb; batch stride sbb), C [M, N] (row stride
 * ldc, batch stride scb). Column blocks outermost: for a small A (a convolution's weights, M·K up to
 * a few thousand) against a long B (its im2col columns). Each 8-column block of B is copied into
 * `panel` (K·8 floats) and read from there by every row of A: B's rows may lie a power of two apart
 * (8,192 columns), where reading them in place thrashes L1's sets. A is never packed, which for K = 9
 * (a 3×3 kernel on one channel) would cost more than the product.
 */
export function colsGemm(batch: i32, M: i32, N: i32, K: i32, a: usize, sab: i32, lda: i32, b: usize, sbb: i32, ldb: i32, c: usize, scb: i32, ldc: i32, panel: usize): void {
  const sa = <usize>lda << 2, sb = <usize>ldb << 2, sc = <usize>ldc << 2;
  for (let n = 0; n < batch; n++) {
    const an = a + (<usize>(n * sab) << 2), bn = b + (<usize>(n * sbb) << 2), cn = c + (<usize>(n * scb) << 2);
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      const q = <usize>j << 2;
      // gemm.ts's packB does this copy too, but as a call per block it cost conv1 (K = 9) 15%.
      let s = bn + q, d = panel;
      for (let k = 0; k < K; k++) {
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        s += sb;
        d += 32;
      }
      let i = 0;
      for (; i + 4 <= M; i += 4) block4x8(an + <usize>i * sa, sa, panel, 32, K, 0, 0, cn + <usize>i * sc + q, sc);
      for (; i < M; i++) block1x8(an + <usize>i * sa, panel, 32, K, 0, cn + <usize>i * sc + q);
    }
    for (let i = 0; i < M; i++) rowTail(an + <usize>i * sa, bn, K, ldb, N, j, 0, cn + <usize>i * sc);
  }
}

/** Columns j0 … N − 1 of one row of C = Init + A·B, one at a time (B's row stride ldb). */
function rowTail(a: usize, b: usize, K: i32, ldb: i32, N: i32, j0: i32, init: usize, c: usize): void {
  for (let j = j0; j < N; j++) {
    const q = <usize>j << 2;
    let s: f32 = init ? load<f32>(init + q) : 0;
    for (let k = 0; k < K; k++) s += load<f32>(a + (<usize>k << 2)) * load<f32>(b + (<usize>(k * ldb) << 2) + q);
    store<f32>(c + q, s);
  }
}

/** dst[H, G] = src[G, H]ᵀ: W_hhᵀ for the forward's products, once per sequence. */
export function transposeInto(src: usize, G: i32, H: i32, dst: usize): void {
  for (let g = 0; g < G; g++) {
    for (let h = 0; h < H; h++) store<f32>(dst + (<usize>(h * G + g) << 2), load<f32>(src + (<usize>(g * H + h) << 2)));
  }
}
