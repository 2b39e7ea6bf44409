#!/usr/bin/env python3
"""Writes test/fixtures/torch2.json: layer cases for what only PyTorch 2.x has (LinearCrossEntropyLoss,
nn.LPPool3d, parametrizations.weight_norm), in tools/make_nn_fixtures.py's format.

Run with PyTorch 2.x from the local wheel mirror:
  python3 -m venv .venv && .venv/bin/pip install torch==2.13.0+cpu && .venv/bin/python tools/make_torch2_fixtures.py
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
from make_nn_fixtures import idx, r, run_module  # noqa: E402

torch.manual_seed(2)


class LossAsModule(nn.Module):
    """A loss module with parameters, called as (input, target), for run_module."""

    def __init__(self, loss):
        super().__init__()
        self.loss = loss

    def forward(self, x, target):
        return self.loss(x, target)


MODULES = {
    "linear_cross_entropy_loss_out_features": (
        lambda: LossAsModule(nn.LinearCrossEntropyLoss(5, 4, out_features=(2, 3), bias=True, label_smoothing=0.1)),
        [r(3, 5), torch.randint(0, 4, (3, 2, 3))],
    ),
    "linear_cross_entropy_loss_ignore_sum": (
        lambda: LossAsModule(nn.LinearCrossEntropyLoss(4, 6, reduction="sum", ignore_index=2)),
        [r(5, 4), idx([0, 2, 5, 1, 2])],
    ),
    "lp_pool3d": (lambda: nn.LPPool3d(2.5, (2, 3, 2), stride=(1, 2, 2)), [torch.rand(1, 2, 5, 7, 6) + 0.1]),
    "weight_norm_conv": (lambda: nn.utils.parametrizations.weight_norm(nn.Conv2d(2, 3, 2), dim=1), [r(1, 2, 4, 4)]),
}


def main():
    out = {
        "generator": "tools/make_torch2_fixtures.py",
        "torch": torch.__version__,
        "modules": {name: run_module(make, inputs) for name, (make, inputs) in MODULES.items()},
    }
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "torch2.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote {len(MODULES)} module cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
