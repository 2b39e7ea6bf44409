"""The public names of PyTorch's everyday namespaces, for tensorgrad's coverage table.

Writes tools/coverage/torch-api.json; `npx tsx tools/coverage.ts` then checks which names
tensorgrad has (in camelCase) and writes docs/coverage.md. Run with PyTorch 2.x, e.g.

    python3 -m venv .venv && .venv/bin/pip install torch==2.13.0+cpu
    .venv/bin/python tools/coverage.py

"Public" means what PyTorch documents: names in a namespace's __all__ (or, where it has none,
defined there without a leading underscore) that carry a docstring. torch exposes hundreds of
undocumented kernels at its top level (torch.batch_norm_elemt, torch.abs_, …), which the
docstring rule leaves out.
"""
import inspect
import json
import os

import torch
import torch.fft
import torch.linalg
import torch.nn
import torch.nn.functional
import torch.optim
import torch.optim.lr_scheduler
import torch.utils.data

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "coverage", "torch-api.json")


def documented(obj):
    return bool((getattr(obj, "__doc__", None) or "").strip())


def public(module):
    names = getattr(module, "__all__", None)
    if names is None:
        # No __all__ (torch.nn, torch.linalg): every public attribute that is not a module.
        names = [n for n in dir(module) if not inspect.ismodule(getattr(module, n))]
    return sorted(n for n in set(names) if not n.startswith("_") and hasattr(module, n))


# Helpers a namespace imports for its own use (typing, torch-function dispatch, TorchScript).
NOT_API = ("typing", "torch.overrides", "torch._jit_internal", "torch._C")


def functions(module):
    out = []
    for n in public(module):
        v = getattr(module, n)
        if getattr(v, "__module__", None) in NOT_API:
            continue
        if callable(v) and not inspect.isclass(v) and not inspect.ismodule(v) and documented(v):
            out.append(n)
    return out


def subclasses(module, base, extra=()):
    out = []
    for n in public(module):
        v = getattr(module, n)
        if inspect.isclass(v) and (issubclass(v, base) or v in extra) and v is not base:
            out.append(n)
    return out


def tensor_methods():
    out = []
    for n in dir(torch.Tensor):
        if n.startswith("_"):
            continue
        v = getattr(torch.Tensor, n)
        # Methods only: properties (shape, grad, T, …) and plain attributes are not counted.
        if isinstance(inspect.getattr_static(torch.Tensor, n), property) or not callable(v):
            continue
        if documented(v):
            out.append(n)
    return sorted(out)


namespaces = {
    "torch": functions(torch),
    "torch.Tensor": tensor_methods(),
    "torch.nn.functional": functions(torch.nn.functional),
    # Module itself is the base class everything derives from: counted, as tensorgrad must have it.
    "torch.nn": subclasses(torch.nn, torch.nn.Module) + ["Module"],
    "torch.linalg": functions(torch.linalg),
    "torch.fft": functions(torch.fft),
    "torch.optim": subclasses(torch.optim, torch.optim.Optimizer),
    "torch.optim.lr_scheduler": subclasses(
        torch.optim.lr_scheduler, torch.optim.lr_scheduler.LRScheduler, extra=(torch.optim.lr_scheduler.ReduceLROnPlateau,)
    ),
    "torch.utils.data": [n for n in public(torch.utils.data) if documented(getattr(torch.utils.data, n))],
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "namespaces": namespaces}, f, indent=1)
    f.write("\n")
print(f"{OUT}: " + ", ".join(f"{k} {len(v)}" for k, v in namespaces.items()))
