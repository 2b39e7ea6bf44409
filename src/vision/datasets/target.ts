/**
 * What detection and segmentation datasets return, as torchvision's detection models take it: an
 * image [C, H, W] in [0, 1] and a target of boxes [K, 4] (xyxy, float32, in pixels), labels [K]
 * (int32, 1…numClasses − 1; 0 is the background) and instance masks [K, H, W] (bool).
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { stack } from "../../ops/movement.js";
import { Dataset } from "../../data/dataset.js";
import { maskExtent } from "../ops/boxes.js";
import { Generator, foldSeed, mix32 } from "../../base/rng.js";

export interface DetectionTarget {
  boxes: Tensor;
  labels: Tensor;
  masks: Tensor;
}

export type DetectionSample = [Tensor, DetectionTarget];

/** A transform applied to an image and its target together (flips, crops, resizing: tg.vision.transforms). */
export type DetectionTransform = (image: Tensor, target: DetectionTarget) => DetectionSample;

/** One object being drawn: its class and its pixels on the canvas (row-major H·W, 1 = inside). */
export interface DrawnObject {
  label: number;
  mask: Uint8Array;
}

/**
 * The target for objects drawn on an H×W canvas. Each box is the tight box of its mask in COCO's
 * pixel convention — x1 = first column, x2 = last column + 1 — so its width counts its pixels.
 */
export function targetFromMasks(objects: readonly DrawnObject[], height: number, width: number): DetectionTarget {
  const boxes = new Float32Array(objects.length * 4);
  const masks = new Uint8Array(objects.length * height * width);
  objects.forEach((o, k) => {
    const e = maskExtent(o.mask, 0, height, width);
    if (!e) throw new ValueError(`targetFromMasks: object ${k} has an empty mask`);
    boxes.set([e[0], e[1], e[2] + 1, e[3] + 1], k * 4);
    masks.set(o.mask, k * height * width);
  });
  return {
    boxes: tensor(boxes, { shape: [objects.length, 4] }),
    labels: tensor(Int32Array.from(objects, (o) => o.label), { shape: [objects.length] }),
    masks: tensor(masks, { shape: [objects.length, height, width], dtype: "bool" }),
  };
}

/**
 * The semantic label map [H, W] (int32) of a target: each pixel the label of the object whose mask
 * covers it (the last one listed where masks overlap), else 0.
 */
export function semanticMap(target: DetectionTarget): Tensor {
  const [K, H, W] = target.masks.shape as [number, number, number];
  const masks = target.masks.contiguous().dataSync();
  const labels = target.labels.dataSync();
  const map = new Int32Array(H * W);
  for (let k = 0; k < K; k++) for (let i = 0; i < H * W; i++) if (masks[k * H * W + i]) map[i] = labels[k]!;
  return tensor(map, { shape: [H, W] });
}

/** The random stream of scene `index` of a dataset seeded `seed`: each scene is the same however the dataset is read. */
export const sceneGenerator = (seed: number, index: number) => new Generator(mix32(foldSeed(seed) ^ mix32(index + 1)));

/** Boxes [x1, y1, x2, y2] (exclusive ends) that overlap, `gap` pixels apart counting as touching. */
export const overlaps = (a: readonly number[], b: readonly number[], gap = 0) =>
  a[0]! < b[2]! + gap && b[0]! < a[2]! + gap && a[1]! < b[3]! + gap && b[1]! < a[3]! + gap;

/**
 * A DataLoader collate for detection: the images stacked [N, C, H, W] (they share a size here) and
 * the targets as a list, since each has its own number of objects (torchvision's detection
 * references keep both as lists).
 */
export function collateDetection(samples: readonly DetectionSample[]): [Tensor, DetectionTarget[]] {
  if (samples.length === 0) throw new ValueError("collateDetection: no samples");
  return [stack(samples.map(([image]) => image)), samples.map(([, target]) => target)];
}

/**
 * A detection dataset seen as semantic segmentation: [image, label map [H, W] (int32)] pairs, the
 * map from the instance masks (semanticMap), ready for the default collate and a cross-entropy loss.
 */
export class SemanticMaps extends Dataset<[Tensor, Tensor]> {
  constructor(readonly scenes: Dataset<DetectionSample> & { readonly classes: readonly string[] }) {
    super();
  }
  get length(): number {
    return this.scenes.length;
  }
  get classes(): readonly string[] {
    return this.scenes.classes;
  }
  get(index: number): [Tensor, Tensor] {
    const [image, target] = this.scenes.get(index) as DetectionSample;
    return [image, semanticMap(target)];
  }
}
