#!/usr/bin/env python3
"""Writes test/fixtures/explain.json: Captum's attribution formulas computed with PyTorch autograd
(Captum itself is not on the wheel mirror) on two small float64 models — an MLP and a CNN — whose
weights the file carries: saliency, input × gradient, integrated gradients under every approximation
rule, DeepLIFT's rescale rule (by explicit backpropagation of the multipliers), Grad-CAM, guided
backprop and guided Grad-CAM, layer conductance, occlusion and feature ablation.

  python3 -m venv .venv && .venv/bin/pip install torch==2.13.0+cpu numpy
  .venv/bin/python tools/make_explain_fixtures.py
test/explain/captum-parity.test.ts reads it.
"""
import json, math, os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def enc(t):
    t = torch.as_tensor(t).detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def state(m):
    return {k: enc(v) for k, v in m.state_dict().items()}


mlp = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3))
cnn = nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(64, 3))
x = torch.randn(3, 4)
xb = torch.randn(3, 4) * 0.5
target = torch.tensor([0, 2, 1])
img = torch.randn(2, 1, 8, 8)
img_target = torch.tensor([1, 2])


def explained(model, inp, tgt):
    return model(inp).gather(1, tgt.repeat(inp.shape[0] // tgt.shape[0]).view(-1, 1)).view(-1)


def grad_at(model, inp, tgt):
    inp = inp.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(explained(model, inp, tgt).sum(), inp)
    return g


def rule(method, n):
    """Captum's approximation_methods: (alphas, step sizes)."""
    if method == "riemann_left":
        return np.linspace(0, 1 - 1 / n, n), [1 / n] * n
    if method == "riemann_right":
        return np.linspace(1 / n, 1, n), [1 / n] * n
    if method == "riemann_middle":
        return np.linspace(1 / (2 * n), 1 - 1 / (2 * n), n), [1 / n] * n
    if method == "riemann_trapezoid":
        return np.linspace(0, 1, n), [1 / (2 * (n - 1))] + [1 / (n - 1)] * (n - 2) + [1 / (2 * (n - 1))]
    nodes, weights = np.polynomial.legendre.leggauss(n)
    return 0.5 * (nodes + 1), list(0.5 * weights)


def integrated_gradients(model, inp, base, tgt, method, n):
    alphas, w = rule(method, n)
    total = torch.zeros_like(inp)
    for a, s in zip(alphas, w):
        total += s * grad_at(model, base + float(a) * (inp - base), tgt)
    attr = total * (inp - base)
    delta = attr.sum(1) - (explained(model, inp, tgt) - explained(model, base, tgt))
    return attr, delta


ig = []
for method in ["riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid", "gausslegendre"]:
    for n in [10, 50]:
        attr, delta = integrated_gradients(mlp, x, xb, target, method, n)
        ig.append({"method": method, "nSteps": n, "attributions": enc(attr), "delta": enc(delta)})


def deeplift_mlp(inp, base, tgt):
    """DeepLIFT rescale multipliers by hand: backprop with each activation's slope Δout/Δin."""
    l1, _, l2, _, l3 = mlp
    z1, z1b = l1(inp), l1(base)
    h1, h1b = torch.relu(z1), torch.relu(z1b)
    z2, z2b = l2(h1), l2(h1b)
    h2, h2b = torch.tanh(z2), torch.tanh(z2b)

    def slope(zo, zb, ho, hb, deriv):
        d = zo - zb
        return torch.where(d.abs() < 1e-10, deriv, (ho - hb) / torch.where(d.abs() < 1e-10, torch.ones_like(d), d))

    g = l3.weight[tgt]  # (N, 5)
    g = g * slope(z2, z2b, h2, h2b, 1 - h2 ** 2)
    g = g @ l2.weight
    g = g * slope(z1, z1b, h1, h1b, (z1 > 0).double())
    g = g @ l1.weight
    attr = g * (inp - base)
    delta = attr.sum(1) - (explained(mlp, inp, tgt) - explained(mlp, base, tgt))
    return attr, delta


dl_attr, dl_delta = deeplift_mlp(x, xb, target)

# Grad-CAM at the CNN's second convolution (its (N, 4, 4, 4) output).
acts = {}
handle = cnn[2].register_forward_hook(lambda m, a, o: acts.__setitem__("a", o))
inp = img.clone().requires_grad_(True)
out = explained(cnn, inp, img_target)
(ga,) = torch.autograd.grad(out.sum(), acts["a"])
handle.remove()
A = acts["a"].detach()
cam = (ga.mean((2, 3), keepdim=True) * A).sum(1, keepdim=True)

# Guided backprop: every ReLU passes only positive gradients where it was active.
hooks = [m.register_full_backward_hook(lambda m, gi, go: (F.relu(gi[0]),)) for m in cnn if isinstance(m, nn.ReLU)]
guided = grad_at(cnn, img, img_target)
for h in hooks:
    h.remove()
guided_gradcam = guided * F.interpolate(F.relu(cam), size=(8, 8), mode="nearest")

# Layer conductance at the MLP's first ReLU, Gauss-Legendre on nSteps + 1 points (Captum's rule).
def conductance(n):
    alphas, _ = rule("gausslegendre", n + 1)
    grads, evals = [], []
    for a in alphas:
        store = {}
        h = mlp[1].register_forward_hook(lambda m, a_, o: store.__setitem__("o", o))
        scaled = (xb + float(a) * (x - xb)).requires_grad_(True)
        y = explained(mlp, scaled, target)
        (g,) = torch.autograd.grad(y.sum(), store["o"])
        h.remove()
        grads.append(g)
        evals.append(store["o"].detach())
    return sum(grads[k] * (evals[k + 1] - evals[k]) for k in range(n))


cond = conductance(30)

# Occlusion on the CNN: windows (1, 3, 3), strides (1, 2, 2), ⌈(D − W)/S⌉ + 1 starts, clipped at the border.
def occlusion(window, strides, baseline):
    base_out = explained(cnn, img, img_target).detach()
    total = torch.zeros_like(img)
    count = torch.zeros_like(img)
    dims = img.shape[1:]
    counts = [math.ceil((d - w) / s) + 1 for d, w, s in zip(dims, window, strides)]
    for idx in np.ndindex(*counts):
        mask = torch.zeros(dims)
        sl = tuple(slice(i * s, min(i * s + w, d)) for i, s, w, d in zip(idx, strides, window, dims))
        mask[sl] = 1
        occluded = torch.where(mask.bool(), torch.full_like(img, baseline), img)
        drop = base_out - explained(cnn, occluded, img_target).detach()
        total += drop.view(-1, 1, 1, 1) * mask
        count += mask
    return total / count


occ = occlusion((1, 3, 3), (1, 2, 2), 0.25)

# Feature ablation on the MLP, features grouped [0, 0, 1, 2], baselines xb.
groups = torch.tensor([0, 0, 1, 2])
fa = torch.zeros_like(x)
with torch.no_grad():
    y0 = explained(mlp, x, target)
    for gid in range(3):
        m = (groups == gid)
        fa += (y0 - explained(mlp, torch.where(m, xb, x), target)).view(-1, 1) * m

fixture = {
    "mlp": {"state": state(mlp), "x": enc(x), "baselines": enc(xb), "target": target.tolist(),
            "output": enc(mlp(x)),
            "saliency": enc(grad_at(mlp, x, target).abs()), "inputXGradient": enc(grad_at(mlp, x, target) * x),
            "integratedGradients": ig,
            "deepLift": {"attributions": enc(dl_attr), "delta": enc(dl_delta)},
            "conductance": {"nSteps": 30, "attributions": enc(cond)},
            "featureAblation": {"groups": groups.tolist(), "attributions": enc(fa)}},
    "cnn": {"state": state(cnn), "x": enc(img), "target": img_target.tolist(),
            "gradCam": enc(cam), "guidedBackprop": enc(guided), "guidedGradCam": enc(guided_gradcam),
            "occlusion": {"window": [1, 3, 3], "strides": [1, 2, 2], "baseline": 0.25, "attributions": enc(occ)}},
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "explain.json")
with open(path, "w") as f:
    json.dump(fixture, f)
print("wrote", os.path.normpath(path))
