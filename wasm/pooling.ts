// Max pooling over 2×2 windows with stride 2 (MaxPool2d(2), the common case) in one pass: each
// window's maximum and the index, in its H·W plane, of its first maximum in raster order, a NaN
// winning as it does in argmax. Four windows at a time: two input rows, each loaded as eight
// floats and split into even and odd columns, give the four taps of four windows.
import { lanes, ONE_I32 } from "./constants";
import { zeroBytes } from "./memops";

/** A window's first column in its row pair: 2q + 0, 2, 4, 6 (a load, not a v128 constant: constants.ts). */
const EVEN_COLUMNS = memory.data<i32>([0, 2, 4, 6], 16);

/** Mask of lanes where candidate c replaces best: greater, or the first NaN. */
@inline
function replaces(c: v128, best: v128): v128 {
  return v128.or(f32x4.gt(c, best), v128.andnot(f32x4.ne(c, c), f32x4.ne(best, best)));
}

@inline
function replacesScalar(c: f32, best: f32): bool {
  return c > best || (c != c && best == best);
}

/** x contiguous [planes, H, W] → out [planes, OH, OW] and idx (int32, same shape); OH = ⌊H/2⌋, OW = ⌊W/2⌋. */
export function maxPool2x2(x: usize, planes: i32, H: i32, W: i32, out: usize, idx: usize): void {
  const OH = H >> 1, OW = W >> 1;
  const rowBytes = <usize>W << 2;
  const columns = v128.load(EVEN_COLUMNS);
  const tapW = i32x4.splat(W), tapW1 = i32x4.splat(W + 1);
  let o = out, k = idx;
  for (let n = 0; n < planes; n++) {
    const plane = x + <usize>n * <usize>H * rowBytes;
    for (let p = 0; p < OH; p++) {
      const r0 = plane + <usize>(2 * p) * rowBytes;
      const r1 = r0 + rowBytes;
      const rowStart = 2 * p * W;
      let q = 0;
      for (; q + 4 <= OW; q += 4) {
        const at = <usize>(2 * q) << 2;
        const u0 = v128.load(r0 + at), u1 = v128.load(r0 + at + 16);
        const w0 = v128.load(r1 + at), w1 = v128.load(r1 + at + 16);
        let best = i8x16.shuffle(u0, u1, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
        let tap = i32x4.splat(0);
        const t01 = i8x16.shuffle(u0, u1, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
        const t10 = i8x16.shuffle(w0, w1, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
        const t11 = i8x16.shuffle(w0, w1, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
        let m = replaces(t01, best);
        best = v128.bitselect(t01, best, m);
        tap = v128.bitselect(lanes(ONE_I32), tap, m);
        m = replaces(t10, best);
        best = v128.bitselect(t10, best, m);
        tap = v128.bitselect(tapW, tap, m);
        m = replaces(t11, best);
        best = v128.bitselect(t11, best, m);
        tap = v128.bitselect(tapW1, tap, m);
        v128.store(o, best);
        v128.store(k, i32x4.add(i32x4.add(i32x4.splat(rowStart + 2 * q), columns), tap));
        o += 16;
        k += 16;
      }
      for (; q < OW; q++) {
        const at = <usize>(2 * q) << 2;
        let best = load<f32>(r0 + at);
        let tap = 0;
        const t01 = load<f32>(r0 + at + 4), t10 = load<f32>(r1 + at), t11 = load<f32>(r1 + at + 4);
        if (replacesScalar(t01, best)) { best = t01; tap = 1; }
        if (replacesScalar(t10, best)) { best = t10; tap = W; }
        if (replacesScalar(t11, best)) { best = t11; tap = W + 1; }
        store<f32>(o, best);
        store<i32>(k, rowStart + 2 * q + tap);
        o += 4;
        k += 4;
      }
    }
  }
}

/**
 * maxPool2x2's gradient: g and idx [planes, OH, OW] (idx as maxPool2x2 wrote it) → dx [planes, H, W],
 * each window's gradient at its index and zero at its other three taps (and in a last odd row or
 * column, which no window covers). The windows tile the plane, so every element is written once:
 * no zero fill and no scatter. Four windows at a time: a tap's mask is where idx minus the
 * window's first index equals the tap's offset (0, 1, W, W + 1).
 */
export function maxPool2x2Backward(g: usize, idx: usize, planes: i32, H: i32, W: i32, dx: usize): void {
  const OH = H >> 1, OW = W >> 1;
  const rowBytes = <usize>W << 2;
  const columns = v128.load(EVEN_COLUMNS);
  const tapW = i32x4.splat(W), tapW1 = i32x4.splat(W + 1);
  let gp = g, kp = idx;
  for (let n = 0; n < planes; n++) {
    const plane = dx + <usize>n * <usize>H * rowBytes;
    for (let p = 0; p < OH; p++) {
      const r0 = plane + <usize>(2 * p) * rowBytes;
      const r1 = r0 + rowBytes;
      const rowStart = 2 * p * W;
      let q = 0;
      for (; q + 4 <= OW; q += 4) {
        const v = v128.load(gp), tap = i32x4.sub(v128.load(kp), i32x4.add(i32x4.splat(rowStart + 2 * q), columns));
        const t00 = v128.and(v, i32x4.eq(tap, i32x4.splat(0))), t01 = v128.and(v, i32x4.eq(tap, lanes(ONE_I32)));
        const t10 = v128.and(v, i32x4.eq(tap, tapW)), t11 = v128.and(v, i32x4.eq(tap, tapW1));
        const at = <usize>(2 * q) << 2;
        v128.store(r0 + at, i8x16.shuffle(t00, t01, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23));
        v128.store(r0 + at + 16, i8x16.shuffle(t00, t01, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31));
        v128.store(r1 + at, i8x16.shuffle(t10, t11, 0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23));
        v128.store(r1 + at + 16, i8x16.shuffle(t10, t11, 8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31));
        gp += 16;
        kp += 16;
      }
      for (; q < OW; q++) {
        const v = load<f32>(gp), tap = load<i32>(kp) - (rowStart + 2 * q);
        const at = <usize>(2 * q) << 2;
        store<f32>(r0 + at, tap == 0 ? v : 0);
        store<f32>(r0 + at + 4, tap == 1 ? v : 0);
        store<f32>(r1 + at, tap == W ? v : 0);
        store<f32>(r1 + at + 4, tap == W + 1 ? v : 0);
        gp += 4;
        kp += 4;
      }
      if (W & 1) {
        store<f32>(r0 + rowBytes - 4, 0);
        store<f32>(r1 + rowBytes - 4, 0);
      }
    }
    if (H & 1) zeroBytes(plane + <usize>(H - 1) * rowBytes, rowBytes);
  }
}
