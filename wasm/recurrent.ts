// A fused LSTM cell: the gate nonlinearities and the state update of one time step in one pass,
// forward and backward (the matmuls stay in the GEMM). Contiguous float32 rows; transcendental
// maths in float64 like the reference backend. Gate order is PyTorch's: i, f, g, o.

function sigmoid(x: f64): f64 {
  return 1 / (1 + Math.exp(-x));
}

/**
 * gates [N, 4H] (pre-activations), c [N, H] → h [N, H], cNext [N, H], and act [N, 5H] holding
 * σ(i), σ(f), tanh(g), σ(o), tanh(cNext) for the backward pass.
 */
export function lstmCell(gates: usize, c: usize, h: usize, cNext: usize, act: usize, N: i32, H: i32): void {
  for (let n = 0; n < N; n++) {
    const pg = gates + (<usize>(n * 4 * H) << 2);
    const pa = act + (<usize>(n * 5 * H) << 2);
    const row = <usize>(n * H) << 2;
    for (let j = 0; j < H; j++) {
      const q = <usize>j << 2;
      const hb = <usize>H << 2;
      const i = sigmoid(<f64>load<f32>(pg + q));
      const f = sigmoid(<f64>load<f32>(pg + hb + q));
      const g = Math.tanh(<f64>load<f32>(pg + 2 * hb + q));
      const o = sigmoid(<f64>load<f32>(pg + 3 * hb + q));
      const cn = <f32>(f * <f64>load<f32>(c + row + q) + i * g);
      const tc = Math.tanh(<f64>cn);
      store<f32>(cNext + row + q, cn);
      store<f32>(h + row + q, <f32>(o * tc));
      store<f32>(pa + q, <f32>i);
      store<f32>(pa + hb + q, <f32>f);
      store<f32>(pa + 2 * hb + q, <f32>g);
      store<f32>(pa + 3 * hb + q, <f32>o);
      store<f32>(pa + 4 * hb + q, <f32>tc);
    }
  }
}

/**
 * The cell's vector–Jacobian product: from act (as lstmCell wrote it), c [N, H] and the gradients
 * dh, dcNext [N, H] (0: none flowed) → dgates [N, 4H], dc [N, H].
 */
export function lstmCellBackward(act: usize, c: usize, dh: usize, dcNext: usize, dgates: usize, dc: usize, N: i32, H: i32): void {
  const hb = <usize>H << 2;
  for (let n = 0; n < N; n++) {
    const pa = act + (<usize>(n * 5 * H) << 2);
    const pd = dgates + (<usize>(n * 4 * H) << 2);
    const row = <usize>(n * H) << 2;
    for (let j = 0; j < H; j++) {
      const q = <usize>j << 2;
      const i = load<f32>(pa + q);
      const f = load<f32>(pa + hb + q);
      const g = load<f32>(pa + 2 * hb + q);
      const o = load<f32>(pa + 3 * hb + q);
      const tc = load<f32>(pa + 4 * hb + q);
      const gh: f32 = dh ? load<f32>(dh + row + q) : 0;
      const dcT: f32 = (dcNext ? load<f32>(dcNext + row + q) : 0) + gh * o * (1 - tc * tc);
      store<f32>(pd + q, dcT * g * i * (1 - i));
      store<f32>(pd + hb + q, dcT * load<f32>(c + row + q) * f * (1 - f));
      store<f32>(pd + 2 * hb + q, dcT * i * (1 - g * g));
      store<f32>(pd + 3 * hb + q, gh * tc * o * (1 - o));
      store<f32>(dc + row + q, dcT * f);
    }
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
