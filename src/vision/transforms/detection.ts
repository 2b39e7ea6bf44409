/**
 * Transforms that move an image's boxes and masks with it (torchvision.transforms.v2 for detection
 * and segmentation): flip, resize, crop, affine. Masks are resampled as the image is and then
 * thresholded at one half; boxes move exactly (flip, resize) or become the tight boxes of the moved
 * masks (crop and affine, where clipping or moving the corners would loosen them). Objects left with no pixels or
 * a box under one pixel wide are dropped, as v2's SanitizeBoundingBoxes does.
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { defaultGenerator, type Generator } from "../../base/rng.js";
import { tensor } from "../../ops/creation.js";
import { affineMatrix, crop as cropImage, drawAffine, hflip as hflipImage, resize as resizeImage, type AffineOptions } from "../../data/transforms/transforms.js";
import { checkImage, invert, sampleAffine } from "../../data/transforms/sample.js";
import type { DetectionSample, DetectionTarget, DetectionTransform } from "../datasets/target.js";
import { maskExtent } from "../ops/boxes.js";

/** Applies `transforms` in order. */
export function compose(transforms: readonly DetectionTransform[]): DetectionTransform {
  return (image, target) => transforms.reduce<DetectionSample>(([i, t], f) => f(i, t), [image, target]);
}

/** Masks [K, H, W] (bool) through an image transform, back to bool by thresholding at 0.5. */
function moveMasks(masks: Tensor, f: (img: Tensor) => Tensor): Tensor {
  if (masks.shape[0] === 0) {
    const [, h, w] = f(tensor(new Float32Array(masks.shape[1]! * masks.shape[2]!), { shape: [1, masks.shape[1]!, masks.shape[2]!] })).shape;
    return tensor(new Uint8Array(0), { shape: [0, h!, w!], dtype: "bool" });
  }
  return f(masks.to("float32")).gt(0.5);
}

/** Keeps the objects with a box at least one pixel wide and high and at least one mask pixel. */
function sanitize(target: DetectionTarget): DetectionTarget {
  const [K, H, W] = target.masks.shape as [number, number, number];
  const b = target.boxes.contiguous().dataSync();
  const m = target.masks.contiguous().dataSync();
  const keep: number[] = [];
  for (let k = 0; k < K; k++) {
    if (b[k * 4 + 2]! - b[k * 4]! < 1 || b[k * 4 + 3]! - b[k * 4 + 1]! < 1) continue;
    if (m.subarray(k * H * W, (k + 1) * H * W).includes(1)) keep.push(k);
  }
  if (keep.length === K) return target;
  const index = tensor(keep, { dtype: "int32" });
  return { boxes: target.boxes.indexSelect(0, index), labels: target.labels.indexSelect(0, index), masks: target.masks.indexSelect(0, index) };
}

/** Boxes rewritten coordinate by coordinate: f(x1, y1, x2, y2) → the new four. */
function mapBoxes(boxes: Tensor, f: (x1: number, y1: number, x2: number, y2: number) => number[]): Tensor {
  const b = boxes.contiguous().dataSync();
  const out = new Float32Array(b.length);
  for (let k = 0; k < b.length; k += 4) out.set(f(b[k]!, b[k + 1]!, b[k + 2]!, b[k + 3]!), k);
  return tensor(out, { shape: boxes.shape });
}

/** The tight boxes (COCO's exclusive ends) of masks [K, H, W]; an empty mask gets a zero box, which sanitize drops. */
function boxesOfMasks(masks: Tensor): Tensor {
  const [K, H, W] = masks.shape as [number, number, number];
  const m = masks.contiguous().dataSync();
  const out = new Float32Array(K * 4);
  for (let k = 0; k < K; k++) {
    const e = maskExtent(m, k, H, W);
    if (e) out.set([e[0], e[1], e[2] + 1, e[3] + 1], k * 4);
  }
  return tensor(out, { shape: [K, 4] });
}

/** Mirrors the image, its masks and boxes left to right. */
export function hflip(image: Tensor, target: DetectionTarget): DetectionSample {
  const [, , W] = checkImage(image, "hflip");
  return [hflipImage(image), { ...target, boxes: mapBoxes(target.boxes, (x1, y1, x2, y2) => [W - x2, y1, W - x1, y2]), masks: moveMasks(target.masks, hflipImage) }];
}

/** Resizes to [h, w] (bilinear image, masks resampled and thresholded, boxes scaled). */
export function resize(size: [number, number]): DetectionTransform {
  const [h, w] = size;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) throw new ValueError(`resize: size must be two positive integers, got [${size.join(", ")}]`);
  const f = resizeImage(size);
  return (image, target) => {
    const [, H, W] = checkImage(image, "resize");
    const [sx, sy] = [w / W, h / H];
    return [f(image), sanitize({ ...target, boxes: mapBoxes(target.boxes, (x1, y1, x2, y2) => [x1 * sx, y1 * sy, x2 * sx, y2 * sy]), masks: moveMasks(target.masks, f) })];
  };
}

/**
 * Crops [top, left, height, width]. A box cut by the crop becomes the tight box of what is left of
 * its mask (clipping the box would keep empty margins), an object cut away entirely is dropped.
 */
export function crop(top: number, left: number, height: number, width: number): DetectionTransform {
  return (image, target) => {
    const f = (img: Tensor) => cropImage(img, top, left, height, width).contiguous();
    const masks = moveMasks(target.masks, f);
    return [f(image), sanitize({ ...target, boxes: boxesOfMasks(masks), masks })];
  };
}

/** torchvision's affine (rotation counter-clockwise in degrees, translation in pixels, scale, shear) on the image, masks and boxes. */
export function affine(angle: number, translate: [number, number], scale: number, shear: number, fill = 0): DetectionTransform {
  return (image, target) => {
    const [, H, W] = checkImage(image, "affine");
    const inverse = invert(affineMatrix(H, W, angle, translate, scale, shear));
    const masks = moveMasks(target.masks, (m) => sampleAffine(m, inverse, H, W));
    return [sampleAffine(image, inverse, H, W, fill), sanitize({ ...target, boxes: boxesOfMasks(masks), masks })];
  };
}

export function randomHorizontalFlip(p = 0.5, { generator = defaultGenerator }: { generator?: Generator } = {}): DetectionTransform {
  return (image, target) => (generator.random() < p ? hflip(image, target) : [image, target]);
}

/** A random [h, w] window of the image (which must be at least that large). */
export function randomCrop(size: [number, number], { generator = defaultGenerator }: { generator?: Generator } = {}): DetectionTransform {
  return (image, target) => {
    const [, H, W] = checkImage(image, "randomCrop");
    if (size[0] > H || size[1] > W) throw new ValueError(`randomCrop: crop ${size[0]}×${size[1]} is larger than the image ${H}×${W}`);
    return crop(generator.randomInt(H - size[0] + 1), generator.randomInt(W - size[1] + 1), size[0], size[1])(image, target);
  };
}

/** torchvision's RandomAffine, drawing its parameters as tg.data.transforms.randomAffine does, applied to image, masks and boxes. */
export function randomAffine(options: AffineOptions = {}): DetectionTransform {
  return (image, target) => {
    const [, H, W] = checkImage(image, "randomAffine");
    const p = drawAffine(options, H, W);
    return affine(p.angle, p.translate, p.scale, p.shear, options.fill ?? 0)(image, target);
  };
}
