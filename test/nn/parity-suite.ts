/**
 * Every layer and loss against PyTorch (test/fixtures/nn.json from tools/make_nn_fixtures.py, and
 * torch2.json for what only PyTorch 2.x has): the PyTorch state dict loads by name, and outputs,
 * input gradients, parameter gradients and updated buffers match. On the CPU
 * (pytorch-parity.test.ts), and on a device with the module and inputs moved there as users move
 * them (`model.to("webgpu")`), read asynchronously (test/backends/webgpu.test.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { assertClose, decode, readFixture, type Encoded } from "../helpers.js";
import { SeedConvNet } from "./seed-convnet.js";

const { nn } = tg;
const F = nn.functional;

interface ModuleCase {
  training: boolean;
  state: Record<string, Encoded>;
  inputs: Encoded[];
  output: Encoded;
  u: Encoded;
  inputGrads: (Encoded | null)[];
  paramGrads: Record<string, Encoded>;
  buffersAfter: Record<string, Encoded>;
}
type LossCase = Omit<ModuleCase, "training" | "state" | "paramGrads" | "buffersAfter">;

/** The same case names as the generator, built with tensorgrad. */
const MODULES: Record<string, () => tg.nn.Module> = {
  seed_convnet: () => new SeedConvNet(),
  linear: () => new nn.Linear(5, 3),
  linear_nobias_3d: () => new nn.Linear(5, 3, { bias: false }),
  bilinear: () => new nn.Bilinear(3, 4, 2),
  conv1d: () => new nn.Conv1d(3, 4, 3, { stride: 2, padding: 1 }),
  conv1d_same_dilation_groups: () => new nn.Conv1d(2, 4, 3, { padding: "same", dilation: 2, groups: 2 }),
  conv2d: () => new nn.Conv2d(1, 6, 3),
  conv2d_stride_padding: () => new nn.Conv2d(3, 4, [3, 2], { stride: [2, 1], padding: [1, 2] }),
  conv2d_dilation_groups_nobias: () => new nn.Conv2d(4, 6, 3, { dilation: 2, groups: 2, bias: false }),
  conv2d_same_even_kernel: () => new nn.Conv2d(2, 3, 4, { padding: "same" }),
  conv2d_depthwise: () => new nn.Conv2d(3, 3, 3, { groups: 3, padding: 1 }),
  conv2d_unbatched: () => new nn.Conv2d(2, 3, 2),
  conv_transpose2d: () => new nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
  conv_transpose2d_groups_dilation: () => new nn.ConvTranspose2d(4, 6, [2, 3], { stride: [1, 2], groups: 2, dilation: [2, 1] }),
  maxpool2d: () => new nn.MaxPool2d(2),
  maxpool2d_padding_ceil: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  maxpool2d_dilation: () => new nn.MaxPool2d(2, { stride: 1, dilation: 2 }),
  maxpool1d: () => new nn.MaxPool1d(3, { stride: 2, padding: 1 }),
  avgpool2d: () => new nn.AvgPool2d(2),
  avgpool2d_exclude_pad_ceil: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  avgpool2d_include_pad_ceil: () => new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
  avgpool1d: () => new nn.AvgPool1d(4, { stride: 2, padding: 2 }),
  adaptive_avgpool2d: () => new nn.AdaptiveAvgPool2d([3, 2]),
  adaptive_avgpool2d_1: () => new nn.AdaptiveAvgPool2d(1),
  upsample_nearest_scale: () => new nn.Upsample({ scaleFactor: 2, mode: "nearest" }),
  upsample_nearest_size: () => new nn.Upsample({ size: [5, 7], mode: "nearest" }),
  upsample_bilinear: () => new nn.Upsample({ scaleFactor: 2, mode: "bilinear", alignCorners: false }),
  upsample_bilinear_align_corners: () => new nn.Upsample({ size: [5, 6], mode: "bilinear", alignCorners: true }),
  batchnorm1d_train: () => new nn.BatchNorm1d(4),
  batchnorm1d_3d_cumulative: () => new nn.BatchNorm1d(3, { momentum: null }),
  batchnorm2d_train: () => new nn.BatchNorm2d(3),
  batchnorm2d_eval: () => new nn.BatchNorm2d(3).eval(),
  layernorm: () => new nn.LayerNorm(5),
  layernorm_2d: () => new nn.LayerNorm([4, 5]),
  groupnorm: () => new nn.GroupNorm(2, 6),
  embedding: () => new nn.Embedding(10, 4),
  embedding_padding: () => new nn.Embedding(10, 4, { paddingIdx: 0 }),
  relu: () => new nn.ReLU(),
  leaky_relu: () => new nn.LeakyReLU(0.2),
  elu: () => new nn.ELU(),
  gelu: () => new nn.GELU(),
  gelu_tanh: () => new nn.GELU("tanh"),
  silu: () => new nn.SiLU(),
  sigmoid: () => new nn.Sigmoid(),
  tanh: () => new nn.Tanh(),
  softmax: () => new nn.Softmax(1),
  log_softmax: () => new nn.LogSoftmax(-1),
  flatten: () => new nn.Flatten(),
  unflatten: () => new nn.Unflatten(1, [2, 3]),
  dropout_eval: () => new nn.Dropout(0.5).eval(),
  sequential: () => new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2)),
  celu: () => new nn.CELU(0.7),
  glu: () => new nn.GLU(1),
  hardtanh: () => new nn.Hardtanh(-0.5, 1),
  softshrink: () => new nn.Softshrink(0.3),
  hardshrink: () => new nn.Hardshrink(0.3),
  threshold: () => new nn.Threshold(0.1, -2),
  softplus_beta: () => new nn.Softplus(2),
  softmin: () => new nn.Softmin(1),
  mish: () => new nn.Mish(),
  selu: () => new nn.SELU(),
  softsign: () => new nn.Softsign(),
  tanhshrink: () => new nn.Tanhshrink(),
  logsigmoid: () => new nn.LogSigmoid(),
  softmax2d: () => new nn.Softmax2d(),
  prelu_channels: () => new nn.PReLU(3),
  rrelu_eval: () => new nn.RReLU(0.1, 0.3).eval(),
  pixel_shuffle: () => new nn.PixelShuffle(2),
  pixel_unshuffle: () => new nn.PixelUnshuffle(2),
  channel_shuffle: () => new nn.ChannelShuffle(2),
  zeropad2d: () => new nn.ZeroPad2d([1, 0, 2, 1]),
  constantpad1d: () => new nn.ConstantPad1d(2, 3.5),
  fold: () => new nn.Fold([4, 5], [2, 2], { stride: [1, 2], padding: [1, 0] }),
  unfold: () => new nn.Unfold([2, 3], { dilation: [1, 2], padding: 1, stride: [2, 1] }),
  pairwise_distance: () => new nn.PairwiseDistance({ p: 3 }),
  cosine_similarity: () => new nn.CosineSimilarity({ dim: 0 }),
  rms_norm: () => new nn.RMSNorm(5),
  batchnorm3d_train: () => new nn.BatchNorm3d(2),
  instancenorm1d: () => new nn.InstanceNorm1d(3),
  instancenorm2d_affine_running: () => new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true, momentum: 0.3 }),
  instancenorm3d_unbatched: () => new nn.InstanceNorm3d(2),
  local_response_norm: () => new nn.LocalResponseNorm(3, 0.1, 0.6, 1.5),
  adaptive_avgpool1d: () => new nn.AdaptiveAvgPool1d(3),
  reflection_pad2d: () => new nn.ReflectionPad2d([2, 1, 0, 2]),
  replication_pad1d: () => new nn.ReplicationPad1d(3),
  replication_pad3d: () => new nn.ReplicationPad3d([1, 0, 0, 2, 1, 1]),
  circular_pad_conv1d: () => new nn.Conv1d(2, 3, 3, { padding: 2, paddingMode: "circular" }),
  conv2d_reflect_same: () => new nn.Conv2d(2, 3, [3, 4], { padding: "same", paddingMode: "reflect" }),
  conv2d_replicate_unbatched: () => new nn.Conv2d(2, 2, 3, { padding: [1, 2], paddingMode: "replicate" }),
  conv3d: () => new nn.Conv3d(4, 6, [3, 2, 3], { stride: [2, 1, 2], padding: [1, 0, 1], dilation: [1, 2, 1], groups: 2 }),
  conv3d_same_reflect_unbatched: () => new nn.Conv3d(2, 3, [2, 3, 3], { padding: "same", paddingMode: "reflect" }),
  conv_transpose3d: () => new nn.ConvTranspose3d(4, 6, [3, 2, 3], { stride: [2, 1, 2], padding: [1, 0, 1], outputPadding: [1, 0, 0], dilation: [1, 2, 1], groups: 2 }),
  conv_transpose1d: () => new nn.ConvTranspose1d(3, 4, 3, { stride: 3, padding: 1, outputPadding: 2, dilation: 2 }),
  max_pool3d: () => new nn.MaxPool3d([3, 2, 3], { stride: [2, 2, 2], padding: [1, 1, 0], dilation: [1, 1, 2], ceilMode: true }),
  avg_pool3d: () => new nn.AvgPool3d([3, 2, 3], { stride: [2, 1, 2], padding: [1, 1, 1], ceilMode: true, countIncludePad: false }),
  avg_pool3d_divisor: () => new nn.AvgPool3d(2, { divisorOverride: 3 }),
  adaptive_avg_pool3d: () => new nn.AdaptiveAvgPool3d([3, null, 2]),
  adaptive_max_pool3d: () => new nn.AdaptiveMaxPool3d([4, 3, 2]),
  lp_pool1d: () => new nn.LPPool1d(2, 3, { stride: 2 }),
  lp_pool2d: () => new nn.LPPool2d(1.5, [2, 3], { ceilMode: true }),
  lp_pool3d: () => new nn.LPPool3d(2.5, [2, 3, 2], { stride: [1, 2, 2] }),
  embedding_bag_mean_offsets: () => new nn.EmbeddingBag(10, 4),
  embedding_bag_sum_weights_padding: () => new nn.EmbeddingBag(10, 3, { mode: "sum", paddingIdx: 2 }),
  embedding_bag_max_2d: () => new nn.EmbeddingBag(8, 3, { mode: "max" }),
  upsample_linear: () => new nn.Upsample({ size: 11, mode: "linear" }),
  upsample_bicubic_align: () => new nn.Upsample({ scaleFactor: [1.5, 2.3], mode: "bicubic", alignCorners: true }),
  upsample_bicubic: () => new nn.Upsample({ size: [8, 4], mode: "bicubic" }),
  upsample_trilinear: () => new nn.Upsample({ size: [5, 3, 7], mode: "trilinear" }),
  upsample_nearest_exact: () => new nn.Upsample({ size: [7, 9], mode: "nearest-exact" }),
  upsample_nearest3d: () => new nn.Upsample({ scaleFactor: 2.5, mode: "nearest" }),
  weight_norm_linear: () => nn.utils.parametrizations.weightNorm(new nn.Linear(4, 3)),
  weight_norm_conv_dim_none: () => nn.utils.parametrizations.weightNorm(new nn.Conv1d(2, 3, 3), { dim: null }),
  spectral_norm_linear_train: () => nn.utils.parametrizations.spectralNorm(new nn.Linear(4, 3)),
  spectral_norm_conv_transpose_eval: () => nn.utils.parametrizations.spectralNorm(new nn.ConvTranspose1d(3, 2, 3)).eval(),
  adaptive_log_softmax: () => new AdaptiveSoftmaxSum(new nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7], { divValue: 2 })),
  adaptive_log_softmax_head_bias_log_prob: () => new AdaptiveSoftmaxLogProb(new nn.AdaptiveLogSoftmaxWithLoss(6, 10, [4], { headBias: true })),
};

