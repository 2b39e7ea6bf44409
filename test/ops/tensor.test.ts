/** Creation, dtypes, views sharing storage, data access, printing and seeded randomness. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

describe("creation", () => {
  test("tensor infers shape and dtype", () => {
    const a = tg.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(a.shape, [2, 3]);
    assert.equal(a.dtype, "float32");
    assert.deepEqual(a.tolist(), [[1, 2, 3], [4, 5, 6]]);
    assert.equal(tg.tensor([true, false]).dtype, "bool");
    assert.equal(tg.tensor(new Int32Array([1, 2])).dtype, "int32");
    assert.equal(tg.tensor([1.7, -2.7], { dtype: "int32" }).tolist().toString(), "1,-2");
    assert.deepEqual(tg.tensor(new Float32Array(6), { shape: [2, 3] }).shape, [2, 3]);
    assert.deepEqual(tg.tensor(5).shape, []);
    assert.equal(tg.tensor(5).item(), 5);
  });

  test("constants, ranges and eye", () => {
    assert.deepEqual(tg.zeros([2, 2]).tolist(), [[0, 0], [0, 0]]);
    assert.deepEqual(tg.ones([3], { dtype: "int32" }).tolist(), [1, 1, 1]);
    assert.deepEqual(tg.full([2], 7.5).tolist(), [7.5, 7.5]);
    assert.deepEqual(tg.arange(5).tolist(), [0, 1, 2, 3, 4]);
    assert.deepEqual(tg.arange(1, 2, 0.25).tolist(), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(tg.arange(5, 0, -2, { dtype: "int32" }).tolist(), [5, 3, 1]);
    assertClose(tg.linspace(-1, 1, 5), [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(tg.linspace(0, 1, 1).tolist(), [0]);
    assert.deepEqual(tg.eye(2, 3).tolist(), [[1, 0, 0], [0, 1, 0]]);
    const x = tg.randn([2, 3]);
    assert.deepEqual(tg.zerosLike(x).shape, [2, 3]);
    assert.deepEqual(tg.onesLike(x, { dtype: "int32" }).tolist(), [[1, 1, 1], [1, 1, 1]]);
    assert.deepEqual(tg.fullLike(x, 2).tolist(), [[2, 2, 2], [2, 2, 2]]);
  });

  test("requiresGrad on creation; only float tensors may require it", () => {
    assert.equal(tg.zeros([2], { requiresGrad: true }).requiresGrad, true);
    assert.throws(() => tg.zeros([2], { dtype: "int32", requiresGrad: true }), tg.DTypeError);
    assert.throws(() => (tg.tensor([1], { dtype: "int32" }).requiresGrad = true), /only floating point/);
  });
});

describe("seeded randomness", () => {
  test("same seed, same numbers; a new draw differs", () => {
    tg.manualSeed(42);
    const a = tg.randn([100]).dataSync();
    const b = tg.rand([10]).dataSync();
    tg.manualSeed(42);
    assert.deepEqual(tg.randn([100]).dataSync(), a);
    assert.deepEqual(tg.rand([10]).dataSync(), b);
    assert.notDeepEqual(tg.randn([100]).dataSync(), a);
  });

  test("a Generator is independent of the global stream", () => {
    const g1 = new tg.Generator(7);
    const g2 = new tg.Generator(7);
    tg.randn([5]);
    assert.deepEqual(tg.rand([5], { generator: g1 }).dataSync(), tg.rand([5], { generator: g2 }).dataSync());
  });

  test("distributions have the right moments and ranges", () => {
    tg.manualSeed(0);
    const u = tg.rand([20000]);
    assert.ok(u.min().item() >= 0 && u.max().item() < 1);
    assert.ok(Math.abs(u.mean().item() - 0.5) < 0.01);
    const n = tg.randn([20000]);
    assert.ok(Math.abs(n.mean().item()) < 0.03);
    assert.ok(Math.abs(n.std().item() - 1) < 0.03);
    const r = tg.randint(-2, 3, [5000]);
    assert.equal(r.dtype, "int32");
    assert.equal(r.min().item(), -2);
    assert.equal(r.max().item(), 2);
    assert.equal(tg.randnLike(tg.zeros([3, 2])).shape.join(), "3,2");
    assert.equal(tg.randintLike(tg.zeros([4]), 0, 2).dtype, "float32"); // keeps the dtype, as torch.randint_like
    assert.equal(tg.randLike(tg.zeros([4], { dtype: "float64" })).dtype, "float64");
  });

  test("every backend draws the same numbers for the same seed", () => {
    const previous = tg.getBackend().name;
    const draws = tg.readyBackends().map((name) => {
      tg.setBackend(name);
      tg.manualSeed(3);
      return Array.from(tg.randn([50]).dataSync());
    });
    tg.setBackend(previous);
    for (const d of draws) assert.deepEqual(d, draws[0]);
  });
});

describe("views share storage", () => {
  test("reshape, transpose, slice and views of views see in-place writes", () => {
    const base = tg.arange(12).reshape(3, 4);
    const t = base.t(); // [4, 3]
    const s = t.slice(0, 1, 3); // rows 1..2 of the transpose: [2, 3]
    const v = s.select(1, 2); // [2]
    assert.equal(t.storage, base.storage);
    assert.equal(v.storage, base.storage);
    assert.deepEqual(v.tolist(), [9, 10]);
    assert.equal(t.isContiguous(), false);
    base.add_(100);
    assert.deepEqual(v.tolist(), [109, 110]);
    v.fill_(-1);
    assert.deepEqual(base.tolist(), [[100, 101, 102, 103], [104, 105, 106, 107], [108, -1, -1, 111]]);
  });

  test("reshape copies only when the layout cannot be viewed; view() refuses", () => {
    const x = tg.arange(6).reshape(2, 3);
    assert.equal(x.reshape(3, 2).storage, x.storage);
    const xt = x.t();
    const r = xt.reshape(6);
    assert.notEqual(r.storage, x.storage);
    assert.deepEqual(r.tolist(), [0, 3, 1, 4, 2, 5]);
    assert.throws(() => xt.view(6), /use \.reshape\(\)/);
    assert.deepEqual(xt.unsqueeze(0).shape, [1, 3, 2]);
    assert.equal(xt.unsqueeze(0).storage, x.storage);
  });

  test("expand is a stride-0 view; contiguous() materialises", () => {
    const x = tg.tensor([[1], [2]]);
    const e = x.expand(2, 3);
    assert.deepEqual(e.strides, [1, 0]);
    assert.deepEqual(e.tolist(), [[1, 1, 1], [2, 2, 2]]);
    const c = e.contiguous();
    assert.deepEqual(c.strides, [3, 1]);
    assert.equal(c.contiguous(), c);
  });

  test("detach shares storage but leaves the graph", () => {
    const x = tg.ones([2], { requiresGrad: true });
    const d = x.mul(2).detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.gradFn, null);
  });
});

describe("data access and printing", () => {
  test("item, tolist, dataSync, data", async () => {
    const x = tg.tensor([[1, 2], [3, 4]]);
    assert.deepEqual(Array.from(x.t().dataSync()), [1, 3, 2, 4]);
    assert.deepEqual(Array.from(await x.data()), [1, 2, 3, 4]);
    assert.equal(x.sum().item(), 10);
    assert.deepEqual(tg.tensor([true, false]).tolist(), [true, false]);
    assert.deepEqual(x.size(), [2, 2]);
    assert.equal(x.size(-1), 2);
    assert.equal(x.numel(), 4);
    assert.equal(x.dim(), 2);
  });

  test("toString follows PyTorch", () => {
    assert.equal(String(tg.tensor([[1, 2], [3, 4]])), "tensor([[1., 2.],\n        [3., 4.]])");
    assert.equal(String(tg.tensor([0.5, -1.25])), "tensor([ 0.5000, -1.2500])");
    assert.equal(String(tg.tensor([1e-5, 100])), "tensor([1.0000e-05, 1.0000e+02])");
    assert.equal(String(tg.tensor([1, 2], { dtype: "int32" })), "tensor([1, 2])");
    assert.equal(String(tg.tensor([true, false])), "tensor([ True, False])");
    assert.equal(String(tg.tensor(3.5)), "tensor(3.5000)");
    assert.equal(String(tg.tensor([NaN, Infinity, 1])), "tensor([nan, inf, 1.])");
    assert.equal(String(tg.zeros([0, 2])), "tensor([], size=(0, 2))");
    assert.equal(String(tg.ones([2], { requiresGrad: true })), "tensor([1., 1.], requires_grad=True)");
    assert.equal(String(tg.ones([2], { requiresGrad: true }).mul(2)), "tensor([2., 2.], grad_fn=<MulBackward0>)");
    assert.equal(String(tg.ones([1], { dtype: "float64" })), "tensor([1.], dtype=float64)");
    const big = String(tg.arange(2000));
    assert.equal(big, "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])");
    assert.equal(String(tg.arange(1000).reshape(10, 100).slice(1, 0, 2).slice(0, 0, 2)), "tensor([[  0.,   1.],\n        [100., 101.]])");
    assert.equal(String(tg.arange(8).reshape(2, 2, 2)), "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
  });
});
