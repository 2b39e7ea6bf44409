// Products whose B is small enough to stay in L1 whole (a recurrence's W_hh, a skinny layer's
// weight): A's rows are read in place, four at a time, with no packing. The GEMM of gemm.ts packs
// A into panels, which pays when B has many column panels to reuse them; with one or two (N ≤ 16)
// or a short K, the packing costs as much as the product.
import { madd } from "./gemm";

/**
 * C[M, G] = Init[M, G] (0: none; row stride ldi, 0 broadcasts one row) + A[M, K]·B[K, G], A's rows
 * contiguous (stride lda), B contiguous and k-major (row stride G). 4 rows × 8 columns a block
 * (eight accumulators); Init may be C.
 */
export function rowsGemm(a: usize, lda: i32, b: usize, K: i32, G: i32, M: i32, init: usize, ldi: i32, c: usize, ldc: i32): void {
  const sa = <usize>lda << 2, sb = <usize>G << 2, si = <usize>ldi << 2, sc = <usize>ldc << 2;
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * sa, a1 = a0 + sa, a2 = a1 + sa, a3 = a2 + sa;
    const r0 = init + <usize>i * si, c0 = c + <usize>i * sc;
    let j = 0;
    for (; j + 8 <= G; j += 8) {
      const q = <usize>j << 2;
      let x00 = init ? v128.load(r0 + q) : zero, x01 = init ? v128.load(r0 + q, 16) : zero;
      let x10 = init ? v128.load(r0 + si + q) : zero, x11 = init ? v128.load(r0 + si + q, 16) : zero;
      let x20 = init ? v128.load(r0 + 2 * si + q) : zero, x21 = init ? v128.load(r0 + 2 * si + q, 16) : zero;
      let x30 = init ? v128.load(r0 + 3 * si + q) : zero, x31 = init ? v128.load(r0 + 3 * si + q, 16) : zero;
      let pb = b + q;
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
      v128.store(c0 + q, x00); v128.store(c0 + q, x01, 16);
      v128.store(c0 + sc + q, x10); v128.store(c0 + sc + q, x11, 16);
      v128.store(c0 + 2 * sc + q, x20); v128.store(c0 + 2 * sc + q, x21, 16);
      v128.store(c0 + 3 * sc + q, x30); v128.store(c0 + 3 * sc + q, x31, 16);
    }
    for (let r = 0; r < 4; r++) rowTail(a + <usize>(i + r) * sa, b, K, G, j, init ? init + <usize>(i + r) * si : 0, c + <usize>(i + r) * sc);
  }
  for (; i < M; i++) {
    const ar = a + <usize>i * sa, rr = init ? init + <usize>i * si : 0, cr = c + <usize>i * sc;
    let j = 0;
    for (; j + 8 <= G; j += 8) {
      const q = <usize>j << 2;
      let x0 = rr ? v128.load(rr + q) : zero, x1 = rr ? v128.load(rr + q, 16) : zero;
      let pb = b + q;
      for (let k = 0; k < K; k++) {
        const v = v128.load32_splat(ar + (<usize>k << 2));
        x0 = madd(v, v128.load(pb), x0);
        x1 = madd(v, v128.load(pb, 16), x1);
        pb += sb;
      }
      v128.store(cr + q, x0); v128.store(cr + q, x1, 16);
    }
    rowTail(ar, b, K, G, j, rr, cr);
  }
}

/** Columns j0 … G − 1 of one row of rowsGemm, one at a time. */
function rowTail(a: usize, b: usize, K: i32, G: i32, j0: i32, init: usize, c: usize): void {
  for (let j = j0; j < G; j++) {
    const q = <usize>j << 2;
    let s: f32 = init ? load<f32>(init + q) : 0;
    for (let k = 0; k < K; k++) s += load<f32>(a + (<usize>k << 2)) * load<f32>(b + (<usize>(k * G) << 2) + q);
    store<f32>(c + q, s);
  }
}

/** dst[H, G] = src[G, H]ᵀ: W_hhᵀ for the forward's products, once per sequence. */
export function transposeInto(src: usize, G: i32, H: i32, dst: usize): void {
  for (let g = 0; g < G; g++) {
    for (let h = 0; h < H; h++) store<f32>(dst + (<usize>(h * G + g) << 2), load<f32>(src + (<usize>(g * H + h) << 2)));
  }
}
