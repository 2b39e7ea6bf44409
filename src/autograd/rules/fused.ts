/**
 * Gradient rules of fused primitives: the backend's fused backward where it takes the gradient
 * (outside createGraph), or the same formula in ops where it says "not here".
 */
import { isGradEnabled } from "../../ops/grad-mode.js";
import { Tensor } from "../../ops/tensor.js";
import { contiguousStrides } from "../../base/shape.js";
import { randAt, zeros, zerosLike } from "../../ops/creation.js";
import { lowerTriangle } from "../../ops/composite/arrange.js";
import { polygamma } from "../../ops/composite/special.js";
import { isfinite } from "../../ops/composite/math.js";
import { where } from "../../ops/elementwise.js";
import { scatterAdd } from "../../ops/indexing.js";
import { cat, narrow } from "../../ops/movement.js";
import type { RuleTable } from "./types.js";

export const fusedRules: RuleTable<"softmax" | "layerNorm" | "layerNormAffine" | "batchNorm" | "gelu" | "dropout" | "linear" | "lstmCell" | "gruCell" | "maxPool2x2" | "kmeansStep" | "attention" | "polygamma" | "incompleteGamma" | "eigh" | "svd"> = {
  kmeansStep: null,
  // linalg.eigh and linalg.svd run these on detached input and attach the gradient themselves.
  eigh: null,
  svd: null,
  // (ψ⁽ⁿ⁾)′ = ψ⁽ⁿ⁺¹⁾: the op again (fused where this one was), so every order holds.
  polygamma: (g, { inputs: [x], attrs: { n } }) => [g.mul(polygamma(n + 1, x))],
  // ∂P/∂x = e^{−x}·x^{a−1}/Γ(a) = −∂Q/∂x (0 at x ≤ 0); a's gradient is refused before the op runs.
  incompleteGamma: (g, { inputs: [a, x], attrs: { upper } }) => {
    const slope = x.neg().add(a.sub(1).mul(x.log())).sub(a.lgamma()).exp();
    const safe = where(x.gt(0).logicalAnd(isfinite(slope)), slope, 0);
    return [null, g.mul(upper ? safe.neg() : safe)];
  },
  // W = softmax(q·s·kᵀ + mask), D the dropout factors, out = (W∘D)·v: dv = (W∘D)ᵀ·g,
  // dW = D∘(g·vᵀ), dS = W∘(dW − Σ dW∘W), dq = s·dS·k, dk = dSᵀ·(q·s). The fused backward
  // recomputes W from lse; composed (createGraph), W is recomputed from q and k as ordinary ops.
  // The mask's gradient is never needed: the op composes instead where the mask requires one.
  attention: ([g], { inputs: [q, k, v, mask], outputs: [out, lse], attrs: { scale, causal, p, seed, offset } }) => {
    if (!g) return [null, null, null, null];
    const [B, L, E] = q.shape as [number, number, number];
    const [S, Ev] = [v.shape[1]!, v.shape[2]!];
    const spec = { scale, causal, dropout: p > 0 ? { p, seed, offset } : null };
    const fused = isGradEnabled() ? null : q.backend.attentionBackward?.(q, k, v, mask ?? null, out, lse, g.contiguous(), spec);
    if (fused) {
      const [dq, dkv] = fused;
      const row = [S * (E + Ev), E + Ev, 1];
      return [new Tensor(dq, q.shape, contiguousStrides(q.shape), 0), new Tensor(dkv, [B, S, E], row, 0), new Tensor(dkv, [B, S, Ev], row, E), null];
    }
    const qs = q.mul(scale);
    let scores = qs.matmul(k.transpose(1, 2));
    if (causal) scores = where(lowerTriangle(L, S, q.backend), scores, -Infinity);
    if (mask) scores = scores.add(mask);
    const w = scores.softmax(-1);
    const keep = p > 0 ? randAt([B, L, S], seed, offset, q).ge(p) : null;
    const drop = (t: Tensor) => (keep ? where(keep, t.mul(1 / (1 - p)), 0) : t);
    const dw = drop(g.matmul(v.transpose(1, 2)));
    const ds = w.mul(dw.sub(dw.mul(w).sum(-1, true)));
    return [ds.matmul(k).mul(scale), ds.transpose(1, 2).matmul(qs), drop(w).transpose(1, 2).matmul(g), null];
  },
  // Each window's gradient goes to its first maximum: the backend's kernel writes the planes
  // whole, or a scatter-add into zeroed H·W planes (ordinary ops, so it also serves createGraph).
  maxPool2x2: ([g], { inputs: [x], outputs: [, indices] }) => {
    if (!g) return [null];
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const dx = isGradEnabled() ? null : x.backend.maxPool2x2Backward?.(g, indices, [H, W]);
    if (dx) return [new Tensor(dx, x.shape, contiguousStrides(x.shape), 0)];
    const planes = zeros([N, C, H * W], { dtype: x.dtype });
    return [scatterAdd(planes, 2, indices, g.reshape(N, C, -1)).reshape(N, C, H, W)];
  },
  // x̂ = (x − μ)·r, r = 1/√(var + eps): dx = r·(g − mean(g) − x̂·mean(g·x̂)) along the last dim.
  layerNorm: (g, { inputs: [x], attrs: { eps } }) => {
    const dx = isGradEnabled() ? null : x.backend.layerNormBackward?.(x, g, eps);
    if (dx) return [new Tensor(dx, x.shape, contiguousStrides(x.shape), 0)];
    const [xhat, r] = normalized(x, eps);
    return [layerNormGrad(xhat, r, g)];
  },
  // y = x̂·w + b over rows x [R, C]: dx is layer norm's from g·w, dw = Σ g·x̂ and db = Σ g over the rows.
  layerNormAffine: (g, { inputs: [x, w], attrs: { eps }, needsGrad }) => {
    const fused = isGradEnabled() ? null : x.backend.layerNormAffineBackward?.(x, g, w, eps);
    if (fused) {
      const [dx, dw, db] = fused;
      return [new Tensor(dx, x.shape, contiguousStrides(x.shape), 0), new Tensor(dw, w.shape, [1], 0), new Tensor(db, w.shape, [1], 0)];
    }
    const [xhat, r] = normalized(x, eps);
    return [needsGrad[0] ? layerNormGrad(xhat, r, g.mul(w)) : null, needsGrad[1] ? g.mul(xhat).sum(0) : null, needsGrad[2] ? g.sum(0) : null];
  },
  // x [N, C, S], x̂ = (x − μ)·r per channel, y = x̂·w + b: db = Σ g, dw = Σ g·x̂,
  // dx = w·r·(g − db/n − x̂·dw/n); the mean and variance outputs add g_μ/n and g_v·2(x − μ)/n.
  batchNorm: ([gy, gmean, gvar], { inputs: [x, w], outputs: [, mean, variance], attrs: { eps } }) => {
    const C = x.shape[1]!;
    // The fused backward covers the gradient of y alone (not of the returned statistics).
    const fused = isGradEnabled() || !gy || gmean || gvar ? null : x.backend.batchNormBackward?.(x, gy, mean, variance, w, eps);
    if (fused) {
      const [dx, dw, db] = fused;
      return [new Tensor(dx, x.shape, contiguousStrides(x.shape), 0), new Tensor(dw, [C], [1], 0), new Tensor(db, [C], [1], 0)];
    }
    // Composed, for createGraph: the statistics recomputed from x, so gradients of this gradient reach it.
    const dims = [0, 2];
    const n = x.shape[0]! * x.shape[2]!;
    const centered = x.sub(x.mean(dims, true));
    const r = centered.square().mean(dims, true).add(eps).rsqrt();
    const xhat = centered.mul(r);
    let dx = zerosLike(x);
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (gy) {
      const dxhat = gy.mul(w.reshape(1, C, 1));
      dx = r.mul(dxhat.sub(dxhat.mean(dims, true)).sub(xhat.mul(dxhat.mul(xhat).mean(dims, true))));
      [dw, db] = [gy.mul(xhat).sum(dims), gy.sum(dims)];
    }
    if (gmean) dx = dx.add(gmean.reshape(1, C, 1).div(n));
    if (gvar) dx = dx.add(centered.mul(gvar.reshape(1, C, 1)).mul(2 / n));
    return [dx, dw, db];
  },
  // GELU′(x) = Φ(x) + x·φ(x) (exact); for the tanh form, with s = σ(2u), u = √(2/π)(x + 0.044715x³):
  // GELU = x·s and GELU′ = s + 2x·s(1 − s)·√(2/π)(1 + 3·0.044715x²).
  gelu: (g, { inputs: [x], attrs: { approximate } }) => {
    const dx = isGradEnabled() ? null : x.backend.geluBackward?.(x, g.contiguous(), approximate);
    if (dx) return [new Tensor(dx, x.shape, contiguousStrides(x.shape), 0)];
    if (approximate === "tanh") {
      const k = Math.sqrt(2 / Math.PI);
      const x2 = x.square();
      const z = x.add(x2.mul(x).mul(0.044715)).mul(2 * k);
      const s = z.sigmoid();
      // s(1 − s) as σ(z)·σ(−z): 1 − s would cancel where s rounds to 1.
      return [g.mul(s.add(x.mul(s).mul(z.neg().sigmoid()).mul(x2.mul(3 * 0.044715).add(1)).mul(2 * k)))];
    }
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
    return [g.mul(cdf.add(x.mul(pdf)))];
  },
  // y = x·wᵀ + b: dx = g·w, dw = gᵀ·x, db = Σ g over the rows (ordinary ops, so createGraph holds too).
  linear: (g, { inputs: [x, w], needsGrad }) => [
    needsGrad[0] ? g.matmul(w) : null,
    needsGrad[1] ? g.t().matmul(x) : null,
    needsGrad[2] ? g.sum(0) : null,
  ],
  // The forward's mask on g: the fused pass, or where(keep, g·scale, 0) (ordinary ops, for createGraph).
  dropout: ([g], { inputs: [x], outputs: [, keep], attrs: { p } }) => {
    if (!g) return [null];
    const dx = isGradEnabled() ? null : g.backend.dropoutBackward?.(g.contiguous(), keep, 1 / (1 - p));
    if (dx) return [new Tensor(dx, x.shape, contiguousStrides(x.shape), 0)];
    return [where(keep, g.mul(1 / (1 - p)), 0)];
  },
  // softmax: dx = y·(g − Σ g·y); log-softmax: dx = g − exp(y)·Σ g (sums along the last dim).
  softmax: (g, { output: y, attrs: { log } }) => {
    const dx = isGradEnabled() ? null : y.backend.softmaxBackward?.(y, g, log);
    if (dx) return [new Tensor(dx, y.shape, contiguousStrides(y.shape), 0)];
    const last = y.ndim - 1;
    return [log ? g.sub(y.exp().mul(g.sum(last, true))) : y.mul(g.sub(g.mul(y).sum(last, true)))];
  },
  // act = [σ(i), σ(f), tanh(g), σ(o), tanh(c')]; dc'_total = dc' + dh·σ(o)·(1 − tanh²c').
  lstmCell: ([dh, dcNext], { inputs: [gates, c], outputs: [, cNext, act] }) => {
    const fused = isGradEnabled() ? null : gates.backend.lstmCellBackward?.(act, c, dh ?? null, dcNext ?? null);
    if (fused) {
      const [N, H] = c.shape as [number, number];
      const [dg, dc] = fused;
      return [new Tensor(dg, [N, 4 * H], contiguousStrides([N, 4 * H]), 0), new Tensor(dc, [N, H], contiguousStrides([N, H]), 0)];
    }
    // Composed, for createGraph: the activations are recomputed from the inputs (act is a saved
    // value, not differentiable), so that gradients of this gradient reach gates and c.
    const H = c.shape[1]!;
    const [pi, pf, pg, po] = [0, 1, 2, 3].map((k) => narrow(gates, 1, k * H, H)) as [Tensor, Tensor, Tensor, Tensor];
    const [i, f, g, o, tc] = [pi.sigmoid(), pf.sigmoid(), pg.tanh(), po.sigmoid(), cNext.tanh()];
    const gh = dh ?? zerosLike(c);
    const dcT = (dcNext ?? zerosLike(c)).add(gh.mul(o).mul(tc.mul(tc).neg().add(1)));
    const dgates = cat([
      dcT.mul(g).mul(i).mul(i.neg().add(1)),
      dcT.mul(c).mul(f).mul(f.neg().add(1)),
      dcT.mul(i).mul(g.mul(g).neg().add(1)),
      gh.mul(tc).mul(o).mul(o.neg().add(1)),
    ], 1);
    return [dgates, dcT.mul(f)];
  },

  // act = [r, z, n]; h' = (1 − z)·n + z·h with n = tanh(xn + r·hn).
  gruCell: ([dhNext], { inputs: [xProj, hProj, h], outputs: [, act] }) => {
    if (!dhNext) return [null, null, null];
    const fused = isGradEnabled() ? null : h.backend.gruCellBackward?.(act, hProj, h, dhNext);
    if (fused) {
      const [N, H] = h.shape as [number, number];
      const [dx, dhp, dh] = fused;
      const wrap = (s: typeof dx, cols: number) => new Tensor(s, [N, cols], contiguousStrides([N, cols]), 0);
      return [wrap(dx, 3 * H), wrap(dhp, 3 * H), wrap(dh, H)];
    }
    // Composed, for createGraph: the gates recomputed from the inputs (act is not differentiable).
    const H = h.shape[1]!;
    const part = (t: Tensor, k: number) => narrow(t, 1, k * H, H);
    const r = part(xProj, 0).add(part(hProj, 0)).sigmoid();
    const z = part(xProj, 1).add(part(hProj, 1)).sigmoid();
    const hn = part(hProj, 2);
    const n = part(xProj, 2).add(r.mul(hn)).tanh();
    const dnPre = dhNext.mul(z.neg().add(1)).mul(n.mul(n).neg().add(1));
    const dzPre = dhNext.mul(h.sub(n)).mul(z).mul(z.neg().add(1));
    const drPre = dnPre.mul(hn).mul(r).mul(r.neg().add(1));
    return [cat([drPre, dzPre, dnPre], 1), cat([drPre, dzPre, dnPre.mul(r)], 1), dhNext.mul(z)];
  },
};

/** Layer norm composed along the last dim: [x̂ = (x − μ)·r, r = 1/√(var + eps)]. */
function normalized(x: Tensor, eps: number): [Tensor, Tensor] {
  const last = x.ndim - 1;
  const centered = x.sub(x.mean(last, true));
  const r = centered.square().mean(last, true).add(eps).rsqrt();
  return [centered.mul(r), r];
}

/** Layer norm's vector–Jacobian product from x̂, r and g: r·(g − mean(g) − x̂·mean(g·x̂)) along the last dim. */
function layerNormGrad(xhat: Tensor, r: Tensor, g: Tensor): Tensor {
  const last = xhat.ndim - 1;
  return r.mul(g.sub(g.mean(last, true)).sub(xhat.mul(g.mul(xhat).mean(last, true))));
}
