// An LSTM layer over a whole sequence in one call, forward and backward through time: the input
// projection (one GEMM, by the caller) arrives as proj [T, N, 4H]; each step adds h·W_hhᵀ with
// W_hh held hot and runs the cell in place. No per-step call crosses into JavaScript, and backward
// keeps only what it needs: the states and the gate activations.
//
// States are indexed by time, [T + 1, N, H]: running forward, step t reads state t and writes t + 1;
// reversed, it reads t + 1 and writes t. A mask [T, N] (0: past that sequence's end) holds the
// state through the masked steps, as packed sequences need.
import { gruCellRow, gruCellRowBackward, lstmCellRow, lstmCellRowBackward, rnnActRow, rnnActRowBackward } from "./recurrent";
import { rowsGemm } from "./rows-gemm";
import { copyBytes, zeroBytes } from "./memops";

@inline
function valid(mask: usize, t: i32, N: i32, n: i32): bool {
  return !mask || load<f32>(mask + (<usize>(t * N + n) << 2)) != 0;
}

// Both directions work on the batch rows n0 … n1 − 1 only: the rows of a batch never meet in the
// recurrence, so threads take whole row ranges through the whole sequence, with no step-by-step
// synchronisation, and each row's numbers do not depend on the split.

/**
 * Forward over the sequence: proj [T, N, 4H] (x·W_ihᵀ + b_ih + b_hh), h0 and c0 [N, H], wT = W_hhᵀ
 * [H, 4H] (transposeInto), mask [T, N] or 0 → hs and cs [T + 1, N, H] (the states by time) and act
 * [T, N, 5H] (σ(i), σ(f), tanh(g), σ(o), tanh(c') of each step), rows n0 … n1 − 1.
 */
export function lstmSequence(proj: usize, h0: usize, c0: usize, wT: usize, mask: usize, hs: usize, cs: usize, act: usize, T: i32, N: i32, H: i32, reverse: bool, n0: i32, n1: i32): void {
  const G = 4 * H;
  const state = <usize>(N * H) << 2;
  const row = <usize>H << 2;
  const rows = n1 - n0;
  const first = reverse ? T : 0;
  const own = <usize>n0 * row; // this share's first row within a state
  copyBytes(hs + <usize>first * state + own, h0 + own, <usize>rows * row);
  copyBytes(cs + <usize>first * state + own, c0 + own, <usize>rows * row);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const p = reverse ? t + 1 : t, q = reverse ? t : t + 1;
    const hp = hs + <usize>p * state, cp = cs + <usize>p * state;
    const hq = hs + <usize>q * state, cq = cs + <usize>q * state;
    const at = act + (<usize>(t * N * 5 * H) << 2);
    // Pre-activations straight into act's rows (stride 5H), which the cell then overwrites in place.
    rowsGemm(hp + own, H, wT, H, G, rows, proj + (<usize>((t * N + n0) * G) << 2), G, at + <usize>n0 * 5 * row, 5 * H);
    for (let n = n0; n < n1; n++) {
      const r = <usize>n * row;
      if (valid(mask, t, N, n)) lstmCellRow(at + <usize>n * 5 * row, cp + r, hq + r, cq + r, H);
      else {
        copyBytes(hq + r, hp + r, row);
        copyBytes(cq + r, cp + r, row);
      }
    }
  }
}

/**
 * Backward through time, rows n0 … n1 − 1. dhIn [T + 1, N, H] holds the gradients reaching each
 * state h from outside (0: none; only read) and dhLast, dcLast [N, H] those reaching the last
 * states as outputs of their own (0: none), dh [T + 1, N, H] receives the total gradient of each
 * state (on return, the initial state's slice is h0's gradient), dc [T + 1, N, H] holds those of the
 * cell states c where dcIn, and is accumulated in place; else it is only written (no zero fill
 * first: a whole-sequence buffer costs a memory pass). w = W_hh [4H, H]. Writes dproj [T, N, 4H];
 * W_hh's gradient is Σₜ dprojₜᵀ·hₚ, one GEMM the caller does.
 */
