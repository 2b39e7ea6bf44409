/**
 * Backward through time for the whole-sequence LSTM primitive: the backend's routine outside
 * createGraph, or the same recursion in ops (the states recomputed from the inputs, so that
 * gradients of this gradient reach them).
 */
import { isGradEnabled } from "../../ops/grad-mode.js";
import { Tensor } from "../../ops/tensor.js";
import { contiguousStrides } from "../../base/shape.js";
import { zeros } from "../../ops/creation.js";
import { cat, narrow, select, stack } from "../../ops/movement.js";
import type { RuleTable } from "./types.js";

export const recurrentRules: RuleTable<"lstmSequence"> = {
  // States by time [T + 1, N, H]: step t reads state p and writes q (p = t, q = t + 1 running
  // forward; p = t + 1, q = t reversed). dW_hh = Σₜ dprojₜᵀ·h_p, one GEMM over all steps.
  lstmSequence: ([dhs, dcs], { inputs: [proj, h0, c0, wHh, mask], outputs: [hs, cs, act], attrs: { reverse } }) => {
    const [T, N, G] = proj.shape as [number, number, number];
    const H = G / 4;
    const first = reverse ? T : 0;
    const fused = isGradEnabled() ? null : proj.backend.lstmSequenceBackward?.(act, cs, wHh, mask ?? null, dhs ?? null, dcs ?? null, reverse);
    if (fused) {
      const [dp, dh, dc] = fused;
      const dproj = new Tensor(dp, [T, N, G], contiguousStrides([T, N, G]), 0);
      const at = (s: typeof dh) => new Tensor(s, [N, H], [H, 1], first * N * H);
      const hPrev = narrow(hs, 0, reverse ? 1 : 0, T).reshape(T * N, H);
      return [dproj, at(dh), at(dc), dproj.reshape(T * N, G).t().matmul(hPrev), null];
    }
    return composedBackward(proj, h0, c0, wHh, mask ?? null, reverse, dhs ?? null, dcs ?? null);
  },
};

/** The recursion in ops, from the inputs: forward again (keeping each step's gates), then back. */
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
