// Fused optimizer updates: one pass over a parameter instead of a dozen elementwise kernels.

/**
 * Adam/AdamW on contiguous float32 buffers of n elements, the same maths as optim/functional.ts's
 * composed adam (without amsgrad): p ← p − stepSize · m / (√v / bc2Sqrt + eps).
 */
export function adam(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, weightDecay: f32, decoupled: bool, maximize: bool,
  stepSize: f32, bc2Sqrt: f32,
): void {
  const keep = f32x4.splat(1 - lr * weightDecay);
  const vb1 = f32x4.splat(b1), vb1c = f32x4.splat(1 - b1);
  const vb2 = f32x4.splat(b2), vb2c = f32x4.splat(1 - b2);
  const veps = f32x4.splat(eps), vbc2 = f32x4.splat(bc2Sqrt), vstep = f32x4.splat(stepSize), vwd = f32x4.splat(weightDecay);
  const coupled = !decoupled && weightDecay != 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    let pv = v128.load(p + off);
    let gv = v128.load(g + off);
    if (maximize) gv = f32x4.neg(gv);
    if (decoupled) pv = f32x4.mul(pv, keep);
    else if (coupled) gv = f32x4.add(gv, f32x4.mul(pv, vwd));
    const mv = f32x4.add(f32x4.mul(v128.load(m + off), vb1), f32x4.mul(gv, vb1c));
    const vv = f32x4.add(f32x4.mul(v128.load(v + off), vb2), f32x4.mul(f32x4.mul(gv, gv), vb2c));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vbc2), veps);
    v128.store(m + off, mv);
    v128.store(v + off, vv);
    v128.store(p + off, f32x4.sub(pv, f32x4.mul(f32x4.div(mv, denom), vstep)));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    let pv = load<f32>(p + off);
    let gv = load<f32>(g + off);
    if (maximize) gv = -gv;
    if (decoupled) pv *= 1 - lr * weightDecay;
    else if (coupled) gv += pv * weightDecay;
    const mv = load<f32>(m + off) * b1 + gv * (1 - b1);
    const vv = load<f32>(v + off) * b2 + gv * gv * (1 - b2);
    store<f32>(m + off, mv);
    store<f32>(v + off, vv);
    store<f32>(p + off, pv - (mv / (Mathf.sqrt(vv) / bc2Sqrt + eps)) * stepSize);
  }
}

/**
 * SGD with momentum, dampening, Nesterov and weight decay on contiguous float32 buffers (buf may be
 * 0 without momentum), as optim/functional.ts's composed sgd: d = g (+ wd·p); b = first ? d :
 * momentum·b + (1 − dampening)·d; d = nesterov ? d + momentum·b : b; p ← p − lr·d.
 */
export function sgd(
  p: usize, g: usize, buf: usize, n: i32,
  lr: f32, momentum: f32, dampening: f32, weightDecay: f32, nesterov: bool, maximize: bool, first: bool,
): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    const pv = load<f32>(p + off);
    let d = load<f32>(g + off);
    if (maximize) d = -d;
    if (weightDecay != 0) d += weightDecay * pv;
    if (momentum != 0) {
      const b: f32 = first ? d : load<f32>(buf + off) * momentum + (1 - dampening) * d;
      store<f32>(buf + off, b);
      d = nesterov ? d + momentum * b : b;
    }
    store<f32>(p + off, pv - lr * d);
  }
}