export function lstmSequenceBackward(act: usize, cs: usize, w: usize, mask: usize, dhIn: usize, dhLast: usize, dcLast: usize, dh: usize, dc: usize, dproj: usize, T: i32, N: i32, H: i32, dcIn: bool, reverse: bool, n0: i32, n1: i32): void {
  const G = 4 * H;
  const state = <usize>(N * H) << 2;
  const row = <usize>H << 2;
  const own = <usize>n0 * row;
  const last = <usize>(reverse ? 0 : T) * state + own; // the state the first step back reads
  if (dhIn) copyBytes(dh + last, dhIn + last, <usize>(n1 - n0) * row);
  else zeroBytes(dh + last, <usize>(n1 - n0) * row);
  if (!dcIn) zeroBytes(dc + last, <usize>(n1 - n0) * row);
  if (dhLast) addRows(dh + last, dhLast + own, (n1 - n0) * H);
  if (dcLast) addRows(dc + last, dcLast + own, (n1 - n0) * H);
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const p = reverse ? t + 1 : t, q = reverse ? t : t + 1;
    const at = act + (<usize>(t * N * 5 * H) << 2);
    const dg = dproj + (<usize>(t * N * G) << 2);
    const cp = cs + <usize>p * state;
    const dhp = dh + <usize>p * state, dcp = dc + <usize>p * state;
    const dhq = dh + <usize>q * state, dcq = dc + <usize>q * state;
    for (let n = n0; n < n1; n++) {
      const r = <usize>n * row;
      if (valid(mask, t, N, n)) lstmCellRowBackward(at + <usize>n * 5 * row, cp + r, dhq + r, dcq + r, dg + <usize>n * 4 * row, dcp + r, H, dcIn);
      else {
        zeroBytes(dg + <usize>n * 4 * row, 4 * row);
        if (dcIn) for (let j: usize = 0; j < row; j += 4) store<f32>(dcp + r + j, load<f32>(dcp + r + j) + load<f32>(dcq + r + j));
        else copyBytes(dcp + r, dcq + r, row);
      }
    }
    // dhₚ = dhInₚ + dgatesₜ·W_hh; a masked row's dgates are zero, and its state passes dh through.
    rowsGemm(dg + <usize>n0 * 4 * row, G, w, G, H, n1 - n0, dhIn ? dhIn + <usize>p * state + own : 0, H, dhp + own, H);
    for (let n = n0; n < n1; n++) {
      if (valid(mask, t, N, n)) continue;
      const r = <usize>n * row;
      for (let j: usize = 0; j < row; j += 4) store<f32>(dhp + r + j, load<f32>(dhp + r + j) + load<f32>(dhq + r + j));
    }
  }
}

/**
 * GRU forward over the sequence, rows n0 … n1 − 1: xProj [T, N, 3H] (x·W_ihᵀ + b_ih), h0 [N, H],
 * wT = W_hhᵀ [H, 3H], bHh [3H] (0: none), mask [T, N] or 0 → hs [T + 1, N, H] and act
 * [T, N, 4H] (r, z, n, hn of each step).
 */
export function gruSequence(xProj: usize, h0: usize, wT: usize, bHh: usize, mask: usize, hs: usize, act: usize, T: i32, N: i32, H: i32, reverse: bool, n0: i32, n1: i32): void {
  const G = 3 * H;
  const state = <usize>(N * H) << 2;
  const row = <usize>H << 2;
  const own = <usize>n0 * row;
  copyBytes(hs + (reverse ? <usize>T : 0) * state + own, h0 + own, <usize>(n1 - n0) * row);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const p = reverse ? t + 1 : t, q = reverse ? t : t + 1;
    const hp = hs + <usize>p * state, hq = hs + <usize>q * state;
    const at = act + (<usize>(t * N * 4 * H) << 2);
    const xt = xProj + (<usize>(t * N * G) << 2);
    // h·W_hhᵀ + b_hh (the bias row broadcast: stride 0) into act's rows (stride 4H).
    rowsGemm(hp + own, H, wT, H, G, n1 - n0, bHh, 0, at + <usize>n0 * 4 * row, 4 * H);
    for (let n = n0; n < n1; n++) {
      const r = <usize>n * row;
      if (valid(mask, t, N, n)) gruCellRow(xt + <usize>n * 3 * row, at + <usize>n * 4 * row, hp + r, hq + r, H);
      else copyBytes(hq + r, hp + r, row);
    }
  }
}

/**
 * GRU backward through time, rows n0 … n1 − 1: dh [T + 1, N, H] as for the LSTM (accumulated in
 * place; the initial state's slice is h0's gradient on return), w = W_hh [3H, H] → dxProj and
 * dhProj [T, N, 3H] (W_hh's and b_hh's gradients are sums over them the caller forms).
 */