/** The output and loss as one tensor, as the generator's wrapper. */
class AdaptiveSoftmaxSum extends nn.Module<[Tensor, Tensor], Tensor> {
  constructor(readonly asm: tg.nn.AdaptiveLogSoftmaxWithLoss) {
    super();
  }
  forward(x: Tensor, target: Tensor): Tensor {
    const { output, loss } = this.asm.forward(x, target);
    return tg.cat([output, loss.reshape([1])]);
  }
}

class AdaptiveSoftmaxLogProb extends nn.Module<[Tensor], Tensor> {
  constructor(readonly asm: tg.nn.AdaptiveLogSoftmaxWithLoss) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.asm.logProb(x);
  }
}

const LOSSES: Record<string, (...xs: Tensor[]) => Tensor> = {
  cross_entropy: (x, t) => F.crossEntropy(x, t!),
  cross_entropy_weight_ignore: (x, t, w) => F.crossEntropy(x, t!, { weight: w!, ignoreIndex: 1 }),
  cross_entropy_smoothing: (x, t) => F.crossEntropy(x, t!, { labelSmoothing: 0.1 }),
  cross_entropy_weight_ignore_smoothing: (x, t, w) => F.crossEntropy(x, t!, { weight: w!, ignoreIndex: 1, labelSmoothing: 0.2 }),
  cross_entropy_smoothing_sum: (x, t) => F.crossEntropy(x, t!, { labelSmoothing: 0.3, reduction: "sum" }),
  cross_entropy_none_ignore: (x, t) => F.crossEntropy(x, t!, { ignoreIndex: 2, reduction: "none" }),
  cross_entropy_probs: (x, t) => F.crossEntropy(x, t!),
  cross_entropy_probs_weight_smoothing: (x, t, w) => F.crossEntropy(x, t!, { weight: w!, labelSmoothing: 0.2 }),
  cross_entropy_kdim: (x, t) => F.crossEntropy(x, t!),
  nll_loss: (x, t, w) => F.nllLoss(x.logSoftmax(1), t!, { weight: w! }),
  bce: (x, t, w) => F.binaryCrossEntropy(x.sigmoid(), t!, { weight: w! }),
  bce_with_logits: (x, t, p) => F.binaryCrossEntropyWithLogits(x, t!, { posWeight: p! }),
  bce_with_logits_sum: (x, t) => F.binaryCrossEntropyWithLogits(x, t!, { reduction: "sum" }),
  mse: (x, t) => F.mseLoss(x, t!),
  l1_none: (x, t) => F.l1Loss(x, t!, { reduction: "none" }),
  smooth_l1: (x, t) => F.smoothL1Loss(x, t!, { beta: 0.5 }),
  huber: (x, t) => F.huberLoss(x, t!, { delta: 2, reduction: "sum" }),
  kl_div_batchmean: (x, t) => F.klDiv(x.logSoftmax(1), t!, { reduction: "batchmean" }),
  kl_div_log_target: (x, t) => F.klDiv(x.logSoftmax(1), t!, { reduction: "sum", logTarget: true }),
  cosine_embedding: (a, b, y) => F.cosineEmbeddingLoss(a, b!, y!, { margin: 0.2 }),
  margin_ranking: (a, b, y) => F.marginRankingLoss(a, b!, y!, { margin: 0.3 }),
  hinge_embedding: (x, y) => F.hingeEmbeddingLoss(x, y!, { margin: 0.8 }),
  soft_margin: (x, y) => F.softMarginLoss(x, y!),
  multilabel_soft_margin: (x, t, w) => F.multilabelSoftMarginLoss(x, t!, { weight: w! }),
  multi_margin: (x, t, w) => F.multiMarginLoss(x, t!, { p: 2, margin: 0.7, weight: w! }),
  multi_margin_p1: (x, t) => new nn.MultiMarginLoss().forward(x, t!),
  triplet_margin_swap: (a, b, c) => new nn.TripletMarginLoss({ margin: 0.5, p: 1.5, swap: true }).forward(a, b!, c!),
  poisson_nll: (x, t) => new nn.PoissonNLLLoss().forward(x, t!),
  poisson_nll_full: (x, t) => F.poissonNllLoss(x, t!, { logInput: false, full: true }),
  gaussian_nll: (x, t, v) => new nn.GaussianNLLLoss().forward(x, t!, v!),
  triplet_cosine_distance: (a, b, c) => F.tripletMarginWithDistanceLoss(a, b!, c!, { distanceFunction: (u, v) => F.cosineSimilarity(u, v).neg().add(1), margin: 0.3, swap: true }),
  multilabel_margin: (x, t) => new nn.MultiLabelMarginLoss().forward(x, t!),
  gaussian_nll_full_sum: (x, t, v) => F.gaussianNllLoss(x, t!, v!, { full: true, reduction: "sum" }),
  affine_grid_sample: (x, th) => F.gridSample(x, F.affineGrid(th!, [2, 3, 4, 7])),
  grid_sample_bilinear_zeros: (x, g) => F.gridSample(x, g!),
  grid_sample_bilinear_border_align: (x, g) => F.gridSample(x, g!, { paddingMode: "border", alignCorners: true }),
  grid_sample_bicubic_reflection: (x, g) => F.gridSample(x, g!, { mode: "bicubic", paddingMode: "reflection" }),
  grid_sample_nearest_border: (x, g) => F.gridSample(x, g!, { mode: "nearest", paddingMode: "border" }),
  grid_sample_3d_reflection: (x, g) => F.gridSample(x, g!, { paddingMode: "reflection", alignCorners: true }),
  affine_grid_3d: (th) => F.affineGrid(th, [1, 2, 3, 4, 5], { alignCorners: true }),
  fractional_max_pool2d: (x, t) => F.fractionalMaxPool2d(x, [3, 2], { outputSize: [5, 6], randomSamples: t! }),
  fractional_max_pool3d_ratio: (x, t) => new nn.FractionalMaxPool3d([2, 3, 2], { outputRatio: [0.5, 0.5, 0.6], randomSamples: t! }).forward(x),
  ctc_mean: (x, t) => F.ctcLoss(x.logSoftmax(2), t!, [12, 9, 5], [4, 2, 3]),
  ctc_none_blank_concat: (x, t) => new nn.CTCLoss({ blank: 4, reduction: "none" }).forward(x.logSoftmax(2), t!, [10, 7], [3, 2]),
  ctc_sum_zero_infinity: (x, t) => F.ctcLoss(x.logSoftmax(2), t!, [8, 2], [2, 3], { reduction: "sum", zeroInfinity: true }),
  conv_tbc: (x, w, b) => tg.convTbc(x, w!, b!, 1),
  cross_map_lrn2d: (x) => new nn.CrossMapLRN2d(3, 1e-2, 0.75, 1.5).forward(x.detach()),
  cross_map_lrn2d_even: (x) => new nn.CrossMapLRN2d(4, 0.1, 0.6, 2).forward(x.detach()),
};

