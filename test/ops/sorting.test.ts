/**
 * sort, argsort, topk, kthvalue, median and aminmax against PyTorch 2.13's answers (computed with
 * torch and written here), on every backend: stable ties, NaN as the largest value, the lower
 * median, destructuring like PyTorch's named tuples, and gradients to the chosen elements.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { eachBackend, flat, onBackend } from "../helpers.js";

const nan = NaN;
const same = (t: tg.Tensor, expected: number[]) => assert.deepEqual(flat(t).map((v) => (Number.isNaN(v) ? "nan" : v)), expected.map((v) => (Number.isNaN(v) ? "nan" : v)));

eachBackend((backend) => {
  describe(`sorting (${backend})`, () => {
    test("sort and argsort: stable, NaN last ascending and first descending, any dim", () =>
      onBackend(backend, () => {
        const x = tg.tensor([[3, 1, 2, 1], [nan, 0, 5, -1]]);
        const [values, indices] = x.sort(1);
        same(values, [1, 1, 2, 3, -1, 0, 5, nan]);
        same(indices, [1, 3, 2, 0, 3, 1, 2, 0]);
        const down = x.sort(1, true);
        same(down.values, [3, 2, 1, 1, nan, 5, 0, -1]);
        same(down.indices, [0, 2, 1, 3, 0, 2, 1, 3]);
        same(x.t().sort(0).indices.t(), [1, 3, 2, 0, 3, 1, 2, 0]); // along dim 0 of the transpose
        same(tg.argsort(tg.tensor([2, 2, 1])), [2, 0, 1]);
      }));

    test("topk, kthvalue, median, aminmax as PyTorch gives them", () =>
      onBackend(backend, () => {
        const x = tg.tensor([[3, 1, 2, 1], [nan, 0, 5, -1]]);
        const [tv, ti] = x.topk(2, 1);
        same(tv, [3, 2, nan, 5]);
        same(ti, [0, 2, 0, 2]);
        const kth = x.kthvalue(2, 1);
        same(kth.values, [1, 0]);
        same(kth.indices, [3, 1]);
        const med = x.median(1);
        same(med.values, [1, nan]);
        same(med.indices, [3, 0]);
        same(tg.tensor([[4, 1, 3, 2]]).median(1).indices, [3]); // the lower of the two middle values
        assert.equal(tg.tensor([3, 1, 2, 1]).median().item(), 1);
        const m = tg.tensor([[3, 1, 2, 1, 3, 5], [2, 7, 7, 2, 9, 2]]).mode(1);
        same(m.values, [1, 2]);
        same(m.indices, [3, 5]);
        const [mv, mi] = tg.tensor([[4, 4, 1]]).mode(1);
        same(mv, [4]);
        same(mi, [1]);
        const [lo, hi] = tg.tensor([[3, 1, 2, 1]]).aminmax(1);
        same(lo, [1]);
        same(hi, [3]);
        assert.throws(() => x.topk(5, 1), /topk: k \(5\) must be an integer in \[0, 4\]/);
        assert.throws(() => x.kthvalue(0, 1), /kthvalue: k \(0\) must be in \[1, 4\]/);
      }));

    test("gradients flow to the chosen elements", () =>
      onBackend(backend, () => {
        const x = tg.tensor([[3, 1, 2], [0, 5, 4]], { requiresGrad: true });
        x.topk(2, 1).values.sum().backward();
        same(x.grad!, [1, 0, 1, 0, 1, 1]);
        x.grad = null;
        x.sort(1).values.mul(tg.tensor([1, 2, 3])).sum().backward();
        same(x.grad!, [3, 1, 2, 1, 3, 2]);
      }));
  });
});
