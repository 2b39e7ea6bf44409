/**
 * Every op against PyTorch, on a backend: forward values and input gradients of sum(u · f(inputs)),
 * from test/fixtures/ops.json (made by tools/make_op_fixtures.py; CI reads the committed file only).
 * Results are read asynchronously, so the suite runs on the GPU too (test/backends/webgpu.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { assertClose, decode, readFixture, type Encoded } from "../helpers.js";

interface Case {
  inputs: Encoded[];
  output: Encoded;
  u: Encoded;
  grads: (Encoded | null)[];
}

const F = (fn: (...xs: Tensor[]) => Tensor) => fn;

/** The same case names as tools/make_op_fixtures.py, written with tensorgrad. */
const OPS: Record<string, (...xs: Tensor[]) => Tensor> = {
  neg: F((x) => x.neg()),
  abs: F((x) => x.abs()),
  exp: F((x) => x.exp()),
  log: F((x) => x.log()),
  sqrt: F((x) => x.sqrt()),
  rsqrt: F((x) => x.rsqrt()),
  sin: F((x) => x.sin()),
  cos: F((x) => x.cos()),
  tanh: F((x) => x.tanh()),
  sigmoid: F((x) => x.sigmoid()),
  relu: F((x) => x.relu()),
  gelu: F((x) => x.gelu()),
  gelu_tanh: F((x) => x.gelu("tanh")),
  erf: F((x) => x.erf()),
  floor: F((x) => x.floor()),
  ceil: F((x) => x.ceil()),
  round: F((x) => x.round()),
  sign: F((x) => x.sign()),
  square: F((x) => x.square()),
  reciprocal: F((x) => x.reciprocal()),
  clamp: F((x) => x.clamp(-0.5, 0.5)),
  clamp_min: F((x) => x.clamp(0.1)),
  leaky_relu: F((x) => tg.leakyRelu(x, 0.1)),
  elu: F((x) => tg.elu(x)),
  silu: F((x) => tg.silu(x)),
  relu6: F((x) => tg.nn.functional.relu6(x)),
  hardsigmoid: F((x) => tg.nn.functional.hardsigmoid(x)),
  hardswish: F((x) => tg.nn.functional.hardswish(x)),
  softplus: F((x) => tg.softplus(x)),
  logsigmoid: F((x) => tg.logSigmoid(x)),
  add: F((a, b) => a.add(b!)),
  add_alpha: F((a, b) => a.add(b!, 2.5)),
  sub: F((a, b) => a.sub(b!)),
  mul: F((a, b) => a.mul(b!)),
  div: F((a, b) => a.div(b!)),
  pow: F((a, b) => a.pow(b!)),
  pow_scalar: F((a) => a.pow(3)),
  maximum: F((a, b) => tg.maximum(a, b!)),
  minimum: F((a, b) => tg.minimum(a, b!)),
  where: F((a, b) => tg.where(a.gt(0), a, b!)),
  scalar_ops: F((a) => tg.sub(2, a).mul(3).div(a.mul(a).add(1))),
  sum_all: F((x) => x.sum()),
  sum_dim: F((x) => x.sum(1)),
  sum_dims_keepdim: F((x) => x.sum([0, 2], true)),
  mean_dim: F((x) => x.mean(-1)),
  mean_all: F((x) => x.mean()),
  prod_dim: F((x) => x.prod(1)),
  prod_all: F((x) => x.prod()),
  amax_dim: F((x) => x.amax(1)),
  max_all: F((x) => x.max()),
  max_dim_values: F((x) => x.max(1).values),
  min_dim_keepdim: F((x) => x.min(0, true).values),
  var: F((x) => x.var(1)),
  var_biased: F((x) => x.var(1, false, true)),
  std_all: F((x) => x.std()),
  logsumexp: F((x) => x.logsumexp(1)),
  softmax: F((x) => x.softmax(1)),
  softmax_dim0: F((x) => x.softmax(0)),
  log_softmax: F((x) => x.logSoftmax(-1)),
  reshape_transposed: F((x) => x.t().reshape(2, 6)),
  permute: F((x) => x.permute(2, 0, 1).mul(1)),
  transpose_exp: F((x) => x.transpose(0, 1).exp()),
  expand: F((x) => x.expand(3, 2, 4).mul(1)),
  narrow: F((x) => x.narrow(1, 1, 2).mul(1)),
  slice_step: F((x) => x.slice(1, 1, null, 2).mul(1)),
  select: F((x) => x.select(1, 2).mul(1)),
  cat: F((a, b) => tg.cat([a, b!], 1)),
  stack: F((a, b) => tg.stack([a, b!], 1)),
  split_second: F((x) => x.split(2, 1)[1]!.mul(1)),
  chunk_last: F((x) => x.chunk(3, 0)[2]!.mul(1)),
  pad: F((x) => tg.pad(x, [1, 2, 0, 1], 0.5)),
  pad_crop: F((x) => tg.pad(x, [-1, 1])),
  repeat: F((x) => x.repeat(2, 1, 3)),
  flatten: F((x) => x.flatten(1).mul(1)),
  squeeze_unsqueeze: F((x) => x.squeeze(1).unsqueeze(0).mul(1)),
  slice_of_transposed_view: F((x) => x.t().slice(0, 1, 3).exp()),
  matmul_2d: F((a, b) => a.matmul(b!)),
  matmul_batched_broadcast: F((a, b) => a.matmul(b!)),
  matmul_batch_both: F((a, b) => a.matmul(b!)),
  matmul_vec_mat: F((a, b) => a.matmul(b!)),
  matmul_mat_vec: F((a, b) => a.matmul(b!)),
  matmul_dot: F((a, b) => a.matmul(b!)),
  matmul_transposed: F((a, b) => a.t().matmul(b!.transpose(0, 1))),
  bmm: F((a, b) => tg.bmm(a, b!)),
  gather: F((x, i) => x.gather(1, i!)),
  scatter_add: F((x, i, s) => x.scatterAdd(0, i!, s!)),
  index_select: F((x, i) => x.indexSelect(0, i!)),
  index_select_dim1: F((x, i) => x.indexSelect(1, i!)),
  masked_fill: F((x) => x.maskedFill(x.gt(0.5), -1)),
  unfold: F((x) => tg.unfold(x, [2, 3], { dilation: [1, 2], padding: 1, stride: [2, 1] })),
  fold: F((x) => tg.fold(x, [4, 5], [2, 2], { padding: [1, 0], stride: [1, 2] })),
  // rearranging
  flip: F((x) => x.flip([0, 2])),
  fliplr: F((x) => x.fliplr()),
  flipud: F((x) => tg.flipud(x)),
  roll: F((x) => x.roll([1, -3], [0, 1])),
  roll_flat: F((x) => tg.roll(x, 5)),
  rot90: F((x) => x.rot90(1, [0, 1])),
  rot90_k3: F((x) => x.rot90(-1, [1, 2])),
  tril: F((x) => x.tril()),
  triu_offset: F((x) => tg.triu(x, -1)),
  diagonal: F((x) => x.diagonal(1)),
  diagonal_dims: F((x) => tg.diagonal(x, -1, 2, 0)),
  diag_embed: F((x) => tg.diagEmbed(x, 1)),
  diag_vector: F((x) => tg.diag(x, -2)),
  trace: F((x) => x.trace()),
  movedim: F((x) => x.movedim([0, 1], [2, 0]).mul(1)),
  tile: F((x) => x.tile([2, 1, 3])),
  unbind_stack: F((x) => tg.stack(x.unbind(1).reverse(), 0)),
  tensor_split: F((x) => tg.cat(tg.tensorSplit(x, 3, 1).map((p, i) => p.mul(i + 1)), 1)),
  hstack: F((a, b) => tg.hstack([a, b!])),
  vstack: F((a, b) => tg.vstack([a, b!])),
  dstack: F((a, b) => tg.dstack([a, b!])),
  column_stack: F((a, b) => tg.columnStack([a, b!])),
  meshgrid_xy: F((a, b) => tg.stack(tg.meshgrid([a, b!], { indexing: "xy" }))),
  cartesian_prod: F((a, b) => tg.cartesianProd(a, b!)),
  repeat_interleave: F((x) => x.repeatInterleave(tg.tensor([2, 0, 1], { dtype: "int32", device: x.backend }), 0)),
  repeat_interleave_flat: F((x) => x.repeatInterleave(2)),
  kron: F((a, b) => a.kron(b!)),
  // products
  dot: F((a, b) => a.dot(b!)),
  inner: F((a, b) => tg.inner(a, b!)),
  outer: F((a, b) => a.outer(b!)),
  mv: F((m, v) => m.mv(v!)),
  addmm: F((i, a, b) => tg.addmm(i, a!, b!, { beta: 0.5, alpha: 2 })),
  baddbmm: F((i, a, b) => i.baddbmm(a!, b!, { alpha: -1.5 })),
  addbmm: F((i, a, b) => tg.addbmm(i, a!, b!, { beta: 2 })),
  addmv: F((i, m, v) => i.addmv(m!, v!)),
  addr: F((i, a, b) => tg.addr(i, a!, b!, { alpha: 3 })),
  tensordot: F((a, b) => tg.tensordot(a, b!, [[1, 0], [0, 2]])),
  tensordot_int: F((a, b) => tg.tensordot(a, b!, 1)),
  einsum_matmul: F((a, b) => tg.einsum("ij,jk->ik", a, b!)),
  einsum_batch: F((a, b) => tg.einsum("bij,bjk->bki", a, b!)),
  einsum_implicit: F((a, b) => tg.einsum("ik,jk", a, b!)),
  einsum_trace_diag: F((x) => tg.einsum("ii->i", x).add(tg.einsum("ii", x))),
  einsum_three: F((a, b, c) => tg.einsum("ab,bc,cd->ad", a, b!, c!)),
  einsum_ellipsis: F((a, b) => tg.einsum("...ij,...jk->...ik", a, b!)),
  einsum_sum_out: F((a, b) => tg.einsum("bhqd,bhkd->bhq", a, b!)),
  einsum_broadcast: F((a, b) => tg.einsum("ij,ij->i", a, b!)),
  // elementwise maths and NaN-skipping reductions
  trunc_frac: F((x) => x.trunc().add(x.frac().mul(2))),
  fmod: F((a, b) => a.fmod(b!)),
  remainder: F((a, b) => tg.remainder(a, b!)),
  lerp: F((a, b, w) => a.lerp(b!, w!)),
  lerp_scalar: F((a, b) => tg.lerp(a, b!, 0.7)),
  addcmul: F((i, a, b) => i.addcmul(a!, b!, 0.5)),
  addcdiv: F((i, a, b) => tg.addcdiv(i, a!, b!, -2)),
  hypot: F((a, b) => a.hypot(b!)),
  xlogy: F((x, y) => x.xlogy(y!)),
  logaddexp: F((a, b) => a.logaddexp(b!)),
  logaddexp2: F((a, b) => tg.logaddexp2(a, b!)),
  exp2: F((x) => x.exp2()),
  sinh_cosh: F((x) => x.sinh().add(x.cosh().mul(0.5))),
  deg2rad_rad2deg: F((x) => x.deg2rad().add(x.rad2deg().mul(1e-3))),
  nan_to_num: F((x) => x.nanToNum({ nan: 0.5 })),
  clamp_min_max: F((x) => x.clampMin(-0.2).add(x.clampMax(0.3))),
  nansum: F((x) => x.nansum(1)),
  nanmean: F((x) => tg.nanmean(x, 0)),
  cumsum: F((x) => x.cumsum(1)),
  cumsum_dim0: F((x) => tg.cumsum(x, 0)),
  cumprod: F((x) => x.cumprod(-1)),
  logcumsumexp: F((x) => x.logcumsumexp(1)),
  diff: F((x) => x.diff()),
  diff_n2_prepend: F((x, p) => x.diff(2, 0, { prepend: p! })),
  trapezoid_x: F((y, x) => tg.trapezoid(y, { x: x! })),
  cumulative_trapezoid_dx: F((y) => tg.cumulativeTrapezoid(y, { dx: 0.25, dim: 0 })),
  masked_select: F((x) => x.maskedSelect(x.gt(0))),
  masked_scatter: F((x, s) => x.maskedScatter(x.gt(0), s!)),
  take: F((x) => x.take(tg.tensor([[0, 5], [11, 5]], { dtype: "int32", device: x.backend }))),
  take_along_dim: F((x, i) => tg.takeAlongDim(x, i!, 1)),
  scatter: F((x, i, s) => x.scatter(1, i!, s!)),
  scatter_value: F((x, i) => tg.scatter(x, 0, i!, 2.5)),
  index_add: F((x, s) => x.indexAdd(1, tg.tensor([0, 2, 0], { dtype: "int32", device: x.backend }), s!, 2)),
  index_copy: F((x, s) => tg.indexCopy(x, 0, tg.tensor([2, 0], { dtype: "int32", device: x.backend }), s!)),
  index_fill: F((x) => x.indexFill(1, tg.tensor([1, 3], { dtype: "int32", device: x.backend }), -1.5)),
  unique_values: F((x) => x.unique() as Tensor),
  unique_inverse: F((x) => (tg.unique(x, { returnInverse: true }) as Tensor[])[1]!),
  unique_counts: F((x) => (x.unique({ returnCounts: true }) as Tensor[])[1]!),
  unique_consecutive_counts: F((x) => (x.uniqueConsecutive({ returnCounts: true }) as Tensor[])[1]!),
  searchsorted: F((s, v) => tg.searchsorted(s, v!)),
  searchsorted_right: F((s, v) => tg.searchsorted(s, v!, { right: true })),
  bucketize: F((x, b) => tg.bucketize(x, b!)),
  bincount: F((x) => x.bincount({ minlength: 7 })),
  bincount_weights: F((x, w) => tg.bincount(x, { weights: w! })),
  histc: F((x) => x.histc({ bins: 5, min: -2, max: 2 })),
  msort: F((x) => x.msort()),
  nanmedian: F((x) => (x.nanmedian(1) as tg.ValuesIndices).values),
  quantile: F((x) => x.quantile(0.3, 1)),
  quantile_q_tensor_keepdim: F((x) => tg.quantile(x, tg.tensor([0.1, 0.5, 0.95], { device: x.backend }), 0, { keepdim: true })),
  quantile_nearest_all: F((x) => x.quantile(0.4, undefined, { interpolation: "nearest" })),
  quantile_midpoint: F((x) => x.quantile(0.25, -1, { interpolation: "midpoint" })),
  nanquantile: F((x) => x.nanquantile(0.6, 1)),
  log1p_expm1: F((x) => x.log1p().add(x.expm1())),
  log2_log10: F((x) => x.log2().add(x.log10().mul(2))),
  tan: F((x) => x.tan()),
  atan: F((x) => x.atan()),
  asin_acos: F((x) => x.asin().add(x.acos().mul(0.5))),
  atan2: F((y, x) => tg.atan2(y, x!)),
  asinh_atanh: F((x) => x.asinh().add(tg.atanh(x))),
  acosh: F((x) => x.acosh()),
  logit_eps: F((x) => x.logit(0.05)),
  sinc: F((x) => tg.sinc(x)),
  copysign: F((a, b) => a.copysign(b!)),
  ldexp: F((x) => x.ldexp(tg.tensor([[1, -2, 3, 0]], { dtype: "int32", device: x.backend }))),
  max_pool2d_indices: F((x) => tg.nn.functional.maxPool2dWithIndices(x, 3, { stride: 2, padding: 1 })[1]),
  max_pool2d_unpool: F((x) => tg.nn.functional.maxUnpool2d(...tg.nn.functional.maxPool2dWithIndices(x, 2), 2)),
  max_pool1d_indices_ceil: F((x) => tg.nn.functional.maxPool1dWithIndices(x, 3, { stride: 2, ceilMode: true })[1]),
  max_unpool1d_size: F((x) => tg.nn.functional.maxUnpool1d(...tg.nn.functional.maxPool1dWithIndices(x, 2), 2, { outputSize: [9] })),
  adaptive_max_pool2d: F((x) => tg.nn.functional.adaptiveMaxPool2d(x, [2, 3])),
  adaptive_max_pool2d_indices: F((x) => tg.nn.functional.adaptiveMaxPool2dWithIndices(x, [3, 2])[1]),
  adaptive_max_pool1d: F((x) => new tg.nn.AdaptiveMaxPool1d(4).forward(x)),
  erfc: F((x) => x.erfc()),
  erfinv: F((x) => x.erfinv()),
  lgamma: F((x) => x.lgamma()),
  digamma: F((x) => x.digamma()),
  polygamma_1: F((x) => x.polygamma(1)),
  polygamma_3: F((x) => tg.polygamma(3, x)),
  mvlgamma: F((x) => x.mvlgamma(3)),
  i0: F((x) => x.i0()),
  fmax_fmin: F((a, b) => tg.fmax(a, b!).add(tg.fmin(a, b!).mul(2))),
  float_power: F((a, b) => a.floatPower(b!).float()),
  cummax: F((x) => x.cummax(1).values),
  cummax_indices: F((x) => x.cummax(1).indices),
  cummin_dim0: F((x) => tg.cummin(x, 0).values),
  cummin_indices: F((x) => x.cummin(0).indices),
  vector_norm_3: F((x) => tg.linalg.vectorNorm(x, 3, { dim: 1 })),
  vector_norm_inf_all: F((x) => tg.linalg.vectorNorm(x, Infinity)),
  vector_norm_zero_row: F((x) => tg.linalg.vectorNorm(x, 2, { dim: 1 })),
  matrix_norm_fro: F((x) => tg.linalg.matrixNorm(x)),
  matrix_norm_1_inf: F((x) => tg.linalg.matrixNorm(x, 1).add(tg.linalg.matrixNorm(x, Infinity))),
  norm_p_dim: F((x) => x.norm(1.5, 0, true)),
  dist: F((a, b) => tg.dist(a, b!, 3)),
  renorm: F((x) => x.renorm(2, 0, 1.5)),
  cdist: F((a, b) => tg.cdist(a, b!)),
  cdist_p1_large: F((a, b) => tg.cdist(a, b!, 1)),
  cdist_mm: F((a, b) => tg.cdist(a, b!)),
  cov: F((x) => x.cov()),
  cov_weights: F((x, w) => tg.cov(x, { correction: 0, fweights: tg.tensor([1, 2, 1, 3, 1], { dtype: "int32", device: x.backend }), aweights: w! })),
  corrcoef: F((x) => x.corrcoef()),
  std_mean: F((x) => tg.stdMean(x, 1)[0].add(tg.stdMean(x, 1)[1])),
  cross: F((a, b) => tg.linalg.cross(a, b!)),
  select_scatter: F((x, s) => x.selectScatter(s!, 1, 2)),
  slice_scatter: F((x, s) => tg.sliceScatter(x, s!, 1, 1, 6, 2)),
  diagonal_scatter: F((x, s) => x.diagonalScatter(s!, 1)),
  put_accumulate: F((x, s) => x.put(tg.tensor([1, 5, 1, -1], { dtype: "int32", device: x.backend }), s!, true)),
  index_reduce_amax: F((x, s) => x.indexReduce(0, tg.tensor([0, 2, 0], { dtype: "int32", device: x.backend }), s!, "amax")),
  index_reduce_mean_exclude: F((x, s) => tg.indexReduce(x, 1, tg.tensor([1, 1, 0], { dtype: "int32", device: x.backend }), s!, "mean", { includeSelf: false })),
  diagflat: F((x) => x.diagflat(-1)),
  block_diag: F((a, b, c) => tg.blockDiag(a, b!, c!)),
  combinations: F((x) => tg.combinations(x, 2)),
  combinations_replacement: F((x) => tg.combinations(x, 3, true)),
  vander: F((x) => tg.vander(x, 4)),
  unfold_method: F((x) => x.unfold(1, 3, 2)),
  hann_window: F(() => tg.hannWindow(7)),
  hamming_window_symmetric: F(() => tg.hammingWindow(6, { periodic: false })),
  blackman_window: F(() => tg.blackmanWindow(8)),
  bartlett_window: F(() => tg.bartlettWindow(5, { periodic: false })),
  kaiser_window: F(() => tg.kaiserWindow(9, { beta: 5 })),
  logspace: F(() => tg.logspace(-1, 2, 5, 2)),
  linalg_inv: F((a) => tg.linalg.inv(a)),
  linalg_det: F((a) => tg.linalg.det(a)),
  linalg_slogdet: F((a) => tg.linalg.slogdet(a).logabsdet.mul(tg.linalg.slogdet(a).sign)),
  linalg_solve: F((a, b) => tg.linalg.solve(a, b!)),
  linalg_solve_vector_batch: F((a, b) => tg.linalg.solve(a, b!)),
  linalg_cholesky: F((a) => tg.linalg.cholesky(a.matmul(a.transpose(-2, -1)).add(tg.eye(4, 4, { device: a.backend })))),
  linalg_matrix_power: F((a) => tg.linalg.matrixPower(a, 3).add(tg.linalg.matrixPower(a, -2))),
  linalg_multi_dot: F((a, b, c) => tg.linalg.multiDot([a, b!, c!])),
  logdet: F((a) => tg.logdet(a.matmul(a.t()).add(tg.eye(3, 3, { device: a.backend })))),
  max_pool3d_indices: F((x) => tg.nn.functional.maxPool3dWithIndices(x, [3, 2, 3], { stride: [2, 2, 2], padding: [1, 1, 0], dilation: [1, 1, 2], ceilMode: true })[1]),
  max_unpool3d: F((x) => tg.nn.functional.maxUnpool3d(...tg.nn.functional.maxPool3dWithIndices(x, 2), 2, { outputSize: [5, 4, 5] })),
  adaptive_max_pool3d_indices: F((x) => new tg.nn.AdaptiveMaxPool3d([4, 3, 2], { returnIndices: true }).forward(x)[1]),
  fractional_max_pool2d_indices: F((x) => tg.nn.functional.fractionalMaxPool2dWithIndices(x, 2, { outputRatio: 0.6, randomSamples: tg.tensor([[[0.3, 0.8]], [[0.05, 0.55]]], { device: x.backend }) })[1]),
  linalg_qr_reduced: F((a) => tg.cat([...tg.linalg.qr(a)].map((q) => q.flatten()))),
  linalg_qr_complete_wide: F((a) => tg.cat([...tg.linalg.qr(a, { mode: "complete" })].map((q) => q.flatten()))),
  linalg_eigh: F((x) => {
    const [l, v] = tg.linalg.eigh(x.add(x.transpose(-2, -1)));
    return tg.cat([l.flatten(), v.matmul(tg.diagEmbed(l.sin())).matmul(v.transpose(-2, -1)).flatten()]);
  }),
  linalg_eigvalsh_lower: F((x) => tg.linalg.eigvalsh(x)),
  linalg_svd: F((a) => {
    const { U, S, Vh } = tg.linalg.svd(a);
    return tg.cat([S, U.narrow(1, 0, 3).matmul(tg.diag(S.exp())).matmul(Vh.narrow(0, 0, 3)).flatten()]);
  }),
  linalg_svdvals_wide_batch: F((a) => tg.linalg.svdvals(a)),
  linalg_matrix_norm_nuc_2: F((a) => tg.linalg.matrixNorm(a, "nuc").add(tg.linalg.matrixNorm(a, 2)).sub(tg.linalg.matrixNorm(a, -2))),
  linalg_pinv: F((a) => tg.linalg.pinv(a)),
  linalg_lstsq: F((a, b) => tg.linalg.lstsq(a, b!).solution),
  linalg_matrix_rank: F((a) => tg.linalg.matrixRank(a)),
  linalg_cond: F((a) => tg.stack([tg.linalg.cond(a), tg.linalg.cond(a, -2), tg.linalg.cond(a, "fro"), tg.linalg.cond(a, 1)])),
  linalg_solve_triangular: F((a, b) => tg.linalg.solveTriangular(a.triu().add(tg.eye(4, 4, { device: a.backend }).mul(3)), b!, { upper: true }).add(tg.linalg.solveTriangular(a.tril().add(tg.eye(4, 4, { device: a.backend }).mul(3)), b!, { upper: false, unitriangular: true }))),
  linalg_solve_triangular_right: F((a, b) => tg.linalg.solveTriangular(a.tril().add(tg.eye(3, 3, { device: a.backend }).mul(3)), b!, { upper: false, left: false })),
  linalg_lu_factor: F((a) => tg.linalg.luFactor(a).LU),
  linalg_lu_factor_pivots: F((a) => tg.linalg.luFactor(a).pivots),
  linalg_lu: F((a) => tg.cat([...tg.linalg.lu(a)].map((m) => m.flatten()))),
  linalg_lu_solve: F((a, b) => tg.linalg.luSolve(tg.linalg.luFactor(a).LU, tg.linalg.luFactor(a).pivots, b!)),
  linalg_householder_product: F((a, tau) => tg.linalg.householderProduct(a, tau!)),
  linalg_matrix_exp: F((a) => tg.linalg.matrixExp(a)),
  linalg_tensorinv: F((a) => tg.linalg.tensorinv(a, { ind: 1 })),
  linalg_tensorsolve: F((a, b) => tg.linalg.tensorsolve(a, b!)),
  torch_svd_pinverse: F((a) => {
    const [u, s, v] = a.svd();
    return tg.cat([u.matmul(tg.diag(s.sqrt())).matmul(v.t()).flatten(), tg.pinverse(a).flatten()]);
  }),
  cholesky_solve_inverse: F((a, b) => {
    const L = tg.linalg.cholesky(a.matmul(a.t()).add(tg.eye(3, 3, { device: a.backend })));
    return tg.cat([b!.choleskySolve(L).flatten(), tg.choleskyInverse(L.t(), true).flatten()]);
  }),
  triangular_solve_transpose: F((b, a) => b.triangularSolve(a!.triu().add(tg.eye(3, 3, { device: b.backend }).mul(2)), true, true).solution),
  lu_unpack: F((a) => tg.cat([...tg.luUnpack(tg.linalg.luFactor(a).LU, tg.linalg.luFactor(a).pivots)].map((m) => m.flatten()))),
  igamma_igammac: F((a, x) => tg.igamma(a.detach(), x!).add(a.detach().igammac(x!.mul(3)).mul(2))),
  as_strided_overlapping: F((x) => tg.asStrided(x, [3, 4], [2, 1], 1)),
  as_strided_scatter: F((x, s) => x.detach().asStridedScatter(s!.detach(), [2, 2], [3, 1], 2)),
  geqrf: F((a) => tg.cat([...tg.geqrf(a.detach())].map((t) => t.flatten()))),
  geqrf_wide: F((a) => tg.cat([...a.detach().geqrf()].map((t) => t.flatten()))),
  ormqr: F((a, c) => {
    const [packed, tau] = tg.geqrf(a.detach());
    return tg.cat([tg.ormqr(packed, tau, c!.detach()).flatten(), packed.ormqr(tau, c!.detach().t(), false, true).flatten()]);
  }),
};


