/**
 * The fused LSTM and GRU cells (one primitive each on backends with Backend.lstmCell/gruCell)
 * against the same steps composed of ordinary ops: values, gradients of every input (for LSTM when
 * h's, c's or both gradients flow), and second-order gradients (their rules compose ops under
 * createGraph).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { gruCell, lstmCell } from "../../src/ops/fused.js";

function composed(gates: tg.Tensor, c: tg.Tensor): [tg.Tensor, tg.Tensor] {
  const [i, f, g, o] = gates.chunk(4, -1) as [tg.Tensor, tg.Tensor, tg.Tensor, tg.Tensor];
  const cNext = f.sigmoid().mul(c).add(i.sigmoid().mul(g.tanh()));
  return [o.sigmoid().mul(cNext.tanh()), cNext];
}

function close(a: tg.Tensor, b: tg.Tensor, what: string): void {
  const diff = a.sub(b).abs().max().item();
  assert.ok(diff < 1e-5, `${what}: max difference ${diff}`);
}

test("fused LSTM cell equals the composed step, values and gradients", () => {
  const previous = tg.getBackend().name;
  tg.setBackend("wasm");
  try {
    tg.manualSeed(4);
    const [N, H] = [5, 7];
    const wh = tg.randn([N, H]);
    const wc = tg.randn([N, H]);
    for (const flow of ["both", "h", "c"] as const) {
      const run = (cell: typeof composed) => {
        const gates = tg.randn([N, 4 * H], { generator: new tg.Generator(1) }).mul(2).requiresGrad_();
        const c = tg.randn([N, H], { generator: new tg.Generator(2) }).requiresGrad_();
        const [h, cNext] = cell(gates, c);
        const loss = flow === "c" ? cNext.mul(wc).sum() : flow === "h" ? h.mul(wh).sum() : h.mul(wh).sum().add(cNext.mul(wc).sum());
        loss.backward();
        return { h, cNext, dg: gates.grad!, dc: c.grad! };
      };
      const f = run(lstmCell);
      const r = run(composed);
      close(f.h, r.h, "h");
      close(f.cNext, r.cNext, "c'");
      close(f.dg, r.dg, `dgates (${flow})`);
      close(f.dc, r.dc, `dc (${flow})`);
    }
  } finally {
    tg.setBackend(previous);
  }
});

test("the fused cell's gradient is itself differentiable (createGraph)", () => {
  const previous = tg.getBackend().name;
  tg.setBackend("wasm");
  try {
    const second = (cell: typeof composed) => {
      const gates = tg.randn([3, 8], { generator: new tg.Generator(5) }).requiresGrad_();
      const c = tg.randn([3, 2], { generator: new tg.Generator(6) }).requiresGrad_();
      const [h] = cell(gates, c);
      const [dg] = tg.grad(h.sum(), [gates], { createGraph: true });
      return tg.grad(dg!.pow(2).sum(), [c])[0]!;
    };
    close(second(lstmCell), second(composed), "d(|dgates|²)/dc");
  } finally {
    tg.setBackend(previous);
  }
});

function composedGru(xProj: tg.Tensor, hProj: tg.Tensor, h: tg.Tensor): tg.Tensor {
  const [xr, xz, xn] = xProj.chunk(3, -1) as [tg.Tensor, tg.Tensor, tg.Tensor];
  const [hr, hz, hn] = hProj.chunk(3, -1) as [tg.Tensor, tg.Tensor, tg.Tensor];
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return n.add(z.mul(h.sub(n)));
}

test("fused GRU cell equals the composed step, values, gradients and second-order gradients", () => {
  const previous = tg.getBackend().name;
  tg.setBackend("wasm");
  try {
    const [N, H] = [4, 6];
    const w = tg.randn([N, H], { generator: new tg.Generator(9) });
    const run = (cell: typeof composedGru) => {
      const [x, hp, h] = [[N, 3 * H], [N, 3 * H], [N, H]].map((s, k) => tg.randn(s, { generator: new tg.Generator(10 + k) }).mul(1.5).requiresGrad_());
      const out = cell(x!, hp!, h!);
      out.mul(w).sum().backward();
      const [dx] = tg.grad(cell(x!, hp!, h!).mul(w).sum(), [x!], { createGraph: true });
      const second = tg.grad(dx!.pow(2).sum(), [h!])[0]!;
      return { out, dx: x!.grad!, dhp: hp!.grad!, dh: h!.grad!, second };
    };
    const f = run(gruCell);
    const r = run(composedGru);
    for (const k of ["out", "dx", "dhp", "dh", "second"] as const) close(f[k], r[k], `gru ${k}`);
  } finally {
    tg.setBackend(previous);
  }
});
