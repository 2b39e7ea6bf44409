// Sliding windows of convolution and pooling (float32): im2col and its adjoint col2im.
// cols is [N, C·kh·kw, OH·OW]: row (c·kh + i)·kw + j, column p·OW + q. Each (image, row) run of
// OH·OW columns is contiguous; where the runs lie is given by two strides in elements, so the
// same kernels read and write [N, K, L] (rowStride L, batchStride K·L) and the batch-inner
// [K, N, L] a whole-batch GEMM wants (rowStride N·L, batchStride L).
import { zeroBytes } from "./memops";

/** First output column q whose input column q·stride + dx is ≥ 0 (at most OW). */
function firstInside(dx: i32, stride: i32, OW: i32): i32 {
  return min(OW, dx >= 0 ? 0 : (-dx + stride - 1) / stride);
}

/** One past the last output column q whose input column q·stride + dx is < W (at least lo). */
function endInside(dx: i32, stride: i32, W: i32, OW: i32, lo: i32): i32 {
  return max(lo, min(OW, W - dx <= 0 ? 0 : (W - dx - 1) / stride + 1));
}

/**
 * dst[0, n) ← src[0, n) (float32): short runs, inlined (a call would cost more than the copy). A
 * run of 4 or more ends with one vector at n − 4 that overlaps the last full one, rather than a
 * scalar tail (a convolution's rows are often 11 or 26 wide).
 */
@inline
function copyRun(dst: usize, src: usize, n: i32): void {
  if (n < 4) {
    for (let q = 0; q < n; q++) store<f32>(dst + (<usize>q << 2), load<f32>(src + (<usize>q << 2)));
    return;
  }
  let q = 0;
  for (; q + 4 < n; q += 4) v128.store(dst + (<usize>q << 2), v128.load(src + (<usize>q << 2)));
  const last = <usize>(n - 4) << 2;
  v128.store(dst + last, v128.load(src + last));
}

/** dst[0, n) += src[0, n) (float32). (An overlapping last vector, as in copyRun, would reload what
 * the one before just stored: a store-forwarding stall that made col2im twice as slow.) */
@inline
function addRun(dst: usize, src: usize, n: i32): void {
  let q = 0;
  for (; q + 4 <= n; q += 4) {
    const at = dst + (<usize>q << 2);
    v128.store(at, f32x4.add(v128.load(at), v128.load(src + (<usize>q << 2))));
  }
  for (; q < n; q++) {
    const at = dst + (<usize>q << 2);
    store<f32>(at, load<f32>(at) + load<f32>(src + (<usize>q << 2)));
  }
}

/** cols ← x [N,C,H,W] (strides in elements), padValue outside the input. */
export function im2col(
  x: usize, sn: isize, sc: isize, sh: isize, sw: isize,
  N: i32, C: i32, H: i32, W: i32,
  kh: i32, kw: i32, strh: i32, strw: i32, padh: i32, padw: i32, dilh: i32, dilw: i32,
  OH: i32, OW: i32, padValue: f32, cols: usize, batchStride: isize, rowStride: isize,
): void {
  for (let b = 0; b < N; b++)
    for (let c = 0; c < C; c++) {
      const plane = x + (<usize>(<isize>b * sn + <isize>c * sc) << 2);
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) {
          const r = (c * kh + i) * kw + j;
          let o = cols + (<usize>(<isize>b * batchStride + <isize>r * rowStride) << 2);
          const dx = j * dilw - padw;
          // Output columns [qlo, qhi) read inside the input row; the others are padding.
          const qlo = firstInside(dx, strw, OW);
          const qhi = endInside(dx, strw, W, OW, qlo);
          for (let p = 0; p < OH; p++) {
            const y = p * strh - padh + i * dilh;
            if (y < 0 || y >= H) {
              for (let q = 0; q < OW; q++) store<f32>(o + (<usize>q << 2), padValue);
            } else {
              const row = plane + (<usize>(<isize>y * sh) << 2);
              for (let q = 0; q < qlo; q++) store<f32>(o + (<usize>q << 2), padValue);
              if (sw == 1 && strw == 1) {
                copyRun(o + (<usize>qlo << 2), row + (<usize>(qlo + dx) << 2), qhi - qlo);
              } else {
                for (let q = qlo; q < qhi; q++) store<f32>(o + (<usize>q << 2), load<f32>(row + (<usize>(<isize>(q * strw + dx) * sw) << 2)));
              }
              for (let q = qhi; q < OW; q++) store<f32>(o + (<usize>q << 2), padValue);
            }
            o += <usize>OW << 2;
          }
        }
    }
}

/** out [N,C,H,W] (contiguous, zeroed here) ← Σ of the cols over every window tap. */
export function col2im(
  cols: usize, N: i32, C: i32, H: i32, W: i32,
  kh: i32, kw: i32, strh: i32, strw: i32, padh: i32, padw: i32, dilh: i32, dilw: i32,
  OH: i32, OW: i32, out: usize, batchStride: isize, rowStride: isize,
): void {
  zeroBytes(out, <usize>N * <usize>C * <usize>H * <usize>W * 4);
  for (let b = 0; b < N; b++)
    for (let c = 0; c < C; c++) {
      const plane = out + <usize>((b * C + c) * H * W) * 4;
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) {
          const r = (c * kh + i) * kw + j;
          let s = cols + (<usize>(<isize>b * batchStride + <isize>r * rowStride) << 2);
          const dx = j * dilw - padw;
          const qlo = firstInside(dx, strw, OW);
          const qhi = endInside(dx, strw, W, OW, qlo);
          for (let p = 0; p < OH; p++) {
            const y = p * strh - padh + i * dilh;
            if (y >= 0 && y < H) {
              const row = plane + (<usize>(y * W) << 2);
              if (strw == 1) {
                addRun(row + (<usize>(qlo + dx) << 2), s + (<usize>qlo << 2), qhi - qlo);
              } else {
                for (let q = qlo; q < qhi; q++) {
                  const at = row + (<usize>(q * strw + dx) << 2);
                  store<f32>(at, load<f32>(at) + load<f32>(s + (<usize>q << 2)));
                }
              }
            }
            s += <usize>OW << 2;
          }
        }
    }
}
