/** Hand-computed values for what the PyTorch fixtures do not cover: dtypes, ints, bools, indices. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

const i32 = (data: number[] | number[][]) => tg.tensor(data as number[], { dtype: "int32" });

describe("dtype promotion and integer maths", () => {
  test("int32 arithmetic stays int32; true division gives float32", () => {
    const a = i32([7, -7, 3]);
    const b = i32([2, 2, 3]);
    assert.equal(a.add(b).dtype, "int32");
    assert.deepEqual(a.mul(b).tolist(), [14, -14, 9]);
    assert.deepEqual(a.div(b).tolist(), [3.5, -3.5, 1]);
    assert.equal(a.div(b).dtype, "float32");
    assert.equal(a.add(1.5).dtype, "float32");
    assert.equal(a.add(2).dtype, "int32");
    assert.equal(a.add(tg.tensor([1.0, 2, 3])).dtype, "float32");
    assert.equal(tg.ones([1], { dtype: "float64" }).add(tg.ones([1])).dtype, "float64");
    assert.equal(tg.ones([1]).mul(2.5).dtype, "float32");
    assert.deepEqual(i32([2, 3]).pow(2).tolist(), [4, 9]);
    assert.equal(a.exp().dtype, "float32");
    assert.deepEqual(a.abs().tolist(), [7, 7, 3]);
    assert.deepEqual(a.neg().tolist(), [-7, 7, -3]);
    assert.deepEqual(i32([2147483647]).add(1).tolist(), [-2147483648]);
    assert.equal(a.sum().dtype, "int32");
    assert.deepEqual(tg.tensor([true, true, false]).sum().item(), 2);
  });

  test("casts truncate toward zero and bools are 0/1", () => {
    assert.deepEqual(tg.tensor([1.9, -1.9, 0.5]).int().tolist(), [1, -1, 0]);
    assert.deepEqual(tg.tensor([0, 2, -0.5]).bool().tolist(), [false, true, true]);
    assert.deepEqual(tg.tensor([true, false]).float().tolist(), [1, 0]);
    const x = tg.ones([2]);
    assert.equal(x.to("float32"), x);
  });

  test("comparisons and logical ops give bool", () => {
    const a = tg.tensor([1, 2, 3]);
    assert.deepEqual(a.gt(2).tolist(), [false, false, true]);
    assert.deepEqual(a.le(i32([2, 2, 2])).tolist(), [true, true, false]);
    assert.deepEqual(a.eq(2).tolist(), [false, true, false]);
    assert.deepEqual(a.ne(2).tolist(), [true, false, true]);
    assert.deepEqual(a.lt(2).logicalOr(a.ge(3)).tolist(), [true, false, true]);
    assert.deepEqual(a.gt(1).logicalAnd(a.lt(3)).tolist(), [false, true, false]);
    assert.deepEqual(a.gt(1).logicalXor(true).tolist(), [true, false, false]);
    assert.deepEqual(a.gt(1).logicalNot().tolist(), [true, false, false]);
    assert.deepEqual(tg.tensor([NaN, 1]).isnan().tolist(), [true, false]);
  });

  test("maximum and friends propagate NaN; round is half-to-even", () => {
    assert.ok(Number.isNaN(tg.maximum(tg.tensor([NaN]), tg.tensor([1])).item()));
    assert.ok(Number.isNaN(tg.tensor([1, NaN, 3]).max().item()));
    assert.deepEqual(tg.tensor([0.5, 1.5, 2.5, -0.5, -1.5]).round().tolist(), [0, 2, 2, -0, -2]);
    assert.deepEqual(i32([-3, 0, 5]).sign().tolist(), [-1, 0, 1]);
    assert.deepEqual(i32([-3, 0, 5]).clamp(-1, 2).tolist(), [-1, 0, 2]);
  });
});

describe("reductions with indices", () => {
  test("max/min along a dim return values and first indices", () => {
    const x = tg.tensor([[1, 5, 5], [7, 0, 7]]);
    const { values, indices } = x.max(1);
    assert.deepEqual(values.tolist(), [5, 7]);
    assert.deepEqual(indices.tolist(), [1, 0]);
    assert.equal(indices.dtype, "int32");
    const m = x.min(0, true);
    assert.deepEqual(m.values.tolist(), [[1, 0, 5]]);
    assert.deepEqual(m.indices.tolist(), [[0, 1, 0]]);
    const [v, i] = m; // destructures like PyTorch's named tuple
    assert.equal(v, m.values);
    assert.equal(i, m.indices);
    assert.equal(x.argmax().item(), 3);
    assert.deepEqual(x.argmin(1).tolist(), [0, 1]);
    assert.deepEqual(x.argmax(0, true).shape, [1, 3]);
  });

  test("sum/mean/prod/var over several dims, keepdim, and all", () => {
    const x = tg.arange(24).reshape(2, 3, 4);
    assert.equal(x.sum().item(), 276);
    assert.deepEqual(x.sum([0, 2]).tolist(), [60, 92, 124]);
    assert.deepEqual(x.sum(-1, true).shape, [2, 3, 1]);
    assertClose(x.mean([1, 2]), [5.5, 17.5]);
    assert.deepEqual(tg.tensor([[1, 2], [3, 4]]).prod(1).tolist(), [2, 12]);
    assertClose(tg.tensor([1, 2, 3, 4]).var(), [1.6666666]);
    assertClose(tg.tensor([1, 2, 3, 4]).var(0, false), [1.25]);
    assertClose(tg.tensor([1, 2, 3, 4]).std(), [Math.sqrt(5 / 3)]);
    assertClose(tg.tensor([1000, 1000]).logsumexp(0), [1000 + Math.log(2)]);
    assertClose(tg.tensor([-Infinity, -Infinity]).logsumexp(0), [-Infinity]);
    assert.equal(tg.tensor(5).sum().item(), 5);
  });

  test("softmax is stable for large logits and sums to one", () => {
    const p = tg.tensor([[1000, 1001, 1002], [-1000, 0, 1000]]).softmax(1);
    assertClose(p.sum(1), [1, 1]);
    assertClose(p.select(0, 0), [0.09003057, 0.24472847, 0.66524096]);
    assertClose(tg.tensor([[1000, 0]]).logSoftmax(1), [0, -1000]);
  });
});

describe("joins, splits and indexing", () => {
  test("cat promotes dtypes; stack adds a dim; split and chunk lengths", () => {
    assert.equal(tg.cat([i32([1]), tg.tensor([2.5])]).dtype, "float32");
    assert.deepEqual(tg.stack([tg.tensor([1, 2]), tg.tensor([3, 4])], 1).tolist(), [[1, 3], [2, 4]]);
    assert.deepEqual(tg.arange(7).split(3).map((t) => t.shape[0]), [3, 3, 1]);
    assert.deepEqual(tg.arange(7).chunk(3).map((t) => t.tolist()), [[0, 1, 2], [3, 4, 5], [6]]);
    assert.deepEqual(tg.arange(6).reshape(2, 3).split([1, 2], 1)[1]!.tolist(), [[1, 2], [4, 5]]);
  });

  test("gather, scatterAdd, indexSelect, maskedFill, oneHot", () => {
    const x = tg.tensor([[1, 2], [3, 4]]);
    assert.deepEqual(x.gather(1, i32([[0, 0], [1, 0]])).tolist(), [[1, 1], [4, 3]]);
    assert.deepEqual(tg.zeros([3]).scatterAdd(0, i32([0, 2, 0]), tg.tensor([1, 2, 3])).tolist(), [4, 0, 2]);
    assert.deepEqual(x.indexSelect(0, i32([1, 1, 0])).tolist(), [[3, 4], [3, 4], [1, 2]]);
    assert.throws(() => x.indexSelect(0, i32([-1])), /indexSelect: index -1 is out of bounds for dimension 0 with size 2/); // as PyTorch
    assert.deepEqual(x.maskedFill(tg.tensor([true, false]), 0).tolist(), [[0, 2], [0, 4]]);
    assert.deepEqual(tg.oneHot(i32([0, 2, 1])).tolist(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    assert.deepEqual(tg.oneHot(i32([1]), 4).tolist(), [[0, 1, 0, 0]]);
  });

  test("where with JS numbers and broadcasting; clamp with one side", () => {
    const c = tg.tensor([[true], [false]]);
    assert.deepEqual(tg.where(c, 1, 0).tolist(), [[1], [0]]);
    assert.deepEqual(tg.where(c, tg.tensor([1, 2]), -1).tolist(), [[1, 2], [-1, -1]]);
    assert.deepEqual(tg.tensor([-2, 0, 2]).clamp(null, 1).tolist(), [-2, 0, 1]);
    assert.deepEqual(tg.tensor([1, 2]).where(tg.tensor([true, false]), 9).tolist(), [1, 9]);
  });

  test("movement helpers", () => {
    const x = tg.arange(6).reshape(1, 2, 3);
    assert.deepEqual(x.squeeze().shape, [2, 3]);
    assert.deepEqual(x.squeeze(0).shape, [2, 3]);
    assert.deepEqual(x.squeeze(1).shape, [1, 2, 3]);
    assert.deepEqual(x.flatten().shape, [6]);
    assert.deepEqual(x.unflatten(2, [3, 1]).shape, [1, 2, 3, 1]);
    assert.deepEqual(x.permute([2, 0, 1]).shape, [3, 1, 2]);
    assert.deepEqual(x.transpose(-1, 0).shape, [3, 2, 1]);
    assert.deepEqual(x.reshape(-1, 2).shape, [3, 2]);
    assert.deepEqual(tg.tensor([1, 2]).repeat(2, 2).tolist(), [[1, 2, 1, 2], [1, 2, 1, 2]]);
    assert.deepEqual(tg.pad(tg.tensor([1, 2]), [1, 0], 9).tolist(), [9, 1, 2]);
    assert.deepEqual(tg.arange(10).slice(0, -3).tolist(), [7, 8, 9]);
    assert.deepEqual(tg.arange(10).slice(0, 2, 100, 4).tolist(), [2, 6]);
    assert.deepEqual(tg.arange(10).slice(0, 5, 2).shape, [0]);
    assert.deepEqual(tg.tensor([[1, 2], [3, 4]]).T.tolist(), [[1, 3], [2, 4]]);
    assert.deepEqual(tg.ones([2, 1]).expandAs(tg.zeros([3, 2, 4])).shape, [3, 2, 4]);
  });

  test("matmul shapes follow torch.matmul", () => {
    assert.deepEqual(tg.ones([3]).matmul(tg.ones([3])).shape, []);
    assert.deepEqual(tg.ones([2, 3]).matmul(tg.ones([3])).shape, [2]);
    assert.deepEqual(tg.ones([3]).matmul(tg.ones([5, 3, 4])).shape, [5, 4]);
    assert.deepEqual(tg.ones([7, 1, 2, 3]).matmul(tg.ones([5, 3, 4])).shape, [7, 5, 2, 4]);
    assert.deepEqual(i32([[1, 2]]).matmul(i32([[3], [4]])).tolist(), [[11]]);
    assert.deepEqual(tg.ones([2, 3]).mm(tg.ones([3, 2])).tolist(), [[3, 3], [3, 3]]);
  });
});
