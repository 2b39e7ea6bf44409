/** Float64 gradchecks of every layer's maths (the layers are thin shells over these functionals). */
import { describe, test } from "node:test";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

const F = tg.nn.functional;
tg.manualSeed(7);
const d = (...shape: number[]) => tg.randn(shape, { dtype: "float64" }).requiresGrad_();
const ints = (data: number[], shape?: number[]) => tg.tensor(data, { dtype: "int32", ...(shape ? { shape } : {}) });
const probs = (...shape: number[]) => tg.randn(shape, { dtype: "float64" }).softmax(-1).detach();

// Constants drawn once, outside the functions (gradcheck evaluates each function many times).
const runningMean = tg.randn([3], { dtype: "float64" });
const runningVar = tg.rand([3], { dtype: "float64" }).add(0.5);
const targetProbs = probs(4, 3);
const klTarget = probs(3, 4);
const bceTarget = tg.rand([3, 2], { dtype: "float64" });
const classWeight = tg.tensor([0.5, 1.5, 2], { dtype: "float64" });

type Case = [string, (...xs: Tensor[]) => Tensor, () => Tensor[]];

const CASES: Case[] = [
  ["linear", (x, w, b) => F.linear(x, w!, b), () => [d(3, 4), d(2, 4), d(2)]],
  ["normalize", (x) => F.normalize(x), () => [d(3, 4)]],
  ["normalize p=3 dim 0", (x) => F.normalize(x, { p: 3, dim: 0 }), () => [d(3, 4)]],
  ["cosineSimilarity (broadcast)", (a, b) => F.cosineSimilarity(a, b!, { dim: -1 }), () => [d(3, 4), d(1, 4)]],
  ["bilinear", (a, b, w, bias) => F.bilinear(a, b!, w!, bias), () => [d(3, 2), d(3, 4), d(2, 2, 4), d(2)]],
  ["conv1d stride padding", (x, w, b) => F.conv1d(x, w!, b, { stride: 2, padding: 1 }), () => [d(2, 2, 7), d(3, 2, 3), d(3)]],
  ["conv2d", (x, w, b) => F.conv2d(x, w!, b), () => [d(2, 2, 5, 5), d(3, 2, 3, 3), d(3)]],
  ["conv2d stride padding dilation", (x, w) => F.conv2d(x, w!, null, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }), () => [d(1, 2, 6, 6), d(2, 2, 3, 2)]],
  ["conv2d groups", (x, w) => F.conv2d(x, w!, null, { groups: 2 }), () => [d(1, 4, 4, 4), d(4, 2, 2, 2)]],
  ["conv2d same (even kernel)", (x, w) => F.conv2d(x, w!, null, { padding: "same" }), () => [d(1, 1, 4, 5), d(2, 1, 2, 2)]],
  ["convTranspose2d", (x, w, b) => F.convTranspose2d(x, w!, b, { stride: 2, padding: 1, outputPadding: 1 }), () => [d(1, 2, 3, 3), d(2, 3, 3, 3), d(3)]],
  ["convTranspose2d groups dilation", (x, w) => F.convTranspose2d(x, w!, null, { groups: 2, dilation: 2 }), () => [d(1, 4, 3, 3), d(4, 1, 2, 2)]],
  ["maxPool2d", (x) => F.maxPool2d(x, 2), () => [d(2, 2, 4, 4)]],
  ["maxPool2d padding ceil", (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), () => [d(1, 2, 6, 5)]],
  ["maxPool1d", (x) => F.maxPool1d(x, 3, { stride: 2 }), () => [d(2, 2, 7)]],
  ["avgPool2d", (x) => F.avgPool2d(x, 2), () => [d(2, 2, 4, 4)]],
  ["avgPool2d exclude pad ceil", (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), () => [d(1, 2, 6, 5)]],
  ["avgPool1d", (x) => F.avgPool1d(x, 2, { padding: 1 }), () => [d(2, 2, 5)]],
  ["adaptiveAvgPool2d", (x) => F.adaptiveAvgPool2d(x, [3, 2]), () => [d(1, 2, 5, 5)]],
  ["interpolate nearest", (x) => F.interpolate(x, { scaleFactor: 2 }), () => [d(1, 2, 2, 3)]],
  ["interpolate bilinear", (x) => F.interpolate(x, { size: [4, 5], mode: "bilinear" }), () => [d(1, 2, 3, 3)]],
  ["batchNorm training", (x, w, b) => F.batchNorm(x, null, null, { weight: w!, bias: b!, training: true }), () => [d(4, 3, 2, 2), d(3), d(3)]],
  ["batchNorm eval", (x, w) => F.batchNorm(x, runningMean, runningVar, { weight: w! }), () => [d(4, 3), d(3)]],
  ["layerNorm", (x, w, b) => F.layerNorm(x, [4], w, b), () => [d(3, 4), d(4), d(4)]],
  ["groupNorm", (x, w, b) => F.groupNorm(x, 2, w, b), () => [d(2, 4, 3), d(4), d(4)]],
  ["embedding", (w) => F.embedding(ints([1, 0, 3, 1], [2, 2]), w!), () => [d(5, 3)]],
  // The padding row is used as is but gets no gradient (parity tests check that), so leave it out here.
  ["embedding with paddingIdx", (w) => F.embedding(ints([1, 2, 3, 1], [2, 2]), w!, 0), () => [d(5, 3)]],
  [
    "dropout (fixed mask)",
    (x) => {
      tg.manualSeed(11); // the same mask in every evaluation
      return F.dropout(x, 0.3, true);
    },
    () => [d(4, 5)],
  ],
  [
    "dropout2d (fixed mask)",
    (x) => {
      tg.manualSeed(11);
      return F.dropout2d(x, 0.5, true);
    },
    () => [d(2, 4, 3)],
  ],
  ["crossEntropy weight ignore smoothing", (x) => F.crossEntropy(x, ints([0, 2, 1, 2]), { weight: classWeight, ignoreIndex: 1, labelSmoothing: 0.1 }), () => [d(4, 3)]],
  ["crossEntropy probabilities", (x) => F.crossEntropy(x, targetProbs), () => [d(4, 3)]],
  ["crossEntropy k-dim", (x) => F.crossEntropy(x, ints([0, 1, 2, 1, 0, 2], [2, 3])), () => [d(2, 3, 3)]],
  ["nllLoss", (x) => F.nllLoss(x, ints([0, 2])), () => [d(2, 3)]],
  ["binaryCrossEntropy", (p) => F.binaryCrossEntropy(p, bceTarget), () => [tg.rand([3, 2], { dtype: "float64" }).mul(0.8).add(0.1).detach().requiresGrad_()]],
  ["binaryCrossEntropyWithLogits posWeight", (x) => F.binaryCrossEntropyWithLogits(x, bceTarget, { posWeight: tg.tensor([2, 0.5], { dtype: "float64" }) }), () => [d(3, 2)]],
  ["mseLoss", (x, t) => F.mseLoss(x, t!), () => [d(3, 2), d(3, 2)]],
  ["l1Loss", (x, t) => F.l1Loss(x, t!), () => [d(3, 2), d(3, 2)]],
  ["smoothL1Loss", (x, t) => F.smoothL1Loss(x, t!, { beta: 0.5 }), () => [d(3, 2), d(3, 2)]],
  ["huberLoss", (x, t) => F.huberLoss(x, t!, { delta: 0.7 }), () => [d(3, 2), d(3, 2)]],
  ["klDiv", (x) => F.klDiv(x.logSoftmax(1), klTarget, { reduction: "batchmean" }), () => [d(3, 4)]],
  ["cosineEmbeddingLoss", (a, b) => F.cosineEmbeddingLoss(a, b!, ints([1, -1, -1]), { margin: -0.5 }), () => [d(3, 4), d(3, 4)]],
  // activations (away from kinks: x/|x| scaled so no element sits within the finite-difference step of one)
  ["celu, selu, mish, softsign, tanhshrink", (x) => tg.stack([F.celu(x, 0.7), F.selu(x), F.mish(x), F.softsign(x), F.tanhshrink(x)]), () => [d(3, 4)]],
  ["softshrink, hardshrink, hardtanh, threshold", (x) => tg.stack([F.softshrink(x, 0.3), F.hardshrink(x, 0.3), F.hardtanh(x, -0.5, 0.8), F.threshold(x, 0.1, -2)]), () => [tg.tensor([[-1.3, -0.45, 0.05, 0.42], [0.95, -0.2, 1.7, -0.75]], { dtype: "float64" }).requiresGrad_()]],
  ["glu and softmin", (x) => tg.cat([F.glu(x, 1), F.softmin(x, 1)], 1), () => [d(3, 4)]],
  ["prelu (per channel)", (x, w) => F.prelu(x, w!), () => [d(2, 3, 4), d(3)]],
  ["pixelShuffle, pixelUnshuffle, channelShuffle", (x) => tg.cat([F.pixelShuffle(x, 2).flatten(), F.pixelUnshuffle(x, 2).flatten(), F.channelShuffle(x, 2).flatten()]), () => [d(1, 4, 2, 2)]],
  ["pairwiseDistance p=3 and pdist", (a, b) => tg.cat([F.pairwiseDistance(a, b!, { p: 3 }), F.pdist(a), F.pdist(b!, 1)]), () => [d(4, 3), d(4, 3)]],
  ["rmsNorm", (x, w) => F.rmsNorm(x, [4], w), () => [d(3, 4), d(4)]],
  // margin and likelihood losses
  ["marginRankingLoss", (a, b) => F.marginRankingLoss(a, b!, tg.tensor([1, -1, 1, -1, 1], { dtype: "float64" }), { margin: 0.1 }), () => [d(5), d(5)]],
  ["hingeEmbeddingLoss", (x) => F.hingeEmbeddingLoss(x, tg.tensor([1, -1, -1, 1], { dtype: "float64" }), { margin: 2 }), () => [d(4)]],
  ["softMarginLoss", (x) => F.softMarginLoss(x, tg.tensor([[1, -1, 1], [-1, -1, 1]], { dtype: "float64" })), () => [d(2, 3)]],
  ["multilabelSoftMarginLoss", (x) => F.multilabelSoftMarginLoss(x, tg.tensor([[1, 0, 1], [0, 0, 1]], { dtype: "float64" }), { weight: classWeight }), () => [d(2, 3)]],
  ["multiMarginLoss p=2 weighted", (x) => F.multiMarginLoss(x, ints([0, 2, 1, 2]), { p: 2, margin: 2, weight: classWeight }), () => [d(4, 3)]],
  ["tripletMarginLoss swap", (a, b, c) => F.tripletMarginLoss(a, b!, c!, { margin: 3, swap: true }), () => [d(4, 3), d(4, 3), d(4, 3)]],
  ["poissonNllLoss", (x) => F.poissonNllLoss(x, bceTarget.mul(3)), () => [d(3, 2)]],
  ["gaussianNllLoss (input, mean and variance)", (x, t, v) => F.gaussianNllLoss(x, t!, v!.abs().add(0.5), { full: true }), () => [d(3, 2), d(3, 2), d(3, 1)]],
  ["instanceNorm (affine)", (x, w, b) => F.instanceNorm(x, { weight: w, bias: b }), () => [d(2, 3, 5), d(3), d(3)]],
  ["localResponseNorm", (x) => F.localResponseNorm(x, 3, { alpha: 0.5, beta: 0.7, k: 1.2 }), () => [d(2, 4, 3)]],
  ["adaptiveAvgPool1d", (x) => F.adaptiveAvgPool1d(x, 3), () => [d(2, 2, 7)]],
  ["pad: reflect, replicate, circular", (x) => tg.cat([F.pad(x, [2, 1, 1, 0], "reflect").flatten(), F.pad(x, [0, 3], "replicate").flatten(), F.pad(x, [1, 2, 2, 1], "circular").flatten()]), () => [d(1, 2, 3, 4)]],
  ["maxPool2dWithIndices → maxUnpool2d, adaptiveMaxPool1d/2d", (x) => tg.cat([F.maxUnpool2d(...F.maxPool2dWithIndices(x, 2), 2).flatten(), F.adaptiveMaxPool2d(x, [3, 2]).flatten(), F.adaptiveMaxPool1d(x.flatten(2), 5).flatten()]), () => [d(1, 2, 4, 4)]],
  ["multilabelMarginLoss and tripletMarginWithDistanceLoss", (x, a, b) => tg.stack([F.multilabelMarginLoss(x, ints([2, 0, -1, 1, 1, 3, 0, -1], [2, 4])), F.tripletMarginWithDistanceLoss(a!, b!, x.narrow(1, 0, 3), { margin: 2 })]), () => [d(2, 4), d(2, 3), d(2, 3)]],
  // 3-D convolutions and pools (functional/conv3d.ts, pooling3d.ts), LP and fractional pooling
  ["conv3d (groups, stride, padding, dilation)", (x, w, b) => F.conv3d(x, w!, b, { stride: [2, 1, 1], padding: [1, 0, 1], dilation: [1, 2, 1], groups: 2 }), () => [d(1, 2, 4, 5, 3), d(4, 1, 2, 2, 2), d(4)]],
  ["convTranspose3d, convTranspose1d", (x, w, y, v) => tg.cat([F.convTranspose3d(x, w!, null, { stride: [2, 1, 2], padding: [1, 0, 0], outputPadding: [1, 0, 1] }).flatten(), F.convTranspose1d(y!, v!, null, { stride: 2, padding: 1, outputPadding: 1 }).flatten()]), () => [d(1, 2, 2, 3, 2), d(2, 1, 2, 2, 2), d(1, 2, 4), d(2, 3, 3)]],
  ["maxPool3d, avgPool3d (ceil, countIncludePad off), adaptive 3-D pools, maxUnpool3d", (x) => tg.cat([F.maxPool3d(x, 2, { ceilMode: true }).flatten(), F.avgPool3d(x, [2, 2, 3], { stride: 2, padding: [1, 0, 1], ceilMode: true, countIncludePad: false }).flatten(), F.adaptiveAvgPool3d(x, [2, 2, 3]).flatten(), F.adaptiveMaxPool3d(x, [2, 1, 2]).flatten(), F.maxUnpool3d(...F.maxPool3dWithIndices(x, 2), 2, { outputSize: [4, 3, 5] }).flatten()]), () => [d(1, 2, 4, 3, 5)]],
  ["lpPool1d/2d/3d, fractionalMaxPool2d", (x) => tg.cat([F.lpPool1d(x.flatten(2), 2, 3).flatten(), F.lpPool2d(x.abs().add(0.1), 1.5, [2, 2], { ceilMode: true }).flatten(), F.lpPool3d(x.unsqueeze(2).expand(1, 2, 2, 5, 5).abs().add(0.1), 3, [2, 2, 2]).flatten(), F.fractionalMaxPool2d(x, 2, { outputSize: 3, randomSamples: tg.tensor([[[0.2, 0.7], [0.9, 0.4]]], { dtype: "float64" }) }).flatten()]), () => [d(1, 2, 5, 5)]],
  // resampling: every interpolate mode, spatial transformers (gradients to the input and the grid), bags, CTC
  ["interpolate: linear, bicubic, trilinear, area, nearest-exact", (x) => tg.cat([F.interpolate(x.flatten(2), { size: 7, mode: "linear", alignCorners: true }).flatten(), F.interpolate(x, { scaleFactor: 1.7, mode: "bicubic" }).flatten(), F.interpolate(x.unsqueeze(2), { size: [2, 3, 5], mode: "trilinear" }).flatten(), F.interpolate(x, { size: [2, 3], mode: "area" }).flatten(), F.interpolate(x, { size: [5, 7], mode: "nearest-exact" }).flatten()]), () => [d(1, 2, 3, 4)]],
  ["gridSample (bilinear zeros, bicubic border, 3-D reflection) and affineGrid", (x, g, th, v, g3) => tg.cat([F.gridSample(x, g!).flatten(), F.gridSample(x, g!, { mode: "bicubic", paddingMode: "border" }).flatten(), F.gridSample(x, F.affineGrid(th!, [1, 2, 3, 4])).flatten(), F.gridSample(v!, g3!, { paddingMode: "reflection", alignCorners: true }).flatten()]), () => [d(1, 2, 4, 5), tg.rand([1, 3, 4, 2], { dtype: "float64" }).mul(2.2).sub(1.1).requiresGrad_(), d(1, 2, 3).mul(0.5).detach().requiresGrad_(), d(1, 1, 3, 4, 3), tg.rand([1, 2, 2, 3, 3], { dtype: "float64" }).mul(2.6).sub(1.3).requiresGrad_()]],
  ["embeddingBag (mean with offsets, weighted sum, max), gumbelSoftmax's straight-through gradient", (w, s) => tg.cat([F.embeddingBag(ints([1, 2, 0, 3, 3]), w!, { offsets: ints([0, 2, 2]) }).flatten(), F.embeddingBag(ints([1, 2, 0, 3]), w!, { offsets: ints([0, 1]), mode: "sum", perSampleWeights: s! }).flatten(), F.embeddingBag(ints([1, 2, 3, 0], [2, 2]), w!, { mode: "max" }).flatten()]), () => [d(4, 3), d(4)]],
  ["crossMapLrn2d (its legacy window)", (x) => F.crossMapLrn2d(x, 3, 0.1, 0.75, 1.5), () => [d(1, 5, 2, 2)]],
  ["ctcLoss (through logSoftmax; padded and concatenated targets)", (x) => tg.stack([F.ctcLoss(x.logSoftmax(2), ints([1, 2, 2, 3, 1, 0], [2, 3]), [6, 5], [3, 2]), F.ctcLoss(x.logSoftmax(2), ints([2, 1, 3]), [6, 4], [2, 1], { reduction: "sum" })]), () => [d(6, 2, 4)]],
];

describe("nn gradcheck (float64)", () => {
  for (const [name, fn, inputs] of CASES) test(name, () => void tg.testing.gradcheck(fn, inputs()));
});
