#!/usr/bin/env python3
"""Writes test/fixtures/nn.json: PyTorch's outputs and gradients for every nn layer and loss case.

Run with Debian's python3-torch:  /usr/bin/python3 tools/make_nn_fixtures.py
Layer cases record the state dict (PyTorch's names and layouts), the inputs, the output, a random
projection u, the gradient of sum(u * output) for every float input and every parameter, and the
buffers after the forward pass (BatchNorm's running statistics). Loss cases record the same for a
function of tensors. test/nn/pytorch-parity.test.ts runs the same case names through tensorgrad.
"""
import json
import math
import os
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


def r(*shape):
    return torch.randn(*shape)


def idx(data):
    return torch.tensor(data, dtype=torch.int64)


def bn_eval(bn):
    bn.running_mean.copy_(torch.randn(bn.num_features))
    bn.running_var.copy_(torch.rand(bn.num_features) + 0.5)
    bn.weight.data.copy_(torch.randn(bn.num_features))
    return bn.eval()


class SeedConvNet(nn.Module):
    """The seed's PyTorch ConvNet: two conv + max-pool stages, three linear layers."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


MODULES = {
    "seed_convnet": (SeedConvNet, [r(2, 1, 28, 28)]),
    "linear": (lambda: nn.Linear(5, 3), [r(4, 5)]),
    "linear_nobias_3d": (lambda: nn.Linear(5, 3, bias=False), [r(2, 3, 5)]),
    "bilinear": (lambda: nn.Bilinear(3, 4, 2), [r(5, 3), r(5, 4)]),
    "conv1d": (lambda: nn.Conv1d(3, 4, 3, stride=2, padding=1), [r(2, 3, 9)]),
    "conv1d_same_dilation_groups": (lambda: nn.Conv1d(2, 4, 3, padding="same", dilation=2, groups=2), [r(2, 2, 8)]),
    "conv2d": (lambda: nn.Conv2d(1, 6, 3), [r(2, 1, 8, 8)]),
    "conv2d_stride_padding": (lambda: nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 2)), [r(2, 3, 7, 6)]),
    "conv2d_dilation_groups_nobias": (lambda: nn.Conv2d(4, 6, 3, dilation=2, groups=2, bias=False), [r(1, 4, 9, 9)]),
    "conv2d_same_even_kernel": (lambda: nn.Conv2d(2, 3, 4, padding="same"), [r(1, 2, 6, 5)]),
    "conv2d_depthwise": (lambda: nn.Conv2d(3, 3, 3, groups=3, padding=1), [r(2, 3, 5, 5)]),
    "conv2d_unbatched": (lambda: nn.Conv2d(2, 3, 2), [r(2, 4, 4)]),
    "conv_transpose2d": (lambda: nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), [r(2, 3, 4, 4)]),
    "conv_transpose2d_groups_dilation": (lambda: nn.ConvTranspose2d(4, 6, (2, 3), stride=(1, 2), groups=2, dilation=(2, 1)), [r(1, 4, 3, 3)]),
    "maxpool2d": (lambda: nn.MaxPool2d(2), [r(2, 3, 6, 6)]),
    "maxpool2d_padding_ceil": (lambda: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), [r(1, 2, 8, 7)]),
    "maxpool2d_dilation": (lambda: nn.MaxPool2d(2, stride=1, dilation=2), [r(1, 2, 6, 6)]),
    "maxpool1d": (lambda: nn.MaxPool1d(3, stride=2, padding=1), [r(2, 3, 9)]),
    "avgpool2d": (lambda: nn.AvgPool2d(2), [r(2, 3, 6, 6)]),
    "avgpool2d_exclude_pad_ceil": (lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), [r(1, 2, 8, 7)]),
    "avgpool2d_include_pad_ceil": (lambda: nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), [r(1, 2, 8, 7)]),
    "avgpool1d": (lambda: nn.AvgPool1d(4, stride=2, padding=2), [r(2, 3, 9)]),
    "adaptive_avgpool2d": (lambda: nn.AdaptiveAvgPool2d((3, 2)), [r(2, 3, 7, 5)]),
    "adaptive_avgpool2d_1": (lambda: nn.AdaptiveAvgPool2d(1), [r(2, 3, 4, 4)]),
    "upsample_nearest_scale": (lambda: nn.Upsample(scale_factor=2, mode="nearest"), [r(1, 2, 3, 4)]),
    "upsample_nearest_size": (lambda: nn.Upsample(size=(5, 7), mode="nearest"), [r(1, 2, 3, 4)]),
    "upsample_bilinear": (lambda: nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), [r(1, 2, 3, 4)]),
    "upsample_bilinear_align_corners": (lambda: nn.Upsample(size=(5, 6), mode="bilinear", align_corners=True), [r(1, 2, 3, 4)]),
    "batchnorm1d_train": (lambda: nn.BatchNorm1d(4), [r(8, 4)]),
    "batchnorm1d_3d_cumulative": (lambda: nn.BatchNorm1d(3, momentum=None), [r(4, 3, 5)]),
    "batchnorm2d_train": (lambda: nn.BatchNorm2d(3), [r(4, 3, 5, 5)]),
    "batchnorm2d_eval": (lambda: bn_eval(nn.BatchNorm2d(3)), [r(4, 3, 5, 5)]),
    "layernorm": (lambda: nn.LayerNorm(5), [r(3, 4, 5)]),
    "layernorm_2d": (lambda: nn.LayerNorm([4, 5]), [r(3, 4, 5)]),
    "groupnorm": (lambda: nn.GroupNorm(2, 6), [r(2, 6, 3, 3)]),
    "embedding": (lambda: nn.Embedding(10, 4), [idx([[1, 2, 3], [3, 0, 9]])]),
    "embedding_padding": (lambda: nn.Embedding(10, 4, padding_idx=0), [idx([[1, 0, 3], [0, 0, 9]])]),
    "relu": (lambda: nn.ReLU(), [r(3, 4)]),
    "leaky_relu": (lambda: nn.LeakyReLU(0.2), [r(3, 4)]),
    "elu": (lambda: nn.ELU(), [r(3, 4)]),
    "gelu": (lambda: nn.GELU(), [r(3, 4)]),
    "gelu_tanh": (lambda: nn.GELU(approximate="tanh"), [r(3, 4)]),
    "silu": (lambda: nn.SiLU(), [r(3, 4)]),
    "sigmoid": (lambda: nn.Sigmoid(), [r(3, 4)]),
    "tanh": (lambda: nn.Tanh(), [r(3, 4)]),
    "softmax": (lambda: nn.Softmax(dim=1), [r(3, 4)]),
    "log_softmax": (lambda: nn.LogSoftmax(dim=-1), [r(3, 4)]),
    "flatten": (lambda: nn.Flatten(), [r(2, 3, 4)]),
    "unflatten": (lambda: nn.Unflatten(1, (2, 3)), [r(4, 6)]),
    "dropout_eval": (lambda: nn.Dropout(0.5).eval(), [r(3, 4)]),
    "sequential": (lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)), [r(3, 4)]),
    # activations, shuffles, padding, windows, distances (issue 16's second batch)
    "celu": (lambda: nn.CELU(0.7), [r(3, 4) * 2]),
    "glu": (lambda: nn.GLU(1), [r(3, 4)]),
    "hardtanh": (lambda: nn.Hardtanh(-0.5, 1.0), [r(3, 4)]),
    "softshrink": (lambda: nn.Softshrink(0.3), [r(3, 4)]),
    "hardshrink": (lambda: nn.Hardshrink(0.3), [r(3, 4)]),
    "threshold": (lambda: nn.Threshold(0.1, -2.0), [r(3, 4)]),
    "softplus_beta": (lambda: nn.Softplus(beta=2), [r(3, 4) * 3]),
    "softmin": (lambda: nn.Softmin(dim=1), [r(3, 4)]),
    "mish": (lambda: nn.Mish(), [r(3, 4) * 2]),
    "selu": (lambda: nn.SELU(), [r(3, 4) * 2]),
    "softsign": (lambda: nn.Softsign(), [r(3, 4) * 2]),
    "tanhshrink": (lambda: nn.Tanhshrink(), [r(3, 4)]),
    "logsigmoid": (lambda: nn.LogSigmoid(), [r(3, 4) * 3]),
    "softmax2d": (lambda: nn.Softmax2d(), [r(2, 3, 2, 2)]),
    "prelu_channels": (lambda: prelu(3), [r(2, 3, 4)]),
    "rrelu_eval": (lambda: nn.RReLU(0.1, 0.3).eval(), [r(3, 4)]),
    "pixel_shuffle": (lambda: nn.PixelShuffle(2), [r(1, 8, 2, 3)]),
    "pixel_unshuffle": (lambda: nn.PixelUnshuffle(2), [r(1, 2, 4, 6)]),
    "channel_shuffle": (lambda: ChannelShuffleReference(2), [r(2, 4, 3)]),
    "zeropad2d": (lambda: nn.ZeroPad2d((1, 0, 2, 1)), [r(1, 2, 3, 3)]),
    "constantpad1d": (lambda: nn.ConstantPad1d(2, 3.5), [r(2, 3)]),
    "fold": (lambda: nn.Fold((4, 5), (2, 2), stride=(1, 2), padding=(1, 0)), [r(2, 12, 10)]),
    "unfold": (lambda: nn.Unfold((2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), [r(2, 2, 5, 6)]),
    "pairwise_distance": (lambda: nn.PairwiseDistance(p=3), [r(4, 5), r(4, 5)]),
    "cosine_similarity": (lambda: nn.CosineSimilarity(dim=0), [r(4, 5), r(4, 5)]),
    "rms_norm": (lambda: RMSNormReference(5), [r(3, 4, 5)]),
    "batchnorm3d_train": (lambda: nn.BatchNorm3d(2), [r(2, 2, 3, 2, 2)]),
    "instancenorm1d": (lambda: nn.InstanceNorm1d(3), [r(2, 3, 5)]),
    "instancenorm2d_affine_running": (lambda: affine(nn.InstanceNorm2d(3, affine=True, track_running_stats=True, momentum=0.3)), [r(2, 3, 4, 4)]),
    "instancenorm3d_unbatched": (lambda: nn.InstanceNorm3d(2), [r(2, 3, 2, 2)]),
    "local_response_norm": (lambda: nn.LocalResponseNorm(3, alpha=0.1, beta=0.6, k=1.5), [r(2, 5, 3)]),
    "adaptive_avgpool1d": (lambda: nn.AdaptiveAvgPool1d(3), [r(2, 3, 7)]),
    "reflection_pad2d": (lambda: nn.ReflectionPad2d((2, 1, 0, 2)), [r(1, 2, 3, 4)]),
    "replication_pad1d": (lambda: nn.ReplicationPad1d(3), [r(2, 3, 4)]),
    "replication_pad3d": (lambda: nn.ReplicationPad3d((1, 0, 0, 2, 1, 1)), [r(1, 1, 2, 3, 2)]),
    "circular_pad_conv1d": (lambda: nn.Conv1d(2, 3, 3, padding=2, padding_mode="circular"), [r(2, 2, 5)]),
    "conv2d_reflect_same": (lambda: nn.Conv2d(2, 3, (3, 4), padding="same", padding_mode="reflect"), [r(1, 2, 5, 6)]),
    "conv2d_replicate_unbatched": (lambda: nn.Conv2d(2, 2, 3, padding=(1, 2), padding_mode="replicate"), [r(2, 4, 4)]),
    # 3-D convolutions and pools, transposed 1-D/3-D convolutions, LPPool, EmbeddingBag, Upsample modes
    "conv3d": (lambda: nn.Conv3d(4, 6, (3, 2, 3), stride=(2, 1, 2), padding=(1, 0, 1), dilation=(1, 2, 1), groups=2), [r(2, 4, 5, 6, 7)]),
    "conv3d_same_reflect_unbatched": (lambda: nn.Conv3d(2, 3, (2, 3, 3), padding="same", padding_mode="reflect"), [r(2, 4, 5, 5)]),
    "conv_transpose3d": (lambda: nn.ConvTranspose3d(4, 6, (3, 2, 3), stride=(2, 1, 2), padding=(1, 0, 1), output_padding=(1, 0, 0), dilation=(1, 2, 1), groups=2), [r(2, 4, 3, 4, 3)]),
    "conv_transpose1d": (lambda: nn.ConvTranspose1d(3, 4, 3, stride=3, padding=1, output_padding=2, dilation=2), [r(2, 3, 5)]),
    "max_pool3d": (lambda: nn.MaxPool3d((3, 2, 3), stride=(2, 2, 2), padding=(1, 1, 0), dilation=(1, 1, 2), ceil_mode=True), [r(2, 3, 7, 6, 8)]),
    "avg_pool3d": (lambda: nn.AvgPool3d((3, 2, 3), stride=(2, 1, 2), padding=(1, 1, 1), ceil_mode=True, count_include_pad=False), [r(2, 3, 7, 6, 8)]),
    "avg_pool3d_divisor": (lambda: nn.AvgPool3d(2, divisor_override=3), [r(1, 2, 4, 5, 4)]),
    "adaptive_avg_pool3d": (lambda: nn.AdaptiveAvgPool3d((3, None, 2)), [r(2, 3, 7, 6, 5)]),
    "adaptive_max_pool3d": (lambda: nn.AdaptiveMaxPool3d((4, 3, 2)), [r(2, 3, 7, 6, 5)]),
    "lp_pool1d": (lambda: nn.LPPool1d(2, 3, stride=2), [r(2, 3, 9)]),
    "lp_pool2d": (lambda: nn.LPPool2d(1.5, (2, 3), ceil_mode=True), [torch.rand(2, 3, 7, 8) + 0.1]),
    "lp_pool3d": (lambda: LPPool3dReference(2.5, (2, 3, 2), (1, 2, 2)), [torch.rand(1, 2, 5, 7, 6) + 0.1]),
    "embedding_bag_mean_offsets": (lambda: nn.EmbeddingBag(10, 4), [idx([1, 2, 4, 5, 4, 3, 2, 9]), idx([0, 3, 3, 6])]),
    "embedding_bag_sum_weights_padding": (lambda: nn.EmbeddingBag(10, 3, mode="sum", padding_idx=2), [idx([1, 2, 4, 2, 7, 3]), idx([0, 2, 5]), torch.rand(6)]),
    "embedding_bag_max_2d": (lambda: nn.EmbeddingBag(8, 3, mode="max"), [idx([[1, 2, 3], [4, 4, 0], [7, 6, 5]])]),
    "upsample_linear": (lambda: nn.Upsample(size=11, mode="linear"), [r(2, 3, 7)]),
    "upsample_bicubic_align": (lambda: nn.Upsample(scale_factor=(1.5, 2.3), mode="bicubic", align_corners=True), [r(2, 3, 5, 6)]),
    "upsample_bicubic": (lambda: nn.Upsample(size=(8, 4), mode="bicubic"), [r(2, 3, 5, 6)]),
    "upsample_trilinear": (lambda: nn.Upsample(size=(5, 3, 7), mode="trilinear"), [r(1, 2, 4, 5, 3)]),
    "upsample_nearest_exact": (lambda: nn.Upsample(size=(7, 9), mode="nearest-exact"), [r(2, 3, 5, 6)]),
    "upsample_nearest3d": (lambda: nn.Upsample(scale_factor=2.5, mode="nearest"), [r(1, 2, 2, 3, 2)]),
    # parametrizations: weight norm (PyTorch 2's class, registered through 1.13's parametrize) and spectral norm
    "weight_norm_linear": (lambda: weight_norm(nn.Linear(4, 3)), [r(5, 4)]),
    "weight_norm_conv_dim_none": (lambda: weight_norm(nn.Conv1d(2, 3, 3), dim=None), [r(2, 2, 6)]),
    "spectral_norm_linear_train": (lambda: nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3)), [r(5, 4)]),
    "spectral_norm_conv_transpose_eval": (lambda: nn.utils.parametrizations.spectral_norm(nn.ConvTranspose1d(3, 2, 3)).eval(), [r(2, 3, 5)]),
    "adaptive_log_softmax": (lambda: AdaptiveSoftmaxSum(nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7], div_value=2.0)), [r(6, 8), idx([0, 5, 11, 2, 8, 3])]),
    "adaptive_log_softmax_head_bias_log_prob": (lambda: AdaptiveSoftmaxLogProb(nn.AdaptiveLogSoftmaxWithLoss(6, 10, [4], head_bias=True)), [r(3, 6)]),
}


class WeightNormParametrization(nn.Module):
    """PyTorch 2's torch.nn.utils.parametrizations._WeightNorm (1.13 has only the hook-based weight_norm)."""

    def __init__(self, dim):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return torch._weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return torch.norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, dim=0):
    return nn.utils.parametrize.register_parametrization(module, "weight", WeightNormParametrization(dim), unsafe=True)


