#!/usr/bin/env python3
"""Writes test/fixtures/ssl.json: the self-supervised objectives as PyTorch 2.13 formulations, with
gradients — NT-Xent written per row as in the SimCLR paper, MoCo's InfoNCE with a queue (the
paper's pseudocode), in-batch InfoNCE, BYOL's and SimSiam's losses — F.normalize and
F.cosine_similarity (a zero row included), torch.optim.swa_utils.AveragedModel's EMA and SWA updates,
torchvision's Gaussian blur (its algorithm on torch primitives: torchvision is not installable
beside torch 2.13 here), and MAE's 2-D sine-cosine position table (its NumPy code).

  python3 -m venv .venv && .venv/bin/pip install torch==2.13.0+cpu numpy
  .venv/bin/python tools/make_ssl_fixtures.py
test/ssl/pytorch-parity.test.ts reads it.
"""
import json, os
import numpy as np
import torch
import torch.nn.functional as F
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def enc(t):
    t = torch.as_tensor(t).detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def with_grads(fn, *inputs):
    leaves = [x.clone().requires_grad_(True) for x in inputs]
    out = fn(*leaves)
    grads = torch.autograd.grad(out, leaves)
    return {"value": out.item(), "grads": [enc(g) for g in grads]}


def nt_xent_by_rows(z1, z2, t):
    """SimCLR's ℓ(i, j) = −log exp(sim(i, j)/τ) / Σ_{k≠i} exp(sim(i, k)/τ), averaged over the 2N rows."""
    z = torch.cat([z1, z2])
    n = z1.shape[0]
    total = 0
    for i in range(2 * n):
        sims = torch.stack([F.cosine_similarity(z[i], z[k], dim=0) for k in range(2 * n)]) / t
        j = (i + n) % (2 * n)
        others = torch.cat([sims[:i], sims[i + 1:]])
        total = total - (sims[j] - torch.logsumexp(others, 0))
    return total / (2 * n)


def moco(q, k, queue, t):
    q, k, queue = F.normalize(q, dim=1), F.normalize(k, dim=1), F.normalize(queue, dim=1)
    l_pos = torch.einsum("nc,nc->n", q, k).unsqueeze(-1)
    l_neg = torch.einsum("nc,ck->nk", q, queue.T)
    logits = torch.cat([l_pos, l_neg], dim=1) / t
    return F.cross_entropy(logits, torch.zeros(q.shape[0], dtype=torch.long))


def in_batch(q, k, t):
    q, k = F.normalize(q, dim=1), F.normalize(k, dim=1)
    return F.cross_entropy(q @ k.T / t, torch.arange(q.shape[0]))


z1, z2 = torch.randn(6, 5), torch.randn(6, 5)
queue = torch.randn(9, 5)
p, z = torch.randn(4, 5), torch.randn(4, 5)
x1 = torch.randn(3, 4)
x1[1] = 0
x2 = torch.randn(3, 4)

losses = {
    "z1": enc(z1), "z2": enc(z2), "queue": enc(queue), "p": enc(p), "z": enc(z),
    "ntXent": {t: with_grads(lambda a, b: nt_xent_by_rows(a, b, t), z1, z2) for t in [0.5, 0.1]},
    "infoNceQueue": with_grads(lambda a, b: moco(a, b, queue, 0.07), z1, z2),
    "infoNceInBatch": with_grads(lambda a, b: in_batch(a, b, 0.2), z1, z2),
    "byol": with_grads(lambda a: (2 - 2 * (F.normalize(a, dim=-1) * F.normalize(z, dim=-1)).sum(-1)).mean(), p),
    "simsiam": with_grads(lambda a: -F.cosine_similarity(a, z.detach(), dim=-1).mean(), p),
}
similarity = {
    "x1": enc(x1), "x2": enc(x2),
    "normalize": enc(F.normalize(x1, dim=1)),
    "normalizeP1": enc(F.normalize(x1, p=1, dim=1)),
    "cosine": enc(F.cosine_similarity(x1, x2, dim=1)),
    "cosineGrad": with_grads(lambda a, b: (F.cosine_similarity(a, b, dim=1) * torch.tensor([1.0, 2.0, -1.0])).sum(), x1 + 0.5, x2),
}

# AveragedModel: the model's weights take three successive values; the averages after each update.
model = torch.nn.Linear(3, 2)
steps = [{k: torch.randn_like(v) for k, v in model.state_dict().items()} for _ in range(3)]
averaging = {}
for name, kwargs in [("ema", {"multi_avg_fn": get_ema_multi_avg_fn(0.9)}), ("swa", {})]:
    avg = AveragedModel(model, **kwargs)
    seen = []
    for s in steps:
        model.load_state_dict(s)
        avg.update_parameters(model)
        seen.append({k.removeprefix("module."): enc(v) for k, v in avg.state_dict().items() if k != "n_averaged"})
    averaging[name] = seen
averaging["steps"] = [{k: enc(v) for k, v in s.items()} for s in steps]


def blur(img, k, sigma):
    """torchvision.transforms.functional.gaussian_blur on a (C, H, W) float tensor."""
    half = (k - 1) * 0.5
    x = torch.linspace(-half, half, k)
    pdf = torch.exp(-0.5 * (x / sigma).pow(2))
    kernel1d = pdf / pdf.sum()
    c = img.shape[0]
    kernel = (kernel1d[:, None] * kernel1d[None, :]).expand(c, 1, k, k)
    padded = F.pad(img[None], [k // 2] * 4, mode="reflect")
    return F.conv2d(padded, kernel, groups=c)[0]


image = torch.rand(2, 7, 9)
blurs = [{"kernelSize": k, "sigma": s, "output": enc(blur(image, k, s))} for k, s in [(3, 0.8), (5, 1.5), (7, 0.3)]]



def mae_sincos(embed_dim, grid_size, cls_token):
    """MAE's util/pos_embed.py get_2d_sincos_pos_embed, as written there (NumPy)."""
    def one_d(dim, pos):
        omega = np.arange(dim // 2, dtype=np.float64) / (dim / 2.0)
        omega = 1.0 / 10000**omega
        out = np.einsum("m,d->md", pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)
    grid = np.meshgrid(np.arange(grid_size, dtype=np.float32), np.arange(grid_size, dtype=np.float32))  # here w goes first
    grid = np.stack(grid, axis=0).reshape([2, 1, grid_size, grid_size])
    emb = np.concatenate([one_d(embed_dim // 2, grid[0]), one_d(embed_dim // 2, grid[1])], axis=1)
    return np.concatenate([np.zeros([1, embed_dim]), emb], axis=0) if cls_token else emb


sincos = [{"embedDim": d, "grid": g, "clsToken": c, "table": enc(torch.from_numpy(mae_sincos(d, g, c)))} for d, g, c in [(16, 7, True), (8, 3, False)]]

fixture = {"losses": losses, "similarity": similarity, "averaging": averaging, "blur": {"image": enc(image), "cases": blurs}, "sincos": sincos}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "ssl.json")
with open(path, "w") as f:
    json.dump(fixture, f)
print("wrote", os.path.normpath(path))
