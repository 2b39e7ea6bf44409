#!/usr/bin/env python3
"""Writes test/fixtures/vision-detection.json: tg.vision's detection pieces against torchvision 0.28
and pycocotools 2.0.

- AnchorGenerator, BoxCoder, BoxLinearCoder, generalized_box_iou_loss (values and gradients) and
  masks_to_boxes on fixed inputs.
- FCOS: tg.vision.detection.fcosSmall's architecture built from torchvision's own FCOS, FCOSHead,
  FeaturePyramidNetwork and Conv2dNormActivation, with the weights of tools/hash_fill.py, its
  GeneralizedRCNNTransform made the identity (the input is already 64×64, mean 0, std 1): the three
  training losses, some gradients, and the detections in eval mode.
- meanAveragePrecision: COCOeval (bbox) on synthetic predictions — jittered ground truth, misses,
  false positives, boxes of every COCO area range, a class found only in the predictions.

  sh tools/peers.sh && .peers-venv/bin/pip install pillow pycocotools torchvision==0.28.0 --no-deps
  .peers-venv/bin/python tools/make_detection_fixtures.py

The wheel's compiled operators do not load beside torch 2.13+cpu (see make_vision_model_fixtures.py),
so torchvision's nms is replaced by the same greedy suppression written in Python.
"""
import contextlib
import io
import json
import os
from collections import OrderedDict
from functools import partial

import numpy as np
import torch
import torch.library
import torch.nn as nn

torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)
import torchvision  # noqa: E402
import torchvision.ops.boxes as box_ops  # noqa: E402
from torchvision.models.detection import FCOS  # noqa: E402
from torchvision.models.detection._utils import BoxCoder, BoxLinearCoder  # noqa: E402
from torchvision.models.detection.anchor_utils import AnchorGenerator  # noqa: E402
from torchvision.models.detection.fcos import FCOSClassificationHead, FCOSHead, FCOSRegressionHead  # noqa: E402
from torchvision.ops import Conv2dNormActivation, FeaturePyramidNetwork, generalized_box_iou_loss, masks_to_boxes  # noqa: E402
from torchvision.models.detection.image_list import ImageList  # noqa: E402
from pycocotools.coco import COCO  # noqa: E402
from pycocotools.cocoeval import COCOeval  # noqa: E402

from hash_fill import fill, image  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "vision-detection.json")


def greedy_nms(boxes, scores, iou_threshold):
    order = torch.argsort(scores, descending=True, stable=True)
    keep = []
    suppressed = torch.zeros(len(scores), dtype=torch.bool)
    iou = box_ops.box_iou(boxes, boxes)
    for i in order.tolist():
        if suppressed[i]:
            continue
        keep.append(i)
        suppressed |= iou[i] > iou_threshold
    return torch.tensor(keep, dtype=torch.int64)


box_ops.nms = greedy_nms
torch.manual_seed(0)
fx = {"versions": {"torchvision": torchvision.__version__, "torch": torch.__version__}}

# ---- anchors and box coders ----
gen = AnchorGenerator(sizes=((16, 32), (64,)), aspect_ratios=((0.5, 1.0, 2.0), (1.0,)))
images = ImageList(torch.zeros(1, 3, 64, 80), [(64, 80)])
feats = [torch.zeros(1, 8, 8, 10), torch.zeros(1, 8, 4, 5)]
fx["anchors"] = {"sizes": [[16, 32], [64]], "aspectRatios": [[0.5, 1.0, 2.0], [1.0]], "image": [64, 80], "features": [[8, 10], [4, 5]], "anchors": gen(images, feats)[0].tolist()}


def random_boxes(n, size=64.0):
    xy = torch.rand(n, 2) * size * 0.7
    wh = torch.rand(n, 2) * size * 0.3 + 2
    return torch.cat([xy, xy + wh], 1)


gt, proposals = random_boxes(12), random_boxes(12)
coder = BoxCoder(weights=(10.0, 10.0, 5.0, 5.0))
codes = coder.encode_single(gt, proposals)
linear = BoxLinearCoder(normalize_by_size=True)
lin_codes = linear.encode(proposals, gt)
fx["coders"] = {
    "gt": gt.tolist(),
    "proposals": proposals.tolist(),
    "boxCoder": {"weights": [10, 10, 5, 5], "encoded": codes.tolist(), "decoded": coder.decode_single(codes * 1.3, proposals).tolist()},
    "linear": {"encoded": lin_codes.tolist(), "decoded": linear.decode(lin_codes * 0.8, proposals).tolist()},
}

