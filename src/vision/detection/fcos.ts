/**
 * FCOS (Tian et al. 2019), as torchvision's models/detection/fcos.py builds, trains and decodes it:
 * one point per feature-map cell (AnchorGenerator with one square anchor of the level's stride), a
 * shared head with a classification branch (sigmoid focal loss) and a regression branch (distances
 * to the four sides, GIoU loss) plus a centre-ness logit (binary cross-entropy). A point is
 * positive for a ground-truth box when it lies inside the box, within 1.5 strides of its centre,
 * and the box's size suits the level; of several, the smallest box wins.
 *
 * We chose FCOS for the library's single-stage detector because it has no anchor shapes to tune
 * (SSD and YOLO need sizes and ratios fitted to the data), its targets are a few comparisons per
 * point, and torchvision ships it, so losses and detections are checked against torchvision's.
 *
 * Unlike torchvision, the model does not resize or normalise: it takes a batch [N, C, H, W] as the
 * user prepared it (torchvision's GeneralizedRCNNTransform resizes to 800 pixels, which small
 * images do not want).
 */
import { ValueError, ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { cat } from "../../ops/movement.js";
import { Module } from "../../nn/module.js";
import { Conv2d } from "../../nn/layers/conv.js";
import { GroupNorm } from "../../nn/layers/norm.js";
import { ReLU } from "../../nn/layers/activation.js";
import { Sequential } from "../../nn/layers/container.js";
import { normal_, constant_, zeros_ } from "../../nn/init.js";
import { binaryCrossEntropyWithLogits } from "../../nn/losses.js";
import { relu } from "../../ops/elementwise.js";
import { noGrad } from "../../ops/grad-mode.js";
import { sigmoidFocalLoss } from "../ops/focal-loss.js";
import { generalizedBoxIouLoss } from "../ops/boxes.js";
import { batchedNms } from "../ops/nms.js";
import type { NormFactory } from "../ops/misc.js";
import type { DetectionTarget } from "../datasets/target.js";
import { AnchorGenerator } from "./anchors.js";
import { BoxLinearCoder } from "./box-coder.js";

/** What a detector returns for one image: boxes [K, 4] (xyxy), scores [K], labels [K] (int32), best first. */
export interface Detection {
  boxes: Tensor;
  scores: Tensor;
  labels: Tensor;
}

export interface FcosLosses {
  classification: Tensor;
  bbox_regression: Tensor;
  bbox_ctrness: Tensor;
}

/** A backbone for FCOS: images → feature maps from finest to coarsest, each with outChannels channels. */
export type FeatureBackbone = Module<[Tensor], Tensor[]> & { readonly outChannels: number };

const groupNorm32: NormFactory = (c) => new GroupNorm(32, c);

/** numConvs × (3×3 convolution → norm → ReLU), the convolutions N(0, 0.01) with zero bias. */
function tower(channels: number, numConvs: number, norm: NormFactory): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i < numConvs; i++) layers.push(new Conv2d(channels, channels, 3, { padding: 1 }), norm(channels), new ReLU());
  for (const m of layers) if (m instanceof Conv2d) (normal_(m.weight, 0, 0.01), zeros_(m.bias!));
  return new Sequential(...layers);
}

/** [N, A·K, H, W] → [N, H·W·A, K]: cells row-major, as the anchors are listed. */
const perCell = (x: Tensor, k: number): Tensor => {
  const [N, , H, W] = x.shape as [number, number, number, number];
  return x.reshape(N, -1, k, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, k);
};

export class FCOSClassificationHead extends Module<[Tensor[]], Tensor> {
  conv: Sequential;
  cls_logits: Conv2d;
  constructor(inChannels: number, readonly numAnchors: number, readonly numClasses: number, { numConvs = 4, priorProbability = 0.01, norm = groupNorm32 }: { numConvs?: number; priorProbability?: number; norm?: NormFactory } = {}) {
    super();
    this.conv = tower(inChannels, numConvs, norm);
    this.cls_logits = new Conv2d(inChannels, numAnchors * numClasses, 3, { padding: 1 });
    normal_(this.cls_logits.weight, 0, 0.01);
    // Every class starts at probability priorProbability, so the many background points do not swamp the first steps.
    constant_(this.cls_logits.bias!, -Math.log((1 - priorProbability) / priorProbability));
  }
  /** Class logits [N, Σ H·W·A, numClasses]. */
  forward(features: Tensor[]): Tensor {
    return cat(features.map((f) => perCell(this.cls_logits.forward(this.conv.forward(f)), this.numClasses)), 1);
  }
}