class AdaptiveSoftmaxSum(nn.Module):
    """The output and the loss of AdaptiveLogSoftmaxWithLoss as one tensor (the fixture runner differentiates tensors)."""

    def __init__(self, asm):
        super().__init__()
        self.asm = asm

    def forward(self, x, target):
        out = self.asm(x, target)
        return torch.cat([out.output, out.loss.reshape(1)])


class AdaptiveSoftmaxLogProb(nn.Module):
    def __init__(self, asm):
        super().__init__()
        self.asm = asm

    def forward(self, x):
        return self.asm.log_prob(x)


class LPPool3dReference(nn.Module):
    """nn.LPPool3d arrived in PyTorch 2.2; this is its source's formula (avg_pool3d of xᵖ, times the taps, to the 1/p)."""

    def __init__(self, p, k, s):
        super().__init__()
        self.p, self.k, self.s = p, k, s

    def forward(self, x):
        out = F.avg_pool3d(x.pow(self.p), self.k, self.s, 0, False)
        return (torch.sign(out) * F.relu(torch.abs(out))).mul(self.k[0] * self.k[1] * self.k[2]).pow(1.0 / self.p)


def affine(m):
    m.weight.data.copy_(torch.rand(m.num_features) + 0.5)
    m.bias.data.copy_(torch.randn(m.num_features))
    return m


