#!/usr/bin/env python3
"""Writes test/fixtures/vision-ops.json: torchvision's ops on random inputs — box_area,
box_iou, generalized_box_iou, distance_box_iou, box_convert (every pair of formats),
clip_boxes_to_image, remove_small_boxes; nms and batched_nms at three thresholds on float32 boxes;
roi_align (adaptive and fixed sampling, aligned or not, a spatial scale, boxes partly outside) and
roi_pool, with the input's gradient of a weighted sum (float64); sigmoid_focal_loss with its
gradient; and milesial/Pytorch-UNet's Dice loss (multiclass and binary) with its gradient.

  apt-get install python3-torchvision && /usr/bin/python3 tools/make_vision_fixtures.py
test/vision/ops.test.ts reads it.

These ops need torchvision's compiled kernels, and the torchvision 0.28 wheel on this machine's
mirror is the CUDA build, which cannot load beside torch 2.13+cpu; Debian's torchvision 0.14.1
(on Debian's torch 1.13) has them. Their definitions have not changed since (the fixture records
the version).
"""
import json
import os

import torch
import torchvision
from torchvision import ops

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "vision-ops.json")
torch.manual_seed(0)


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def random_boxes(n, extent=20.0, dtype=torch.float64):
    xy = torch.rand(n, 2, dtype=dtype) * extent
    wh = torch.rand(n, 2, dtype=dtype) * extent * 0.7 + 0.5
    return torch.cat([xy, xy + wh], 1)


fx = {"version": torchvision.__version__}

# Boxes (float64).
b1, b2 = random_boxes(7), random_boxes(5)
b2[0] = b1[0]  # an identical pair: IoU 1
fx["boxes"] = {
    "boxes1": enc(b1),
    "boxes2": enc(b2),
    "area": enc(ops.box_area(b1)),
    "iou": enc(ops.box_iou(b1, b2)),
    "giou": enc(ops.generalized_box_iou(b1, b2)),
    "diou": enc(ops.distance_box_iou(b1, b2)),
    "convert": [{"in": i, "out": o, "result": enc(ops.box_convert(b1, i, o))} for i in ("xyxy", "xywh", "cxcywh") for o in ("xyxy", "xywh", "cxcywh")],
    "clip": {"size": [16, 18], "result": enc(ops.clip_boxes_to_image(b1 - 3, (16, 18)))},
    "small": {"min": 8.0, "result": ops.remove_small_boxes(b1, 8.0).tolist()},
}

# Non-maximum suppression (float32, as detectors run it).
boxes = random_boxes(300, extent=60.0, dtype=torch.float32)
scores = torch.rand(300)
classes = torch.randint(0, 4, (300,))
fx["nms"] = {
    "boxes": enc(boxes),
    "scores": enc(scores),
    "classes": classes.tolist(),
    "cases": [{"threshold": t, "keep": ops.nms(boxes, scores, t).tolist(), "batched": ops.batched_nms(boxes, scores, classes, t).tolist()} for t in (0.3, 0.5, 0.7)],
}

# RoI pooling (float64), with the input's gradient of sum(output · weights).
x = torch.randn(2, 3, 10, 12, dtype=torch.float64)
rois = torch.tensor(
    [[0, 1.0, 1.0, 8.0, 6.0], [1, 0.3, 2.7, 11.5, 9.9], [0, -2.0, -1.5, 4.0, 3.0], [1, 5.2, 4.1, 5.6, 4.4], [0, 2.0, 3.0, 23.0, 19.0], [1, 9.0, 7.0, 14.0, 12.0]],
    dtype=torch.float64,
)
cases = []
for kind, output, kw in [
    ("align", 3, {"spatial_scale": 1.0, "sampling_ratio": -1, "aligned": False}),
    ("align", [2, 4], {"spatial_scale": 1.0, "sampling_ratio": 2, "aligned": True}),
    ("align", [4, 3], {"spatial_scale": 0.5, "sampling_ratio": -1, "aligned": True}),
    ("align", 2, {"spatial_scale": 0.5, "sampling_ratio": 3, "aligned": False}),
    ("pool", 3, {"spatial_scale": 1.0}),
    ("pool", [2, 4], {"spatial_scale": 0.5}),
]:
    xi = x.clone().requires_grad_(True)
    out = (ops.roi_align if kind == "align" else ops.roi_pool)(xi, rois, output, **kw)
    w = torch.randn(out.shape, dtype=torch.float64)
    (out * w).sum().backward()
    cases.append({"kind": kind, "outputSize": output, "options": kw, "output": enc(out), "weights": enc(w), "grad": enc(xi.grad)})