const tol = { atol: 2e-5, rtol: 2e-4 };
const fixture = readFixture<{ modules: Record<string, ModuleCase>; losses: Record<string, LossCase> }>("nn.json");

/** What only PyTorch 2.x has (test/fixtures/torch2.json, tools/make_torch2_fixtures.py). */
class LossAsModule extends nn.Module<[Tensor, Tensor], Tensor> {
  constructor(readonly loss: tg.nn.LinearCrossEntropyLoss) {
    super();
  }
  forward(x: Tensor, target: Tensor): Tensor {
    return this.loss.forward(x, target);
  }
}

const TORCH2: Record<string, () => tg.nn.Module> = {
  linear_cross_entropy_loss_out_features: () => new LossAsModule(new nn.LinearCrossEntropyLoss(5, 4, { outFeatures: [2, 3], bias: true, labelSmoothing: 0.1 })),
  linear_cross_entropy_loss_ignore_sum: () => new LossAsModule(new nn.LinearCrossEntropyLoss(4, 6, { reduction: "sum", ignoreIndex: 2 })),
  lp_pool3d: () => new nn.LPPool3d(2.5, [2, 3, 2], { stride: [1, 2, 2] }),
  weight_norm_conv: () => nn.utils.parametrizations.weightNorm(new nn.Conv2d(2, 3, 2), { dim: 1 }),
};
const torch2 = readFixture<{ modules: Record<string, ModuleCase> }>("torch2.json");

