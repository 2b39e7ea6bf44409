#!/usr/bin/env python3
"""Writes test/fixtures/ops.json: PyTorch's forward values and gradients for every tensor op case.

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_op_fixtures.py
Each case: inputs (float32 unless stated), the output, a fixed random projection u, and the
gradient of sum(u * output) with respect to every float input. test/ops/pytorch-parity.test.ts
runs the same case names through tensorgrad and compares.
"""
import json
import math
import os
import torch
import torch.nn.functional as F

torch.manual_seed(0)


def randn(*shape):
    return torch.randn(*shape)


def pos(*shape):
    return torch.rand(*shape) + 0.5


def idx(data):
    return torch.tensor(data, dtype=torch.int64)


def vander_reference(x, n):
    out = torch.stack([x ** k for k in range(n - 1, -1, -1)], 1)
    assert torch.allclose(out, torch.vander(x.detach(), n))
    return out


CASES = {
    # unary
    "neg": (lambda x: -x, [randn(3, 4)]),
    "abs": (lambda x: x.abs(), [randn(3, 4)]),
    "exp": (lambda x: x.exp(), [randn(3, 4)]),
    "log": (lambda x: x.log(), [pos(3, 4)]),
    "sqrt": (lambda x: x.sqrt(), [pos(3, 4)]),
    "rsqrt": (lambda x: x.rsqrt(), [pos(3, 4)]),
    "sin": (lambda x: x.sin(), [randn(3, 4)]),
    "cos": (lambda x: x.cos(), [randn(3, 4)]),
    "tanh": (lambda x: x.tanh(), [randn(3, 4)]),
    "sigmoid": (lambda x: x.sigmoid(), [randn(3, 4) * 4]),
    "relu": (lambda x: x.relu(), [randn(3, 4)]),
    "gelu": (lambda x: F.gelu(x), [randn(3, 4) * 2]),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"), [randn(3, 4) * 2]),
    "erf": (lambda x: x.erf(), [randn(3, 4)]),
    "floor": (lambda x: x.floor(), [randn(3, 4) * 3]),
    "ceil": (lambda x: x.ceil(), [randn(3, 4) * 3]),
    "round": (lambda x: x.round(), [torch.tensor([[0.5, 1.5, 2.5, -0.5], [-1.5, 0.4, 0.6, -2.7]])]),
    "sign": (lambda x: x.sign(), [torch.tensor([[0.0, 1.5, -2.5, 3.0]])]),
    "square": (lambda x: x.square(), [randn(3, 4)]),
    "reciprocal": (lambda x: x.reciprocal(), [pos(3, 4)]),
    "clamp": (lambda x: x.clamp(-0.5, 0.5), [randn(4, 5)]),
    "clamp_min": (lambda x: x.clamp(min=0.1), [randn(4, 5)]),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), [randn(3, 4)]),
    "elu": (lambda x: F.elu(x), [randn(3, 4) * 3]),
    "silu": (lambda x: F.silu(x), [randn(3, 4) * 2]),
    "relu6": (lambda x: F.relu6(x), [randn(3, 4) * 5]),
    "hardsigmoid": (lambda x: F.hardsigmoid(x), [randn(3, 4) * 4]),
    "hardswish": (lambda x: F.hardswish(x), [randn(3, 4) * 4]),
    "softplus": (lambda x: F.softplus(x), [randn(3, 4) * 5]),
    "logsigmoid": (lambda x: F.logsigmoid(x), [randn(3, 4) * 5]),
    # binary, with broadcasting
    "add": (lambda a, b: a + b, [randn(3, 4), randn(4)]),
    "add_alpha": (lambda a, b: torch.add(a, b, alpha=2.5), [randn(3, 4), randn(3, 1)]),
    "sub": (lambda a, b: a - b, [randn(2, 1, 4), randn(3, 1)]),
    "mul": (lambda a, b: a * b, [randn(2, 3, 4), randn(3, 4)]),
    "div": (lambda a, b: a / b, [randn(3, 4), pos(3, 1)]),
    "pow": (lambda a, b: a.pow(b), [pos(3, 4), randn(4)]),
    "pow_scalar": (lambda a: a.pow(3), [randn(3, 4)]),
    "maximum": (lambda a, b: torch.maximum(a, b), [randn(3, 4), randn(4)]),
    "minimum": (lambda a, b: torch.minimum(a, b), [randn(3, 4), randn(3, 1)]),
    "where": (lambda a, b: torch.where(a > 0, a, b), [randn(3, 4), randn(4)]),
    "scalar_ops": (lambda a: (2 - a) * 3 / (a * a + 1), [randn(3, 4)]),
    # reductions
    "sum_all": (lambda x: x.sum(), [randn(3, 4)]),
    "sum_dim": (lambda x: x.sum(1), [randn(3, 4, 2)]),
    "sum_dims_keepdim": (lambda x: x.sum((0, 2), keepdim=True), [randn(3, 4, 2)]),
    "mean_dim": (lambda x: x.mean(-1), [randn(3, 4)]),
    "mean_all": (lambda x: x.mean(), [randn(3, 4)]),
    "prod_dim": (lambda x: x.prod(1), [torch.tensor([[1.5, 2.0, -0.5], [0.0, 3.0, 2.0], [0.0, 0.0, 1.0]])]),
    "prod_all": (lambda x: x.prod(), [pos(2, 3)]),
    "amax_dim": (lambda x: x.amax(1), [torch.tensor([[1.0, 3.0, 3.0], [2.0, -1.0, 0.0]])]),
    "max_all": (lambda x: x.max(), [randn(3, 4)]),
    "max_dim_values": (lambda x: x.max(1).values, [randn(3, 4)]),
    "min_dim_keepdim": (lambda x: x.min(0, keepdim=True).values, [randn(3, 4)]),
    "var": (lambda x: x.var(1), [randn(3, 5)]),
    "var_biased": (lambda x: x.var(1, unbiased=False, keepdim=True), [randn(3, 5)]),
    "std_all": (lambda x: x.std(), [randn(3, 5)]),
    "logsumexp": (lambda x: x.logsumexp(1), [randn(3, 5) * 10]),
    "softmax": (lambda x: x.softmax(1), [randn(3, 5) * 5]),
    "softmax_dim0": (lambda x: x.softmax(0), [randn(3, 5)]),
    "log_softmax": (lambda x: x.log_softmax(-1), [randn(3, 5) * 5]),
    # movement
    "reshape_transposed": (lambda x: x.t().reshape(2, 6), [randn(3, 4)]),
    "permute": (lambda x: x.permute(2, 0, 1) * 1.0, [randn(2, 3, 4)]),
    "transpose_exp": (lambda x: x.transpose(0, 1).exp(), [randn(2, 3)]),
    "expand": (lambda x: x.expand(3, 2, 4) * 1.0, [randn(2, 1)]),
    "narrow": (lambda x: x.narrow(1, 1, 2) * 1.0, [randn(3, 4)]),
    "slice_step": (lambda x: x[:, 1::2] * 1.0, [randn(3, 7)]),
    "select": (lambda x: x.select(1, 2) * 1.0, [randn(3, 4)]),
    "cat": (lambda a, b: torch.cat([a, b], 1), [randn(2, 3), randn(2, 2)]),
    "stack": (lambda a, b: torch.stack([a, b], 1), [randn(2, 3), randn(2, 3)]),
    "split_second": (lambda x: x.split(2, 1)[1] * 1.0, [randn(2, 5)]),
    "chunk_last": (lambda x: x.chunk(3, 0)[2] * 1.0, [randn(7, 2)]),
    "pad": (lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), [randn(2, 3)]),
    "pad_crop": (lambda x: F.pad(x, (-1, 1)), [randn(2, 4)]),
    "repeat": (lambda x: x.repeat(2, 1, 3), [randn(2, 3)]),
    "flatten": (lambda x: x.flatten(1) * 1.0, [randn(2, 3, 4)]),
    "squeeze_unsqueeze": (lambda x: x.squeeze(1).unsqueeze(0) * 1.0, [randn(3, 1, 4)]),
    "slice_of_transposed_view": (lambda x: x.t()[1:3].exp(), [randn(4, 5)]),
    # products
    "matmul_2d": (lambda a, b: a @ b, [randn(3, 4), randn(4, 5)]),
    "matmul_batched_broadcast": (lambda a, b: a @ b, [randn(2, 3, 4), randn(4, 5)]),
    "matmul_batch_both": (lambda a, b: a @ b, [randn(2, 1, 3, 4), randn(3, 4, 2)]),
    "matmul_vec_mat": (lambda a, b: a @ b, [randn(4), randn(4, 3)]),
    "matmul_mat_vec": (lambda a, b: a @ b, [randn(3, 4), randn(4)]),
    "matmul_dot": (lambda a, b: a @ b, [randn(4), randn(4)]),
    "matmul_transposed": (lambda a, b: a.t() @ b.transpose(0, 1), [randn(4, 3), randn(5, 4)]),
    "bmm": (lambda a, b: torch.bmm(a, b), [randn(2, 3, 4), randn(2, 4, 2)]),
    # indexing
    "gather": (lambda x, i: x.gather(1, i), [randn(3, 4), idx([[0, 3], [1, 1], [2, 0]])]),
    "scatter_add": (lambda x, i, s: x.scatter_add(0, i, s), [randn(3, 2), idx([[0, 1], [0, 2]]), randn(2, 2)]),
    "index_select": (lambda x, i: x.index_select(0, i), [randn(5, 3), idx([4, 0, 4, 2])]),
    "index_select_dim1": (lambda x, i: x.index_select(1, i), [randn(2, 5), idx([1, 3])]),
    "masked_fill": (lambda x: x.masked_fill(x > 0.5, -1.0), [randn(3, 4)]),
    # sliding windows
    "unfold": (lambda x: F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), [randn(2, 2, 5, 6)]),
    "fold": (lambda x: F.fold(x, output_size=(4, 5), kernel_size=(2, 2), padding=(1, 0), stride=(1, 2)), [randn(2, 12, 10)]),
    # rearranging (ops/composite/arrange.ts)
    "flip": (lambda x: x.flip([0, 2]), [randn(2, 3, 4)]),
    "fliplr": (lambda x: x.fliplr(), [randn(3, 4)]),
    "flipud": (lambda x: x.flipud(), [randn(3, 4)]),
    "roll": (lambda x: x.roll((1, -3), (0, 1)), [randn(3, 4)]),
    "roll_flat": (lambda x: x.roll(5), [randn(3, 4)]),
    "rot90": (lambda x: x.rot90(1, (0, 1)), [randn(3, 4)]),
    "rot90_k3": (lambda x: x.rot90(-1, (1, 2)), [randn(2, 3, 4)]),
    "tril": (lambda x: x.tril(), [randn(4, 5)]),
    "triu_offset": (lambda x: x.triu(-1), [randn(2, 4, 3)]),
    "diagonal": (lambda x: x.diagonal(1) * 1.0, [randn(4, 5)]),
    "diagonal_dims": (lambda x: x.diagonal(-1, 2, 0) * 1.0, [randn(4, 2, 3)]),
    "diag_embed": (lambda x: torch.diag_embed(x, 1), [randn(2, 3)]),
    "diag_vector": (lambda x: torch.diag(x, -2), [randn(3)]),
    "trace": (lambda x: x.trace(), [randn(4, 3)]),
    "movedim": (lambda x: x.movedim((0, 1), (2, 0)) * 1.0, [randn(2, 3, 4)]),
    "tile": (lambda x: x.tile((2, 1, 3)), [randn(2, 3)]),
    "unbind_stack": (lambda x: torch.stack(x.unbind(1)[::-1], 0), [randn(2, 3)]),
    "tensor_split": (lambda x: torch.cat([p * (i + 1) for i, p in enumerate(torch.tensor_split(x, 3, 1))], 1), [randn(2, 7)]),
    "hstack": (lambda a, b: torch.hstack([a, b]), [randn(2, 3), randn(2, 2)]),
    "vstack": (lambda a, b: torch.vstack([a, b]), [randn(3), randn(2, 3)]),
    "dstack": (lambda a, b: torch.dstack([a, b]), [randn(2, 3), randn(2, 3)]),
    "column_stack": (lambda a, b: torch.column_stack([a, b]), [randn(3), randn(3, 2)]),
    "meshgrid_xy": (lambda a, b: torch.stack(torch.meshgrid(a, b, indexing="xy")), [randn(3), randn(4)]),
    "cartesian_prod": (lambda a, b: torch.cartesian_prod(a, b), [randn(3), randn(2)]),
    "repeat_interleave": (lambda x: x.repeat_interleave(torch.tensor([2, 0, 1]), dim=0), [randn(3, 2)]),
    "repeat_interleave_flat": (lambda x: x.repeat_interleave(2), [randn(2, 2)]),
    "kron": (lambda a, b: torch.kron(a, b), [randn(2, 3), randn(3, 1, 2)]),
    # products (ops/composite/products.ts)
    "dot": (lambda a, b: torch.dot(a, b), [randn(5), randn(5)]),
    "inner": (lambda a, b: torch.inner(a, b), [randn(2, 3, 4), randn(5, 4)]),
    "outer": (lambda a, b: torch.outer(a, b), [randn(3), randn(4)]),
    "mv": (lambda m, v: torch.mv(m, v), [randn(3, 4), randn(4)]),
    "addmm": (lambda i, a, b: torch.addmm(i, a, b, beta=0.5, alpha=2.0), [randn(3), randn(2, 4), randn(4, 3)]),
    "baddbmm": (lambda i, a, b: torch.baddbmm(i, a, b, alpha=-1.5), [randn(2, 3, 2), randn(2, 3, 4), randn(2, 4, 2)]),
    "addbmm": (lambda i, a, b: torch.addbmm(i, a, b, beta=2.0), [randn(3, 2), randn(4, 3, 5), randn(4, 5, 2)]),
    "addmv": (lambda i, m, v: torch.addmv(i, m, v), [randn(3), randn(3, 4), randn(4)]),
    "addr": (lambda i, a, b: torch.addr(i, a, b, alpha=3.0), [randn(3, 2), randn(3), randn(2)]),
    "tensordot": (lambda a, b: torch.tensordot(a, b, dims=([1, 0], [0, 2])), [randn(3, 4, 5), randn(4, 2, 3)]),
    "tensordot_int": (lambda a, b: torch.tensordot(a, b, dims=1), [randn(2, 3), randn(3, 4)]),
    "einsum_matmul": (lambda a, b: torch.einsum("ij,jk->ik", a, b), [randn(2, 3), randn(3, 4)]),
    "einsum_batch": (lambda a, b: torch.einsum("bij,bjk->bki", a, b), [randn(2, 3, 4), randn(2, 4, 5)]),
    "einsum_implicit": (lambda a, b: torch.einsum("ik,jk", a, b), [randn(2, 3), randn(4, 3)]),
    "einsum_trace_diag": (lambda x: torch.einsum("ii->i", x) + torch.einsum("ii", x), [randn(3, 3)]),
    "einsum_three": (lambda a, b, c: torch.einsum("ab,bc,cd->ad", a, b, c), [randn(2, 3), randn(3, 4), randn(4, 2)]),
    "einsum_ellipsis": (lambda a, b: torch.einsum("...ij,...jk->...ik", a, b), [randn(2, 2, 3), randn(3, 4)]),
    "einsum_sum_out": (lambda a, b: torch.einsum("bhqd,bhkd->bhq", a, b), [randn(2, 2, 3, 4), randn(2, 2, 5, 4)]),
    "einsum_broadcast": (lambda a, b: torch.einsum("ij,ij->i", a, b), [randn(3, 1), randn(3, 4)]),
    # elementwise maths and NaN-skipping reductions (ops/composite/math.ts, predicates.ts)
    "trunc_frac": (lambda x: x.trunc() + x.frac() * 2, [randn(3, 4) * 3]),
    "fmod": (lambda a, b: torch.fmod(a, b), [randn(3, 4) * 5, pos(4)]),
    "remainder": (lambda a, b: torch.remainder(a, b), [randn(3, 4) * 5, pos(3, 1)]),
    "lerp": (lambda a, b, w: torch.lerp(a, b, w), [randn(3, 4), randn(3, 4), torch.rand(3, 4)]),
    "lerp_scalar": (lambda a, b: torch.lerp(a, b, 0.7), [randn(3, 4), randn(4)]),
    "addcmul": (lambda i, a, b: torch.addcmul(i, a, b, value=0.5), [randn(3, 4), randn(3, 4), randn(4)]),
    "addcdiv": (lambda i, a, b: torch.addcdiv(i, a, b, value=-2), [randn(3, 4), randn(3, 4), pos(3, 4)]),
    "hypot": (lambda a, b: torch.hypot(a, b), [randn(3, 4), randn(3, 4)]),
    "xlogy": (lambda x, y: torch.xlogy(x, y), [torch.tensor([[0.0, 1.5, -2.0], [0.5, 0.0, 3.0]]), pos(2, 3)]),
    "logaddexp": (lambda a, b: torch.logaddexp(a, b), [randn(3, 4) * 3, randn(3, 4) * 3]),
    "logaddexp2": (lambda a, b: torch.logaddexp2(a, b), [randn(3, 4) * 3, randn(4) * 3]),
    "exp2": (lambda x: torch.exp2(x), [randn(3, 4)]),
    "sinh_cosh": (lambda x: torch.sinh(x) + torch.cosh(x) * 0.5, [torch.tensor([[1e-4, -3e-3, 0.5, -2.0], [4.0, 0.0, -1e-6, 0.02]])]),
    "deg2rad_rad2deg": (lambda x: torch.deg2rad(x) + torch.rad2deg(x) * 1e-3, [randn(3, 4)]),
    "nan_to_num": (lambda x: torch.nan_to_num(x, nan=0.5), [torch.tensor([[1.0, float("nan"), -2.0], [float("nan"), 0.5, 3.0]])]),
    "clamp_min_max": (lambda x: x.clamp_min(-0.2) + x.clamp_max(0.3), [randn(3, 4)]),
    "nansum": (lambda x: x.nansum(1), [torch.tensor([[1.0, float("nan"), -2.0], [float("nan"), float("nan"), 3.0]])]),
    "nanmean": (lambda x: x.nanmean(0), [torch.tensor([[1.0, float("nan"), -2.0], [float("nan"), 4.0, 3.0]])]),
    # scans (ops/composite/scans.ts)
    "cumsum": (lambda x: x.cumsum(1), [randn(3, 7)]),
    "cumsum_dim0": (lambda x: x.cumsum(0), [randn(5, 2, 3)]),
    "cumprod": (lambda x: x.cumprod(-1), [randn(2, 6)]),
    "logcumsumexp": (lambda x: x.logcumsumexp(1), [randn(2, 9) * 5]),
    "diff": (lambda x: x.diff(), [randn(3, 5)]),
    "diff_n2_prepend": (lambda x, p: x.diff(n=2, dim=0, prepend=p), [randn(4, 3), randn(1, 3)]),
    "trapezoid_x": (lambda y, x: torch.trapezoid(y, x), [randn(2, 5), torch.tensor([0.0, 0.5, 1.5, 1.7, 3.0])]),
    "cumulative_trapezoid_dx": (lambda y: torch.cumulative_trapezoid(y, dx=0.25, dim=0), [randn(4, 3)]),
    # indexing ops (ops/composite/index-ops.ts)
    "masked_select": (lambda x: x.masked_select(x > 0), [randn(3, 4)]),
    "masked_scatter": (lambda x, s: x.masked_scatter(x > 0, s), [randn(3, 4), randn(12)]),
    "take": (lambda x: x.take(idx([[0, 5], [11, 5]])), [randn(3, 4)]),
    "take_along_dim": (lambda x, i: torch.take_along_dim(x, i, dim=1), [randn(3, 4), idx([[0], [3], [1]])]),
    "scatter": (lambda x, i, s: x.scatter(1, i, s), [randn(3, 5), idx([[0, 4], [1, 2], [3, 0]]), randn(3, 2)]),
    "scatter_value": (lambda x, i: x.scatter(0, i, 2.5), [randn(3, 2), idx([[2, 0]])]),
    "index_add": (lambda x, s: x.index_add(1, idx([0, 2, 0]), s, alpha=2), [randn(3, 4), randn(3, 3)]),
    "index_copy": (lambda x, s: x.index_copy(0, idx([2, 0]), s), [randn(3, 4), randn(2, 4)]),
    "index_fill": (lambda x: x.index_fill(1, idx([1, 3]), -1.5), [randn(3, 4)]),
    # sorting and counting (ops/composite/selection.ts)
    "unique_values": (lambda x: torch.unique(x).detach(), [torch.tensor([[3.0, 1.0, 2.0], [1.0, 3.0, 5.0]])]),
    "unique_inverse": (lambda x: torch.unique(x, return_inverse=True)[1], [torch.tensor([[3.0, 1.0, 2.0], [1.0, 3.0, 5.0]])]),
    "unique_counts": (lambda x: torch.unique(x, return_counts=True)[1], [torch.tensor([[3.0, 1.0, 2.0], [1.0, 3.0, 5.0]])]),
    "unique_consecutive_counts": (lambda x: torch.unique_consecutive(x, return_counts=True)[1], [torch.tensor([1.0, 1.0, 2.0, 2.0, 3.0, 1.0, 1.0, 2.0])]),
    "searchsorted": (lambda s, v: torch.searchsorted(s, v), [torch.tensor([[1.0, 3.0, 5.0, 7.0], [2.0, 4.0, 6.0, 8.0]]), torch.tensor([[3.0, 6.0, 9.0], [1.0, 4.0, 8.0]])]),
    "searchsorted_right": (lambda s, v: torch.searchsorted(s, v, right=True), [torch.tensor([1.0, 3.0, 3.0, 7.0]), torch.tensor([[3.0, 0.0], [7.0, 8.0]])]),
    "bucketize": (lambda x, b: torch.bucketize(x, b), [torch.tensor([[0.5, 2.0], [9.0, 3.0]]), torch.tensor([1.0, 2.0, 3.0])]),
    "bincount": (lambda x: torch.bincount(x, minlength=7), [idx([0, 3, 3, 1, 5])]),
    "bincount_weights": (lambda x, w: torch.bincount(x, weights=w).detach(), [idx([0, 3, 3, 1]), torch.tensor([0.5, 1.0, 2.0, -1.0])]),
    "histc": (lambda x: torch.histc(x, bins=5, min=-2, max=2).detach(), [randn(40)]),
    "msort": (lambda x: torch.msort(x), [randn(4, 3)]),
    "nanmedian": (lambda x: x.nanmedian(1).values, [torch.tensor([[1.0, float("nan"), 3.0, 0.5], [float("nan"), float("nan"), 2.0, -1.0]])]),
    "quantile": (lambda x: torch.quantile(x, 0.3, dim=1), [randn(3, 7)]),
    "quantile_q_tensor_keepdim": (lambda x: torch.quantile(x, torch.tensor([0.1, 0.5, 0.95]), dim=0, keepdim=True), [randn(6, 2)]),
    "quantile_nearest_all": (lambda x: torch.quantile(x, 0.4, interpolation="nearest"), [randn(3, 4)]),
    "quantile_midpoint": (lambda x: torch.quantile(x, 0.25, dim=-1, interpolation="midpoint"), [randn(2, 6)]),
    "nanquantile": (lambda x: torch.nanquantile(x, 0.6, dim=1), [torch.tensor([[1.0, float("nan"), 3.0, 0.5], [2.5, -1.0, float("nan"), 4.0]])]),
    # transcendental functions (ops/composite/transcendental.ts)
    "log1p_expm1": (lambda x: x.log1p() + x.expm1(), [torch.tensor([[1e-7, -3e-5, 0.3, -0.6], [2.0, 1e-3, -1e-8, 5.0]])]),
    "log2_log10": (lambda x: x.log2() + x.log10() * 2, [pos(3, 4) * 10]),
    "tan": (lambda x: x.tan(), [randn(3, 4)]),
    "atan": (lambda x: x.atan(), [randn(3, 4) * 5]),
    "asin_acos": (lambda x: x.asin() + x.acos() * 0.5, [torch.rand(3, 4) * 1.8 - 0.9]),
    "atan2": (lambda y, x: torch.atan2(y, x), [randn(3, 4), randn(3, 4)]),
    "asinh_atanh": (lambda x: x.asinh() + x.atanh(), [torch.rand(3, 4) * 1.8 - 0.9]),
    "acosh": (lambda x: x.acosh(), [pos(3, 4) * 3 + 1]),
    "logit_eps": (lambda x: torch.logit(x, eps=0.05), [torch.rand(3, 4)]),
    "sinc": (lambda x: torch.sinc(x), [torch.tensor([[0.0, 0.3, -1.5, 2.0], [0.25, -0.7, 4.5, 0.5]])]),
    "copysign": (lambda a, b: torch.copysign(a, b.detach()), [randn(3, 4), randn(4)]),
    "ldexp": (lambda x: torch.ldexp(x, torch.tensor([[1, -2, 3, 0]])), [randn(3, 4)]),
    # pooling with indices, unpooling, adaptive max pooling (nn/functional/pooling.ts)
    "max_pool2d_indices": (lambda x: F.max_pool2d(x, 3, stride=2, padding=1, dilation=1, return_indices=True)[1], [randn(2, 2, 7, 6)]),
    "max_pool2d_unpool": (lambda x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2), [randn(1, 2, 4, 6)]),
    "max_pool1d_indices_ceil": (lambda x: F.max_pool1d(x, 3, stride=2, ceil_mode=True, return_indices=True)[1], [randn(2, 3, 8)]),
    "max_unpool1d_size": (lambda x: F.max_unpool1d(*F.max_pool1d(x, 2, return_indices=True), 2, output_size=[9]), [randn(1, 2, 9)]),
    "adaptive_max_pool2d": (lambda x: F.adaptive_max_pool2d(x, (2, 3)), [randn(2, 2, 5, 7)]),
    "adaptive_max_pool2d_indices": (lambda x: F.adaptive_max_pool2d(x, (3, 2), return_indices=True)[1], [randn(1, 2, 7, 5)]),
    "adaptive_max_pool1d": (lambda x: F.adaptive_max_pool1d(x, 4), [randn(2, 3, 9)]),
    # special functions
    "erfc": (lambda x: torch.erfc(x), [randn(3, 4) * 3]),
    "erfinv": (lambda x: torch.erfinv(x), [torch.rand(3, 4) * 1.96 - 0.98]),
    "lgamma": (lambda x: torch.lgamma(x), [torch.tensor([[0.3, 1.0, 2.5, 7.2], [-0.4, -1.7, 12.0, 0.05]])]),
    "digamma": (lambda x: torch.digamma(x), [torch.tensor([[0.3, 1.0, 2.5, 7.2], [-0.4, -1.7, 12.0, 0.05]])]),
    "polygamma_1": (lambda x: torch.polygamma(1, x), [pos(3, 4) * 4]),
    "polygamma_3": (lambda x: torch.polygamma(3, x), [pos(3, 4) * 4]),
    "mvlgamma": (lambda x: torch.mvlgamma(x, 3), [pos(3, 4) + 1.5]),
    "i0": (lambda x: torch.i0(x), [torch.tensor([[-20.0, -3.0, 0.0, 0.5], [14.0, 16.0, 1.5, -7.0]])]),
    # NaN-aware extrema, float_power, cumulative extrema
    "fmax_fmin": (lambda a, b: torch.fmax(a, b) + torch.fmin(a, b) * 2, [torch.tensor([[1.0, float("nan"), 3.0], [-1.0, 2.0, float("nan")]]), torch.tensor([[2.0, 5.0, float("nan")], [-3.0, 2.0, 4.0]])]),
    "float_power": (lambda a, b: torch.float_power(a, b).float(), [pos(3, 4), randn(4)]),
    "cummax": (lambda x: x.cummax(1).values, [torch.tensor([[3.0, -1.0, 4.0, 4.0, 2.0], [1.0, 5.0, 5.0, 0.0, 9.0]])]),
    "cummax_indices": (lambda x: x.cummax(1).indices, [torch.tensor([[3.0, -1.0, 4.0, 4.0, 2.0], [1.0, 5.0, 5.0, 0.0, 9.0]])]),
    "cummin_dim0": (lambda x: x.cummin(0).values, [randn(5, 3)]),
    "cummin_indices": (lambda x: x.cummin(0).indices, [torch.tensor([[2.0, 1.0], [2.0, 3.0], [0.5, 1.0]])]),
    # norms and statistics
    "vector_norm_3": (lambda x: torch.linalg.vector_norm(x, 3, dim=1), [randn(3, 5)]),
    "vector_norm_inf_all": (lambda x: torch.linalg.vector_norm(x, float("inf")), [randn(3, 5)]),
    "vector_norm_zero_row": (lambda x: torch.linalg.vector_norm(x, dim=1), [torch.tensor([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]])]),
    "matrix_norm_fro": (lambda x: torch.linalg.matrix_norm(x), [randn(2, 3, 4)]),
    "matrix_norm_1_inf": (lambda x: torch.linalg.matrix_norm(x, 1) + torch.linalg.matrix_norm(x, float("inf")), [randn(2, 3, 4)]),
    "norm_p_dim": (lambda x: torch.norm(x, 1.5, dim=0, keepdim=True), [randn(4, 3)]),
    "dist": (lambda a, b: torch.dist(a, b, 3), [randn(3, 4), randn(4)]),
    "renorm": (lambda x: torch.renorm(x, 2, 0, 1.5), [randn(4, 3) * 2]),
    "cdist": (lambda a, b: torch.cdist(a, b), [randn(2, 4, 3), randn(2, 5, 3)]),
    "cdist_p1_large": (lambda a, b: torch.cdist(a, b, p=1), [randn(30, 3), randn(27, 3)]),
    "cdist_mm": (lambda a, b: torch.cdist(a, b), [randn(30, 3), randn(27, 3)]),
    "cov": (lambda x: torch.cov(x), [randn(3, 6)]),
    "cov_weights": (lambda x, w: torch.cov(x, correction=0, fweights=torch.tensor([1, 2, 1, 3, 1]), aweights=w), [randn(2, 5), pos(5)]),
    "corrcoef": (lambda x: torch.corrcoef(x), [randn(3, 6)]),
    "std_mean": (lambda x: torch.std_mean(x, 1)[0] + torch.std_mean(x, 1)[1], [randn(3, 5)]),
    # assembling
    "cross": (lambda a, b: torch.linalg.cross(a, b), [randn(4, 3), randn(4, 3)]),
    "select_scatter": (lambda x, s: torch.select_scatter(x, s, 1, 2), [randn(3, 4), randn(3)]),
    "slice_scatter": (lambda x, s: torch.slice_scatter(x, s, 1, 1, 6, 2), [randn(2, 7), randn(2, 3)]),
    "diagonal_scatter": (lambda x, s: torch.diagonal_scatter(x, s, 1), [randn(3, 4), randn(3)]),
    "put_accumulate": (lambda x, s: x.put(torch.tensor([1, 5, 1, -1]), s, accumulate=True), [randn(2, 4), randn(4)]),
    "index_reduce_amax": (lambda x, s: x.index_reduce(0, torch.tensor([0, 2, 0]), s, "amax"), [randn(3, 2), randn(3, 2)]),
    "index_reduce_mean_exclude": (lambda x, s: x.index_reduce(1, torch.tensor([1, 1, 0]), s, "mean", include_self=False), [randn(2, 3), randn(2, 3)]),
    "diagflat": (lambda x: torch.diagflat(x, -1), [randn(2, 2)]),
    "block_diag": (lambda a, b, c: torch.block_diag(a, b, c), [randn(2, 3), randn(3), randn(1, 2)]),
    "combinations": (lambda x: torch.combinations(x, 2), [randn(4)]),
    "combinations_replacement": (lambda x: torch.combinations(x, 3, with_replacement=True), [randn(3)]),
    # torch 1.13's vander backward fails (an in-place cumprod); the reference is its definition, checked equal to it.
    "vander": (lambda x: vander_reference(x, 4), [randn(3)]),
    "unfold_method": (lambda x: x.unfold(1, 3, 2), [randn(2, 7, 2)]),
    "hann_window": (lambda: torch.hann_window(7), []),
    "hamming_window_symmetric": (lambda: torch.hamming_window(6, periodic=False), []),
    "blackman_window": (lambda: torch.blackman_window(8), []),
    "bartlett_window": (lambda: torch.bartlett_window(5, periodic=False), []),
    "kaiser_window": (lambda: torch.kaiser_window(9, True, 5.0), []),
    "logspace": (lambda: torch.logspace(-1, 2, 5, base=2.0), []),
    # linear algebra
    "linalg_inv": (lambda a: torch.linalg.inv(a), [randn(2, 4, 4) + 4 * torch.eye(4)]),
    "linalg_det": (lambda a: torch.linalg.det(a), [randn(3, 3, 3)]),
    "linalg_slogdet": (lambda a: torch.linalg.slogdet(a)[1] * torch.linalg.slogdet(a)[0], [randn(2, 4, 4)]),
    "linalg_solve": (lambda a, b: torch.linalg.solve(a, b), [randn(4, 4) + 3 * torch.eye(4), randn(4, 2)]),
    "linalg_solve_vector_batch": (lambda a, b: torch.linalg.solve(a, b), [randn(2, 3, 3) + 3 * torch.eye(3), randn(2, 3)]),
    "linalg_cholesky": (lambda a: torch.linalg.cholesky(a @ a.transpose(-2, -1) + torch.eye(4)), [randn(2, 4, 4)]),
    "linalg_matrix_power": (lambda a: torch.linalg.matrix_power(a, 3) + torch.linalg.matrix_power(a, -2), [randn(3, 3) + 3 * torch.eye(3)]),
    "linalg_multi_dot": (lambda a, b, c: torch.linalg.multi_dot([a, b, c]), [randn(3), randn(3, 5), randn(5, 2)]),
    "logdet": (lambda a: torch.logdet(a @ a.t() + torch.eye(3)), [randn(3, 3)]),
    # 3-D and fractional pooling's indices, and unpooling from them
    "max_pool3d_indices": (lambda x: F.max_pool3d(x, (3, 2, 3), stride=(2, 2, 2), padding=(1, 1, 0), dilation=(1, 1, 2), ceil_mode=True, return_indices=True)[1], [randn(2, 3, 7, 6, 8)]),
    "max_unpool3d": (lambda x: F.max_unpool3d(*F.max_pool3d(x, 2, return_indices=True), 2, output_size=[5, 4, 5]), [randn(1, 2, 5, 4, 5)]),
    "adaptive_max_pool3d_indices": (lambda x: F.adaptive_max_pool3d(x, (4, 3, 2), return_indices=True)[1], [randn(2, 3, 7, 6, 5)]),
    "fractional_max_pool2d_indices": (lambda x: F.fractional_max_pool2d(x, 2, output_ratio=0.6, return_indices=True, _random_samples=torch.tensor([[[0.3, 0.8]], [[0.05, 0.55]]]))[1], [randn(2, 1, 9, 7)]),
    # decompositions (outputs that do not depend on eigen/singular vectors' signs, except QR's, whose convention is LAPACK's)
    "linalg_qr_reduced": (lambda a: torch.cat([q.flatten() for q in torch.linalg.qr(a)]), [randn(5, 3)]),
    "linalg_qr_complete_wide": (lambda a: torch.cat([q.flatten() for q in torch.linalg.qr(a, mode="complete")]), [randn(2, 3, 4)]),
    "linalg_eigh": (lambda x: torch.cat([torch.linalg.eigh(x + x.mT)[0].flatten(), (lambda l, v: v @ torch.diag_embed(l.sin()) @ v.mT)(*torch.linalg.eigh(x + x.mT)).flatten()]), [randn(2, 4, 4)]),
    "linalg_eigvalsh_lower": (lambda x: torch.linalg.eigvalsh(x), [randn(4, 4)]),
    "linalg_svd": (lambda a: torch.cat([torch.linalg.svd(a)[1], (lambda u, s, vh: u[:, :3] @ torch.diag(s.exp()) @ vh[:3]).__call__(*torch.linalg.svd(a)).flatten()]), [randn(5, 3)]),
    "linalg_svdvals_wide_batch": (lambda a: torch.linalg.svdvals(a), [randn(2, 3, 6)]),
    "linalg_matrix_norm_nuc_2": (lambda a: torch.linalg.matrix_norm(a, "nuc") + torch.linalg.matrix_norm(a, 2) - torch.linalg.matrix_norm(a, -2), [randn(2, 4, 3)]),
    "linalg_pinv": (lambda a: torch.linalg.pinv(a), [randn(4, 3) + 2 * torch.eye(4, 3)]),  # well conditioned: float32 references
    "linalg_lstsq": (lambda a, b: torch.linalg.lstsq(a, b).solution, [randn(6, 3), randn(6, 2)]),
    "linalg_matrix_rank": (lambda a: torch.linalg.matrix_rank(a), [torch.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0], [1.0, 3.0, 4.0]])]),
    # torch 1.13's cond backward fails for the norm-based p (an in-place inv); 'fro' and 1 are their definition there.
    "linalg_cond": (lambda a: torch.stack([torch.linalg.cond(a), torch.linalg.cond(a, -2), torch.linalg.matrix_norm(a) * torch.linalg.matrix_norm(torch.linalg.inv(a)), torch.linalg.matrix_norm(a, 1) * torch.linalg.matrix_norm(torch.linalg.inv(a), 1)]), [randn(3, 3) + 2 * torch.eye(3)]),
    "linalg_solve_triangular": (lambda a, b: torch.linalg.solve_triangular(a.triu() + 3 * torch.eye(4), b, upper=True) + torch.linalg.solve_triangular(a.tril() + 3 * torch.eye(4), b, upper=False, unitriangular=True), [randn(4, 4), randn(4, 2)]),
    "linalg_solve_triangular_right": (lambda a, b: torch.linalg.solve_triangular(a.tril() + 3 * torch.eye(3), b, upper=False, left=False), [randn(3, 3), randn(2, 3)]),
    "linalg_lu_factor": (lambda a: torch.linalg.lu_factor(a)[0], [randn(2, 4, 4)]),
    "linalg_lu_factor_pivots": (lambda a: torch.linalg.lu_factor(a)[1], [randn(2, 4, 4)]),
    "linalg_lu": (lambda a: torch.cat([m.flatten() for m in torch.linalg.lu(a)]), [randn(4, 4)]),
    "linalg_lu_solve": (lambda a, b: torch.linalg.lu_solve(*torch.linalg.lu_factor(a), b), [randn(2, 3, 3) + 2 * torch.eye(3), randn(2, 3, 2)]),
    "linalg_householder_product": (lambda a, tau: torch.linalg.householder_product(a, tau), [randn(5, 3), torch.rand(2) + 0.5]),
    "linalg_matrix_exp": (lambda a: torch.linalg.matrix_exp(a), [randn(2, 3, 3) * 1.5]),
    "linalg_tensorinv": (lambda a: torch.linalg.tensorinv(a, ind=1), [randn(6, 2, 3) + torch.eye(6).reshape(6, 2, 3) * 3]),
    "linalg_tensorsolve": (lambda a, b: torch.linalg.tensorsolve(a, b), [randn(2, 3, 6) + torch.eye(6).reshape(2, 3, 6) * 3, randn(2, 3)]),
    # torch's root-level forms
    "torch_svd_pinverse": (lambda a: torch.cat([(lambda u, s, v: (u @ torch.diag(s.sqrt()) @ v.mT).flatten())(*torch.svd(a)), torch.pinverse(a).flatten()]), [randn(4, 3)]),
    "cholesky_solve_inverse": (lambda a, b: torch.cat([torch.cholesky_solve(b, torch.linalg.cholesky(a @ a.mT + torch.eye(3))).flatten(), torch.cholesky_inverse(torch.linalg.cholesky(a @ a.mT + torch.eye(3)).mT, upper=True).flatten()]), [randn(3, 3), randn(3, 2)]),
    "triangular_solve_transpose": (lambda b, a: torch.triangular_solve(b, a.triu() + 2 * torch.eye(3), upper=True, transpose=True).solution, [randn(3, 2), randn(3, 3)]),
    "lu_unpack": (lambda a: torch.cat([m.flatten() for m in torch.lu_unpack(*torch.linalg.lu_factor(a))]), [randn(2, 3, 3)]),
    "igamma_igammac": (lambda a, x: torch.igamma(a.detach(), x) + 2 * torch.igammac(a.detach(), x * 3), [pos(3, 4) * 4, pos(3, 4) * 3]),
    # PyTorch 1.13 has no derivative for geqrf or ormqr: values only.
    "geqrf": (lambda a: torch.cat([t.flatten() for t in torch.geqrf(a.detach())]), [randn(5, 3)]),
    "geqrf_wide": (lambda a: torch.cat([t.flatten() for t in torch.geqrf(a.detach())]), [randn(3, 4)]),
    "ormqr": (lambda a, c: torch.cat([torch.ormqr(*torch.geqrf(a.detach()), c.detach()).flatten(), torch.ormqr(*torch.geqrf(a.detach()), c.detach().mT, left=False, transpose=True).flatten()]), [randn(4, 3), randn(4, 2)]),
    "as_strided_overlapping": (lambda x: torch.as_strided(x, (3, 4), (2, 1), 1), [randn(12)]),
    # as_strided_scatter's gradient is wrong in PyTorch (1.13: uninitialised memory; 2.13: 1 at the replaced
    # positions, 0 elsewhere — the reverse): values here, tensorgrad's gradient in test/gradcheck.
    "as_strided_scatter": (lambda x, s: torch.as_strided_scatter(x.detach(), s.detach(), (2, 2), (3, 1), 2), [randn(3, 4), randn(2, 2)]),
}


def encode(t):
    dtype = "int32" if t.dtype == torch.int64 else "float32"
    data = t.detach().reshape(-1).tolist()
    data = [None if isinstance(v, float) and not math.isfinite(v) else v for v in data]
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def main():
    out_cases = {}
    for name, (fn, inputs) in CASES.items():
        xs = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
        y = fn(*xs)
        u = torch.randn(y.shape)
        if y.requires_grad:
            (y * u).sum().backward()
        out_cases[name] = {
            "inputs": [encode(x) for x in inputs],
            "output": encode(y),
            "u": encode(u),
            "grads": [encode(x.grad) if x.grad is not None else None for x in xs],
        }
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "ops.json")
    with open(path, "w") as f:
        json.dump({"generator": "tools/make_op_fixtures.py", "torch": torch.__version__, "cases": out_cases}, f)
        f.write("\n")
    print(f"wrote {len(out_cases)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