a = random_boxes(10).double().requires_grad_()
b = random_boxes(10).double()
loss = generalized_box_iou_loss(a, b, reduction="none")
loss.sum().backward()
masks = torch.zeros(3, 12, 16, dtype=torch.bool)
masks[0, 2:5, 3:9] = True
masks[1, 7, 1] = True
masks[2, 0:12, 10:16] = True
fx["giouLoss"] = {"boxes1": a.tolist(), "boxes2": b.tolist(), "loss": loss.tolist(), "grad": a.grad.tolist(), "masks": masks.int().tolist(), "masksToBoxes": masks_to_boxes(masks).tolist()}


# ---- FCOS: fcosSmall's architecture ----
class SmallBackbone(nn.Module):
    def __init__(self, in_channels, out_channels=64, width=32):
        super().__init__()
        block = lambda i, o, s=1: Conv2dNormActivation(i, o, 3, stride=s)  # noqa: E731
        self.body = nn.Sequential(block(in_channels, width, 2), block(width, width), block(width, 2 * width, 2), block(2 * width, 2 * width), block(2 * width, 4 * width, 2), block(4 * width, 4 * width))
        self.c4 = nn.Sequential(block(4 * width, 4 * width, 2), block(4 * width, 4 * width))
        self.fpn = FeaturePyramidNetwork([4 * width, 4 * width], out_channels)
        self.out_channels = out_channels

    def forward(self, x):
        c3 = self.body(x)
        return self.fpn(OrderedDict([("0", c3), ("1", self.c4(c3))]))


NUM_CLASSES = 4
backbone = SmallBackbone(3)
head = FCOSHead(64, 1, NUM_CLASSES, num_convs=2)
norm = partial(nn.GroupNorm, 16)
head.classification_head = FCOSClassificationHead(64, 1, NUM_CLASSES, num_convs=2, norm_layer=norm)
head.regression_head = FCOSRegressionHead(64, 1, num_convs=2, norm_layer=norm)
model = FCOS(backbone, NUM_CLASSES, min_size=64, max_size=64, image_mean=[0.0] * 3, image_std=[1.0] * 3,
             anchor_generator=AnchorGenerator(((8,), (16,)), ((1.0,), (1.0,))), head=head, score_thresh=0.3)
with torch.no_grad():
    for k, t in model.state_dict().items():
        if not k.endswith("num_batches_tracked"):
            t.copy_(fill(k, t))
x = image([2, 3, 64, 64]) * 0.5 + 0.5
targets = [
    {"boxes": torch.tensor([[10.0, 12.0, 30.0, 34.0], [40.0, 8.0, 58.0, 26.0], [20.0, 40.0, 62.0, 63.0]]), "labels": torch.tensor([1, 3, 2])},
    {"boxes": torch.tensor([[4.0, 4.0, 24.0, 28.0]]), "labels": torch.tensor([2])},
]
model.train()
losses = model(list(x), targets)
sum(losses.values()).backward()
watched = ["head.classification_head.cls_logits.bias", "head.regression_head.bbox_ctrness.bias", "head.regression_head.bbox_reg.bias"]
grads = {k: p.grad.tolist() for k, p in model.named_parameters() if k in watched}
norms = {k: p.grad.norm().item() for k, p in model.named_parameters()}
model.eval()
with torch.no_grad():
    detections = model(list(x))
fx["fcos"] = {
    "numClasses": NUM_CLASSES,
    "scoreThresh": 0.3,
    "keys": [[k, list(t.shape)] for k, t in model.state_dict().items()],
    "input": [2, 3, 64, 64],
    "targets": [{"boxes": t["boxes"].tolist(), "labels": t["labels"].tolist()} for t in targets],
    "losses": {k: v.item() for k, v in losses.items()},
    "grads": grads,
    "gradNorms": norms,
    "detections": [{"boxes": d["boxes"].tolist(), "scores": d["scores"].tolist(), "labels": d["labels"].tolist()} for d in detections],
}
print("fcos losses", {k: round(v.item(), 5) for k, v in losses.items()}, "detections", [len(d["scores"]) for d in detections])


