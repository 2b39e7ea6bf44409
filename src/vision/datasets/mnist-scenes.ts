/**
 * MNIST (or Fashion-MNIST) scenes: several real digits or garments pasted onto a larger black
 * canvas, each with its tight box and its pixel mask — the mask is the real strokes, the pixels
 * above a threshold — for detection and segmentation trained on real images. Scene i is drawn from
 * its own seeded stream, so a dataset is the same however it is read; the training scenes take their
 * objects from a training split and the test scenes from a test split, so no object is in both.
 */
import { ValueError } from "../../base/errors.js";
import { tensor } from "../../ops/creation.js";
import { Dataset } from "../../data/dataset.js";
import type { ImageClassification } from "../../data/datasets/mnist.js";
import { overlaps, sceneGenerator, targetFromMasks, type DetectionSample, type DetectionTransform, type DrawnObject } from "./target.js";

export interface MnistScenesOptions {
  /** Scenes in the dataset (default 10,000). */
  length?: number;
  /** The canvas is size × size pixels (default 64). */
  size?: number;
  /** Objects per scene, drawn uniformly in [min, max] (default [1, 3]); fewer where they do not fit apart. */
  objects?: [number, number];
  /** Each object is scaled by a factor drawn in [min, max] (default [1, 1]: the source's 28×28). */
  scale?: [number, number];
  /** A pixel belongs to an object's mask when its value exceeds this (default 0.5 of the full scale). */
  maskThreshold?: number;
  seed?: number;
  transforms?: DetectionTransform;
}

/** Labels are the source's class + 1 (0 is the background), as torchvision's detection models expect. */
export class MnistScenes extends Dataset<DetectionSample> {
  readonly size: number;
  readonly classes: string[];
  private readonly options: Required<Omit<MnistScenesOptions, "transforms" | "size">> & { transforms?: DetectionTransform };

  constructor(
    readonly source: ImageClassification,
    { length = 10_000, size = 64, objects = [1, 3], scale = [1, 1], maskThreshold = 0.5, seed = 0, transforms }: MnistScenesOptions = {},
  ) {
    super();
    if (!(Number.isInteger(length) && length >= 0)) throw new ValueError(`MnistScenes: length must be a non-negative integer, got ${length}`);
    const largest = Math.ceil(Math.max(source.height, source.width) * scale[1]);
    if (!Number.isInteger(size) || size < largest) throw new ValueError(`MnistScenes: size must be an integer ≥ the largest object (${largest} px), got ${size}`);
    if (!(objects[0] >= 1 && objects[1] >= objects[0])) throw new ValueError(`MnistScenes: objects must be [min ≥ 1, max ≥ min], got [${objects.join(", ")}]`);
    if (!(scale[0] > 0 && scale[1] >= scale[0])) throw new ValueError(`MnistScenes: scale must be [min > 0, max ≥ min], got [${scale.join(", ")}]`);
    if (source.length === 0) throw new ValueError("MnistScenes: the source dataset is empty");
    this.size = size;
    const names = "classes" in source.constructor ? (source.constructor as unknown as { classes: string[] }).classes : Array.from({ length: 10 }, (_, d) => String(d));
    this.classes = ["background", ...names];
    this.options = { length, objects, scale, maskThreshold, seed, transforms };
  }

  get length(): number {
    return this.options.length;
  }

  get(index: number): DetectionSample {
    this.checkIndex(index);
    const { objects: [lo, hi], scale, maskThreshold, seed, transforms } = this.options;
    const g = sceneGenerator(seed, index);
    const S = this.size;
    const canvas = new Float32Array(S * S);
    const placed: number[][] = [];
    const drawn: DrawnObject[] = [];
    const count = lo + g.randomInt(hi - lo + 1);
    for (let k = 0; k < count; k++) {
      const item = g.randomInt(this.source.length);
      const factor = scale[0] + (scale[1] - scale[0]) * g.random();
      const patch = this.patch(item, factor, maskThreshold);
      if (!patch) continue;
      // Up to 20 tries to put the object where its box keeps a pixel clear of the others'.
      for (let attempt = 0; attempt < 20; attempt++) {
        const ox = g.randomInt(S - patch.w + 1);
        const oy = g.randomInt(S - patch.h + 1);
        const box = [ox + patch.box[0]!, oy + patch.box[1]!, ox + patch.box[2]!, oy + patch.box[3]!];
        if (placed.some((b) => overlaps(b, box, 1))) continue;
        placed.push(box);
        const mask = new Uint8Array(S * S);
        for (let y = 0; y < patch.h; y++) {
          for (let x = 0; x < patch.w; x++) {
            const v = patch.pixels[y * patch.w + x]!;
            const at = (oy + y) * S + ox + x;
            canvas[at] = Math.max(canvas[at]!, v);
            if (v > maskThreshold) mask[at] = 1;
          }
        }
        drawn.push({ label: this.source.labels[item]! + 1, mask });
        break;
      }
    }
    const image = tensor(canvas, { shape: [1, S, S] });
    const target = targetFromMasks(drawn, S, S);
    return transforms ? transforms(image, target) : [image, target];
  }

  /** Source image `item` scaled by `factor` (bilinear), and the tight box of its mask pixels; null if none is above the threshold. */
  private patch(item: number, factor: number, threshold: number): { pixels: Float32Array; w: number; h: number; box: number[] } | null {
    const { height: H, width: W } = this.source;
    const src = this.source.pixels.subarray(item * H * W, (item + 1) * H * W);
    const h = Math.max(1, Math.round(H * factor));
    const w = Math.max(1, Math.round(W * factor));
    const pixels = new Float32Array(h * w);
    for (let y = 0; y < h; y++) {
      const sy = Math.min(Math.max((y + 0.5) * (H / h) - 0.5, 0), H - 1);
      const y0 = Math.floor(sy);
      const y1 = Math.min(y0 + 1, H - 1);
      for (let x = 0; x < w; x++) {
        const sx = Math.min(Math.max((x + 0.5) * (W / w) - 0.5, 0), W - 1);
        const x0 = Math.floor(sx);
        const x1 = Math.min(x0 + 1, W - 1);
        const [fx, fy] = [sx - x0, sy - y0];
        const top = src[y0 * W + x0]! * (1 - fx) + src[y0 * W + x1]! * fx;
        const bottom = src[y1 * W + x0]! * (1 - fx) + src[y1 * W + x1]! * fx;
        pixels[y * w + x] = (top * (1 - fy) + bottom * fy) / 255;
      }
    }
    let box = [w, h, -1, -1];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (pixels[y * w + x]! > threshold) box = [Math.min(box[0]!, x), Math.min(box[1]!, y), Math.max(box[2]!, x + 1), Math.max(box[3]!, y + 1)];
    return box[2]! < 0 ? null : { pixels, w, h, box };
  }
}