/** The fixture file's contents: what a browser page, which has no file system, fetches and passes in. */
export interface OpFixture {
  cases: Record<string, Case>;
}

let read: OpFixture | null = null;
const opsFixture = (): OpFixture => (read ??= readFixture<OpFixture>("ops.json"));

/** Every fixture case has a tensorgrad op, and every op a fixture. */
export function everyOpHasAFixture(): void {
  assert.deepEqual(Object.keys(OPS).sort(), Object.keys(opsFixture().cases).sort());
}

/**
 * Each case on `backend`. `hostOps`: the ops that compute on the host from the values (decompositions,
 * shapes that depend on the data), which a backend without synchronous reads refuses with a DeviceError
 * (or, for a float64 result, a DTypeError). `moved`: the inputs are made on the CPU and moved to the
 * backend (`x.to("webgpu")`, as users do), which stays off the default device, so that an op making
 * a helper tensor on the default device instead of its input's fails.
 */
export function opParitySuite(backend: string, hostOps: ReadonlySet<string> = new Set(), fixture: OpFixture = opsFixture(), { moved = false } = {}): void {
  for (const [name, c] of Object.entries(fixture.cases)) {
    test(`${name} [${backend}${moved ? ", inputs moved there" : ""}]`, async () => {
      const previous = tg.getBackend().name;
      if (!moved) tg.setBackend(backend);
      const on = (t: Tensor) => (moved ? t.to(backend) : t);
      try {
        const xs = c.inputs.map((e) => {
          const t = on(decode(e));
          return e.dtype === "float32" ? t.requiresGrad_() : t;
        });
        if (hostOps.has(name)) {
          // A read the device cannot do synchronously, or float64 (which a GPU has no type for).
          return assert.throws(() => OPS[name]!(...xs), (e: Error) => e instanceof tg.DeviceError || e instanceof tg.DTypeError);
        }
        const y = OPS[name]!(...xs);
        const near = async (t: Tensor, e: Encoded) => assertClose(Array.from(await t.data()), e.data.map((v) => v ?? NaN), { atol: 1e-5, rtol: 1e-4 });
        assert.deepEqual(y.shape, c.output.shape);
        await near(y, c.output);
        if (!y.requiresGrad) return;
        y.mul(on(decode(c.u))).sum().backward();
        for (const [i, g] of c.grads.entries()) {
          if (g === null) assert.equal(xs[i]!.grad, null, `input ${i} should get no gradient`);
          else {
            assert.deepEqual(xs[i]!.grad!.shape, g.shape);
            await near(xs[i]!.grad!, g);
          }
        }
      } finally {
        tg.setBackend(previous);
      }
    });
  }
}
