#!/usr/bin/env python3
"""Writes test/fixtures/vision-models.json: tg.vision.models against torchvision 0.28's models.

Shipping the zoo's weights would take hundreds of megabytes, so both sides fill every parameter
and buffer from the same formula of its state-dict name and index (fill below; the test repeats it
and loads by name, so a name or shape that differs from torchvision's fails). For each model the
fixture holds torchvision's state-dict names and shapes, the logits of a fixed input in eval mode,
the logits in train mode (batch statistics), and some running statistics after that train-mode
forward. The CIFAR ResNets (resnet20/32/56) are not in torchvision: they are written here, in
torchvision's style, as He et al. describe them (option-A shortcuts); so is milesial/Pytorch-UNet's
U-Net (tg.vision.segmentation.UNet), as published there.

  sh tools/peers.sh && .peers-venv/bin/pip install pillow torchvision==0.28.0 --no-deps
  .peers-venv/bin/python tools/make_vision_model_fixtures.py [NAME …: regenerate only these]
test/vision/models.test.ts reads it.

The torchvision 0.28 wheel this machine's mirror holds is the CUDA build: its compiled operators
(nms, roi_align, …) cannot load beside torch 2.13+cpu. The models are plain Python and need none of
them, so the fake-tensor registrations torchvision makes at import are skipped.
"""
import json
import os
import sys

import torch
import torch.library
import torch.nn as nn
import torch.nn.functional as F

torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)
import torchvision  # noqa: E402
from torchvision import models  # noqa: E402
from torchvision.models.vision_transformer import VisionTransformer  # noqa: E402

from hash_fill import fill, image  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "vision-models.json")


class ZeroPadShortcut(nn.Module):
    def __init__(self, extra):
        super().__init__()
        self.extra = extra

    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.extra // 2, self.extra // 2))


def cifar_resnet(depth, num_classes=10):
    n = (depth - 2) // 6
    m = nn.Module()
    m.conv1, m.bn1 = nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
    in_planes = 16
    for i, (planes, stride) in enumerate([(16, 1), (32, 2), (64, 2)]):
        blocks = []
        for b in range(n):
            s = stride if b == 0 else 1
            short = ZeroPadShortcut(planes - in_planes) if (s != 1 or in_planes != planes) else None
            blocks.append(models.resnet.BasicBlock(in_planes, planes, s, short))
            in_planes = planes
        setattr(m, f"layer{i + 1}", nn.Sequential(*blocks))
    m.avgpool, m.fc = nn.AdaptiveAvgPool2d(1), nn.Linear(64, num_classes)

    def forward(x):
        x = F.relu(m.bn1(m.conv1(x)))
        x = m.layer3(m.layer2(m.layer1(x)))
        return m.fc(torch.flatten(m.avgpool(x), 1))

    m.forward = forward
    return m


class DoubleConv(nn.Module):
    """milesial/Pytorch-UNet's unet_parts.py, as published."""

    def __init__(self, in_channels, out_channels, mid_channels=None):
        super().__init__()
        mid_channels = mid_channels or out_channels
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, mid_channels, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(mid_channels), nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, out_channels, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.double_conv(x)


class Down(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv(in_channels, out_channels))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up(nn.Module):
    def __init__(self, in_channels, out_channels, bilinear=True):
        super().__init__()
        if bilinear:
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
            self.conv = DoubleConv(in_channels, out_channels, in_channels // 2)
        else:
            self.up = nn.ConvTranspose2d(in_channels, in_channels // 2, kernel_size=2, stride=2)
            self.conv = DoubleConv(in_channels, out_channels)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        dy, dx = x2.size()[2] - x1.size()[2], x2.size()[3] - x1.size()[3]
        x1 = F.pad(x1, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])
        return self.conv(torch.cat([x2, x1], dim=1))


class OutConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1)

    def forward(self, x):
        return self.conv(x)


