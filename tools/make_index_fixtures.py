#!/usr/bin/env python3
"""Writes test/fixtures/indexing.json: PyTorch's x[index] and x[index] = v on random mixes of index
kinds (integers, slices, None, Ellipsis, integer tensors that broadcast together, boolean masks),
with the gradient of sum(u * x[index]) and the results of writing values and of index_put_ with
accumulate. test/ops/indexing.test.ts replays them with tensorgrad's x.index(...) and x.set(...).

Run with PyTorch 2.x (the wheel mirror's torch==2.13.0+cpu in a virtual environment): Debian's
torch 1.13 gets a boolean mask followed by other indices wrong (x[mask, -4:, -1] of a [3, 4, 3, 1]
tensor gives [7, 1] instead of [7, 3]).

    .venv/bin/python tools/make_index_fixtures.py
"""
import json
import os
import random

import torch

random.seed(0)
torch.manual_seed(0)


def enc(t):
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def random_case():
    ndim = random.randint(1, 4)
    shape = [random.randint(1, 4) for _ in range(ndim)]
    items, encoded = [], []
    dims_left = ndim
    use_mask = random.random() < 0.25
    b_shape = [random.randint(1, 3) for _ in range(random.randint(0, 2))]
    used_ellipsis = False
    d = 0  # the input dim the next item indexes (ellipsis handled by skipping)
    while d < ndim and len(items) < ndim + 1:
        r = random.random()
        if r < 0.1:
            items.append(None)
            encoded.append({"none": True})
            continue
        if r < 0.18 and not used_ellipsis:
            used_ellipsis = True
            skip = random.randint(0, ndim - d)
            items.append(Ellipsis)
            encoded.append({"ellipsis": True})
            # The remaining items must fit: end after the skipped dims.
            d += skip
            # the ellipsis takes exactly what the rest leaves; we stop adding items past it only when
            # what follows indexes the last dims, so mark the remaining count explicitly
            remaining = ndim - d
            for k in range(remaining):
                item, e = basic_or_advanced(shape[d + k], b_shape, use_mask and k == 0, shape[d + k :])
                items.append(item)
                encoded.append(e)
                if isinstance(item, torch.Tensor) and item.dtype == torch.bool:
                    break
            break
        size = shape[d]
        item, e = basic_or_advanced(size, b_shape, use_mask, shape[d:])
        items.append(item)
        encoded.append(e)
        d += item.dim() if isinstance(item, torch.Tensor) and item.dtype == torch.bool else 1
        if isinstance(item, torch.Tensor) and item.dtype == torch.bool:
            use_mask = False
        if random.random() < 0.2:
            break
    return shape, items, encoded


def basic_or_advanced(size, b_shape, use_mask, rest_shape):
    r = random.random()
    if use_mask and r < 0.5:
        dims = min(len(rest_shape), random.randint(1, 2))
        m = torch.rand(rest_shape[:dims]) > 0.4
        return m, {"mask": enc(m.int())}
    if r < 0.3:
        i = random.randint(-size, size - 1)
        return i, {"int": i}
    if r < 0.6:
        start = random.choice([None, random.randint(-size - 1, size)])
        stop = random.choice([None, random.randint(-size - 1, size + 1)])
        step = random.choice([1, 1, 2, 3])
        return slice(start, stop, step), {"slice": [start, stop, step]}
    if use_mask:
        i = random.randint(-size, size - 1)
        return i, {"int": i}
    shape = [s if random.random() < 0.7 else 1 for s in b_shape]
    t = torch.randint(-size, size, shape)
    return t, {"tensor": enc(t)}


def main():
    cases = []
    while len(cases) < 80:
        shape, items, encoded = random_case()
        x = torch.randn(shape)
        try:
            out = x[tuple(items)]
        except (IndexError, RuntimeError):
            continue
        xg = x.clone().requires_grad_()
        y = xg[tuple(items)]
        u = torch.randn(y.shape)
        (y * u).sum().backward()
        v = torch.randn(out.shape)
        written = x.clone()
        written[tuple(items)] = v
        # With repeated positions the value written last is undefined in PyTorch; keep cases where the
        # write does not depend on order (every position written once), and check accumulate on all.
        ones = torch.zeros(shape)
        ones[tuple(items)] = 1.0
        accumulated = torch.zeros(shape).index_put_(tuple(i for i in items if isinstance(i, torch.Tensor)), torch.ones(()), accumulate=True) if all(isinstance(i, torch.Tensor) and i.dtype != torch.bool for i in items) else None
        counts = torch.zeros(shape)
        counts[tuple(items)] += torch.ones(out.shape)  # a += of a gathered copy: each position counted once
        unique = counts.sum().item() == out.numel()
        cases.append({
            "shape": shape, "index": encoded, "x": enc(x), "output": enc(out), "u": enc(u), "grad": enc(xg.grad),
            "value": enc(v), "written": enc(written) if unique else None,
            "accumulatedOnes": enc(accumulated) if accumulated is not None else None,
        })
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "indexing.json")
    with open(path, "w") as f:
        json.dump({"generator": "tools/make_index_fixtures.py", "torch": torch.__version__, "cases": cases}, f)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