export class FCOSRegressionHead extends Module<[Tensor[]], [Tensor, Tensor]> {
  conv: Sequential;
  bbox_reg: Conv2d;
  bbox_ctrness: Conv2d;
  constructor(inChannels: number, readonly numAnchors: number, { numConvs = 4, norm = groupNorm32 }: { numConvs?: number; norm?: NormFactory } = {}) {
    super();
    this.conv = tower(inChannels, numConvs, norm);
    this.bbox_reg = new Conv2d(inChannels, numAnchors * 4, 3, { padding: 1 });
    this.bbox_ctrness = new Conv2d(inChannels, numAnchors, 3, { padding: 1 });
    for (const c of [this.bbox_reg, this.bbox_ctrness]) (normal_(c.weight, 0, 0.01), zeros_(c.bias!));
  }
  /** Side distances [N, Σ H·W·A, 4] (non-negative, in anchor sizes) and centre-ness logits [N, Σ H·W·A, 1]. */
  forward(features: Tensor[]): [Tensor, Tensor] {
    const reg: Tensor[] = [];
    const ctr: Tensor[] = [];
    for (const f of features) {
      const x = this.conv.forward(f);
      reg.push(perCell(relu(this.bbox_reg.forward(x)), 4));
      ctr.push(perCell(this.bbox_ctrness.forward(x), 1));
    }
    return [cat(reg, 1), cat(ctr, 1)];
  }
}

export interface FcosHeadOutputs {
  clsLogits: Tensor;
  bboxRegression: Tensor;
  bboxCtrness: Tensor;
}

export class FCOSHead extends Module<[Tensor[]], FcosHeadOutputs> {
  classification_head: FCOSClassificationHead;
  regression_head: FCOSRegressionHead;
  readonly boxCoder = new BoxLinearCoder(true);

  constructor(inChannels: number, numAnchors: number, numClasses: number, { numConvs = 4, norm = groupNorm32 }: { numConvs?: number; norm?: NormFactory } = {}) {
    super();
    this.classification_head = new FCOSClassificationHead(inChannels, numAnchors, numClasses, { numConvs, norm });
    this.regression_head = new FCOSRegressionHead(inChannels, numAnchors, { numConvs, norm });
  }

  forward(features: Tensor[]): FcosHeadOutputs {
    const [bboxRegression, bboxCtrness] = this.regression_head.forward(features);
    return { clsLogits: this.classification_head.forward(features), bboxRegression, bboxCtrness };
  }

  /**
   * The three losses, each summed over the positive points (all points for classification) and
   * divided by the number of positives. matched[n][a] is the target box of point a in image n, or −1.
   */
  computeLoss(targets: readonly DetectionTarget[], out: FcosHeadOutputs, anchors: Tensor, matched: readonly Int32Array[]): FcosLosses {
    const [N, A, C] = out.clsLogits.shape as [number, number, number];
    const classes = new Float32Array(N * A * C);
    const foreground: number[] = [];
    const gtBoxes: number[] = [];
    targets.forEach((t, n) => {
      const labels = t.labels.dataSync();
      const boxes = t.boxes.contiguous().dataSync();
      for (let a = 0; a < A; a++) {
        const m = matched[n]![a]!;
        if (m < 0) continue;
        const label = labels[m]!;
        if (label < 0 || label >= C) throw new ValueError(`FCOS: target ${n} has label ${label}, outside the model's ${C} classes`);
        classes[(n * A + a) * C + label] = 1;
        foreground.push(n * A + a);
        gtBoxes.push(boxes[m * 4]!, boxes[m * 4 + 1]!, boxes[m * 4 + 2]!, boxes[m * 4 + 3]!);
      }
    });
    const dtype = out.clsLogits.dtype;
    const numForeground = Math.max(1, foreground.length);
    const lossCls = sigmoidFocalLoss(out.clsLogits, tensor(classes, { shape: [N, A, C] }).to(dtype), { reduction: "sum" });
    const fg = tensor(Int32Array.from(foreground), { shape: [foreground.length] });
    const fgAnchors = anchors.repeat([N, 1]).indexSelect(0, fg).to(dtype);
    const gt = tensor(Float32Array.from(gtBoxes), { shape: [foreground.length, 4] }).to(dtype);
    const predBoxes = this.boxCoder.decode(out.bboxRegression.reshape(N * A, 4).indexSelect(0, fg), fgAnchors);
    const lossBox = generalizedBoxIouLoss(predBoxes, gt, { reduction: "sum" });
    // Centre-ness target: √(min(l, r)/max(l, r) · min(t, b)/max(t, b)) of the point in its box.
    const ctrTarget = noGrad(() => {
      const d = this.boxCoder.encode(fgAnchors, gt);
      const [l, t, r, b] = [0, 1, 2, 3].map((i) => d.select(1, i)) as [Tensor, Tensor, Tensor, Tensor];
      return l.minimum(r).div(l.maximum(r)).mul(t.minimum(b).div(t.maximum(b))).sqrt();
    });
    const ctrLogits = out.bboxCtrness.reshape(N * A).indexSelect(0, fg);
    const lossCtr = binaryCrossEntropyWithLogits(ctrLogits, ctrTarget, { reduction: "sum" });
    return { classification: lossCls.div(numForeground), bbox_regression: lossBox.div(numForeground), bbox_ctrness: lossCtr.div(numForeground) };
  }
}

