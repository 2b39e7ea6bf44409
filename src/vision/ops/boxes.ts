/**
 * Box utilities, torchvision.ops' names in camelCase. Boxes are [..., 4] float tensors; "xyxy" is
 * (x1, y1, x2, y2) with x2 ≥ x1 and y2 ≥ y1, in pixels. Everything is composed from tensor ops, so
 * gradients flow through IoUs and conversions (box-regression losses need them).
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { isFloating } from "../../base/dtype.js";
import type { Tensor } from "../../ops/tensor.js";
import { maximum, minimum } from "../../ops/elementwise.js";
import { cat } from "../../ops/movement.js";
import { nonzero } from "../../ops/indexing.js";
import { tensor } from "../../ops/creation.js";

export type BoxFormat = "xyxy" | "xywh" | "cxcywh";
const FORMATS: readonly BoxFormat[] = ["xyxy", "xywh", "cxcywh"];

/** Checks boxes are a floating [..., 4] tensor (`batched`: exactly [N, 4]). */
export function checkBoxes(boxes: Tensor, op: string, name = "boxes", batched = true): void {
  if (!isFloating(boxes.dtype)) throw new DTypeError(`${op}: ${name} must be a floating tensor, got ${boxes.dtype}`);
  const ok = batched ? boxes.ndim === 2 && boxes.shape[1] === 4 : boxes.ndim >= 1 && boxes.shape[boxes.ndim - 1] === 4;
  if (!ok) throw new ShapeError(`${op}: ${name} must have shape ${batched ? "[N, 4]" : "[..., 4]"}, got ${fmtShape(boxes.shape)}`);
}

/** The four coordinates of [..., 4] boxes, each [...]. */
const coords = (boxes: Tensor): [Tensor, Tensor, Tensor, Tensor] => [0, 1, 2, 3].map((i) => boxes.select(-1, i)) as [Tensor, Tensor, Tensor, Tensor];

/** (x2 − x1)·(y2 − y1) of xyxy boxes [N, 4] → [N]. */
export function boxArea(boxes: Tensor): Tensor {
  checkBoxes(boxes, "boxArea", "boxes", false);
  const [x1, y1, x2, y2] = coords(boxes);
  return x2.sub(x1).mul(y2.sub(y1));
}

/** Intersections [N, M] and unions [N, M] of two sets of xyxy boxes. */
function intersectionUnion(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const lt = maximum(a.unsqueeze(1).narrow(2, 0, 2), b.narrow(1, 0, 2)); // [N, M, 2]
  const rb = minimum(a.unsqueeze(1).narrow(2, 2, 2), b.narrow(1, 2, 2));
  const wh = rb.sub(lt).clamp(0);
  const inter = wh.select(2, 0).mul(wh.select(2, 1));
  const union = boxArea(a).unsqueeze(1).add(boxArea(b)).sub(inter);
  return [inter, union];
}

