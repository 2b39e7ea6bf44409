// Batch normalisation in training mode, fused (float32): x [N, C, S] contiguous, statistics per
// channel over N and S. The composed ops make ~8 passes over the activation forward and more
// backward; these make 3 forward (mean, variance, output) and 2 backward.

/** Σ of one contiguous run of n floats: four f32x4 lanes, then the tail; the caller adds runs in float64. */
@inline
function runSum(p: usize, n: i32): f64 {
  let acc = f32x4.splat(0);
  let q = 0;
  for (; q + 4 <= n; q += 4) acc = f32x4.add(acc, v128.load(p + (<usize>q << 2)));
  let s = <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + <f64>(f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; q < n; q++) s += <f64>load<f32>(p + (<usize>q << 2));
  return s;
}

/** Σ (x − m)² of one run. */
@inline
function runSquares(p: usize, n: i32, m: f32): f64 {
  const mv = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let q = 0;
  for (; q + 4 <= n; q += 4) {
    const d = f32x4.sub(v128.load(p + (<usize>q << 2)), mv);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let s = <f64>(f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + <f64>(f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; q < n; q++) {
    const d = <f64>(load<f32>(p + (<usize>q << 2)) - m);
    s += d * d;
  }
  return s;
}

/**
 * y = (x − mean)·rstd·w + b per channel, with mean and the biased variance (rounded to float32,
 * as the composed ops hold them) written to mean [C] and variance [C].
 */
export function batchNormForward(x: usize, w: usize, b: usize, y: usize, mean: usize, variance: usize, N: i32, C: i32, S: i32, eps: f64): void {
  const count = <f64>N * <f64>S;
  const plane = <usize>S << 2;
  const image = <usize>C * plane;
  for (let c = 0; c < C; c++) {
    const first = x + <usize>c * plane;
    let s: f64 = 0;
    for (let n = 0; n < N; n++) s += runSum(first + <usize>n * image, S);
    const m = <f32>(s / count);
    let v: f64 = 0;
    for (let n = 0; n < N; n++) v += runSquares(first + <usize>n * image, S, m);
    const vf = <f32>(v / count);
    store<f32>(mean + (<usize>c << 2), m);
    store<f32>(variance + (<usize>c << 2), vf);
    const rstd = <f32>(1 / Math.sqrt(<f64>vf + eps));
    // y = x·scale + shift, scale = rstd·w, shift = b − mean·scale.
    const scale = rstd * load<f32>(w + (<usize>c << 2));
    const shift = load<f32>(b + (<usize>c << 2)) - m * scale;
    const sv = f32x4.splat(scale);
    const hv = f32x4.splat(shift);
    for (let n = 0; n < N; n++) {
      const px = first + <usize>n * image;
      const py = y + (px - x);
      let q = 0;
      for (; q + 4 <= S; q += 4) v128.store(py + (<usize>q << 2), f32x4.add(f32x4.mul(v128.load(px + (<usize>q << 2)), sv), hv));
      for (; q < S; q++) store<f32>(py + (<usize>q << 2), load<f32>(px + (<usize>q << 2)) * scale + shift);
    }
  }
}

/**
 * Its vector–Jacobian product from x, g and the forward's mean and variance, x̂ = (x − mean)·rstd:
 * db = Σ g, dw = Σ g·x̂, dx = w·rstd·(g − db/n − x̂·dw/n).
 */
export function batchNormBackward(x: usize, g: usize, mean: usize, variance: usize, w: usize, dx: usize, dw: usize, db: usize, N: i32, C: i32, S: i32, eps: f64): void {
  const count = <f64>N * <f64>S;
  const plane = <usize>S << 2;
  const image = <usize>C * plane;
  for (let c = 0; c < C; c++) {
    const m = load<f32>(mean + (<usize>c << 2));
    const rstd = <f32>(1 / Math.sqrt(<f64>load<f32>(variance + (<usize>c << 2)) + eps));
    const mv = f32x4.splat(m);
    let sg: f64 = 0;
    let sgx: f64 = 0;
    for (let n = 0; n < N; n++) {
      const off = <usize>c * plane + <usize>n * image;
      const px = x + off;
      const pg = g + off;
      let ag = f32x4.splat(0);
      let agx = f32x4.splat(0);
      let q = 0;
      for (; q + 4 <= S; q += 4) {
        const gv = v128.load(pg + (<usize>q << 2));
        ag = f32x4.add(ag, gv);
        agx = f32x4.add(agx, f32x4.mul(gv, f32x4.sub(v128.load(px + (<usize>q << 2)), mv)));
      }
      sg += <f64>(f32x4.extract_lane(ag, 0) + f32x4.extract_lane(ag, 1)) + <f64>(f32x4.extract_lane(ag, 2) + f32x4.extract_lane(ag, 3));
      sgx += <f64>(f32x4.extract_lane(agx, 0) + f32x4.extract_lane(agx, 1)) + <f64>(f32x4.extract_lane(agx, 2) + f32x4.extract_lane(agx, 3));
      for (; q < S; q++) {
        const gq = <f64>load<f32>(pg + (<usize>q << 2));
        sg += gq;
        sgx += gq * <f64>(load<f32>(px + (<usize>q << 2)) - m);
      }
    }
    sgx *= <f64>rstd; // Σ g·x̂
    const wc = load<f32>(w + (<usize>c << 2));
    store<f32>(db + (<usize>c << 2), <f32>sg);
    store<f32>(dw + (<usize>c << 2), <f32>sgx);
    // dx = k·g − k·mg − (x − mean)·(k·rstd·mgx), k = w·rstd.
    const k = wc * rstd;
    const a = f32x4.splat(k);
    const base = <f32>(<f64>k * (sg / count));
    const slope = <f32>(<f64>k * <f64>rstd * (sgx / count));
    const bv = f32x4.splat(base);
    const sv = f32x4.splat(slope);
    for (let n = 0; n < N; n++) {
      const off = <usize>c * plane + <usize>n * image;
      const px = x + off;
      const pg = g + off;
      const pd = dx + off;
      let q = 0;
      for (; q + 4 <= S; q += 4) {
        const xm = f32x4.sub(v128.load(px + (<usize>q << 2)), mv);
        v128.store(pd + (<usize>q << 2), f32x4.sub(f32x4.sub(f32x4.mul(v128.load(pg + (<usize>q << 2)), a), bv), f32x4.mul(xm, sv)));
      }
      for (; q < S; q++) store<f32>(pd + (<usize>q << 2), load<f32>(pg + (<usize>q << 2)) * k - base - (load<f32>(px + (<usize>q << 2)) - m) * slope);
    }
  }
}
