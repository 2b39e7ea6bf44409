/**
 * Scopes: tg.scope frees what a block allocated except what it returns; keep() exempts tensors;
 * backward() and Optimizer.step() free their temporaries but leave gradients and optimizer state.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

test("scope frees its temporaries and hands returned tensors to the enclosing scope", () => {
  let temp!: tg.Tensor;
  const [a, b] = tg.scope(() => {
    temp = tg.ones([3]).mul(2);
    const inner = tg.scope(() => {
      const x = tg.arange(3).add(1);
      return { x, scaled: x.mul(10) };
    });
    return [inner.x, inner.scaled.add(temp)];
  });
  assert.throws(() => temp.sum(), /disposed/);
  assert.deepEqual(a!.tolist(), [1, 2, 3]);
  assert.deepEqual(b!.tolist(), [12, 22, 32]);
});

test("views of a returned tensor keep their storage; keep() exempts a tensor from every scope", () => {
  let kept!: tg.Tensor;
  const view = tg.scope(() => {
    kept = tg.keep(tg.full([2], 7));
    return tg.arange(6).reshape([2, 3]).t();
  });
  assert.deepEqual(view.tolist(), [[0, 3], [1, 4], [2, 5]]);
  assert.deepEqual(kept.tolist(), [7, 7]);
});

test("an error inside a scope frees nothing; an async function is refused", () => {
  let made!: tg.Tensor;
  assert.throws(() => tg.scope(() => {
    made = tg.ones([2]);
    throw new Error("boom");
  }), /boom/);
  assert.deepEqual(made.tolist(), [1, 1]);
  assert.throws(() => tg.scope(async () => 1), /synchronous/);
});

test("a scoped training step leaves gradients and optimizer state usable across steps", () => {
  tg.manualSeed(0);
  const model = new tg.nn.Sequential(new tg.nn.Linear(4, 8), new tg.nn.ReLU(), new tg.nn.Linear(8, 2));
  const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-2 });
  const x = tg.randn([5, 4]);
  const y = tg.randint(0, 2, [5]);
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    losses.push(tg.scope(() => {
      opt.zeroGrad();
      const loss = tg.nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    }));
  }
  assert.ok(losses[4]! < losses[0]!, `loss went from ${losses[0]} to ${losses[4]}`);
  const w = model.parameters()[0]!;
  assert.equal(w.grad!.shape.join(","), "8,4");
  assert.ok(Number.isFinite(w.grad!.sum().item()));
  for (const state of opt.state.values()) for (const v of Object.values(state)) if (v instanceof tg.Tensor) v.sum();
});
