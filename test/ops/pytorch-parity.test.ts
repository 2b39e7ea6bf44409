/**
 * Every op against PyTorch: forward values and input gradients of sum(u · f(inputs)), from
 * test/fixtures/ops.json (made by tools/make_op_fixtures.py; CI reads the committed file only).
 */
import { describe, test } from "node:test";
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
  repeat_interleave: F((x) => x.repeatInterleave(tg.tensor([2, 0, 1], { dtype: "int32" }), 0)),
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
  take: F((x) => x.take(tg.tensor([[0, 5], [11, 5]], { dtype: "int32" }))),
  take_along_dim: F((x, i) => tg.takeAlongDim(x, i!, 1)),
  scatter: F((x, i, s) => x.scatter(1, i!, s!)),
  scatter_value: F((x, i) => tg.scatter(x, 0, i!, 2.5)),
  index_add: F((x, s) => x.indexAdd(1, tg.tensor([0, 2, 0], { dtype: "int32" }), s!, 2)),
  index_copy: F((x, s) => tg.indexCopy(x, 0, tg.tensor([2, 0], { dtype: "int32" }), s!)),
  index_fill: F((x) => x.indexFill(1, tg.tensor([1, 3], { dtype: "int32" }), -1.5)),
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
  quantile_q_tensor_keepdim: F((x) => tg.quantile(x, tg.tensor([0.1, 0.5, 0.95]), 0, { keepdim: true })),
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
  ldexp: F((x) => x.ldexp(tg.tensor([[1, -2, 3, 0]], { dtype: "int32" }))),
  max_pool2d_indices: F((x) => tg.nn.functional.maxPool2dWithIndices(x, 3, { stride: 2, padding: 1 })[1]),
  max_pool2d_unpool: F((x) => tg.nn.functional.maxUnpool2d(...tg.nn.functional.maxPool2dWithIndices(x, 2), 2)),
  max_pool1d_indices_ceil: F((x) => tg.nn.functional.maxPool1dWithIndices(x, 3, { stride: 2, ceilMode: true })[1]),
  max_unpool1d_size: F((x) => tg.nn.functional.maxUnpool1d(...tg.nn.functional.maxPool1dWithIndices(x, 2), 2, { outputSize: [9] })),
  adaptive_max_pool2d: F((x) => tg.nn.functional.adaptiveMaxPool2d(x, [2, 3])),
  adaptive_max_pool2d_indices: F((x) => tg.nn.functional.adaptiveMaxPool2dWithIndices(x, [3, 2])[1]),
  adaptive_max_pool1d: F((x) => new tg.nn.AdaptiveMaxPool1d(4).forward(x)),
};


const fixture = readFixture<{ cases: Record<string, Case> }>("ops.json");

describe("ops match PyTorch (forward and gradients)", () => {
  test("every fixture case has a tensorgrad op, and every op a fixture", () => {
    assert.deepEqual(Object.keys(OPS).sort(), Object.keys(fixture.cases).sort());
  });

  for (const backend of tg.listBackends()) {
    for (const [name, c] of Object.entries(fixture.cases)) {
      test(`${name} [${backend}]`, () => {
        tg.setBackend(backend);
        const xs = c.inputs.map((e) => {
          const t = decode(e);
          return e.dtype === "float32" ? t.requiresGrad_() : t;
        });
        const y = OPS[name]!(...xs);
        assertClose(y, decode(c.output).dataSync(), { atol: 1e-5, rtol: 1e-4, shape: c.output.shape });
        if (!y.requiresGrad) return;
        y.mul(decode(c.u)).sum().backward();
        c.grads.forEach((g, i) => {
          if (g === null) return assert.equal(xs[i]!.grad, null, `input ${i} should get no gradient`);
          assertClose(xs[i]!.grad!, decode(g).dataSync(), { atol: 1e-5, rtol: 1e-4, shape: g.shape });
        });
      });
    }
  }
});