/** Where a case runs: on the CPU, or moved to a device and read back asynchronously. */
interface Place {
  device: string | null;
  on: (t: Tensor) => Tensor;
  host: (t: Tensor) => Promise<Tensor>;
}

const placeOn = (device: string | null): Place =>
  device === null ? { device, on: (t) => t, host: async (t) => t } : { device, on: (t) => t.to(device), host: (t) => t.toAsync("cpu") };

/** Loads PyTorch's state into the layer, then compares the output, input and parameter gradients and buffers. */
async function runModuleCase(m: tg.nn.Module, c: ModuleCase, { device, on, host }: Place): Promise<void> {
  assert.equal(m.training, c.training);
  // The state dict has exactly PyTorch's keys, and PyTorch's values load into it.
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state));
  m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
  if (device !== null) m.to(device);
  const xs = c.inputs.map((e) => (e.dtype === "float32" ? on(decode(e)).requiresGrad_() : on(decode(e))));
  const y = (m.forward as (...a: Tensor[]) => Tensor)(...xs);
  assertClose(await host(y), decode(c.output).dataSync(), { ...tol, shape: c.output.shape });
  y.mul(on(decode(c.u))).sum().backward();
  for (const [i, g] of c.inputGrads.entries()) if (g) assertClose(await host(xs[i]!.grad!), decode(g).dataSync(), { ...tol, shape: g.shape });
  const params = Object.fromEntries(m.namedParameters());
  assert.deepEqual(Object.keys(params).sort(), Object.keys(c.paramGrads).sort());
  for (const [k, g] of Object.entries(c.paramGrads)) assertClose(await host(params[k]!.grad!), decode(g).dataSync(), { ...tol, shape: g.shape });
  const buffers = Object.fromEntries(m.namedBuffers());
  for (const [k, b] of Object.entries(c.buffersAfter)) assertClose(await host(buffers[k]!), decode(b).dataSync(), tol);
}

