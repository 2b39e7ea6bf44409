/**
 * Backward through time for the whole-sequence LSTM, GRU and RNN primitives: the backend's routine outside
 * createGraph, or the same recursion in ops (the states recomputed from the inputs, so that
 * gradients of this gradient reach them).
 */
import { isGradEnabled } from "../../ops/grad-mode.js";
import { Tensor } from "../../ops/tensor.js";
import { contiguousStrides } from "../../base/shape.js";
import { zeros } from "../../ops/creation.js";
import { cat, narrow, pad, select, stack } from "../../ops/movement.js";
import type { RuleTable } from "./types.js";

export const recurrentRules: RuleTable<"lstmSequence" | "gruSequence" | "rnnSequence"> = {
  // States by time [T + 1, N, H]: step t reads state p and writes q (p = t, q = t + 1 running
  // forward; p = t + 1, q = t reversed). dW_hh = Σₜ dprojₜᵀ·h_p, one GEMM over all steps.
  lstmSequence: ([dhs, dcs, , dhN, dcN], { inputs: [proj, h0, c0, wHh, mask], outputs: [hs, cs, act], attrs: { reverse } }) => {
    const [T, N, G] = proj.shape as [number, number, number];
    const H = G / 4;
    const first = reverse ? T : 0;
    const fused = isGradEnabled() ? null : proj.backend.lstmSequenceBackward?.(act, cs, wHh, mask ?? null, dhs ?? null, dcs ?? null, dhN ?? null, dcN ?? null, reverse);
    if (fused) {
      const [dp, dh, dc] = fused;
      const dproj = new Tensor(dp, [T, N, G], contiguousStrides([T, N, G]), 0);
      const at = (s: typeof dh) => new Tensor(s, [N, H], [H, 1], first * N * H);
      const hPrev = narrow(hs, 0, reverse ? 1 : 0, T).reshape(T * N, H);
      return [dproj, at(dh), at(dc), dproj.reshape(T * N, G).t().matmul(hPrev), null];
    }
    // The last states' gradients join the sequence's at their slice.
    const withLast = (d: Tensor | null, dN: Tensor | null) => {
      const atSlice = dN ? pad(dN.unsqueeze(0), [0, 0, 0, 0, reverse ? 0 : T, reverse ? T : 0]) : null;
      return atSlice && d ? atSlice.add(d) : atSlice ?? d;
    };
    return composedBackward(proj, h0, c0, wHh, mask ?? null, reverse, withLast(dhs ?? null, dhN ?? null), withLast(dcs ?? null, dcN ?? null));
  },
  // The same layout for the GRU; dW_hh = Σₜ dhProjₜᵀ·h_p and db_hh = Σ dhProj.
  gruSequence: ([dhs], { inputs: [xProj, h0, wHh, bHh, mask], outputs: [hs, act], attrs: { reverse } }) => {
    if (!dhs) return [null, null, null, null, null];
    const [T, N, G] = xProj.shape as [number, number, number];
    const H = G / 3;
    const fused = isGradEnabled() ? null : xProj.backend.gruSequenceBackward?.(act, hs, wHh, mask ?? null, dhs, reverse);
    if (fused) {
      const [dx, dhp, dh] = fused;
      const dhProj = new Tensor(dhp, [T * N, G], contiguousStrides([T * N, G]), 0);
      const hPrev = narrow(hs, 0, reverse ? 1 : 0, T).reshape(T * N, H);
      return [new Tensor(dx, [T, N, G], contiguousStrides([T, N, G]), 0), new Tensor(dh, [N, H], [H, 1], (reverse ? T : 0) * N * H), dhProj.t().matmul(hPrev), dhProj.sum(0), null];
    }
    return composedGruBackward(xProj, h0, wHh, bHh, mask ?? null, reverse, dhs);
  },
  // A plain RNN: dW_hh = Σₜ dpreₜᵀ·h_p.
  rnnSequence: (dhs, { inputs: [xProj, h0, wHh, mask], output: hs, attrs: { reverse, relu } }) => {
    const [T, N, H] = xProj.shape as [number, number, number];
    const fused = isGradEnabled() ? null : xProj.backend.rnnSequenceBackward?.(hs, wHh, mask ?? null, dhs, reverse, relu);
    if (fused) {
      const [dx, dh] = fused;
      const dpre = new Tensor(dx, [T * N, H], contiguousStrides([T * N, H]), 0);
      const hPrev = narrow(hs, 0, reverse ? 1 : 0, T).reshape(T * N, H);
      return [dpre.reshape(T, N, H), new Tensor(dh, [N, H], [H, 1], (reverse ? T : 0) * N * H), dpre.t().matmul(hPrev), null];
    }
    return composedRnnBackward(xProj, h0, wHh, mask ?? null, reverse, relu, dhs);
  },
};

