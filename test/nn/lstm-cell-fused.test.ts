/**
 * The fused LSTM cell (one primitive on backends with Backend.lstmCell) against the same step
 * composed of ordinary ops: values, gradients of gates and c when h's, c's or both gradients flow,
 * and second-order gradients (its rule composes ops under createGraph).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { lstmCell } from "../../src/ops/fused.js";

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
