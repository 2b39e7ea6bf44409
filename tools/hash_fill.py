"""The weights and inputs both sides of the vision parity fixtures compute: a hash of a state-dict
name and flat index, so no weights need shipping (test/vision/hash-fill.ts repeats it bit for bit)."""
import math

import torch


def key_hash(key):
    return sum(ord(c) * (i + 1) for i, c in enumerate(key)) % 100003


def uniform(key, n):
    """Hash-mixed integers → uniform [0, 1): i.i.d.-looking values that JS computes bit for bit
    (a smooth formula such as a sine makes correlated kernels whose outputs cancel, and then the
    logits hang on float32 rounding)."""
    mask = 0xFFFFFFFF
    x = (torch.arange(n, dtype=torch.int64) + key_hash(key) * 7919) & mask
    for _ in range(2):
        x = ((x ^ (x >> 16)) * 0x45D9F3B) & mask
    x = x ^ (x >> 16)
    return x.double() / 2**32


def fill(key, t):
    """The shared formula: uniform noise from the name and flat index, scaled by the tensor's role."""
    n = t.numel()
    s = 2 * uniform(key, n) - 1
    if key.endswith("running_var"):
        v = 1 + 0.5 * s * s
    elif key.endswith("running_mean"):
        v = 0.1 * s
    elif t.dim() >= 2:
        v = s * math.sqrt(3 / (n / t.shape[0]))
    elif key.endswith("weight"):
        v = 1 + 0.1 * s
    else:
        v = 0.1 * s
    return v.reshape(t.shape).to(t.dtype)


def image(shape):
    n = math.prod(shape)
    return torch.cos(torch.arange(n, dtype=torch.float64) * 0.11).reshape(shape).float()