# ---- mean average precision ----
def coco_case(seed, n_images, classes, max_det_stress=False):
    g = np.random.default_rng(seed)
    gts, preds = [], []
    for _ in range(n_images):
        k = int(g.integers(0, 6))
        # Sizes across COCO's ranges: small (< 32²), medium, large (> 96²).
        sizes = g.choice([12.0, 40.0, 120.0], size=k)
        xy = g.uniform(0, 200, size=(k, 2))
        wh = sizes[:, None] * g.uniform(0.6, 1.4, size=(k, 2))
        boxes = np.concatenate([xy, xy + wh], 1)
        labels = g.integers(1, classes + 1, size=k)
        pb, ps, pl = [], [], []
        for box, label in zip(boxes, labels):
            if g.random() < 0.15:
                continue  # a miss
            w, h = box[2] - box[0], box[3] - box[1]
            jitter = g.normal(0, 0.08, size=4) * np.array([w, h, w, h])
            pb.append(box + jitter)
            ps.append(g.uniform(0.3, 1.0))
            pl.append(label if g.random() < 0.9 else g.integers(1, classes + 2))  # sometimes the wrong class, or one absent from the ground truth
        for _ in range(int(g.integers(0, 25 if max_det_stress else 4))):
            xy = g.uniform(0, 220, size=2)
            pb.append(np.concatenate([xy, xy + g.uniform(5, 100, size=2)]))
            ps.append(g.uniform(0.0, 0.7))
            pl.append(g.integers(1, classes + 1))
        gts.append({"boxes": boxes.tolist(), "labels": labels.tolist()})
        preds.append({"boxes": [list(map(float, b)) for b in pb], "scores": [float(s) for s in ps], "labels": [int(l) for l in pl]})
    return gts, preds


def cocoeval(gts, preds, classes, max_dets=(1, 10, 100)):
    images, annotations, results = [], [], []
    for i, (t, p) in enumerate(zip(gts, preds)):
        images.append({"id": i, "width": 300, "height": 300})
        for box, label in zip(t["boxes"], t["labels"]):
            w, h = box[2] - box[0], box[3] - box[1]
            annotations.append({"id": len(annotations) + 1, "image_id": i, "category_id": label, "bbox": [box[0], box[1], w, h], "area": w * h, "iscrowd": 0})
        for box, score, label in zip(p["boxes"], p["scores"], p["labels"]):
            results.append({"image_id": i, "category_id": label, "bbox": [box[0], box[1], box[2] - box[0], box[3] - box[1]], "score": score})
    coco = COCO()
    coco.dataset = {"images": images, "annotations": annotations, "categories": [{"id": c} for c in range(1, classes + 2)]}
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
        dt = coco.loadRes(results)
        ev = COCOeval(coco, dt, "bbox")
        ev.params.maxDets = list(max_dets)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    precision = ev.eval["precision"]  # [T, R, K, A, M]
    recall = ev.eval["recall"]  # [T, K, A, M]
    per_class = []
    for k in range(precision.shape[2]):
        p = precision[:, :, k, 0, -1]
        r = recall[:, k, 0, -1]
        per_class.append([float(p[p > -1].mean()) if (p > -1).any() else -1.0, float(r[r > -1].mean()) if (r > -1).any() else -1.0])
    names = ["map", "map50", "map75", "mapSmall", "mapMedium", "mapLarge", "mar1", "mar10", "mar100", "marSmall", "marMedium", "marLarge"]
    return {n: float(v) for n, v in zip(names, ev.stats)}, per_class


fx["map"] = []
for seed, n, classes, stress in [(0, 12, 3, False), (1, 30, 5, True), (2, 6, 2, False)]:
    gts, preds = coco_case(seed, n, classes, stress)
    stats, per_class = cocoeval(gts, preds, classes)
    fx["map"].append({"targets": gts, "predictions": preds, "categories": list(range(1, classes + 2)), "stats": stats, "perClass": per_class})
    print("map case", seed, {k: round(v, 4) for k, v in stats.items()})
with open(OUT, "w") as f:
    json.dump(fx, f)
print("wrote", OUT)
