/**
 * Behaviour the PyTorch fixtures cannot show for the 3-D layers, resampling, bags, CTC and the
 * Gumbel-softmax: returnIndices, sampling statistics, fresh fractional windows, and errors.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { nn } = tg;
const F = nn.functional;
const ints = (data: number[]) => tg.tensor(data, { dtype: "int32" });

describe("pools with returnIndices", () => {
  test("MaxPool1d/2d/3d and the adaptive max pools return [values, indices] when asked", () => {
    const x = tg.randn([1, 2, 4, 4, 4]);
    const [v3, i3] = new nn.MaxPool3d(2, { returnIndices: true }).forward(x);
    assert.deepEqual(v3.shape, [1, 2, 2, 2, 2]);
    assert.deepEqual(i3.dtype, "int32");
    assert.deepEqual(F.maxUnpool3d(v3, i3, 2).shape, [1, 2, 4, 4, 4]);
    const [v2, i2] = new nn.MaxPool2d(2, { returnIndices: true }).forward(x.select(2, 0));
    assert.deepEqual([v2.shape, i2.shape], [[1, 2, 2, 2], [1, 2, 2, 2]]);
    assert.deepEqual(new nn.MaxPool1d(2, { returnIndices: true }).forward(x.select(2, 0).select(2, 0))[1].shape, [1, 2, 2]);
    assert.ok(new nn.MaxPool2d(2).forward(x.select(2, 0)) instanceof tg.Tensor);
    assert.equal(new nn.AdaptiveMaxPool2d(2, { returnIndices: true }).forward(x.select(2, 0)).length, 2);
  });

  test("fractional max pooling draws new windows each call, and a seed repeats them", () => {
    const pool = new nn.FractionalMaxPool2d(2, { outputSize: 5 });
    const x = tg.randn([1, 4, 12, 12]);
    tg.manualSeed(5);
    const a = pool.forward(x).tolist();
    const b = pool.forward(x).tolist();
    tg.manualSeed(5);
    assert.deepEqual(pool.forward(x).tolist(), a);
    assert.notDeepEqual(a, b);
  });
});

describe("Gumbel-softmax", () => {
  test("soft samples are distributions; hard samples are one-hot with the soft gradient", () => {
    tg.manualSeed(1);
    const logits = tg.tensor([[1, 0, -1]]).requiresGrad_();
    const soft = F.gumbelSoftmax(logits, { tau: 0.5 });
    assert.ok(Math.abs(soft.sum().item() - 1) < 1e-6);
    const hard = F.gumbelSoftmax(logits, { hard: true });
    assert.deepEqual((hard.tolist() as number[][])[0]!.sort(), [0, 0, 1]);
    hard.mul(tg.tensor([[1, 2, 3]])).sum().backward();
    assert.ok(logits.grad && logits.grad.abs().sum().item() > 0);
  });

  test("the argmax of a sample follows softmax(logits)", () => {
    tg.manualSeed(2);
    const logits = tg.tensor([0, 1, 2]).log(); // probabilities ∝ 0, 1, 2 (log 0 = −∞ never wins)
    const counts = [0, 0, 0];
    const draws = F.gumbelSoftmax(logits.unsqueeze(0).expand(3000, 3), { hard: true }).argmax(1).tolist() as number[];
    for (const k of draws) counts[k]!++;
    assert.equal(counts[0], 0);
    assert.ok(Math.abs(counts[2]! / 3000 - 2 / 3) < 0.04, `counts ${counts}`);
  });
});

test("linearCrossEntropy is crossEntropy of the linear map's logits", () => {
  const [x, w, b] = [tg.randn([5, 3]), tg.randn([4, 3]), tg.randn([4])];
  const t = tg.tensor([0, 3, 1, 1, 2], { dtype: "int32" });
  const direct = F.crossEntropy(F.linear(x, w, b), t, { labelSmoothing: 0.1 }).item();
  assert.ok(Math.abs(F.linearCrossEntropy(x, w, t, { linearBias: b, labelSmoothing: 0.1 }).item() - direct) < 1e-6);
});

test("AdaptiveLogSoftmaxWithLoss: logProb sums to 1 per row, predict is its argmax, targets are checked", () => {
  const asm = new nn.AdaptiveLogSoftmaxWithLoss(5, 9, [2, 6]);
  const x = tg.randn([4, 5]);
  const lp = asm.logProb(x);
  assert.ok(lp.exp().sum(1).sub(1).abs().max().item() < 1e-5);
  assert.deepEqual(asm.predict(x).tolist(), lp.argmax(1).tolist());
  const { output } = asm.forward(x, ints([0, 3, 8, 6]));
  assert.ok(output.sub(lp.gather(1, ints([0, 3, 8, 6]).unsqueeze(1)).squeeze(1)).abs().max().item() < 1e-5);
  assert.throws(() => asm.forward(x, ints([0, 9, 1, 1])), /should be in \[0, 8\]/);
  assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(5, 9, [6, 2]), /sorted in an increasing order/);
});

describe("errors name what is wrong", () => {
  test("interpolate: a mode on the wrong rank, both size and scaleFactor", () => {
    assert.throws(() => F.interpolate(tg.zeros([1, 1, 4]), { size: 8, mode: "bilinear" }), /needs a 4-D input/);
    assert.throws(() => F.interpolate(tg.zeros([1, 1, 4, 4]), { size: 8, scaleFactor: 2 }), /either size or scaleFactor/);
    assert.throws(() => F.interpolate(tg.zeros([1, 1, 4, 4]), { size: 8, mode: "nearest", alignCorners: true }), /alignCorners/);
  });

  test("gridSample and affineGrid check shapes", () => {
    assert.throws(() => F.gridSample(tg.zeros([1, 2, 4, 4]), tg.zeros([1, 3, 3, 3])), tg.ShapeError);
    assert.throws(() => F.affineGrid(tg.zeros([2, 3, 3]), [2, 1, 4, 4]), tg.ShapeError);
    assert.throws(() => F.gridSample(tg.zeros([1, 2, 4, 4, 4]), tg.zeros([1, 2, 2, 2, 3]), { mode: "bicubic" }), /bicubic/);
  });

  test("embeddingBag: offsets must start at 0 and increase; weights only for sum", () => {
    const w = tg.randn([5, 2]);
    assert.throws(() => F.embeddingBag(ints([1, 2]), w, { offsets: ints([1]) }), /start at 0/);
    assert.throws(() => F.embeddingBag(ints([1, 2, 3]), w, { offsets: ints([0, 3, 1]) }), /increase/);
    assert.throws(() => F.embeddingBag(tg.tensor([[1, 2]], { dtype: "int32" }), w, { perSampleWeights: tg.ones([2]) }), /only supported for mode 'sum'/);
    assert.deepEqual(F.embeddingBag(ints([1, 2]), w, { offsets: ints([0, 2]), mode: "sum" }).select(0, 1).tolist(), [0, 0]); // an empty bag
  });

  test("ctcLoss: labels, blanks and lengths are checked", () => {
    const lp = tg.randn([5, 1, 4]).logSoftmax(2);
    assert.throws(() => F.ctcLoss(lp, ints([1, 0]), [5], [2]), /other than blank/);
    assert.throws(() => F.ctcLoss(lp, ints([1, 7]), [5], [2]), /class in \[0, 4\)/);
    assert.throws(() => F.ctcLoss(lp, ints([1, 2]), [6], [2]), /input length 6/);
    assert.equal(F.ctcLoss(lp, ints([1, 1, 1]), [2], [3], { reduction: "sum" }).item(), Infinity);
  });

  test("conv3d and the 3-D pools check ranks and kernel fit", () => {
    assert.throws(() => F.conv3d(tg.zeros([1, 2, 3, 3]), tg.zeros([2, 2, 2, 2, 2])), /conv3d: expected input with 2 channels/);
    assert.throws(() => F.conv3d(tg.zeros([2, 3, 3]), tg.zeros([2, 2, 2, 2, 2])), /5-D/);
    assert.throws(() => new nn.Conv3d(2, 2, 3).forward(tg.zeros([1, 3, 4, 4, 4])), /expected input \[N, 2, D, H, W\]/);
    assert.throws(() => F.maxPool3d(tg.zeros([1, 1, 2, 2, 2]), 3), /too small/);
    assert.throws(() => new nn.ConvTranspose3d(2, 2, 3, { paddingMode: "reflect" }), /zeros/);
  });
});
