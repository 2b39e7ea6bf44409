// Packed, register- and cache-blocked SGEMM over strided operands (batched).
//
// GotoBLAS shape: for each KC-deep slice of K, a [KC × NC] block of B is packed into panels of 8
// columns and a [MC × KC] block of A into panels of 4 rows, both k-major, so the 4×8 micro-kernel
// reads two contiguous streams whatever the operands' strides are (a transpose costs nothing extra).
// The B panel being used (KC·8 floats = 8 KiB) stays in L1, the A block (MC·KC = 128 KiB) in L2.
// Strides are in elements; pointers are byte offsets into the shared memory.
import { zeroBytes } from "./memops";

const MR = 4;
const NR = 8;
export const KC = 256;
export const MC = 128;
export const NC = 512;
/** Scratch bytes one gemm call needs for its packed blocks (the caller provides them). */
export const GEMM_SCRATCH_BYTES = (MC * KC + KC * NC + MR * NR) * 4;

/** Packs A[i0 : i0+mc, k0 : k0+kc] into panels of MR rows (k-major), zero-padding missing rows. */
function packA(a: usize, sam: isize, sak: isize, M: i32, i0: i32, mc: i32, k0: i32, kc: i32, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    if (sam == 1 && ip + MR <= mc && i0 + ip + MR <= M) {
      // A transposed (a weight gradient's gᵀ): the panel's MR rows are adjacent at each k, one load.
      let s = a + (<usize>(<isize>(i0 + ip) + <isize>k0 * sak) << 2);
      let d = dst + (<usize>(ip * kc) << 2);
      const step = <usize>sak << 2;
      for (let k = 0; k < kc; k++) {
        v128.store(d, v128.load(s));
        s += step;
        d += MR << 2;
      }
      continue;
    }
    if (sak == 1 && ip + MR <= mc && i0 + ip + MR <= M) {
      // A row-major (a layer's input, attention's scores): four rows' next four k, transposed in
      // registers, where element-wise copying cost as much as the product for a short N (attention).
      const row = <usize>sam << 2;
      let s = a + (<usize>(<isize>(i0 + ip) * sam + <isize>k0) << 2);
      let d = dst + (<usize>(ip * kc) << 2);
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const r0 = v128.load(s), r1 = v128.load(s + row), r2 = v128.load(s + 2 * row), r3 = v128.load(s + 3 * row);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
        v128.store(d, i64x2.shuffle(t0, t1, 1, 3), 16);
        v128.store(d, i64x2.shuffle(t2, t3, 0, 2), 32);
        v128.store(d, i64x2.shuffle(t2, t3, 1, 3), 48);
        s += 16;
        d += MR << 4;
      }
      for (; k < kc; k++) {
        store<f32>(d, load<f32>(s));
        store<f32>(d, load<f32>(s + row), 4);
        store<f32>(d, load<f32>(s + 2 * row), 8);
        store<f32>(d, load<f32>(s + 3 * row), 12);
        s += 4;
        d += MR << 2;
      }
      continue;
    }
    for (let r = 0; r < MR; r++) {
      const i = i0 + ip + r;
      let d = dst + (<usize>(ip * kc + r) << 2);
      if (i < M && ip + r < mc) {
        let s = a + (<usize>(<isize>i * sam + <isize>k0 * sak) << 2);
        const step = <usize>sak << 2;
        for (let k = 0; k < kc; k++) {
          store<f32>(d, load<f32>(s));
          s += step;
          d += MR << 2;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          store<f32>(d, 0);
          d += MR << 2;
        }
      }
    }
  }
}

/** Packs B[k0 : k0+kc, j0 : j0+nc] into panels of NR columns (k-major), zero-padding missing columns. */
function packB(b: usize, sbk: isize, sbn: isize, N: i32, j0: i32, nc: i32, k0: i32, kc: i32, dst: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const panel = dst + (<usize>(jp * kc) << 2);
    const cols = min(NR, nc - jp);
    if (sbn == 1 && cols == NR) {
      let s = b + (<usize>(<isize>k0 * sbk + <isize>(j0 + jp)) << 2);
      const step = <usize>sbk << 2;
      for (let k = 0; k < kc; k++) {
        v128.store(panel + (<usize>k << 5), v128.load(s));
        v128.store(panel + (<usize>k << 5), v128.load(s, 16), 16);
        s += step;
      }
      continue;
    }
    for (let c = 0; c < NR; c++) {
      let d = panel + (<usize>c << 2);
      if (c < cols) {
        let s = b + (<usize>(<isize>k0 * sbk + <isize>(j0 + jp + c) * sbn) << 2);
        const step = <usize>sbk << 2;
        for (let k = 0; k < kc; k++) {
          store<f32>(d, load<f32>(s));
          s += step;
          d += NR << 2;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          store<f32>(d, 0);
          d += NR << 2;
        }
      }
    }
  }
}

/** a·b + c: one fused multiply-add where relaxed SIMD is enabled (a build flag), else mul then add. */
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * The 4×8 micro-kernel: C[4, 8] (+)= Apanel[kc, 4]ᵀ · Bpanel[kc, 8]. Eight f32x4 accumulators stay
 * in registers; each k loads two B vectors and broadcasts four A values. Rows/columns beyond
 * (rows, cols) are computed but not stored. bias (0: none) is the tile's first column of a bias
 * row, added to every row where C is not accumulated (the first K block): a linear layer's + b.
 */
