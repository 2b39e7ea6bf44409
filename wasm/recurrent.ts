// A fused LSTM cell: the gate nonlinearities and the state update of one time step in one pass,
// forward and backward (the matmuls stay in the GEMM). Contiguous float32 rows. The LSTM cell's
// maths is SIMD (fastmath.ts); the GRU cell's float64 like the reference backend. Gate order is
// PyTorch's: LSTM i, f, g, o; GRU r, z, n.

import { sigmoidSimd, tanhSimd } from "./fastmath";
import { lanes, ONE } from "./constants";
import { copyBytes } from "./memops";

function sigmoid(x: f64): f64 {
  return 1 / (1 + Math.exp(-x));
}

/** Four lanes at p, or of one float (the tail of a row) in lane 0. */
@inline
function ld(p: usize, lanes: i32): v128 {
  return lanes == 4 ? v128.load(p) : f32x4.splat(load<f32>(p));
}

@inline
function st(p: usize, v: v128, lanes: i32): void {
  if (lanes == 4) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

/**
 * One row of the cell, in place: a [5H] holds the gate pre-activations in its first 4H on entry and
 * σ(i), σ(f), tanh(g), σ(o), tanh(c') on return; c [H] → h, cNext [H]. SIMD maths (fastmath.ts),
 * four columns at a time; a row's last H mod 4 columns through the same functions, one lane used.
 */
export function lstmCellRow(a: usize, c: usize, h: usize, cNext: usize, H: i32): void {
  const hb = <usize>H << 2;
  // Two passes, the gates and then the state: in one, each column's work ended in a chain of two
  // exponentials (a gate's, then tanh(c')'s) that the core could overlap with few other columns.
  // Apart, the gates' independent exponentials and the short state chain overlap across columns:
  // an LSTM forward over T = 120, N = 32, H = 32 went from 2.52 to 2.25 ms on one thread.
  for (let j = 0; j < H; ) {
    const lanes = j + 4 <= H ? 4 : 1;
    const q = <usize>j << 2;
    st(a + q, sigmoidSimd(ld(a + q, lanes)), lanes);
    st(a + hb + q, sigmoidSimd(ld(a + hb + q, lanes)), lanes);
    st(a + 2 * hb + q, tanhSimd(ld(a + 2 * hb + q, lanes)), lanes);
    st(a + 3 * hb + q, sigmoidSimd(ld(a + 3 * hb + q, lanes)), lanes);
    j += lanes;
  }
  for (let j = 0; j < H; ) {
    const lanes = j + 4 <= H ? 4 : 1;
    const q = <usize>j << 2;
    const i = ld(a + q, lanes), f = ld(a + hb + q, lanes), g = ld(a + 2 * hb + q, lanes), o = ld(a + 3 * hb + q, lanes);
    const cn = f32x4.add(f32x4.mul(f, ld(c + q, lanes)), f32x4.mul(i, g));
    const tc = tanhSimd(cn);
    st(cNext + q, cn, lanes);
    st(h + q, f32x4.mul(o, tc), lanes);
    st(a + 4 * hb + q, tc, lanes);
    j += lanes;
  }
}

/**
 * One row of the cell's vector–Jacobian product: from a [5H] (as lstmCellRow left it), c [H] and
 * the gradients dh, dcNext [H] (0: none flowed) → dgates [4H], and dc [H] written (accumulate:
 * added to).
 */
export function lstmCellRowBackward(a: usize, c: usize, dh: usize, dcNext: usize, dgates: usize, dc: usize, H: i32, accumulate: bool = true): void {
  const hb = <usize>H << 2;
  const one = lanes(ONE);
  const zero = f32x4.splat(0);
  for (let j = 0; j < H; ) {
    const lanes = j + 4 <= H ? 4 : 1;
    const q = <usize>j << 2;
    const i = ld(a + q, lanes), f = ld(a + hb + q, lanes), g = ld(a + 2 * hb + q, lanes);
    const o = ld(a + 3 * hb + q, lanes), tc = ld(a + 4 * hb + q, lanes);
    const gh = dh ? ld(dh + q, lanes) : zero;
    const dcT = f32x4.add(dcNext ? ld(dcNext + q, lanes) : zero, f32x4.mul(f32x4.mul(gh, o), f32x4.sub(one, f32x4.mul(tc, tc))));
    st(dgates + q, f32x4.mul(f32x4.mul(dcT, g), f32x4.mul(i, f32x4.sub(one, i))), lanes);
    st(dgates + hb + q, f32x4.mul(f32x4.mul(dcT, ld(c + q, lanes)), f32x4.mul(f, f32x4.sub(one, f))), lanes);
    st(dgates + 2 * hb + q, f32x4.mul(f32x4.mul(dcT, i), f32x4.sub(one, f32x4.mul(g, g))), lanes);
    st(dgates + 3 * hb + q, f32x4.mul(f32x4.mul(gh, tc), f32x4.mul(o, f32x4.sub(one, o))), lanes);
    const d = f32x4.mul(dcT, f);
    st(dc + q, accumulate ? f32x4.add(ld(dc + q, lanes), d) : d, lanes);
    j += lanes;
  }
}

/**
 * gates [N, 4H] (pre-activations), c [N, H] → h [N, H], cNext [N, H], and act [N, 5H] holding
 * σ(i), σ(f), tanh(g), σ(o), tanh(cNext) for the backward pass.
 */
export function lstmCell(gates: usize, c: usize, h: usize, cNext: usize, act: usize, N: i32, H: i32): void {
  const row = <usize>H << 2;
  for (let n = 0; n < N; n++) {
    const pa = act + <usize>n * 5 * row;
    copyBytes(pa, gates + <usize>n * 4 * row, 4 * row);
    lstmCellRow(pa, c + <usize>n * row, h + <usize>n * row, cNext + <usize>n * row, H);
  }
}

/**
 * The cell's vector–Jacobian product: from act (as lstmCell wrote it), c [N, H] and the gradients
 * dh, dcNext [N, H] (0: none flowed) → dgates [N, 4H], dc [N, H].
 */
export function lstmCellBackward(act: usize, c: usize, dh: usize, dcNext: usize, dgates: usize, dc: usize, N: i32, H: i32): void {
  const row = <usize>H << 2;
  for (let n = 0; n < N; n++) {
    const r = <usize>n * row;
    lstmCellRowBackward(act + 5 * r, c + r, dh ? dh + r : 0, dcNext ? dcNext + r : 0, dgates + 4 * r, dc + r, H, false);
  }
}

/**
 * GRU cell (PyTorch's formulation): from xProj = x·W_ihᵀ + b_ih and hProj = h·W_hhᵀ + b_hh, both
 * [N, 3H] (r, z, n), and h [N, H]: r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r·hn),
 * h' = (1 − z)·n + z·h. Writes hNext [N, H] and act [N, 3H] = r, z, n for the backward pass.
 */
export function gruCell(xProj: usize, hProj: usize, h: usize, hNext: usize, act: usize, N: i32, H: i32): void {
  const hb = <usize>H << 2;
  for (let b = 0; b < N; b++) {
    const px = xProj + (<usize>(b * 3 * H) << 2);
    const ph = hProj + (<usize>(b * 3 * H) << 2);
    const pa = act + (<usize>(b * 3 * H) << 2);
    const row = <usize>(b * H) << 2;
    for (let j = 0; j < H; j++) {
      const q = <usize>j << 2;
      const r = sigmoid(<f64>load<f32>(px + q) + <f64>load<f32>(ph + q));
      const z = sigmoid(<f64>load<f32>(px + hb + q) + <f64>load<f32>(ph + hb + q));
      const n = Math.tanh(<f64>load<f32>(px + 2 * hb + q) + r * <f64>load<f32>(ph + 2 * hb + q));
      store<f32>(hNext + row + q, <f32>((1 - z) * n + z * <f64>load<f32>(h + row + q)));
      store<f32>(pa + q, <f32>r);
      store<f32>(pa + hb + q, <f32>z);
      store<f32>(pa + 2 * hb + q, <f32>n);
    }
  }
}

/** The GRU cell's vector–Jacobian product: → dxProj [N, 3H], dhProj [N, 3H], dh [N, H]. */
export function gruCellBackward(act: usize, hProj: usize, h: usize, dhNext: usize, dxProj: usize, dhProj: usize, dh: usize, N: i32, H: i32): void {
  const hb = <usize>H << 2;
  for (let b = 0; b < N; b++) {
    const pa = act + (<usize>(b * 3 * H) << 2);
    const ph = hProj + (<usize>(b * 3 * H) << 2);
    const dx = dxProj + (<usize>(b * 3 * H) << 2);
    const dhp = dhProj + (<usize>(b * 3 * H) << 2);
    const row = <usize>(b * H) << 2;
    for (let j = 0; j < H; j++) {
      const q = <usize>j << 2;
      const r = load<f32>(pa + q);
      const z = load<f32>(pa + hb + q);
      const n = load<f32>(pa + 2 * hb + q);
      const g = load<f32>(dhNext + row + q);
      const dnPre = g * (1 - z) * (1 - n * n);
      const dzPre = g * (load<f32>(h + row + q) - n) * z * (1 - z);
      const drPre = dnPre * load<f32>(ph + 2 * hb + q) * r * (1 - r);
      store<f32>(dx + q, drPre);
      store<f32>(dx + hb + q, dzPre);
      store<f32>(dx + 2 * hb + q, dnPre);
      store<f32>(dhp + q, drPre);
      store<f32>(dhp + hb + q, dzPre);
      store<f32>(dhp + 2 * hb + q, dnPre * r);
      store<f32>(dh + row + q, g * z);
    }
  }
}

/**
 * One row of the GRU cell for the whole-sequence kernel, in place: x [3H] holds x·W_ihᵀ + b_ih; a
 * [4H] holds h·W_hhᵀ + b_hh in its first 3H on entry and r, z, n, hn on return (hn, the hidden
 * part of n's pre-activation, is what backward needs of it); h [H] → hNext [H]. SIMD maths.
 */
export function gruCellRow(x: usize, a: usize, h: usize, hNext: usize, H: i32): void {
  const hb = <usize>H << 2;
  const one = lanes(ONE);
  for (let j = 0; j < H; ) {
    const lanes = j + 4 <= H ? 4 : 1;
    const q = <usize>j << 2;
    const r = sigmoidSimd(f32x4.add(ld(x + q, lanes), ld(a + q, lanes)));
    const z = sigmoidSimd(f32x4.add(ld(x + hb + q, lanes), ld(a + hb + q, lanes)));
    const hn = ld(a + 2 * hb + q, lanes);
    const n = tanhSimd(f32x4.add(ld(x + 2 * hb + q, lanes), f32x4.mul(r, hn)));
    st(hNext + q, f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, ld(h + q, lanes))), lanes);
    st(a + q, r, lanes);
    st(a + hb + q, z, lanes);
    st(a + 2 * hb + q, n, lanes);
    st(a + 3 * hb + q, hn, lanes);
    j += lanes;
  }
}