class UNet(nn.Module):
    """milesial's unet_model.py, with the first stage's width as a parameter (64 there)."""

    def __init__(self, n_channels, n_classes, bilinear=False, c=64):
        super().__init__()
        factor = 2 if bilinear else 1
        self.inc = DoubleConv(n_channels, c)
        self.down1, self.down2, self.down3 = Down(c, 2 * c), Down(2 * c, 4 * c), Down(4 * c, 8 * c)
        self.down4 = Down(8 * c, 16 * c // factor)
        self.up1, self.up2 = Up(16 * c, 8 * c // factor, bilinear), Up(8 * c, 4 * c // factor, bilinear)
        self.up3, self.up4 = Up(4 * c, 2 * c // factor, bilinear), Up(2 * c, c, bilinear)
        self.outc = OutConv(c, n_classes)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x4 = self.down3(x3)
        x5 = self.down4(x4)
        x = self.up1(x5, x4)
        x = self.up2(x, x3)
        x = self.up3(x, x2)
        return self.outc(self.up4(x, x1))


def lenet5(num_classes=10):
    """LeNet-5 in its modern form (ReLU, max-pooling), as tg.vision.models.lenet5 names it."""
    m = nn.Module()
    m.features = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
    m.classifier = nn.Sequential(nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, num_classes))
    m.forward = lambda x: m.classifier(torch.flatten(m.features(x), 1))
    return m


def small_input(model):
    """The CIFAR-style stem users give torchvision's ResNets: 3×3 stride 1, no max-pooling."""
    model.conv1 = nn.Conv2d(3, 64, 3, padding=1, bias=False)
    model.maxpool = nn.Identity()
    return model


def stride_one_stem(model):
    """The mobile models' small-input variant: the stem convolution at stride 1."""
    model.features[0][0].stride = (1, 1)
    return model


def flat_fcn(model):
    """FCN's {"out", "aux"} as one [N, ·] tensor, its heads' dropout off so train mode is deterministic."""
    for head in [model.classifier, model.aux_classifier]:
        head[3].p = 0.0
    original = model.forward
    model.forward = lambda x: torch.cat([v.flatten(1) for v in original(x).values()], 1)
    return model


CASES = [
    ("resnet18", {}, lambda: models.resnet18(num_classes=10), [2, 3, 64, 64]),
    ("resnet18", {"smallInput": True}, lambda: small_input(models.resnet18(num_classes=10)), [2, 3, 32, 32]),
    ("resnet34", {}, lambda: models.resnet34(num_classes=10), [2, 3, 64, 64]),
    ("resnet50", {}, lambda: models.resnet50(num_classes=10), [2, 3, 64, 64]),
    ("resnet101", {}, lambda: models.resnet101(num_classes=10), [2, 3, 64, 64]),
    ("resnext50_32x4d", {}, lambda: models.resnext50_32x4d(num_classes=10), [2, 3, 64, 64]),
    ("wideResnet50_2", {}, lambda: models.wide_resnet50_2(num_classes=10), [2, 3, 64, 64]),
    ("mobilenetV2", {"dropout": 0}, lambda: models.mobilenet_v2(num_classes=10, dropout=0.0), [2, 3, 64, 64]),
    ("mobilenetV2", {"dropout": 0, "smallInput": True}, lambda: stride_one_stem(models.mobilenet_v2(num_classes=10, dropout=0.0)), [2, 3, 32, 32]),
    ("mobilenetV3Small", {"dropout": 0}, lambda: models.mobilenet_v3_small(num_classes=10, dropout=0.0), [2, 3, 64, 64]),
    ("efficientnetB0", {"dropout": 0, "stochasticDepthProb": 0}, lambda: models.efficientnet_b0(num_classes=10, dropout=0.0, stochastic_depth_prob=0.0), [2, 3, 64, 64]),
    ("vit", {"imageSize": 32, "patchSize": 8, "numLayers": 2, "numHeads": 4, "hiddenDim": 32, "mlpDim": 64}, lambda: VisionTransformer(32, 8, 2, 4, 32, 64, num_classes=10), [2, 3, 32, 32]),
    ("vitB16", {"imageSize": 32}, lambda: models.vit_b_16(num_classes=10, image_size=32), [2, 3, 32, 32]),
    ("lenet5", {}, lambda: lenet5(), [2, 1, 28, 28]),
    ("alexnet", {"dropout": 0}, lambda: models.alexnet(num_classes=10, dropout=0.0), [2, 3, 64, 64]),
    ("vgg11_bn", {"dropout": 0}, lambda: models.vgg11_bn(num_classes=10, dropout=0.0), [2, 3, 32, 32]),
    ("resnet20", {}, lambda: cifar_resnet(20), [2, 3, 32, 32]),
    ("unet", {"inChannels": 1, "numClasses": 3, "baseChannels": 8}, lambda: UNet(1, 3, False, 8), [2, 1, 36, 36]),
    ("unet", {"inChannels": 3, "numClasses": 2, "baseChannels": 4, "bilinear": True}, lambda: UNet(3, 2, True, 4), [2, 3, 30, 34]),
    ("resnet32", {}, lambda: cifar_resnet(32), [2, 3, 32, 32]),
    ("fcnResnet50", {"numClasses": 3, "auxLoss": True, "dropout": 0}, lambda: flat_fcn(models.segmentation.fcn_resnet50(weights=None, weights_backbone=None, num_classes=3, aux_loss=True)), [1, 3, 32, 32]),
]

# `make_vision_model_fixtures.py NAME…` rewrites only those models' entries of the existing fixture
# (the formula is deterministic, so the others would come out the same, only slower).
only = set(sys.argv[1:])
previous = {}
if only:
    with open(OUT) as f:
        previous = {(m["name"], json.dumps(m["options"], sort_keys=True)): m for m in json.load(f)["models"]}
fx = {"version": torchvision.__version__, "models": []}
for name, options, build, shape in CASES:
    kept = previous.get((name, json.dumps({"numClasses": 10} | options, sort_keys=True)))
    if only and name not in only and kept:
        fx["models"].append(kept)
        continue
    model = build()
    state = model.state_dict()
    with torch.no_grad():
        for k, t in state.items():
            if not k.endswith("num_batches_tracked"):
                t.copy_(fill(k, t))
    x = image(shape)
    model.eval()
    with torch.no_grad():
        eval_logits = model(x)
        model.train()
        train_logits = model(x)
    bns = [k for k in state if k.endswith("running_mean")]
    watched = [bns[0], bns[len(bns) // 2], bns[-1]] if bns else []
    stats = {k: state[k].tolist() for k in watched} | {k.replace("mean", "var"): state[k.replace("mean", "var")].tolist() for k in watched}
    fx["models"].append(
        {
            "name": name,
            "options": {"numClasses": 10} | options,
            "input": shape,
            "keys": [[k, list(t.shape)] for k, t in state.items()],
            "eval": eval_logits.reshape(-1).tolist(),
            "train": train_logits.reshape(-1).tolist(),
            "runningStats": stats,
        }
    )
    print(name, options, sum(p.numel() for p in model.parameters()), "parameters")

with open(OUT, "w") as f:
    json.dump(fx, f)
print("wrote", OUT)