/** The plain RNN's recursion in ops, from the inputs, as composedBackward. */
function composedRnnBackward(xProj: Tensor, h0: Tensor, wHh: Tensor, mask: Tensor | null, reverse: boolean, relu: boolean, dhs: Tensor): (Tensor | null)[] {
  const [T, N, H] = xProj.shape as [number, number, number];
  const wT = wHh.t();
  const hS: Tensor[] = new Array<Tensor>(T + 1);
  const pre: Tensor[] = new Array<Tensor>(T);
  const m = (t: number) => select(mask!, 0, t).reshape(N, 1);
  const index = (t: number) => (reverse ? [t + 1, t] : [t, t + 1]) as [number, number];
  hS[reverse ? T : 0] = h0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const [p, q] = index(t);
    pre[t] = select(xProj, 0, t).add(hS[p]!.matmul(wT));
    const h = relu ? pre[t]!.relu() : pre[t]!.tanh();
    hS[q] = mask ? h.mul(m(t)).add(hS[p]!.mul(m(t).neg().add(1))) : h;
  }
  const dH = Array.from({ length: T + 1 }, (_, s) => select(dhs, 0, s));
  const dx: Tensor[] = new Array<Tensor>(T);
  let dW: Tensor | null = null;
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const [p, q] = index(t);
    const g = dH[q]!;
    let dpre = relu ? g.mul(pre[t]!.gt(0).to(g.dtype)) : g.mul(pre[t]!.tanh().square().neg().add(1));
    if (mask) {
      dpre = dpre.mul(m(t));
      dH[p] = dH[p]!.add(g.mul(m(t).neg().add(1)));
    }
    dH[p] = dH[p]!.add(dpre.matmul(wHh));
    dx[t] = dpre;
    const dWt = dpre.t().matmul(hS[p]!);
    dW = dW ? dW.add(dWt) : dWt;
  }
  return [stack(dx, 0), dH[reverse ? T : 0]!, dW ?? zeros([H, H], { dtype: xProj.dtype }), null];
}

/** The GRU recursion in ops, from the inputs, as composedBackward. */
function composedGruBackward(xProj: Tensor, h0: Tensor, wHh: Tensor, bHh: Tensor, mask: Tensor | null, reverse: boolean, dhs: Tensor): (Tensor | null)[] {
  const [T, N, G] = xProj.shape as [number, number, number];
  const H = G / 3;
  const wT = wHh.t();
  const hS: Tensor[] = new Array<Tensor>(T + 1);
  const saved: Tensor[][] = new Array<Tensor[]>(T);
  const m = (t: number) => select(mask!, 0, t).reshape(N, 1);
  const index = (t: number) => (reverse ? [t + 1, t] : [t, t + 1]) as [number, number];
  const part = (x: Tensor, j: number) => narrow(x, 1, j * H, H);
  hS[reverse ? T : 0] = h0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const [p, q] = index(t);
    const x = select(xProj, 0, t);
    const hp = hS[p]!.matmul(wT).add(bHh);
    const r = part(x, 0).add(part(hp, 0)).sigmoid();
    const z = part(x, 1).add(part(hp, 1)).sigmoid();
    const hn = part(hp, 2);
    const n = part(x, 2).add(r.mul(hn)).tanh();
    const h = n.add(z.mul(hS[p]!.sub(n)));
    saved[t] = [r, z, n, hn];
    hS[q] = mask ? h.mul(m(t)).add(hS[p]!.mul(m(t).neg().add(1))) : h;
  }
  const dH = Array.from({ length: T + 1 }, (_, s) => select(dhs, 0, s));
  const dx: Tensor[] = new Array<Tensor>(T);
  let dW: Tensor | null = null;
  let db: Tensor | null = null;
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const [p, q] = index(t);
    const [r, z, n, hn] = saved[t] as [Tensor, Tensor, Tensor, Tensor];
    const g = dH[q]!;
    const dn = g.mul(z.neg().add(1)).mul(n.square().neg().add(1));
    const dz = g.mul(hS[p]!.sub(n)).mul(z).mul(z.neg().add(1));
    const dr = dn.mul(hn).mul(r).mul(r.neg().add(1));
    let dxt = cat([dr, dz, dn], 1);
    let dhp = cat([dr, dz, dn.mul(r)], 1);
    let direct = g.mul(z);
    if (mask) {
      dxt = dxt.mul(m(t));
      dhp = dhp.mul(m(t));
      direct = direct.mul(m(t)).add(g.mul(m(t).neg().add(1)));
    }
    dH[p] = dH[p]!.add(direct).add(dhp.matmul(wHh));
    dx[t] = dxt;
    const dWt = dhp.t().matmul(hS[p]!);
    dW = dW ? dW.add(dWt) : dWt;
    db = db ? db.add(dhp.sum(0)) : dhp.sum(0);
  }
  const start = reverse ? T : 0;
  return [stack(dx, 0), dH[start]!, dW ?? zeros([G, H], { dtype: xProj.dtype }), db ?? zeros([G], { dtype: xProj.dtype }), null];
}