export interface FcosOptions {
  /** Default: sizes 8, 16, 32, 64, 128 (the strides of a ResNet-FPN's P3…P7), one square anchor each. */
  anchorGenerator?: AnchorGenerator;
  /** Default: FCOSHead(backbone.outChannels, 1, numClasses). */
  head?: FCOSHead;
  centerSamplingRadius?: number;
  scoreThresh?: number;
  nmsThresh?: number;
  detectionsPerImg?: number;
  topkCandidates?: number;
}

export class FCOS extends Module<[Tensor, DetectionTarget[]?], FcosLosses | Detection[]> {
  backbone: FeatureBackbone;
  head: FCOSHead;
  readonly anchorGenerator: AnchorGenerator;
  readonly centerSamplingRadius: number;
  readonly scoreThresh: number;
  readonly nmsThresh: number;
  readonly detectionsPerImg: number;
  readonly topkCandidates: number;

  /** numClasses counts the background (label 0), as torchvision's. */
  constructor(backbone: FeatureBackbone, readonly numClasses: number, options: FcosOptions = {}) {
    super();
    const { anchorGenerator = new AnchorGenerator([[8], [16], [32], [64], [128]], [[1], [1], [1], [1], [1]]), centerSamplingRadius = 1.5, scoreThresh = 0.2, nmsThresh = 0.6, detectionsPerImg = 100, topkCandidates = 1000 } = options;
    if (anchorGenerator.numAnchorsPerLocation().some((a) => a !== 1)) throw new ValueError(`FCOS: the anchor generator must give one anchor per location, got ${anchorGenerator.numAnchorsPerLocation().join(", ")}`);
    this.backbone = backbone;
    this.anchorGenerator = anchorGenerator;
    this.head = options.head ?? new FCOSHead(backbone.outChannels, 1, numClasses);
    this.centerSamplingRadius = centerSamplingRadius;
    this.scoreThresh = scoreThresh;
    this.nmsThresh = nmsThresh;
    this.detectionsPerImg = detectionsPerImg;
    this.topkCandidates = topkCandidates;
  }

  /** Training mode: the losses for images [N, C, H, W] and their targets; eval mode: the detections. */
  forward(images: Tensor, targets?: DetectionTarget[]): FcosLosses | Detection[] {
    if (this.training) {
      if (!targets) throw new ValueError("FCOS: targets are required in training mode (call model.eval() to detect)");
      return this.losses(images, targets);
    }
    return this.detect(images);
  }

  private run(images: Tensor): { out: FcosHeadOutputs; anchors: Tensor; perLevel: number[] } {
    if (images.ndim !== 4) throw new ShapeError(`FCOS: images must be a batch [N, C, H, W], got ${fmtShape(images.shape)}`);
    const features = this.backbone.forward(images);
    const sizes = features.map((f) => [f.shape[2]!, f.shape[3]!] as [number, number]);
    const anchors = this.anchorGenerator.forward([images.shape[2]!, images.shape[3]!], sizes);
    return { out: this.head.forward(features), anchors, perLevel: sizes.map(([h, w]) => h * w) };
  }

  losses(images: Tensor, targets: readonly DetectionTarget[]): FcosLosses {
    if (targets.length !== images.shape[0]) throw new ValueError(`FCOS: ${images.shape[0]} images but ${targets.length} targets`);
    targets.forEach((t, n) => {
      if (t.boxes.ndim !== 2 || t.boxes.shape[1] !== 4) throw new ShapeError(`FCOS: target ${n}'s boxes must be [K, 4], got ${fmtShape(t.boxes.shape)}`);
      const b = t.boxes.contiguous().dataSync();
      for (let k = 0; k < b.length; k += 4) if (!(b[k + 2]! > b[k]! && b[k + 3]! > b[k + 1]!)) throw new ValueError(`FCOS: target ${n} has a box with no area, [${Array.from(b.subarray(k, k + 4)).join(", ")}]`);
    });
    const { out, anchors, perLevel } = this.run(images);
    const a = anchors.dataSync();
    const matched = targets.map((t) => this.match(a, t.boxes.contiguous().dataSync(), perLevel));
    return this.head.computeLoss(targets, out, anchors, matched);
  }