export function gruSequenceBackward(act: usize, hs: usize, w: usize, mask: usize, dh: usize, dxProj: usize, dhProj: usize, T: i32, N: i32, H: i32, reverse: bool, n0: i32, n1: i32): void {
  const G = 3 * H;
  const state = <usize>(N * H) << 2;
  const row = <usize>H << 2;
  const own = <usize>n0 * row;
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const p = reverse ? t + 1 : t, q = reverse ? t : t + 1;
    const at = act + (<usize>(t * N * 4 * H) << 2);
    const dxt = dxProj + (<usize>(t * N * G) << 2), dht = dhProj + (<usize>(t * N * G) << 2);
    const hp = hs + <usize>p * state, dhp = dh + <usize>p * state, dhq = dh + <usize>q * state;
    for (let n = n0; n < n1; n++) {
      const r = <usize>n * row;
      if (valid(mask, t, N, n)) gruCellRowBackward(at + <usize>n * 4 * row, hp + r, dhq + r, dxt + <usize>n * 3 * row, dht + <usize>n * 3 * row, dhp + r, H);
      else {
        zeroBytes(dxt + <usize>n * 3 * row, 3 * row);
        zeroBytes(dht + <usize>n * 3 * row, 3 * row);
        for (let j: usize = 0; j < row; j += 4) store<f32>(dhp + r + j, load<f32>(dhp + r + j) + load<f32>(dhq + r + j));
      }
    }
    rowsGemm(dht + <usize>n0 * 3 * row, G, w, G, H, n1 - n0, dhp + own, H, dhp + own, H); // dhₚ += dhProjₜ·W_hh
  }
}

/**
 * Plain RNN forward, rows n0 … n1 − 1: xProj [T, N, H] (x·W_ihᵀ + b_ih + b_hh), h0 [N, H], wT =
 * W_hhᵀ [H, H], mask [T, N] or 0 → hs [T + 1, N, H]; tanh, or ReLU when relu.
 */
export function rnnSequence(xProj: usize, h0: usize, wT: usize, mask: usize, hs: usize, T: i32, N: i32, H: i32, reverse: bool, relu: bool, n0: i32, n1: i32): void {
  const state = <usize>(N * H) << 2;
  const row = <usize>H << 2;
  const own = <usize>n0 * row;
  copyBytes(hs + (reverse ? <usize>T : 0) * state + own, h0 + own, <usize>(n1 - n0) * row);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const p = reverse ? t + 1 : t, q = reverse ? t : t + 1;
    const hp = hs + <usize>p * state, hq = hs + <usize>q * state;
    // Pre-activations straight into the new state's rows, then the nonlinearity in place.
    rowsGemm(hp + own, H, wT, H, H, n1 - n0, xProj + (<usize>(t * N * H) << 2) + own, H, hq + own, H);
    for (let n = n0; n < n1; n++) {
      const r = <usize>n * row;
      if (valid(mask, t, N, n)) rnnActRow(hq + r, H, relu);
      else copyBytes(hq + r, hp + r, row);
    }
  }
}

/**
 * Plain RNN backward through time, rows n0 … n1 − 1: dh [T + 1, N, H] as for the LSTM (accumulated
 * in place; h0's gradient is its initial state's slice on return), w = W_hh [H, H] → dxProj
 * [T, N, H] (W_hh's gradient is Σₜ dxProjₜᵀ·hₚ, the caller's GEMM).
 */
export function rnnSequenceBackward(hs: usize, w: usize, mask: usize, dh: usize, dxProj: usize, T: i32, N: i32, H: i32, reverse: bool, relu: bool, n0: i32, n1: i32): void {
  const state = <usize>(N * H) << 2;
  const row = <usize>H << 2;
  const own = <usize>n0 * row;
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const p = reverse ? t + 1 : t, q = reverse ? t : t + 1;
    const hq = hs + <usize>q * state, dhp = dh + <usize>p * state, dhq = dh + <usize>q * state;
    const dxt = dxProj + (<usize>(t * N * H) << 2);
    for (let n = n0; n < n1; n++) {
      const r = <usize>n * row;
      if (valid(mask, t, N, n)) rnnActRowBackward(hq + r, dhq + r, dxt + r, H, relu);
      else {
        zeroBytes(dxt + r, row);
        for (let j: usize = 0; j < row; j += 4) store<f32>(dhp + r + j, load<f32>(dhp + r + j) + load<f32>(dhq + r + j));
      }
    }
    rowsGemm(dxt + own, H, w, H, H, n1 - n0, dhp + own, H, dhp + own, H); // dhₚ += dpreₜ·W_hh
  }
}

/** a[i] += b[i] for i < n. */
function addRows(a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = <usize>i << 2;
    v128.store(a + q, f32x4.add(v128.load(a + q), v128.load(b + q)));
  }
  for (; i < n; i++) store<f32>(a + (<usize>i << 2), load<f32>(a + (<usize>i << 2)) + load<f32>(b + (<usize>i << 2)));
}