/**
 * Its vector–Jacobian product for one row: from a [4H] (r, z, n, hn), h [H] and the gradient dh
 * [H] of hNext → dx [3H] (of x·W_ihᵀ + b_ih), dhp [3H] (of h·W_hhᵀ + b_hh), and dhPrev [H]
 * added to (the direct path z·dh; the caller adds dhp·W_hh).
 */
export function gruCellRowBackward(a: usize, h: usize, dh: usize, dx: usize, dhp: usize, dhPrev: usize, H: i32): void {
  const hb = <usize>H << 2;
  const one = lanes(ONE);
  for (let j = 0; j < H; ) {
    const lanes = j + 4 <= H ? 4 : 1;
    const q = <usize>j << 2;
    const r = ld(a + q, lanes), z = ld(a + hb + q, lanes), n = ld(a + 2 * hb + q, lanes), hn = ld(a + 3 * hb + q, lanes);
    const g = ld(dh + q, lanes);
    const dn = f32x4.mul(f32x4.mul(g, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
    const dz = f32x4.mul(f32x4.mul(g, f32x4.sub(ld(h + q, lanes), n)), f32x4.mul(z, f32x4.sub(one, z)));
    const dr = f32x4.mul(f32x4.mul(dn, hn), f32x4.mul(r, f32x4.sub(one, r)));
    st(dx + q, dr, lanes);
    st(dx + hb + q, dz, lanes);
    st(dx + 2 * hb + q, dn, lanes);
    st(dhp + q, dr, lanes);
    st(dhp + hb + q, dz, lanes);
    st(dhp + 2 * hb + q, f32x4.mul(dn, r), lanes);
    st(dhPrev + q, f32x4.add(ld(dhPrev + q, lanes), f32x4.mul(g, z)), lanes);
    j += lanes;
  }
}

/** A plain RNN's nonlinearity over one row of H pre-activations, in place: tanh, or ReLU (NaN kept). */
export function rnnActRow(h: usize, H: i32, relu: bool): void {
  for (let j = 0; j < H; ) {
    const lanes = j + 4 <= H ? 4 : 1;
    const q = <usize>j << 2;
    const v = ld(h + q, lanes);
    st(h + q, relu ? v128.andnot(v, f32x4.le(v, f32x4.splat(0))) : tanhSimd(v), lanes);
    j += lanes;
  }
}

/** Its vector–Jacobian product from the row's outputs h: dpre = dh·(1 − h²) for tanh, dh·[h > 0] for ReLU. */
export function rnnActRowBackward(h: usize, dh: usize, dpre: usize, H: i32, relu: bool): void {
  const one = lanes(ONE);
  for (let j = 0; j < H; ) {
    const lanes = j + 4 <= H ? 4 : 1;
    const q = <usize>j << 2;
    const v = ld(h + q, lanes), g = ld(dh + q, lanes);
    st(dpre + q, relu ? v128.and(g, f32x4.gt(v, f32x4.splat(0))) : f32x4.mul(g, f32x4.sub(one, f32x4.mul(v, v))), lanes);
    j += lanes;
  }
}