/** The LSTM recursion in ops, from the inputs: forward again (keeping each step's gates), then back. */
function composedBackward(proj: Tensor, h0: Tensor, c0: Tensor, wHh: Tensor, mask: Tensor | null, reverse: boolean, dhs: Tensor | null, dcs: Tensor | null): (Tensor | null)[] {
  const [T, N, G] = proj.shape as [number, number, number];
  const H = G / 4;
  const wT = wHh.t();
  const hS: Tensor[] = new Array<Tensor>(T + 1);
  const cS: Tensor[] = new Array<Tensor>(T + 1);
  const gates: Tensor[][] = new Array<Tensor[]>(T);
  const m = (t: number) => select(mask!, 0, t).reshape(N, 1);
  const index = (t: number) => (reverse ? [t + 1, t] : [t, t + 1]) as [number, number];
  hS[reverse ? T : 0] = h0;
  cS[reverse ? T : 0] = c0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const [p, q] = index(t);
    const pre = select(proj, 0, t).add(hS[p]!.matmul(wT));
    const [i, f, g, o] = [0, 1, 2, 3].map((j) => narrow(pre, 1, j * H, H));
    const act = [i!.sigmoid(), f!.sigmoid(), g!.tanh(), o!.sigmoid()];
    const c = act[1]!.mul(cS[p]!).add(act[0]!.mul(act[2]!));
    const h = act[3]!.mul(c.tanh());
    gates[t] = act;
    hS[q] = mask ? h.mul(m(t)).add(hS[p]!.mul(m(t).neg().add(1))) : h;
    cS[q] = mask ? c.mul(m(t)).add(cS[p]!.mul(m(t).neg().add(1))) : c;
    gates[t]!.push(c); // the unmasked c′, whose tanh the step's h used
  }
  const zero = zeros([N, H], { dtype: proj.dtype });
  const dH = Array.from({ length: T + 1 }, (_, s) => (dhs ? select(dhs, 0, s) : zero));
  const dC = Array.from({ length: T + 1 }, (_, s) => (dcs ? select(dcs, 0, s) : zero));
  const dproj: Tensor[] = new Array<Tensor>(T);
  let dW: Tensor | null = null;
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const [p, q] = index(t);
    const [i, f, g, o, c] = gates[t] as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const tc = c.tanh();
    const gh = dH[q]!;
    const dcT = dC[q]!.add(gh.mul(o).mul(tc.square().neg().add(1)));
    let dpre = cat([
      dcT.mul(g).mul(i).mul(i.neg().add(1)),
      dcT.mul(cS[p]!).mul(f).mul(f.neg().add(1)),
      dcT.mul(i).mul(g.square().neg().add(1)),
      gh.mul(tc).mul(o).mul(o.neg().add(1)),
    ], 1);
    let dcp = dcT.mul(f);
    if (mask) {
      const keep = m(t).neg().add(1);
      dpre = dpre.mul(m(t));
      dcp = dcp.mul(m(t)).add(dC[q]!.mul(keep));
      dH[p] = dH[p]!.add(gh.mul(keep));
    }
    dH[p] = dH[p]!.add(dpre.matmul(wHh));
    dC[p] = dC[p]!.add(dcp);
    dproj[t] = dpre;
    const dWt = dpre.t().matmul(hS[p]!);
    dW = dW ? dW.add(dWt) : dWt;
  }
  const start = reverse ? T : 0;
  return [stack(dproj, 0), dH[start]!, dC[start]!, dW ?? zeros([G, H], { dtype: proj.dtype }), null];
}
