/** backward's contract: accumulation, graph release, grad mode, retainGrad, explicit gradients, errors. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

describe("autograd", () => {
  test("gradients accumulate across backward calls until cleared", () => {
    const x = tg.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    assertClose(x.grad!, [2, 4, 6]);
    x.mul(3).sum().backward();
    assertClose(x.grad!, [5, 7, 9]);
    x.grad = null;
    x.sum().backward();
    assertClose(x.grad!, [1, 1, 1]);
  });

  test("a tensor used twice gets both contributions; leaf grads own their storage", () => {
    const x = tg.tensor([2], { requiresGrad: true });
    const y = tg.tensor([5], { requiresGrad: true });
    x.add(y).add(x).sum().backward();
    assertClose(x.grad!, [2]);
    assertClose(y.grad!, [1]);
    assert.notEqual(x.grad!.storage, y.grad!.storage);
  });

  test("a gradient passed to two leaves (add) is stored once and copied once: the two .grads never share", () => {
    const a = tg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const b = tg.tensor([[5, 6], [7, 8]], { requiresGrad: true });
    const w = tg.tensor([[1, 0], [0, 1]], { requiresGrad: true });
    a.add(b).matmul(w).sum().backward();
    assert.notEqual(a.grad!.storage, b.grad!.storage);
    a.grad!.zero_();
    assertClose(b.grad!, [1, 1, 1, 1]);
    assertClose(w.grad!, [16, 16, 20, 20]);
    // A user's own gradient tensor is copied, never adopted.
    const seed = tg.tensor([1, 1]);
    const leaf = tg.tensor([3, 4], { requiresGrad: true });
    leaf.backward(seed);
    assert.notEqual(leaf.grad!.storage, seed.storage);
  });

  test("the graph is released after backward unless retainGraph", () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    assertClose(x.grad!, x.exp().mul(2).detach());
    assert.throws(() => y.backward(), /second time/);
  });

  test("noGrad records nothing; enableGrad turns it back on inside", () => {
    const x = tg.ones([2], { requiresGrad: true });
    const y = tg.noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(tg.isGradEnabled(), true);
    const z = tg.noGrad(() => tg.enableGrad(() => x.mul(2)));
    assert.equal(z.requiresGrad, true);
    assert.throws(() => y.sum().backward(), tg.AutogradError);
  });

  test("an async noGrad confines the mode to its own awaits: a concurrent training loop still records", async () => {
    const w = tg.ones([3], { requiresGrad: true });
    const tick = () => new Promise((r) => setTimeout(r, 1));
    const evaluate = tg.noGrad(async () => {
      const seen: boolean[] = [];
      for (let i = 0; i < 5; i++) {
        await tick();
        seen.push(tg.isGradEnabled(), w.mul(2).requiresGrad);
        seen.push(tg.enableGrad(() => w.mul(2).requiresGrad)); // a synchronous scope inside an async one
      }
      return seen;
    });
    const train = (async () => {
      let steps = 0;
      for (let i = 0; i < 5; i++) {
        await tick();
        w.mul(w).sum().backward(); // throws if this chain saw the other's noGrad
        steps++;
      }
      return steps;
    })();
    const [seen, steps] = await Promise.all([evaluate, train]);
    assert.deepEqual(seen, Array.from({ length: 5 }, () => [false, false, true]).flat());
    assert.equal(steps, 5);
    assert.equal(tg.isGradEnabled(), true);
    assert.throws(() => tg.noGrad(() => Promise.resolve(1)), /async function/);
  });

  test("process-wide setGradEnabled(false) held across an await: the other loop's error says why and what to use", async () => {
    const w = tg.ones([2], { requiresGrad: true });
    tg.setGradEnabled(false);
    try {
      await new Promise((r) => setTimeout(r, 1));
      assert.throws(() => w.mul(2).sum().backward(), /recording is off here .*await tg\.noGrad\(async/);
    } finally {
      tg.setGradEnabled(true);
    }
  });

  test("only leaves keep .grad, unless retainGrad()", () => {
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    const k = x.mul(4).retainGrad();
    h.add(k).pow(2).sum().backward();
    assert.equal(h.grad, null);
    assertClose(k.grad!, [14, 28]); // 2·(3x + 4x)
    assert.equal(h.isLeaf, false);
    assert.equal(x.isLeaf, true);
  });

  test("backward with an explicit gradient; non-scalars need one", () => {
    const x = tg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = x.mul(x);
    assert.throws(() => y.backward(), /scalar outputs/);
    y.backward(tg.tensor([[1, 0], [0, 1]]));
    assertClose(x.grad!, [2, 0, 0, 8]);
    assert.throws(() => x.mul(2).backward(tg.ones([3])), tg.ShapeError);
  });

  test("backward on a leaf scalar gives ones", () => {
    const x = tg.tensor(3, { requiresGrad: true });
    x.backward();
    assert.equal(x.grad!.item(), 1);
  });

  test("no gradient flows to integer or bool results, nor through detach", () => {
    const x = tg.tensor([1.5, -2], { requiresGrad: true });
    assert.equal(x.gt(0).requiresGrad, false);
    assert.equal(x.argmax().requiresGrad, false);
    assert.equal(x.int().requiresGrad, false);
    const y = x.detach().mul(x).sum();
    y.backward();
    assertClose(x.grad!, [1.5, -2]);
  });

  test("grad() returns gradients without touching .grad, and supports higher order", () => {
    const x = tg.tensor([1, 2, 3], { requiresGrad: true });
    const [g] = tg.grad(x.pow(3).sum(), [x], { createGraph: true });
    assertClose(g!, [3, 12, 27]);
    assert.equal(x.grad, null);
    const [gg] = tg.grad(g!.sum(), [x]);
    assertClose(gg!, [6, 12, 18]);
  });

  test("in-place updates are refused while recording, and detected if they corrupt a saved tensor", () => {
    const w = tg.ones([2], { requiresGrad: true });
    assert.throws(() => w.sub_(1), /tg\.noGrad/);
    tg.noGrad(() => w.sub_(tg.tensor([0.5, 0.25])));
    assertClose(w, [0.5, 0.75]);
    const a = tg.ones([2], { requiresGrad: true });
    const b = tg.tensor([3, 4]);
    const y = a.mul(b).sum(); // mul saves b
    b.mul_(2);
    assert.throws(() => y.backward(), /modified by an in-place operation/);
  });

  test("in-place ops broadcast, cast and leave the layout alone", () => {
    const x = tg.zeros([2, 3]);
    x.add_(tg.tensor([1, 2, 3]));
    x.t().mul_(2);
    assert.deepEqual(x.tolist(), [[2, 4, 6], [2, 4, 6]]);
    x.copy_(tg.tensor([[1], [2]]));
    assert.deepEqual(x.tolist(), [[1, 1, 1], [2, 2, 2]]);
    x.zero_();
    assert.equal(x.sum().item(), 0);
    assert.throws(() => tg.zeros([2]).add_(tg.ones([3, 2])), tg.ShapeError);
  });

  test("requiresGrad cannot be switched off on a non-leaf", () => {
    const y = tg.ones([1], { requiresGrad: true }).mul(2);
    assert.throws(() => (y.requiresGrad = false), /leaf/);
  });

  test("long chains do not overflow the stack", () => {
    const x = tg.tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1);
    y.sum().backward();
    assertClose(x.grad!, [1]);
  });
});