# The list form: one [L, 4] tensor per image.
per_image = [rois[rois[:, 0] == i, 1:] for i in range(2)]
fx["roi"] = {"input": enc(x), "rois": enc(rois), "cases": cases, "listForm": enc(ops.roi_align(x, per_image, 3))}

# Focal loss (float64) and its gradient.
logits = torch.randn(4, 6, dtype=torch.float64)
targets = (torch.rand(4, 6) > 0.6).double()
focal = []
for kw in [{}, {"alpha": -1, "gamma": 1.5, "reduction": "mean"}, {"alpha": 0.5, "gamma": 0.0, "reduction": "sum"}]:
    xi = logits.clone().requires_grad_(True)
    loss = ops.sigmoid_focal_loss(xi, targets, **kw)
    loss.sum().backward()
    focal.append({"options": kw, "loss": enc(loss), "grad": enc(xi.grad)})
fx["focal"] = {"inputs": enc(logits), "targets": enc(targets), "cases": focal}



# milesial/Pytorch-UNet's utils/dice_score.py, as published, on softmax probabilities and one-hot targets.
def dice_coeff(input, target, reduce_batch_first=False, epsilon=1e-6):
    assert input.size() == target.size()
    assert input.dim() == 3 or not reduce_batch_first
    sum_dim = (-1, -2) if input.dim() == 2 or not reduce_batch_first else (-1, -2, -3)
    inter = 2 * (input * target).sum(dim=sum_dim)
    sets_sum = input.sum(dim=sum_dim) + target.sum(dim=sum_dim)
    sets_sum = torch.where(sets_sum == 0, inter, sets_sum)
    dice = (inter + epsilon) / (sets_sum + epsilon)
    return dice.mean()


def multiclass_dice_coeff(input, target, reduce_batch_first=False, epsilon=1e-6):
    return dice_coeff(input.flatten(0, 1), target.flatten(0, 1), reduce_batch_first, epsilon)


def dice_loss(input, target, multiclass=False):
    fn = multiclass_dice_coeff if multiclass else dice_coeff
    return 1 - fn(input, target, reduce_batch_first=True)


logits = torch.randn(2, 3, 5, 6, dtype=torch.float64)
labels = torch.randint(0, 3, (2, 5, 6))
labels[1][labels[1] == 2] = 0  # class 2 absent from the second image: the empty-set rule
onehot = torch.nn.functional.one_hot(labels, 3).permute(0, 3, 1, 2).double()
dice = []
for multiclass in (True, False):
    xi = logits.clone().requires_grad_(True)
    probs = xi.softmax(1) if multiclass else xi[:, 0].sigmoid()
    target = onehot if multiclass else onehot[:, 1]
    loss = dice_loss(probs, target, multiclass)
    loss.backward()
    dice.append({"multiclass": multiclass, "loss": loss.item(), "grad": enc(xi.grad), "perImage": dice_coeff(probs.detach() if not multiclass else probs.detach().flatten(0, 1), target if not multiclass else target.flatten(0, 1)).item()})
fx["dice"] = {"logits": enc(logits), "labels": enc(labels), "cases": dice}

with open(OUT, "w") as f:
    json.dump(fx, f)
print("wrote", OUT)
