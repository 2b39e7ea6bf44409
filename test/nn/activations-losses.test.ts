/**
 * The activations, rearranging layers and margin/likelihood losses beyond their PyTorch fixtures
 * (test/nn/pytorch-parity): RReLU's random slopes, module names and parameters, and errors.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { nn } = tg;
const F = nn.functional;
const throwsLike = (fn: () => unknown, type: new (...args: never[]) => Error, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof type && message.test((e as Error).message));

describe("activations and layers", () => {
  test("RReLU draws each negative element's slope from U(lower, upper) in training, seeded; their mean in evaluation", () => {
    const x = tg.full([1000], -1);
    tg.manualSeed(3);
    const a = new nn.RReLU(0.1, 0.3).forward(x);
    tg.manualSeed(3);
    const b = new nn.RReLU(0.1, 0.3).forward(x);
    assert.deepEqual(a.tolist(), b.tolist());
    const slopes = a.neg().dataSync();
    assert.ok(slopes.every((s) => s >= 0.1 && s <= 0.3));
    assert.ok(Math.abs(a.neg().mean().item() - 0.2) < 0.01);
    assert.deepEqual([...new nn.RReLU(0.1, 0.3).eval().forward(tg.tensor([-2, 3])).dataSync()].map((v) => Number(v.toFixed(5))), [-0.4, 3]);
  });

  test("layers print as PyTorch's and hold PyTorch's parameters", () => {
    assert.equal(String(new nn.Mish()), "Mish()");
    assert.equal(String(new nn.Hardtanh(-2, 2)), "Hardtanh(min_val=-2, max_val=2)");
    assert.equal(String(new nn.ZeroPad2d(1)), "ZeroPad2d(padding=(1, 1, 1, 1))");
    assert.deepEqual(new nn.PReLU(4).parameters().map((p) => p.shape), [[4]]);
    assert.deepEqual(new nn.RMSNorm([2, 3]).parameters().map((p) => p.shape), [[2, 3]]);
    assert.equal(new nn.RMSNorm(3, { elementwiseAffine: false }).parameters().length, 0);
    assert.deepEqual(new nn.PixelShuffle(3).forward(tg.zeros([2, 18, 4, 5])).shape, [2, 2, 12, 15]);
  });

  test("errors name the op and what is wrong", () => {
    throwsLike(() => F.glu(tg.zeros([2, 3])), tg.ShapeError, /glu: dim 1 must have an even size to halve, got 3/);
    throwsLike(() => F.prelu(tg.zeros([2, 3]), tg.zeros([2])), tg.ShapeError, /prelu: 2 slopes for 3 channels/);
    throwsLike(() => F.hardtanh(tg.zeros([2]), 1, -1), tg.ValueError, /hardtanh: minVal \(1\) must not exceed maxVal \(-1\)/);
    throwsLike(() => F.softshrink(tg.zeros([2]), -1), tg.ValueError, /softshrink: lambd must be non-negative/);
    throwsLike(() => F.pixelShuffle(tg.zeros([1, 3, 2, 2]), 2), tg.ShapeError, /pixelShuffle: expects \[\*, C·4, H, W\]/);
    throwsLike(() => F.pixelUnshuffle(tg.zeros([1, 1, 3, 2]), 2), tg.ShapeError, /H and W divisible by 2/);
    throwsLike(() => F.channelShuffle(tg.zeros([1, 3, 2]), 2), tg.ShapeError, /channelShuffle: 2 groups must divide the 3 channels/);
    throwsLike(() => F.pdist(tg.zeros([2, 3, 4])), tg.ShapeError, /pdist: the input must be an \[N, M\] matrix/);
    // A JavaScript caller (no types) can leave the value out.
    const Untyped = nn.ConstantPad2d as unknown as new (padding: number) => unknown;
    throwsLike(() => new Untyped(1), tg.ValueError, /ConstantPad2d: give the padding and the value/);
    throwsLike(() => new nn.ZeroPad1d([1, 2, 3]), tg.ValueError, /ZeroPad1d: padding must be one number or 2 numbers, got 3/);
  });
});

describe("padding modes and in-place activations", () => {
  test("F.pad's modes, as PyTorch lays them out, and their errors", () => {
    const x = tg.arange(4).reshape(1, 1, 4).float();
    assert.deepEqual(F.pad(x, [2, 1], "reflect").tolist(), [[[2, 1, 0, 1, 2, 3, 2]]]);
    assert.deepEqual(F.pad(x, [2, 1], "replicate").tolist(), [[[0, 0, 0, 1, 2, 3, 3]]]);
    assert.deepEqual(F.pad(x, [2, 1], "circular").tolist(), [[[2, 3, 0, 1, 2, 3, 0]]]);
    assert.deepEqual(F.pad(x, [1, 1], 9).tolist(), [[[9, 0, 1, 2, 3, 9]]]); // the value as third argument still works
    assert.throws(() => F.pad(x, [4, 0], "reflect"), (e: unknown) => e instanceof tg.ShapeError && /reflect padding of 4 needs dim 2 larger than that, got 4/.test((e as Error).message));
    assert.throws(() => F.pad(x, [1, 1], "wrap" as "reflect"), (e: unknown) => e instanceof tg.ValueError && /mode must be constant, reflect, replicate or circular/.test((e as Error).message));
    assert.throws(() => new nn.ConvTranspose2d(1, 1, 3, { paddingMode: "reflect" }), /only paddingMode 'zeros' is supported/);
    assert.equal(String(new nn.Conv1d(1, 1, 3, { padding: 1, paddingMode: "circular" })), "Conv1d(1, 1, kernel_size=(3,), stride=(1,), padding=(1,), padding_mode=circular)");
  });

  test("in-place activations write into their input, outside a recorded graph", () => {
    const x = tg.tensor([-1, 0.5, 2]);
    F.relu_(x);
    assert.deepEqual(x.tolist(), [0, 0.5, 2]);
    F.hardtanh_(x, 0, 1);
    assert.deepEqual(x.tolist(), [0, 0.5, 1]);
    const p = tg.tensor([-1], { requiresGrad: true });
    assert.throws(() => F.elu_(p), (e: unknown) => e instanceof tg.AutogradError);
  });
});

describe("margin and likelihood losses", () => {
  test("multiMarginLoss on one sample [C] is a scalar, as PyTorch", () => {
    assert.deepEqual(F.multiMarginLoss(tg.tensor([0.1, 0.2, 0.4, 0.8]), tg.tensor(3, { dtype: "int32" })).shape, []);
  });

  test("gaussianNllLoss takes var of the input's shape, one dim fewer, or a last dim of 1", () => {
    const x = tg.zeros([4, 3]);
    for (const v of [tg.ones([4, 3]), tg.ones([4]), tg.ones([4, 1])]) assert.equal(F.gaussianNllLoss(x, x, v, { reduction: "none" }).shape.join(), "4,3");
    throwsLike(() => F.gaussianNllLoss(x, x, tg.ones([3])), tg.ShapeError, /gaussianNllLoss: var of shape \[3\] does not fit the input's \[4, 3\]/);
    throwsLike(() => F.gaussianNllLoss(x, x, tg.full([4, 3], -1)), tg.ValueError, /var has negative entries/);
  });

  test("errors name the loss and what is wrong", () => {
    throwsLike(() => F.multiMarginLoss(tg.zeros([2, 3]), tg.tensor([0, 1], { dtype: "int32" }), { p: 3 as 1 }), tg.ValueError, /multiMarginLoss: p must be 1 or 2, got 3/);
    throwsLike(() => F.softMarginLoss(tg.zeros([2, 3]), tg.zeros([3])), tg.ShapeError, /softMarginLoss: target of shape \[3\] must have the input's shape \[2, 3\]/);
    throwsLike(() => F.marginRankingLoss(tg.zeros([2], { dtype: "int32" }), tg.zeros([2]), tg.ones([2])), tg.DTypeError, /marginRankingLoss: input must be floating point/);
  });
});

describe("dropouts, instance norm and parameter containers", () => {
  test("Dropout1d/3d zero whole channels (batched or not); evaluation is the identity", () => {
    tg.manualSeed(1);
    const x = tg.ones([4, 8, 5]);
    const y = F.dropout1d(x, 0.5);
    const perChannel = y.amax(2).sub(y.amin(2)).abs().sum().item();
    assert.equal(perChannel, 0); // each channel all 0 or all 2
    assert.deepEqual([...new Set(y.dataSync())].sort(), [0, 2]);
    assert.deepEqual(F.dropout1d(tg.ones([8, 5]), 0.5).shape, [8, 5]);
    assert.deepEqual(F.dropout3d(tg.ones([3, 2, 2, 2]), 0.5).shape, [3, 2, 2, 2]);
    const m = new nn.Dropout3d(0.9).eval();
    const z = tg.randn([1, 2, 2, 2, 2]);
    assert.equal(m.forward(z), z);
    assert.throws(() => F.dropout1d(tg.ones([2, 3, 4, 5])), (e: unknown) => e instanceof tg.ShapeError && /dropout1d: expected a 2-D \(unbatched\) or 3-D input/.test((e as Error).message));
  });

  test("AlphaDropout keeps SELU activations' mean 0 and variance 1, and sends dropped elements to one value", () => {
    tg.manualSeed(2);
    const x = F.selu(tg.randn([200000]));
    const y = F.alphaDropout(x, 0.2, true);
    const mean = y.mean().item();
    const variance = y.var().item();
    assert.ok(Math.abs(mean - x.mean().item()) < 0.01 && Math.abs(variance - x.var().item()) < 0.02, `mean ${mean}, variance ${variance}`);
    const a = 1 / Math.sqrt((1.7580993408473766 ** 2 * 0.2 + 1) * 0.8);
    const dropped = 1.7580993408473766 * a * (0.2 - 1);
    const share = y.sub(dropped).abs().lt(1e-6).float().mean().item();
    assert.ok(Math.abs(share - 0.2) < 0.01, `${share} of the elements were dropped`);
    assert.equal(new nn.AlphaDropout(0.2).eval().forward(x), x);
    const f = F.featureAlphaDropout(tg.ones([3, 6, 4]), 0.5, true);
    assert.equal(f.amax(2).sub(f.amin(2)).abs().sum().item(), 0); // whole channels
  });

  test("InstanceNorm: per-sample statistics; with running statistics, evaluation uses them", () => {
    const m = new nn.InstanceNorm1d(2, { trackRunningStats: true, momentum: 1 });
    const x = tg.tensor([[[1, 2, 3], [4, 6, 8]], [[3, 4, 5], [0, 0, 6]]]);
    const y = m.forward(x);
    assertClose(y.mean(2), [0, 0, 0, 0], 1e-6);
    // momentum 1: the running mean is the mean of the samples' means.
    assertClose(m.getBuffer("running_mean")!, [3, 4], 1e-6);
    m.eval();
    assertClose(m.forward(tg.full([1, 2, 3], 3)).select(0, 0).select(0, 0), [0, 0, 0], 1e-3);
    assert.throws(() => new nn.InstanceNorm2d(3, { affine: true }).forward(tg.zeros([2, 4, 3, 3])), (e: unknown) => e instanceof tg.ShapeError && /InstanceNorm2d\(3\) expected a 4-D input/.test((e as Error).message));
  });

  test("ParameterList and ParameterDict register their parameters under PyTorch's names", () => {
    class Holder extends nn.Module<[], number> {
      list = new nn.ParameterList([new nn.Parameter(tg.zeros([2])), new nn.Parameter(tg.ones([3]))]);
      dict = new nn.ParameterDict({ scale: new nn.Parameter(tg.ones([1])) });
      forward(): number {
        return 0;
      }
    }
    const h = new Holder();
    h.list.append(new nn.Parameter(tg.zeros([1])));
    assert.deepEqual(Object.keys(h.stateDict()), ["list.0", "list.1", "list.2", "dict.scale"]);
    assert.equal(h.parameters().length, 4);
    assert.equal(h.list.length, 3);
    assert.deepEqual([...h.dict.keys()], ["scale"]);
  });
});

function assertClose(t: tg.Tensor, want: number[], tol: number): void {
  const got = [...t.contiguous().dataSync()];
  assert.equal(got.length, want.length);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) <= tol, `element ${i}: ${g} vs ${want[i]}`));
}