  /** torchvision's FCOS.compute_loss matching: for each point, the smallest suitable box, or −1. */
  private match(anchors: ArrayLike<number>, boxes: ArrayLike<number>, perLevel: readonly number[]): Int32Array {
    const A = anchors.length / 4;
    const M = boxes.length / 4;
    const matched = new Int32Array(A).fill(-1);
    const firstLevelEnd = perLevel[0]!;
    const lastLevelStart = A - perLevel[perLevel.length - 1]!;
    for (let a = 0; a < A; a++) {
      const [ax1, ay1, ax2, ay2] = [anchors[4 * a]!, anchors[4 * a + 1]!, anchors[4 * a + 2]!, anchors[4 * a + 3]!];
      const [cx, cy] = [(ax1 + ax2) / 2, (ay1 + ay2) / 2];
      const size = ax2 - ax1;
      const lower = a < firstLevelEnd ? 0 : size * 4;
      const upper = a >= lastLevelStart ? Infinity : size * 8;
      let best = 0;
      for (let m = 0; m < M; m++) {
        const [x1, y1, x2, y2] = [boxes[4 * m]!, boxes[4 * m + 1]!, boxes[4 * m + 2]!, boxes[4 * m + 3]!];
        const near = Math.max(Math.abs(cx - (x1 + x2) / 2), Math.abs(cy - (y1 + y2) / 2)) < this.centerSamplingRadius * size;
        const sides = [cx - x1, cy - y1, x2 - cx, y2 - cy];
        const farthest = Math.max(...sides);
        if (!near || Math.min(...sides) <= 0 || !(farthest > lower && farthest < upper)) continue;
        const score = 1e8 - (x2 - x1) * (y2 - y1);
        if (score > best) [best, matched[a]] = [score, m];
      }
    }
    return matched;
  }

  /** Detections per image: score √(σ(class) · σ(centre-ness)) above scoreThresh, the topkCandidates best per level, clipped, class-wise NMS. */
  detect(images: Tensor): Detection[] {
    return noGrad(() => {
      const { out, anchors, perLevel } = this.run(images);
      const [N, A, C] = out.clsLogits.shape as [number, number, number];
      const [H, W] = [images.shape[2]!, images.shape[3]!];
      const probs = out.clsLogits.sigmoid().contiguous().dataSync();
      const ctr = out.bboxCtrness.sigmoid().contiguous().dataSync();
      const reg = out.bboxRegression.contiguous().dataSync();
      const anc = anchors.dataSync();
      const detections: Detection[] = [];
      for (let n = 0; n < N; n++) {
        const boxes: number[] = [];
        const scores: number[] = [];
        const labels: number[] = [];
        let start = 0;
        for (const count of perLevel) {
          const candidates: [number, number][] = [];
          for (let a = start; a < start + count; a++) {
            for (let c = 0; c < C; c++) {
              const s = Math.sqrt(probs[(n * A + a) * C + c]! * ctr[n * A + a]!);
              if (s > this.scoreThresh) candidates.push([s, a * C + c]);
            }
          }
          candidates.sort((p, q) => q[0] - p[0]);
          for (const [s, flat] of candidates.slice(0, this.topkCandidates)) {
            const a = Math.floor(flat / C);
            const [x1, y1, x2, y2] = [anc[4 * a]!, anc[4 * a + 1]!, anc[4 * a + 2]!, anc[4 * a + 3]!];
            const [cx, cy, w, h] = [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1];
            // BoxLinearCoder.decode on one point, in plain numbers (the candidates are few and need no graph).
            const r = (i: number) => reg[(n * A + a) * 4 + i]!;
            const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
            boxes.push(clip(cx - r(0) * w, W), clip(cy - r(1) * h, H), clip(cx + r(2) * w, W), clip(cy + r(3) * h, H));
            scores.push(s);
            labels.push(flat % C);
          }
          start += count;
        }
        const b = tensor(Float32Array.from(boxes), { shape: [scores.length, 4] });
        const s = tensor(Float32Array.from(scores), { shape: [scores.length] });
        const l = tensor(Int32Array.from(labels), { shape: [labels.length] });
        const kept = batchedNms(b, s, l, this.nmsThresh);
        const keep = kept.narrow(0, 0, Math.min(this.detectionsPerImg, kept.shape[0]!));
        detections.push({ boxes: b.indexSelect(0, keep), scores: s.indexSelect(0, keep), labels: l.indexSelect(0, keep) });
      }
      return detections;
    });
  }
}
