/**
 * The elementwise maths and tests beyond their PyTorch fixtures: values PyTorch documents (signs of
 * fmod and remainder, infinities, NaNs), the tests' dtypes and shapes, and integer inputs.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const t = (data: number[]) => tg.tensor(data);

describe("elementwise maths", () => {
  test("rounding, remainders and division follow C and Python as PyTorch does", () => {
    const a = t([-7, 7, -7, 7]);
    const b = t([2, 2, -2, -2]);
    assert.deepEqual(a.fmod(b).tolist(), [-1, 1, -1, 1]); // the dividend's sign
    assert.deepEqual(a.remainder(b).tolist(), [1, 1, -1, -1]); // the divisor's sign
    assert.deepEqual(a.floorDivide(b).tolist(), [-4, 3, 3, -4]);
    assert.deepEqual(t([-2.5, 2.5, -0.5]).trunc().tolist(), [-2, 2, -0]);
    assert.deepEqual(tg.trunc(tg.tensor([3, -4], { dtype: "int32" })).dtype, "int32");
  });

  test("infinities and NaNs: isfinite/isinf, nanToNum, logaddexp, heaviside, xlogy", () => {
    const x = t([1, Infinity, -Infinity, NaN]);
    assert.deepEqual(x.isfinite().tolist(), [true, false, false, false]);
    assert.deepEqual(x.isinf().tolist(), [false, true, true, false]);
    assert.deepEqual([x.isposinf().tolist(), x.isneginf().tolist()], [[false, true, false, false], [false, false, true, false]]);
    assert.deepEqual(tg.isfinite(tg.tensor([1, 2], { dtype: "int32" })).tolist(), [true, true]);
    assert.deepEqual(x.nanToNum().tolist(), [1, 3.4028234663852886e38, -3.4028234663852886e38, 0]);
    assert.deepEqual(x.nanToNum({ nan: 7, posinf: 1, neginf: -1 }).tolist(), [1, 1, -1, 7]);
    assert.deepEqual(t([-Infinity, Infinity]).logaddexp(t([-Infinity, Infinity])).tolist(), [-Infinity, Infinity]);
    assert.deepEqual(t([-1.5, 0, 2]).heaviside(t([0.5])).tolist(), [0, 0.5, 1]);
    assert.deepEqual([...tg.xlogy(t([0, 0, 1]), t([0, NaN, 1])).dataSync()].map(String), ["0", "NaN", "0"]);
  });

  test("lerp is exact at its ends, with a number or a tensor weight", () => {
    const a = t([1e8, -3]);
    const b = t([1, 5]);
    assert.deepEqual(a.lerp(b, 1).tolist(), b.tolist());
    assert.deepEqual(a.lerp(b, 0).tolist(), a.tolist());
    assert.deepEqual(a.lerp(b, t([0, 1])).tolist(), [1e8, 5]);
  });
});

describe("tests and NaN-skipping reductions", () => {
  test("all, any and countNonzero, whole and along dims, bool and int results", () => {
    const x = tg.tensor([[1, 0, 2], [3, 4, 5]]);
    assert.deepEqual([x.all().tolist(), x.any().tolist()], [false, true]);
    assert.deepEqual(x.all(1).tolist(), [false, true]);
    assert.deepEqual(x.any(0, true).tolist(), [[true, true, true]]);
    assert.equal(x.all(1).dtype, "bool");
    assert.deepEqual(x.countNonzero().tolist(), 5);
    assert.deepEqual(x.countNonzero(1).tolist(), [2, 3]);
    assert.deepEqual([tg.all(tg.zeros([0])).tolist(), tg.any(tg.zeros([0])).tolist()], [true, false]);
    assert.deepEqual(x.gt(0).all(1).tolist(), [false, true]);
  });

  test("nansum and nanmean skip NaNs; nanmean of all-NaN is NaN", () => {
    const x = t([NaN, NaN]);
    assert.equal(x.nansum().item(), 0);
    assert.ok(Number.isNaN(x.nanmean().item()));
    assert.throws(() => tg.nanmean(tg.tensor([1, 2], { dtype: "int32" })), (e: unknown) => e instanceof tg.DTypeError && /nanmean: input must be floating point, got int32/.test((e as Error).message));
  });

  test("isclose, allclose and equal as PyTorch defines them", () => {
    const a = t([1, Infinity, NaN, 1e-9]);
    const b = t([1 + 1e-6, Infinity, NaN, 0]);
    assert.deepEqual(a.isclose(b).tolist(), [true, true, false, true]);
    assert.deepEqual(a.isclose(b, { equalNan: true }).tolist(), [true, true, true, true]);
    assert.equal(a.allclose(b), false);
    assert.equal(a.allclose(b, { equalNan: true }), true);
    assert.equal(t([1, 2]).allclose(t([1.1, 2]), { rtol: 0, atol: 0.2 }), true);
    assert.equal(tg.equal(t([1, 2]), t([1, 2])), true);
    assert.equal(tg.equal(t([1, 2]), tg.tensor([[1, 2]])), false);
  });
});

describe("scans", () => {
  test("integer and bool inputs accumulate as int32; long scans stay exact; errors are named", () => {
    assert.deepEqual(tg.tensor([true, false, true, true]).cumsum(0).tolist(), [1, 1, 2, 3]);
    assert.deepEqual(tg.tensor([1, 2, 3, 4], { dtype: "int32" }).cumprod(0).tolist(), [1, 2, 6, 24]);
    const n = 1000;
    const c = tg.ones([n]).cumsum(0).dataSync();
    assert.ok(c.every((v, i) => v === i + 1));
    assert.deepEqual(tg.tensor([true, true, false]).diff().tolist(), [false, true]);
    assert.deepEqual(tg.zeros([3, 0]).cumsum(1).shape, [3, 0]);
    assert.throws(() => tg.diff(t([1, 2]), -1), (e: unknown) => e instanceof tg.ValueError && /diff: n must be a non-negative integer/.test((e as Error).message));
    assert.throws(() => tg.trapezoid(t([1, 2, 3]), { x: t([0, 1]) }), (e: unknown) => e instanceof tg.ValueError && /trapezoid: 2 sample points for dim 0 of size 3/.test((e as Error).message));
  });
});

describe("sorting and counting", () => {
  test("unique's options, searchsorted on rows, bincount, histc's range, quantile's interpolations; errors", () => {
    const x = tg.tensor([2, 1, 2, 5]);
    const [values, inverse, counts] = tg.unique(x, { returnInverse: true, returnCounts: true }) as tg.Tensor[];
    assert.deepEqual([values!.tolist(), inverse!.tolist(), counts!.tolist()], [[1, 2, 5], [1, 0, 1, 2], [1, 2, 1]]);
    assert.deepEqual((tg.uniqueConsecutive(tg.tensor([1, 1, 2, 1]), { returnInverse: true }) as tg.Tensor[])[1]!.tolist(), [0, 0, 1, 2]);
    assert.deepEqual(tg.searchsorted(tg.tensor([1, 3, 5]), 3).tolist(), 1);
    assert.deepEqual(tg.bincount(tg.tensor([1, 1, 3], { dtype: "int32" })).tolist(), [0, 2, 0, 1]);
    assert.deepEqual(tg.histc(tg.tensor([1, 2, 2, 4]), { bins: 3 }).tolist(), [1, 2, 1]); // over the data's range [1, 4]
    assert.deepEqual(tg.tensor([1, 2, 3, 4]).quantile(0.5, 0, { interpolation: "lower" }).tolist(), 2);
    assert.deepEqual(tg.tensor([1, 2, 3, 4]).quantile(0.5, 0, { interpolation: "higher" }).tolist(), 3);
    assert.ok(Number.isNaN(tg.tensor([1, NaN, 3]).quantile(0.5).item()));
    assert.equal(tg.tensor([1, NaN, 3]).nanquantile(0.5).item(), 2);
    const throwsLike = (fn: () => unknown, type: new (...args: never[]) => Error, message: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof type && message.test((e as Error).message));
    throwsLike(() => tg.quantile(x, 1.5), tg.ValueError, /quantile: q must be in \[0, 1\], got 1.5/);
    throwsLike(() => tg.bincount(tg.tensor([-1, 2], { dtype: "int32" })), tg.ValueError, /bincount: input must be non-negative/);
    throwsLike(() => tg.bincount(x), tg.DTypeError, /bincount: input must be a 1-D integer tensor, got float32/);
    throwsLike(() => tg.searchsorted(tg.zeros([2, 3]), tg.zeros([3, 1])), tg.ShapeError, /leading dims of values \[3, 1\] must match those of the sorted sequence \[2, 3\]/);
    throwsLike(() => tg.histc(x, { min: 3, max: 1 }), tg.ValueError, /histc: max \(1\) must not be smaller than min \(3\)/);
  });
});

describe("transcendental functions", () => {
  test("accurate where the naive forms lose digits, PyTorch's values at the domain's edges", () => {
    const tiny = tg.tensor([1e-10, -1e-8], { dtype: "float64" });
    assert.deepEqual([...tiny.log1p().dataSync()].map((v, i) => Math.abs(v / Math.log1p([1e-10, -1e-8][i]!) - 1) < 1e-12), [true, true]);
    assert.deepEqual([...tiny.expm1().dataSync()].map((v, i) => Math.abs(v / Math.expm1([1e-10, -1e-8][i]!) - 1) < 1e-12), [true, true]);
    assert.deepEqual([...tg.tensor([1, -1, 2]).asin().dataSync()].map((v) => v.toFixed(5)), [Math.PI / 2, -Math.PI / 2, NaN].map((v) => v.toFixed(5)));
    assert.equal(tg.tensor([1]).acosh().item(), 0);
    assert.deepEqual(tg.tensor([1, -1]).atanh().tolist(), [Infinity, -Infinity]);
    assert.deepEqual([...tg.tensor([0, 0, 1]).atan2(tg.tensor([1, -1, 0])).dataSync()].map((v) => v.toFixed(5)), [0, Math.PI, Math.PI / 2].map((v) => v.toFixed(5)));
    assert.deepEqual(tg.tensor([-0, 0, -2]).signbit().tolist(), [true, false, true]);
    assert.deepEqual(tg.tensor([1, -2]).copysign(-0).tolist(), [-1, -2]);
    assert.equal(tg.tensor([100]).expm1().item(), Infinity);
    assert.throws(() => tg.logit(tg.tensor([0.5]), 0.7), (e: unknown) => e instanceof tg.ValueError && /logit: eps must be in \[0, 0.5\)/.test((e as Error).message));
  });

  test("the gamma family element by element: ±∞ or NaN beside a value leaves it exact; the limits at +∞ (PyTorch's values)", () => {
    // The recurrence's shift is sized by the smallest finite value; ±∞ and NaN once zeroed it for all.
    const x = tg.tensor([0.3, -12.25, -Infinity, NaN, Infinity], { dtype: "float64" });
    const close = (got: number[], want: number[]) => got.forEach((v, i) => assert.ok(Number.isNaN(want[i]!) ? Number.isNaN(v) : v === want[i] || Math.abs(v - want[i]!) < 1e-9 * Math.abs(want[i]!), `[${i}]: ${v}, expected ${want[i]}`));
    close(x.digamma().tolist() as number[], [-3.502524222200133, 5.6873799618363865, NaN, NaN, Infinity]);
    close(x.polygamma(1).tolist() as number[], [12.245364544940365, 19.66081754923644, NaN, NaN, 0]);
    close(x.polygamma(3).tolist() as number[], [743.1417646550497, 1558.5444945580357, NaN, NaN, 0]);
    assert.equal(tg.tensor([Infinity]).lgamma().item(), Infinity);
    // P(a, ∞) = 1 with x requiring its gradient too (the gradient's construction once made it ∞ − ∞).
    const xs = tg.tensor([Infinity, 2]).requiresGrad_();
    const p = tg.igamma(tg.tensor([4, 4]), xs);
    assert.deepEqual((p.tolist() as number[]).map((v) => Number(v.toFixed(6))), [1, 0.142877]);
    p.sum().backward();
    assert.deepEqual((xs.grad!.tolist() as number[]).map((v) => Number(v.toFixed(6))), [0, 0.180447]);
  });
});