function checkPair(a: Tensor, b: Tensor, op: string): void {
  checkBoxes(a, op, "boxes1");
  checkBoxes(b, op, "boxes2");
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: boxes1 is ${a.dtype} but boxes2 is ${b.dtype}`);
}

/** Intersection over union of every pair: boxes1 [N, 4] × boxes2 [M, 4] → [N, M]. */
export function boxIou(boxes1: Tensor, boxes2: Tensor): Tensor {
  checkPair(boxes1, boxes2, "boxIou");
  const [inter, union] = intersectionUnion(boxes1, boxes2);
  return inter.div(union);
}

/** The smallest box enclosing each pair: its width and height, [N, M] each. */
function enclosing(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const lt = minimum(a.unsqueeze(1).narrow(2, 0, 2), b.narrow(1, 0, 2));
  const rb = maximum(a.unsqueeze(1).narrow(2, 2, 2), b.narrow(1, 2, 2));
  const wh = rb.sub(lt).clamp(0);
  return [wh.select(2, 0), wh.select(2, 1)];
}

/** Generalized IoU (Rezatofighi et al. 2019): IoU − (enclosing area − union) / enclosing area, in [−1, 1]. */
export function generalizedBoxIou(boxes1: Tensor, boxes2: Tensor): Tensor {
  checkPair(boxes1, boxes2, "generalizedBoxIou");
  const [inter, union] = intersectionUnion(boxes1, boxes2);
  const [w, h] = enclosing(boxes1, boxes2);
  const area = w.mul(h);
  return inter.div(union).sub(area.sub(union).div(area));
}

/** Squared centre distance over the enclosing box's squared diagonal, [N, M] (DIoU's penalty). */
function centrePenalty(a: Tensor, b: Tensor, eps: number): Tensor {
  const [w, h] = enclosing(a, b);
  const diagonal = w.square().add(h.square()).add(eps);
  const [ax1, ay1, ax2, ay2] = coords(a);
  const [bx1, by1, bx2, by2] = coords(b);
  const dx = ax1.add(ax2).unsqueeze(1).sub(bx1.add(bx2)).div(2);
  const dy = ay1.add(ay2).unsqueeze(1).sub(by1.add(by2)).div(2);
  return dx.square().add(dy.square()).div(diagonal);
}

/** Distance IoU (Zheng et al. 2020): IoU − ρ²(centres) / c² (c: the enclosing box's diagonal). */
export function distanceBoxIou(boxes1: Tensor, boxes2: Tensor, { eps = 1e-7 }: { eps?: number } = {}): Tensor {
  checkPair(boxes1, boxes2, "distanceBoxIou");
  const [inter, union] = intersectionUnion(boxes1, boxes2);
  return inter.div(union).sub(centrePenalty(boxes1, boxes2, eps));
}

/** Converts [..., 4] boxes between "xyxy", "xywh" (top-left corner, size) and "cxcywh" (centre, size). */
export function boxConvert(boxes: Tensor, inFmt: BoxFormat, outFmt: BoxFormat): Tensor {
  checkBoxes(boxes, "boxConvert", "boxes", false);
  for (const f of [inFmt, outFmt]) if (!FORMATS.includes(f)) throw new ValueError(`boxConvert: unknown box format '${f}'; expected one of ${FORMATS.join(", ")}`);
  if (inFmt === outFmt) return boxes.clone();
  const [p, q, r, s] = coords(boxes);
  // Through xyxy.
  let [x1, y1, x2, y2] = [p, q, r, s];
  if (inFmt === "xywh") [x2, y2] = [p.add(r), q.add(s)];
  else if (inFmt === "cxcywh") [x1, y1, x2, y2] = [p.sub(r.mul(0.5)), q.sub(s.mul(0.5)), p.add(r.mul(0.5)), q.add(s.mul(0.5))];
  const out =
    outFmt === "xyxy" ? [x1, y1, x2, y2] : outFmt === "xywh" ? [x1, y1, x2.sub(x1), y2.sub(y1)] : [x1.add(x2).div(2), y1.add(y2).div(2), x2.sub(x1), y2.sub(y1)];
  return cat(out.map((t) => t.unsqueeze(-1)), -1);
}

/** Clips xyxy boxes [..., 4] to an image of `size` = [height, width]. */
export function clipBoxesToImage(boxes: Tensor, [height, width]: readonly [number, number]): Tensor {
  checkBoxes(boxes, "clipBoxesToImage", "boxes", false);
  const [x1, y1, x2, y2] = coords(boxes);
  return cat([x1.clamp(0, width), y1.clamp(0, height), x2.clamp(0, width), y2.clamp(0, height)].map((t) => t.unsqueeze(-1)), -1);
}

/** Indices (int32, increasing) of the xyxy boxes [N, 4] whose width and height are both ≥ minSize. */
export function removeSmallBoxes(boxes: Tensor, minSize: number): Tensor {
  checkBoxes(boxes, "removeSmallBoxes");
  const [x1, y1, x2, y2] = coords(boxes);
  const keep = x2.sub(x1).ge(minSize).logicalAnd(y2.sub(y1).ge(minSize));
  return nonzero(keep).reshape(-1);
}

/**
 * torchvision.ops.generalized_box_iou_loss: 1 − GIoU of paired xyxy boxes [..., 4] (element i of
 * boxes1 with element i of boxes2), eps guarding the divisions as torchvision's does.
 */
export function generalizedBoxIouLoss(boxes1: Tensor, boxes2: Tensor, { reduction = "none", eps = 1e-7 }: { reduction?: "none" | "mean" | "sum"; eps?: number } = {}): Tensor {
  checkBoxes(boxes1, "generalizedBoxIouLoss", "boxes1", false);
  checkBoxes(boxes2, "generalizedBoxIouLoss", "boxes2", false);
  if (boxes1.shape.join() !== boxes2.shape.join()) throw new ShapeError(`generalizedBoxIouLoss: boxes1 ${fmtShape(boxes1.shape)} and boxes2 ${fmtShape(boxes2.shape)} must pair up (same shape)`);
  if (!["none", "mean", "sum"].includes(reduction)) throw new ValueError(`generalizedBoxIouLoss: reduction must be none, mean or sum, got '${reduction}'`);
  const [x1, y1, x2, y2] = coords(boxes1);
  const [gx1, gy1, gx2, gy2] = coords(boxes2);
  const inter = minimum(x2, gx2).sub(maximum(x1, gx1)).clamp(0).mul(minimum(y2, gy2).sub(maximum(y1, gy1)).clamp(0));
  const union = x2.sub(x1).mul(y2.sub(y1)).add(gx2.sub(gx1).mul(gy2.sub(gy1))).sub(inter);
  const enclosingArea = maximum(x2, gx2).sub(minimum(x1, gx1)).mul(maximum(y2, gy2).sub(minimum(y1, gy1)));
  const giou = inter.div(union.add(eps)).sub(enclosingArea.sub(union).div(enclosingArea.add(eps)));
  const loss = giou.neg().add(1);
  return reduction === "mean" ? (loss.numel() ? loss.mean() : loss.sum()) : reduction === "sum" ? loss.sum() : loss;
}

/**
 * The first and last column and row (inclusive) holding a nonzero value in mask k of flat masks
 * [K, H, W]; null for an empty mask. One loop for masksToBoxes and the datasets' tight boxes.
 */
export function maskExtent(masks: ArrayLike<number>, k: number, height: number, width: number): [number, number, number, number] | null {
  let [x1, y1, x2, y2] = [width, height, -1, -1];
  const base = k * height * width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!masks[base + y * width + x]) continue;
      if (x < x1) x1 = x;
      if (x > x2) x2 = x;
      if (y < y1) y1 = y;
      y2 = y;
    }
  }
  return x2 < 0 ? null : [x1, y1, x2, y2];
}

/**
 * torchvision.ops.masks_to_boxes: the xyxy box of each mask [N, H, W] (bool or numbers, nonzero
 * inside), with x2 and y2 the last column and row inside (inclusive, as torchvision's); an empty
 * mask is an error.
 */
export function masksToBoxes(masks: Tensor): Tensor {
  if (masks.ndim !== 3) throw new ShapeError(`masksToBoxes: masks must be [N, H, W], got ${fmtShape(masks.shape)}`);
  const [N, H, W] = masks.shape as [number, number, number];
  const m = masks.contiguous().dataSync();
  const out = new Float32Array(N * 4);
  for (let k = 0; k < N; k++) out.set(maskExtent(m, k, H, W) ?? throwEmpty(k), k * 4);
  return tensor(out, { shape: [N, 4] });
}

function throwEmpty(k: number): never {
  throw new ValueError(`masksToBoxes: mask ${k} is empty`);
}