async function runLossCase(loss: (...xs: Tensor[]) => Tensor, c: LossCase, { on, host }: Place): Promise<void> {
  const xs = c.inputs.map((e, i) => (c.inputGrads[i] ? on(decode(e)).requiresGrad_() : on(decode(e))));
  const y = loss(...xs);
  assertClose(await host(y), decode(c.output).dataSync(), { ...tol, shape: c.output.shape });
  if (!y.requiresGrad) return;
  y.mul(on(decode(c.u))).sum().backward();
  for (const [i, g] of c.inputGrads.entries()) if (g) assertClose(await host(xs[i]!.grad!), decode(g).dataSync(), { ...tol, shape: g.shape });
}

/** Every case on the CPU (device null), or with the module and inputs moved to `device` (the default device stays the CPU's). */
export function nnParitySuite(device: string | null = null): void {
  const place = placeOn(device);
  const where = device === null ? "" : ` [${device}]`;
  const run = (name: string, f: () => Promise<void>) => test(`${name}${where}`, f);

  describe(`layers only PyTorch 2.x has match it${where}`, () => {
    test("every fixture case has a layer here and vice versa", () => assert.deepEqual(Object.keys(TORCH2).sort(), Object.keys(torch2.modules).sort()));
    for (const [name, c] of Object.entries(torch2.modules)) run(name, () => runModuleCase(TORCH2[name]!(), c, place));
  });

  describe(`nn layers match PyTorch${where}`, () => {
    test("every fixture case has a layer here and vice versa", () => {
      assert.deepEqual(Object.keys(MODULES).sort(), Object.keys(fixture.modules).sort());
      assert.deepEqual(Object.keys(LOSSES).sort(), Object.keys(fixture.losses).sort());
    });
    for (const [name, c] of Object.entries(fixture.modules)) run(name, () => runModuleCase(MODULES[name]!(), c, place));
    for (const [name, c] of Object.entries(fixture.losses)) run(`loss ${name}`, () => runLossCase(LOSSES[name]!, c, place));
  });
}
