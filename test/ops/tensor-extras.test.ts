/**
 * The in-place twins, bitwise and bit-level ops, sampling, metadata helpers, fft helpers and the
 * linear-algebra errors: behaviour PyTorch fixtures cannot show (randomness, in-place writes,
 * refusals).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { IN_PLACE_TWINS } from "../../src/ops/tensor-inplace.js";

const f32 = (data: number[]) => tg.tensor(data);
const i32 = (data: number[]) => tg.tensor(data, { dtype: "int32" });
const close = (a: number[], b: number[], tol = 1e-6) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol, `element ${i}: ${v} vs ${b[i]}`));

describe("in-place twins", () => {
  test("every twin writes its method's result into the tensor and returns it", () => {
    const x = f32([0.3, 0.6, 0.9]);
    const out = tg.noGrad(() => x.clone().sqrt_());
    close(out.tolist() as number[], x.sqrt().tolist() as number[]);
    const y = x.clone();
    assert.equal(tg.noGrad(() => y.addcmul_(x, x, 2)), y);
    close(y.tolist() as number[], x.addcmul(x, x, 2).tolist() as number[]);
    const z = x.clone();
    tg.noGrad(() => z.clamp_(0.5, 0.7));
    close(z.tolist() as number[], [0.5, 0.6, 0.7]);
  });

  test("comparisons keep the tensor's dtype (0/1)", () => {
    const x = f32([1, 2, 3]);
    tg.noGrad(() => x.gt_(1.5));
    assert.equal(x.dtype, "float32");
    assert.deepEqual(x.tolist(), [0, 1, 1]);
  });

  test("each twin exists with its base method", () => {
    for (const name of IN_PLACE_TWINS) assert.equal(typeof (tg.Tensor.prototype as unknown as Record<string, unknown>)[`${name}_`], "function", name);
  });

  test("refuses to run while a gradient is recorded", () => {
    const x = tg.randn([3]).requiresGrad_();
    assert.throws(() => x.exp_(), tg.AutogradError);
  });
});

describe("bitwise and bit-level ops", () => {
  test("and, or, xor, not, shifts on int32 and bool", () => {
    assert.deepEqual(tg.bitwiseAnd(i32([12, 10]), i32([10, 6])).tolist(), [8, 2]);
    assert.deepEqual(tg.bitwiseOr(i32([12, -16]), 3).tolist(), [15, -13]);
    assert.deepEqual(tg.bitwiseXor(i32([5]), i32([3])).tolist(), [6]);
    assert.deepEqual(tg.bitwiseNot(i32([0, 5, -1])).tolist(), [-1, -6, 0]);
    assert.deepEqual(tg.bitwiseNot(tg.tensor([true, false])).tolist(), [false, true]);
    assert.deepEqual(tg.bitwiseAnd(tg.tensor([true, true]), tg.tensor([true, false])).tolist(), [true, false]);
    assert.deepEqual(tg.bitwiseLeftShift(i32([1, 3, 1]), i32([4, 1, 40])).tolist(), [16, 6, 0]);
    assert.deepEqual(tg.bitwiseRightShift(i32([-16, 16, -1]), i32([2, 2, 40])).tolist(), [-4, 4, -1]);
  });

  test("floats and bool shifts are refused", () => {
    assert.throws(() => tg.bitwiseAnd(f32([1]), f32([1])), tg.DTypeError);
    assert.throws(() => tg.bitwiseLeftShift(tg.tensor([true]), tg.tensor([true])), tg.DTypeError);
  });

  test("gcd, lcm, nextafter, frexp", () => {
    assert.deepEqual(tg.gcd(i32([12, -18, 0, 0]), i32([8, 12, 5, 0])).tolist(), [4, 6, 5, 0]);
    assert.deepEqual(tg.lcm(i32([4, -6, 0]), i32([6, 4, 3])).tolist(), [12, 12, 0]);
    assert.equal(tg.nextafter(f32([1]), 2).item(), 1 + 2 ** -23);
    assert.equal(tg.nextafter(tg.tensor([1], { dtype: "float64" }), 0).item(), 1 - 2 ** -53);
    assert.equal(tg.nextafter(f32([0]), -1).item(), -(2 ** -149));
    const { mantissa, exponent } = tg.frexp(tg.tensor([8, -0.375, 0, 5e-320], { dtype: "float64" }));
    assert.deepEqual((mantissa.tolist() as number[]).slice(0, 3), [0.5, -0.75, 0]);
    assert.deepEqual((exponent.tolist() as number[]).slice(0, 3), [4, -1, 0]);
    assert.equal((mantissa.tolist() as number[])[3]! * 2 ** (exponent.tolist() as number[])[3]!, 5e-320);
    assert.throws(() => tg.gcd(f32([1]), f32([2])), tg.DTypeError);
  });
});

describe("sampling", () => {
  test("bernoulli, normal, poisson, multinomial have the right moments and support", () => {
    tg.manualSeed(7);
    const b = tg.bernoulli(tg.full([20000], 0.3));
    assert.ok(Math.abs(b.mean().item() - 0.3) < 0.02);
    const n = tg.normal(tg.full([20000], 2), 0.5);
    assert.ok(Math.abs(n.mean().item() - 2) < 0.02 && Math.abs(n.std().item() - 0.5) < 0.02);
    for (const rate of [3, 40]) {
      const p = tg.poisson(tg.full([20000], rate));
      assert.ok(Math.abs(p.mean().item() - rate) < 0.05 * rate && Math.abs(p.var().item() - rate) < 0.1 * rate, `rate ${rate}`);
    }
    const m = tg.multinomial(f32([0, 1, 3]), 4000, true);
    const counts = tg.bincount(m, { minlength: 3 }).tolist() as number[];
    assert.equal(counts[0], 0);
    assert.ok(Math.abs(counts[2]! / 4000 - 0.75) < 0.03);
    const distinct = tg.multinomial(tg.ones([2, 5]), 5).sort(1).values.tolist();
    assert.deepEqual(distinct, [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4]]);
    assert.throws(() => tg.multinomial(f32([1, 0]), 2), tg.ValueError);
  });

  test("the in-place fills draw from the generator, and a seed repeats them", () => {
    const draw = () => {
      tg.manualSeed(3);
      return tg.noGrad(() => [tg.zeros([4]).uniform_(2, 3), tg.zeros([4]).exponential_(2), tg.zeros([4]).random_(0, 5)]).map((t) => t.tolist());
    };
    const [u, e, r] = draw();
    assert.deepEqual(draw(), [u, e, r]);
    assert.ok((u as number[]).every((v) => v >= 2 && v < 3));
    assert.ok((e as number[]).every((v) => v > 0));
    assert.ok((r as number[]).every((v) => Number.isInteger(v) && v >= 0 && v < 5));
  });

  test("rng state round-trips", () => {
    tg.manualSeed(11);
    const state = tg.getRngState();
    const a = tg.rand([3]).tolist();
    tg.setRngState(state);
    assert.deepEqual(tg.rand([3]).tolist(), a);
    assert.equal(tg.initialSeed(), 11);
  });
});

describe("metadata and helpers", () => {
  test("dtype and shape helpers", () => {
    const x = tg.zeros([2, 3]);
    assert.equal(x.isFloatingPoint(), true);
    assert.equal(x.long().dtype, "int32");
    assert.equal(x.elementSize(), 4);
    assert.deepEqual(x.stride(), [3, 1]);
    assert.equal(x.t().stride(0), 1);
    assert.deepEqual(x.newOnes([2]).tolist(), [1, 1]);
    assert.deepEqual(tg.ones([2, 3, 4]).sumToSize([3, 1]).tolist(), [[8], [8], [8]]);
    assert.equal(x.type(), "float32");
    assert.equal(tg.zeros([1], { dtype: tg.float64 }).dtype, tg.float64);
    assert.deepEqual(Array.from(tg.tensor([[1, 2], [3, 4]]).t().toArray()), [1, 3, 2, 4]);
    assert.equal(tg.numel(x), 6);
    assert.equal(tg.isTensor(x), true);
    assert.equal(tg.canCast("float32", "int32"), false);
    assert.deepEqual(tg.isin(i32([1, 2, 3]), i32([2, 5])).tolist(), [false, true, false]);
    // NaN occurs nowhere (PyTorch: NaN ≠ NaN); −0 is 0; numbers on either side; invert; an empty pool.
    assert.deepEqual(tg.isin(tg.tensor([1.5, NaN, 2, -0]), tg.tensor([0, NaN, 2])).tolist(), [false, false, true, true]);
    assert.deepEqual(tg.isin(tg.tensor([[1, 2], [3, 2]], { dtype: "int32" }), 2, { invert: true }).tolist(), [[true, false], [true, false]]);
    assert.deepEqual(tg.isin(3, i32([1, 3])).tolist(), true);
    assert.deepEqual(tg.isin(i32([1, 2]), i32([])).tolist(), [false, false]);
    assert.throws(() => tg.isNonzero(tg.zeros([2])), tg.ValueError);
  });

  test("fillDiagonal_ (wrap) and detach_", () => {
    assert.deepEqual(tg.zeros([5, 2]).fillDiagonal_(1, true).tolist(), [[1, 0], [0, 1], [0, 0], [1, 0], [0, 1]]);
    const y = tg.randn([2]).requiresGrad_().mul(2);
    y.detach_();
    assert.equal(y.requiresGrad, false);
    assert.equal(y.isLeaf, true);
  });

  test("histogram matches NumPy's (last bin closed, densities)", () => {
    const [hist, edges] = tg.histogram(f32([0, 0.5, 1, 1, 2]), 4);
    assert.deepEqual(hist.tolist(), [1, 1, 2, 1]);
    close(edges.tolist() as number[], [0, 0.5, 1, 1.5, 2]);
    const [density] = tg.histogram(f32([0, 0.5, 1, 1, 2]), 4, { density: true });
    close(density.tolist() as number[], [0.4, 0.4, 0.8, 0.4]);
  });

  test("histogramdd matches NumPy's; emptyPermuted/emptyStrided lay memory out as asked", () => {
    const x = tg.tensor([[0, 0.5], [1, 1], [0.2, 0.9], [0.9, 0.1], [0.5, 0.5]]);
    assert.deepEqual(tg.histogramdd(x, [2, 3])[0].tolist(), [[0, 1, 1], [1, 1, 1]]);
    close(tg.histogramdd(x, [2, 2], { range: [0, 1, 0, 1], density: true })[0].flatten().tolist() as number[], [0, 1.6, 0.8, 1.6], 1e-6);
    assert.deepEqual(tg.emptyPermuted([2, 3, 4], [0, 2, 1]).strides, [12, 1, 3]);
    assert.deepEqual(tg.emptyStrided([2, 3], [1, 2]).strides, [1, 2]);
    assert.throws(() => tg.emptyStrided([2, 3], [5, 1]), /dense layout/);
  });

  test("fft's frequencies and shifts", () => {
    close(tg.fft.fftfreq(5, 0.5).tolist() as number[], [0, 0.4, 0.8, -0.8, -0.4]);
    close(tg.fft.rfftfreq(4).tolist() as number[], [0, 0.25, 0.5]);
    assert.deepEqual(tg.fft.fftshift(i32([0, 1, 2, -2, -1])).tolist(), [-2, -1, 0, 1, 2]);
    assert.deepEqual(tg.fft.ifftshift(tg.fft.fftshift(i32([0, 1, 2, 3, 4]))).tolist(), [0, 1, 2, 3, 4]);
  });
});

describe("linear algebra's _ex forms report failures as info (LAPACK's index) instead of throwing", () => {
  test("invEx, choleskyEx, luFactorEx, solveEx", () => {
    const a = tg.tensor([[[1, 2], [2, 4]], [[2, 0], [0, 3]]]);
    const { inverse, info } = tg.linalg.invEx(a);
    assert.deepEqual(info.tolist(), [2, 0]);
    assert.deepEqual((inverse.select(0, 1).tolist() as number[][])[0], [0.5, 0]);
    assert.ok(Number.isNaN((inverse.select(0, 0).tolist() as number[][])[0]![0]!));
    assert.deepEqual(tg.linalg.choleskyEx(tg.tensor([[[1, 2], [2, 1]], [[4, 0], [0, 1]]])).info.tolist(), [2, 0]);
    assert.deepEqual(tg.linalg.luFactorEx(a).info.tolist(), [2, 0]);
    assert.deepEqual(tg.linalg.solveEx(a, tg.tensor([[1, 1], [1, 1]])).info.tolist(), [2, 0]);
  });

  test("igamma refuses a gradient with respect to a, as PyTorch", () => {
    assert.throws(() => tg.igamma(tg.ones([2]).requiresGrad_(), tg.ones([2])), /with respect to a/);
  });
});

describe("linear algebra's errors", () => {
  test("a singular matrix: inv and solve refuse it, det is 0", () => {
    const s = f32([1, 2, 2, 4]).reshape([2, 2]);
    assert.throws(() => tg.linalg.inv(s), /singular/);
    assert.throws(() => tg.linalg.solve(s, f32([1, 1])), /singular/);
    assert.equal(Math.abs(tg.linalg.det(s).item()), 0);
  });

  test("cholesky names the failing leading minor; shapes and dtypes are checked", () => {
    assert.throws(() => tg.linalg.cholesky(f32([1, 2, 2, 1]).reshape([2, 2])), /leading minor of order 2/);
    assert.throws(() => tg.linalg.inv(tg.zeros([2, 3])), tg.ShapeError);
    assert.throws(() => tg.linalg.det(tg.zeros([2, 2], { dtype: "int32" })), tg.DTypeError);
  });

  test("matrixExp squares each matrix of a batch as its own norm needs: a NaN matrix beside it, an empty batch", () => {
    const decaying = tg.tensor([[-20, 1], [0, -20]]);
    const alone = tg.linalg.matrixExp(decaying);
    const batch = tg.linalg.matrixExp(tg.stack([tg.tensor([[NaN, 0], [0, 1]]), decaying]));
    assert.ok(tg.allclose(batch.select(0, 1), alone, { rtol: 1e-6, atol: 0 }), "the finite matrix keeps its squarings");
    assert.ok(batch.select(0, 0).isnan().all().item(), "the NaN matrix gives NaN");
    assert.deepEqual(tg.linalg.matrixExp(tg.zeros([0, 3, 3])).shape, [0, 3, 3]);
  });
});
