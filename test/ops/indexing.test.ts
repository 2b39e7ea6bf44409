/**
 * x.index(...) and x.set(...) against PyTorch on 80 random mixes of index kinds (integers, slices,
 * null, "...", broadcasting integer tensors, boolean masks) from tools/make_index_fixtures.py:
 * the values, the gradient of a read (duplicates add), writes, and index_put_'s accumulate; then
 * the forms and errors PyTorch users rely on.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, readFixture } from "../helpers.js";

interface Arr {
  shape: number[];
  data: number[];
}
type Item = { int: number } | { slice: [number | null, number | null, number] } | { none: true } | { ellipsis: true } | { tensor: Arr } | { mask: Arr };
interface Case {
  shape: number[];
  index: Item[];
  x: Arr;
  output: Arr;
  u: Arr;
  grad: Arr;
  value: Arr;
  written: Arr | null;
  accumulatedOnes: Arr | null;
}

const fixture = readFixture<{ cases: Case[] }>("indexing.json");
const float = (a: Arr) => tg.tensor(a.data, { shape: a.shape });
const item = (it: Item): tg.IndexItem => {
  if ("int" in it) return it.int;
  if ("slice" in it) return tg.slice(...it.slice);
  if ("none" in it) return null;
  if ("ellipsis" in it) return "...";
  if ("tensor" in it) return tg.tensor(it.tensor.data, { shape: it.tensor.shape, dtype: "int32" });
  return tg.tensor(it.mask.data, { shape: it.mask.shape, dtype: "int32" }).ne(0);
};

describe("indexing matches PyTorch on random index mixes", () => {
  fixture.cases.forEach((c, n) => {
    const label = c.index.map((it) => JSON.stringify(it).slice(1, 30)).join(", ");
    test(`case ${n}: x of shape [${c.shape}] indexed by ${label}`, () => {
      const x = float(c.x).requiresGrad_();
      const items = c.index.map(item);
      const y = x.index(...items);
      assertClose(y, c.output.data, { atol: 0, rtol: 0, shape: c.output.shape });
      y.mul(float(c.u)).sum().backward();
      assertClose(x.grad!, c.grad.data, { atol: 1e-6, rtol: 1e-6, shape: c.grad.shape });
      if (c.written) {
        const w = float(c.x);
        w.set(items, float(c.value));
        assertClose(w, c.written.data, { atol: 0, rtol: 0 });
      }
      if (c.accumulatedOnes) {
        const a = tg.zeros(c.shape);
        a.indexPut_(items as tg.Tensor[], 1, true);
        assertClose(a, c.accumulatedOnes.data, { atol: 0, rtol: 0 });
        assertClose(tg.zeros(c.shape).indexPut(items as tg.Tensor[], 1, true), c.accumulatedOnes.data, { atol: 0, rtol: 0 });
      }
    });
  });
});

describe("indexing", () => {
  const x = tg.arange(24).reshape(2, 3, 4);

  test("slice strings, tg.slice and basic indices give views", () => {
    const v = x.index(1, "1:", tg.slice(null, null, 2));
    assert.deepEqual(v.tolist(), [[16, 18], [20, 22]]);
    assert.equal(v.storage, x.storage);
    assert.deepEqual(x.index("...", -1).shape, [2, 3]);
    assert.deepEqual(x.index(null, 0, null).shape, [1, 1, 3, 4]);
    assert.deepEqual(x.index(":", "::2", "-2:").tolist(), [[[2, 3], [10, 11]], [[14, 15], [22, 23]]]);
  });

  test("writes: basic, advanced, masks, scalars and broadcast values; in place and refused in a graph", () => {
    const y = tg.zeros([3, 4]);
    y.set([1], 5);
    y.set([":", 0], tg.tensor([1, 2, 3]));
    y.set([y.gt(4)], -1);
    assert.deepEqual(y.tolist(), [[1, 0, 0, 0], [2, -1, -1, -1], [3, 0, 0, 0]]);
    const p = tg.zeros([2], { requiresGrad: true });
    assert.throws(() => p.set([0], 1), (e: unknown) => e instanceof tg.AutogradError && /set: cannot modify a tensor in place while gradients are recorded/.test((e as Error).message));
    tg.noGrad(() => p.set([0], 1));
    assert.deepEqual(p.tolist(), [1, 0]);
  });

  test("indexPut is differentiable in the tensor and the values; replaced positions pass no gradient to x", () => {
    const a = tg.ones([4], { requiresGrad: true });
    const v = tg.tensor([5, 7], { requiresGrad: true });
    const out = tg.indexPut(a, [tg.tensor([3, 1], { dtype: "int32" })], v);
    assert.deepEqual(out.tolist(), [1, 7, 1, 5]);
    out.mul(tg.tensor([1, 2, 3, 4])).sum().backward();
    assert.deepEqual(a.grad!.tolist(), [1, 0, 3, 0]);
    assert.deepEqual(v.grad!.tolist(), [4, 2]);
  });

  test("errors name the index, the dim and the size", () => {
    const throwsLike = (fn: () => unknown, type: new (...args: never[]) => Error, message: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof type && message.test((e as Error).message));
    throwsLike(() => x.index(0, 0, 0, 0), tg.IndexError, /too many indices for a tensor of 3 dims \(shape \[2, 3, 4\]\): the index uses 4/);
    throwsLike(() => x.index(2), tg.IndexError, /index 2 is out of bounds for dim 0 with size 2/);
    throwsLike(() => x.index(":", [0, 3]), tg.IndexError, /index 3 is out of bounds for dim 1 with size 3/);
    throwsLike(() => x.index("...", 0, "..."), tg.IndexError, /only have a single ellipsis/);
    throwsLike(() => x.index(tg.slice(null, null, -1)), tg.ValueError, /step must be greater than zero, got -1/);
    throwsLike(() => x.index("1:2:x"), tg.IndexError, /"1:2:x" has "x", which is not an integer/);
    throwsLike(() => x.index(tg.ones([3]).gt(0)), tg.IndexError, /the mask of shape \[3\] does not match the indexed dims of shape \[2\]/);
    throwsLike(() => x.index(tg.zeros([2])), tg.DTypeError, /tensors used as indices must be int32 or bool, got float32/);
    throwsLike(() => x.index([0, 1], ":", [0, 1, 2]), tg.ShapeError, /advanced indices/);
    throwsLike(() => tg.zeros([3]).set([[0, 1]], tg.ones([3])), tg.ShapeError, /set: shapes \[3\] and \[2\] cannot be broadcast together/);
  });
});

describe("indexing ops", () => {
  test("in-place forms, broadcasting and errors", () => {
    const x = tg.zeros([2, 3]);
    x.indexFill_(1, tg.tensor([0, 2], { dtype: "int32" }), 1);
    x.maskedFill_(x.eq(0), 5);
    assert.deepEqual(x.tolist(), [[1, 5, 1], [1, 5, 1]]);
    x.indexAdd_(0, tg.tensor([1, 1], { dtype: "int32" }), tg.ones([2, 3]));
    assert.deepEqual(x.tolist(), [[1, 5, 1], [3, 7, 3]]);
    x.scatter_(1, tg.tensor([[2], [0]], { dtype: "int32" }), 0);
    assert.deepEqual(x.tolist(), [[1, 5, 0], [0, 7, 3]]);
    // maskedSelect broadcasts the mask; takeAlongDim broadcasts the other dims.
    assert.deepEqual(tg.maskedSelect(tg.arange(6).reshape(2, 3), tg.tensor([true, false, true])).tolist(), [0, 2, 3, 5]);
    assert.deepEqual(tg.takeAlongDim(tg.arange(6).reshape(2, 3), tg.tensor([[2]], { dtype: "int32" }), 1).tolist(), [[2], [5]]);
    assert.throws(() => x.maskedSelect(tg.ones([2, 3])), (e: unknown) => e instanceof tg.DTypeError && /maskedSelect: mask must be a bool tensor, got float32/.test((e as Error).message));
    assert.throws(() => x.maskedScatter(x.ge(0), tg.ones([4])), (e: unknown) => e instanceof tg.ValueError && /the mask selects 6 elements, but source has only 4/.test((e as Error).message));
    assert.throws(() => x.indexAdd(0, tg.zeros([1, 1], { dtype: "int32" }), tg.ones([1, 3])), (e: unknown) => e instanceof tg.IndexError && /indexAdd: index must be 0-D or 1-D/.test((e as Error).message));
  });
});