def prelu(n):
    m = nn.PReLU(n)
    m.weight.data.copy_(torch.randn(n) * 0.5)
    return m


class RMSNormReference(nn.Module):
    """nn.RMSNorm arrived in PyTorch 2.4; this is its documented formula, with the same state dict."""

    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(n) + 0.5)

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + torch.finfo(x.dtype).eps) * self.weight


class ChannelShuffleReference(nn.Module):
    """nn.ChannelShuffle's forward as reshapes (PyTorch 1.13 has no backward for it); checked equal to it."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        n, c = x.shape[:2]
        y = x.reshape(n, self.groups, c // self.groups, *x.shape[2:]).transpose(1, 2).reshape(x.shape)
        assert torch.equal(y.detach(), nn.ChannelShuffle(self.groups)(x.detach()))
        return y


def probs(*shape):
    return torch.softmax(torch.randn(*shape), -1)


# Loss cases: (function, inputs, which inputs get gradients)
LOSSES = {
    "cross_entropy": (lambda x, t: F.cross_entropy(x, t), [r(5, 4), idx([0, 3, 1, 1, 2])]),
    "cross_entropy_weight_ignore": (lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=1), [r(5, 4), idx([0, 3, 1, 1, 2]), torch.rand(4) + 0.5]),
    "cross_entropy_smoothing": (lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), [r(5, 4), idx([0, 3, 1, 1, 2])]),
    "cross_entropy_weight_ignore_smoothing": (lambda x, t, w: F.cross_entropy(x, t, weight=w, ignore_index=1, label_smoothing=0.2), [r(5, 4), idx([0, 3, 1, 1, 2]), torch.rand(4) + 0.5]),
    "cross_entropy_smoothing_sum": (lambda x, t: F.cross_entropy(x, t, label_smoothing=0.3, reduction="sum"), [r(5, 4), idx([0, 3, 1, 1, 2])]),
    "cross_entropy_none_ignore": (lambda x, t: F.cross_entropy(x, t, ignore_index=2, reduction="none"), [r(5, 4), idx([0, 3, 1, 2, 2])]),
    "cross_entropy_probs": (lambda x, t: F.cross_entropy(x, t), [r(5, 4), probs(5, 4)]),
    "cross_entropy_probs_weight_smoothing": (lambda x, t, w: F.cross_entropy(x, t, weight=w, label_smoothing=0.2), [r(5, 4), probs(5, 4), torch.rand(4) + 0.5]),
    "cross_entropy_kdim": (lambda x, t: F.cross_entropy(x, t), [r(2, 4, 3, 3), torch.randint(0, 4, (2, 3, 3))]),
    "nll_loss": (lambda x, t, w: F.nll_loss(F.log_softmax(x, 1), t, weight=w), [r(5, 4), idx([0, 3, 1, 1, 2]), torch.rand(4) + 0.5]),
    "bce": (lambda x, t, w: F.binary_cross_entropy(torch.sigmoid(x), t, weight=w), [r(4, 3), torch.rand(4, 3), torch.rand(3)]),
    "bce_with_logits": (lambda x, t, p: F.binary_cross_entropy_with_logits(x, t, pos_weight=p), [r(4, 3) * 30, torch.rand(4, 3), torch.rand(3) + 0.5]),
    "bce_with_logits_sum": (lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="sum"), [r(4, 3), torch.rand(4, 3)]),
    "mse": (lambda x, t: F.mse_loss(x, t), [r(4, 3), r(4, 3)]),
    "l1_none": (lambda x, t: F.l1_loss(x, t, reduction="none"), [r(4, 3), r(4, 3)]),
    "smooth_l1": (lambda x, t: F.smooth_l1_loss(x, t, beta=0.5), [r(4, 3), r(4, 3)]),
    "huber": (lambda x, t: F.huber_loss(x, t, delta=2.0, reduction="sum"), [r(4, 3) * 3, r(4, 3)]),
    "kl_div_batchmean": (lambda x, t: F.kl_div(F.log_softmax(x, 1), t, reduction="batchmean"), [r(4, 3), probs(4, 3)]),
    "kl_div_log_target": (lambda x, t: F.kl_div(F.log_softmax(x, 1), t, reduction="sum", log_target=True), [r(4, 3), torch.log(probs(4, 3))]),
    "cosine_embedding": (lambda a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.2), [r(5, 3), r(5, 3), idx([1, -1, 1, -1, -1])]),
    "margin_ranking": (lambda a, b, y: F.margin_ranking_loss(a, b, y, margin=0.3), [r(5), r(5), torch.tensor([1.0, -1.0, 1.0, 1.0, -1.0])]),
    "hinge_embedding": (lambda x, y: F.hinge_embedding_loss(x, y, margin=0.8), [r(4, 3), torch.tensor([[1.0, -1.0, 1.0]] * 4)]),
    "soft_margin": (lambda x, y: F.soft_margin_loss(x, y), [r(4, 3) * 3, torch.tensor([[1.0, -1.0, -1.0]] * 4)]),
    "multilabel_soft_margin": (lambda x, t, w: F.multilabel_soft_margin_loss(x, t, weight=w), [r(4, 3), (torch.rand(4, 3) > 0.5).float(), torch.rand(3) + 0.5]),
    "multi_margin": (lambda x, t, w: F.multi_margin_loss(x, t, p=2, margin=0.7, weight=w), [r(5, 4), idx([0, 3, 1, 1, 2]), torch.rand(4) + 0.5]),
    "multi_margin_p1": (lambda x, t: F.multi_margin_loss(x, t), [r(5, 4), idx([2, 0, 1, 3, 3])]),
    "triplet_margin_swap": (lambda a, b, c: F.triplet_margin_loss(a, b, c, margin=0.5, p=1.5, swap=True), [r(4, 5), r(4, 5), r(4, 5)]),
    "poisson_nll": (lambda x, t: F.poisson_nll_loss(x, t), [r(4, 3), torch.rand(4, 3) * 3]),
    "poisson_nll_full": (lambda x, t: F.poisson_nll_loss(x, t, log_input=False, full=True), [torch.rand(4, 3) + 0.5, torch.floor(torch.rand(4, 3) * 4)]),
    "gaussian_nll": (lambda x, t, v: F.gaussian_nll_loss(x, t, v), [r(4, 3), r(4, 3), torch.rand(4, 1) + 0.1]),
    "triplet_cosine_distance": (lambda a, b, c: F.triplet_margin_with_distance_loss(a, b, c, distance_function=lambda u, v: 1 - F.cosine_similarity(u, v), margin=0.3, swap=True), [r(4, 5), r(4, 5), r(4, 5)]),
    "multilabel_margin": (lambda x, t: F.multilabel_margin_loss(x, t), [r(3, 4), idx([[3, 0, -1, 1], [1, 2, 3, -1], [-1, 0, 0, 0]])]),
    "gaussian_nll_full_sum": (lambda x, t, v: F.gaussian_nll_loss(x, t, v, full=True, reduction="sum"), [r(4, 3), r(4, 3), torch.rand(4, 3) + 0.1]),
    # functional cases: spatial transformers, fractional pooling (fixed samples), CTC (through log_softmax: PyTorch's
    # ctc_loss gradient is the one with respect to the logits of a log_softmax, which matches autograd's only after it)
    "affine_grid_sample": (lambda x, th: F.grid_sample(x, F.affine_grid(th, (2, 3, 4, 7), align_corners=False), align_corners=False), [r(2, 3, 5, 6), r(2, 2, 3) * 0.8]),
    "grid_sample_bilinear_zeros": (lambda x, g: F.grid_sample(x, g, align_corners=False), [r(2, 3, 5, 6), torch.rand(2, 4, 7, 2) * 2.4 - 1.2]),
    "grid_sample_bilinear_border_align": (lambda x, g: F.grid_sample(x, g, padding_mode="border", align_corners=True), [r(2, 3, 5, 6), torch.rand(2, 4, 7, 2) * 2.4 - 1.2]),
    "grid_sample_bicubic_reflection": (lambda x, g: F.grid_sample(x, g, mode="bicubic", padding_mode="reflection", align_corners=False), [r(2, 3, 5, 6), torch.rand(2, 4, 7, 2) * 2.4 - 1.2]),
    "grid_sample_nearest_border": (lambda x, g: F.grid_sample(x, g, mode="nearest", padding_mode="border", align_corners=False), [r(1, 2, 4, 5), torch.rand(1, 3, 4, 2) * 2.4 - 1.2]),
    "grid_sample_3d_reflection": (lambda x, g: F.grid_sample(x, g, padding_mode="reflection", align_corners=True), [r(1, 2, 4, 5, 3), torch.rand(1, 3, 4, 5, 3) * 2.4 - 1.2]),
    "affine_grid_3d": (lambda th: F.affine_grid(th, (1, 2, 3, 4, 5), align_corners=True), [r(1, 3, 4)]),
    "fractional_max_pool2d": (lambda x, t: F.fractional_max_pool2d(x, (3, 2), output_size=(5, 6), _random_samples=t), [r(2, 3, 9, 11), torch.rand(2, 3, 2)]),
    "fractional_max_pool3d_ratio": (lambda x, t: F.fractional_max_pool3d(x, (2, 3, 2), output_ratio=(0.5, 0.5, 0.6), _random_samples=t), [r(2, 3, 7, 6, 8), torch.rand(2, 3, 3)]),
    "ctc_mean": (lambda x, t: F.ctc_loss(F.log_softmax(x, 2), t, torch.tensor([12, 9, 5]), torch.tensor([4, 2, 3])), [r(12, 3, 5), idx([[1, 2, 2, 4], [3, 1, 0, 0], [2, 2, 2, 0]])]),
    "ctc_none_blank_concat": (lambda x, t: F.ctc_loss(F.log_softmax(x, 2), t, torch.tensor([10, 7]), torch.tensor([3, 2]), blank=4, reduction="none"), [r(10, 2, 5), idx([0, 1, 0, 3, 3])]),
    "ctc_sum_zero_infinity": (lambda x, t: F.ctc_loss(F.log_softmax(x, 2), t, torch.tensor([8, 2]), torch.tensor([2, 3]), reduction="sum", zero_infinity=True), [r(8, 2, 4), idx([[1, 2, 0], [3, 3, 3]])]),
    "conv_tbc": (lambda x, w, b: torch.conv_tbc(x, w, b, 1), [r(6, 2, 3), r(3, 3, 4), r(4)]),
    # CrossMapLRN2d's hand-written backward is not its forward's derivative: values only (the gradient is gradchecked).
    "cross_map_lrn2d": (lambda x: nn.CrossMapLRN2d(3, 1e-2, 0.75, 1.5)(x.detach()), [r(2, 7, 3, 3)]),
    "cross_map_lrn2d_even": (lambda x: nn.CrossMapLRN2d(4, 0.1, 0.6, 2.0)(x.detach()), [r(1, 6, 2, 2)]),
}
# Targets and class weights are data, not differentiated (PyTorch would allow it for some).
NO_GRAD = {"t", "w", "p", "y"}


def encode(t):
    dtype = "int32" if t.dtype == torch.int64 else "float32"
    data = t.detach().reshape(-1).tolist()
    data = [None if isinstance(v, float) and not math.isfinite(v) else v for v in data]
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def run_module(make, inputs):
    m = make()
    state = {k: encode(v) for k, v in m.state_dict().items()}
    xs = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    y = m(*xs)
    u = torch.randn(y.shape)
    (y * u).sum().backward()
    return {
        "training": m.training,
        "state": state,
        "inputs": [encode(x) for x in inputs],
        "output": encode(y),
        "u": encode(u),
        "inputGrads": [encode(x.grad) if x.grad is not None else None for x in xs],
        "paramGrads": {k: encode(p.grad) for k, p in m.named_parameters() if p.grad is not None},
        "buffersAfter": {k: encode(b) for k, b in m.named_buffers()},
    }


def run_loss(fn, inputs):
    names = fn.__code__.co_varnames[: len(inputs)]
    xs = [x.clone().requires_grad_(x.is_floating_point() and n not in NO_GRAD) for x, n in zip(inputs, names)]
    y = fn(*xs)
    u = torch.randn(y.shape)
    if y.requires_grad:
        (y * u).sum().backward()
    return {
        "inputs": [encode(x) for x in inputs],
        "output": encode(y),
        "u": encode(u),
        "inputGrads": [encode(x.grad) if x.grad is not None else None for x in xs],
    }


def main():
    out = {
        "generator": "tools/make_nn_fixtures.py",
        "torch": torch.__version__,
        "modules": {name: run_module(make, inputs) for name, (make, inputs) in MODULES.items()},
        "losses": {name: run_loss(fn, inputs) for name, (fn, inputs) in LOSSES.items()},
    }
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "nn.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote {len(out['modules'])} module and {len(out['losses'])} loss cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