function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, rows: i32, cols: i32, accumulate: bool, tmp: usize, bias: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const x0 = v128.load32_splat(pa);
    const x1 = v128.load32_splat(pa, 4);
    const x2 = v128.load32_splat(pa, 8);
    const x3 = v128.load32_splat(pa, 12);
    c00 = madd(x0, b0, c00);
    c01 = madd(x0, b1, c01);
    c10 = madd(x1, b0, c10);
    c11 = madd(x1, b1, c11);
    c20 = madd(x2, b0, c20);
    c21 = madd(x2, b1, c21);
    c30 = madd(x3, b0, c30);
    c31 = madd(x3, b1, c31);
    pa += MR << 2;
    pb += NR << 2;
  }
  const full = rows == MR && cols == NR;
  if (bias && !accumulate) {
    // A partial tile's bias columns past `cols` are read from tmp's slack, never stored.
    const b0 = cols == NR ? v128.load(bias) : f32x4.splat(0), b1 = cols == NR ? v128.load(bias, 16) : f32x4.splat(0);
    c00 = f32x4.add(c00, b0); c01 = f32x4.add(c01, b1);
    c10 = f32x4.add(c10, b0); c11 = f32x4.add(c11, b1);
    c20 = f32x4.add(c20, b0); c21 = f32x4.add(c21, b1);
    c30 = f32x4.add(c30, b0); c31 = f32x4.add(c31, b1);
  }
  // A partial tile goes through tmp so that nothing outside C is touched.
  const dst = full ? c : tmp;
  const ld = full ? ldc : <usize>(NR << 2);
  if (full && accumulate) {
    c00 = f32x4.add(c00, v128.load(dst));
    c01 = f32x4.add(c01, v128.load(dst, 16));
    c10 = f32x4.add(c10, v128.load(dst + ld));
    c11 = f32x4.add(c11, v128.load(dst + ld, 16));
    c20 = f32x4.add(c20, v128.load(dst + 2 * ld));
    c21 = f32x4.add(c21, v128.load(dst + 2 * ld, 16));
    c30 = f32x4.add(c30, v128.load(dst + 3 * ld));
    c31 = f32x4.add(c31, v128.load(dst + 3 * ld, 16));
  }
  v128.store(dst, c00);
  v128.store(dst, c01, 16);
  v128.store(dst + ld, c10);
  v128.store(dst + ld, c11, 16);
  v128.store(dst + 2 * ld, c20);
  v128.store(dst + 2 * ld, c21, 16);
  v128.store(dst + 3 * ld, c30);
  v128.store(dst + 3 * ld, c31, 16);
  if (full) return;
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const at = c + <usize>r * ldc + (<usize>q << 2);
      let v = load<f32>(tmp + (<usize>(r * NR + q) << 2));
      if (bias && !accumulate && cols < NR) v += load<f32>(bias + (<usize>q << 2));
      store<f32>(at, accumulate ? load<f32>(at) + v : v);
    }
  }
}

/**
 * C[b] = A[b] · B[b] for b < batch: A [M, K] with strides (sam, sak), B [K, N] with strides
 * (sbk, sbn), batch strides sab/sbb (0 broadcasts); C contiguous [batch, M, N], plus the row
 * bias [N] added to each row where bias ≠ 0 (K > 0). `scratch` holds GEMM_SCRATCH_BYTES bytes.
 */
export function sgemm(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sab: isize, sam: isize, sak: isize,
  b: usize, sbb: isize, sbk: isize, sbn: isize,
  c: usize, scratch: usize, bias: usize,
): void {
  const packedA = scratch;
  const packedB = scratch + (<usize>(MC * KC) << 2);
  const tmp = packedB + (<usize>(KC * NC) << 2);
  const ldc = <usize>N << 2;
  for (let bi = 0; bi < batch; bi++) {
    const ab = a + (<usize>(<isize>bi * sab) << 2);
    const bb = b + (<usize>(<isize>bi * sbb) << 2);
    const cb = c + <usize>bi * <usize>M * ldc;
    if (K == 0) {
      zeroBytes(cb, <usize>M * ldc);
      continue;
    }
    for (let j0 = 0; j0 < N; j0 += NC) {
      const nc = min(NC, N - j0);
      for (let k0 = 0; k0 < K; k0 += KC) {
        const kc = min(KC, K - k0);
        packB(bb, sbk, sbn, N, j0, nc, k0, kc, packedB);
        for (let i0 = 0; i0 < M; i0 += MC) {
          const mc = min(MC, M - i0);
          packA(ab, sam, sak, M, i0, mc, k0, kc, packedA);
          for (let jp = 0; jp < nc; jp += NR) {
            const pb = packedB + (<usize>(jp * kc) << 2);
            for (let ip = 0; ip < mc; ip += MR) {
              const pc = cb + <usize>(i0 + ip) * ldc + (<usize>(j0 + jp) << 2);
              micro(packedA + (<usize>(ip * kc) << 2), pb, kc, pc, ldc, min(MR, mc - ip), min(NR, nc - jp), k0 > 0, tmp, bias ? bias + (<usize>(j0 + jp) << 2) : 0);
            }
          }
        }
      }
    }
  }
}
