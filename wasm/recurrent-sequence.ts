// An LSTM layer over a whole sequence in one call, forward and backward through time: the input
// projection (one GEMM, by the caller) arrives as proj [T, N, 4H]; each step adds h·W_hhᵀ with
// W_hh held hot and runs the cell in place. No per-step call crosses into JavaScript, and backward
// keeps only what it needs: the states and the gate activations.
//
// States are indexed by time, [T + 1, N, H]: running forward, step t reads state t and writes t + 1;
// reversed, it reads t + 1 and writes t. A mask [T, N] (0: past that sequence's end) holds the
// state through the masked steps, as packed sequences need.
import { lstmCellRow, lstmCellRowBackward } from "./recurrent";
import { madd } from "./gemm";

/**
 * C[M, G] = Init[M, G] (0: none) + A[M, K]·B[K, G], B contiguous and k-major (row stride G): the
 * recurrence's small products. 4 rows × 8 columns a block (eight accumulators); Init may be C.
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
        const v0 = f32x4.splat(load<f32>(a0 + off)), v1 = f32x4.splat(load<f32>(a1 + off));
        const v2 = f32x4.splat(load<f32>(a2 + off)), v3 = f32x4.splat(load<f32>(a3 + off));
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
        const v = f32x4.splat(load<f32>(ar + (<usize>k << 2)));
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

/** dst[H, G] = src[G, H]ᵀ. */
function transpose(src: usize, G: i32, H: i32, dst: usize): void {
  for (let g = 0; g < G; g++) {
    for (let h = 0; h < H; h++) store<f32>(dst + (<usize>(h * G + g) << 2), load<f32>(src + (<usize>(g * H + h) << 2)));
  }
}

@inline
function valid(mask: usize, t: i32, N: i32, n: i32): bool {
  return !mask || load<f32>(mask + (<usize>(t * N + n) << 2)) != 0;
}

/**
 * Forward over the sequence: proj [T, N, 4H] (x·W_ihᵀ + b_ih + b_hh), h0 and c0 [N, H], w = W_hh
 * [4H, H], mask [T, N] or 0 → hs and cs [T + 1, N, H] (the states by time) and act [T, N, 5H]
 * (σ(i), σ(f), tanh(g), σ(o), tanh(c') of each step). scratch: 4H·H floats (W_hhᵀ).
 */
export function lstmSequence(proj: usize, h0: usize, c0: usize, w: usize, mask: usize, hs: usize, cs: usize, act: usize, scratch: usize, T: i32, N: i32, H: i32, reverse: bool): void {
  const G = 4 * H;
  const state = <usize>(N * H) << 2;
  const row = <usize>H << 2;
  transpose(w, G, H, scratch);
  const first = reverse ? T : 0;
  memory.copy(hs + <usize>first * state, h0, state);
  memory.copy(cs + <usize>first * state, c0, state);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const p = reverse ? t + 1 : t, q = reverse ? t : t + 1;
    const hp = hs + <usize>p * state, cp = cs + <usize>p * state;
    const hq = hs + <usize>q * state, cq = cs + <usize>q * state;
    const at = act + (<usize>(t * N * 5 * H) << 2);
    // Pre-activations straight into act's rows (stride 5H), which the cell then overwrites in place.
    rowsGemm(hp, H, scratch, H, G, N, proj + (<usize>(t * N * G) << 2), G, at, 5 * H);
    for (let n = 0; n < N; n++) {
      const r = <usize>n * row;
      if (valid(mask, t, N, n)) lstmCellRow(at + <usize>n * 5 * row, cp + r, hq + r, cq + r, H);
      else {
        memory.copy(hq + r, hp + r, row);
        memory.copy(cq + r, cp + r, row);
      }
    }
  }
}

/**
 * Backward through time. dh and dc [T + 1, N, H] hold the gradients reaching each state from
 * outside (zeros where none) and are accumulated in place: on return, their initial state's slice
 * is the gradient of h0 and c0. Writes dproj [T, N, 4H]; W_hh's gradient is Σ_t dprojₜᵀ·hₚ, one
 * GEMM the caller does.
 */
export function lstmSequenceBackward(act: usize, cs: usize, w: usize, mask: usize, dh: usize, dc: usize, dproj: usize, T: i32, N: i32, H: i32, reverse: bool): void {
  const G = 4 * H;
  const state = <usize>(N * H) << 2;
  const row = <usize>H << 2;
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const p = reverse ? t + 1 : t, q = reverse ? t : t + 1;
    const at = act + (<usize>(t * N * 5 * H) << 2);
    const dg = dproj + (<usize>(t * N * G) << 2);
    const cp = cs + <usize>p * state;
    const dhp = dh + <usize>p * state, dcp = dc + <usize>p * state;
    const dhq = dh + <usize>q * state, dcq = dc + <usize>q * state;
    for (let n = 0; n < N; n++) {
      const r = <usize>n * row;
      if (valid(mask, t, N, n)) lstmCellRowBackward(at + <usize>n * 5 * row, cp + r, dhq + r, dcq + r, dg + <usize>n * 4 * row, dcp + r, H);
      else {
        memory.fill(dg + <usize>n * 4 * row, 0, 4 * row);
        for (let j: usize = 0; j < row; j += 4) {
          store<f32>(dhp + r + j, load<f32>(dhp + r + j) + load<f32>(dhq + r + j));
          store<f32>(dcp + r + j, load<f32>(dcp + r + j) + load<f32>(dcq + r + j));
        }
      }
    }
    rowsGemm(dg, G, w, G, H, N, dhp, H, dhp, H); // dhₚ += dgatesₜ·W_hh
  }
}
