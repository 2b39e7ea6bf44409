/**
 * Two random views of each example, the input of contrastive and non-contrastive pre-training,
 * and SimCLR's augmentation recipe built from tg.data.transforms.
 */
import type { Tensor } from "../ops/tensor.js";
import { ValueError } from "../base/errors.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import { Dataset } from "../data/dataset.js";
import { compose, colorJitter, randomHorizontalFlip, randomResizedCrop, type Transform } from "../data/transforms/transforms.js";
import { gaussianBlur, randomApply, randomGrayscale } from "../data/transforms/filters.js";

export interface SimclrAugmentationOptions {
  /** The output size (square). */
  size: number;
  /** Colour images (3 channels) get saturation and hue jitter and random grayscale too. */
  channels?: 1 | 3;
  /** Colour-distortion strength s (SimCLR: 1.0 on ImageNet, 0.5 on CIFAR). */
  strength?: number;
  /** Random-resized-crop scale range (default [0.08, 1]). */
  scale?: [number, number];
  /** Gaussian blur with probability ½ (SimCLR on ImageNet; off for small images by default). */
  blur?: boolean;
  generator?: Generator;
}

/**
 * SimCLR's augmentations (Chen et al. 2020, appendix A): random resized crop, horizontal flip,
 * colour jitter (0.8s, 0.8s, 0.8s, 0.2s) with probability 0.8, grayscale with probability 0.2,
 * and optionally Gaussian blur with a kernel of ~10% of the image side.
 */
export function simclrAugmentation({ size, channels = 3, strength = 0.5, scale = [0.08, 1], blur = false, generator = defaultGenerator }: SimclrAugmentationOptions): Transform {
  const s = strength;
  const steps: Transform[] = [
    randomResizedCrop(size, { scale, generator }),
    randomHorizontalFlip(0.5, { generator }),
    randomApply([channels === 3 ? colorJitter({ brightness: 0.8 * s, contrast: 0.8 * s, saturation: 0.8 * s, hue: 0.2 * s, generator }) : colorJitter({ brightness: 0.8 * s, contrast: 0.8 * s, generator })], 0.8, { generator }),
  ];
  if (channels === 3) steps.push(randomGrayscale(0.2, { generator }));
  if (blur) steps.push(randomApply([gaussianBlur(2 * Math.floor(size / 20) + 1, [0.1, 2], { generator })], 0.5, { generator }));
  return compose(steps);
}

/** Wraps an image dataset: each item becomes two independent augmentations of its image, and its label. */
export class TwoViewDataset<L> extends Dataset<[Tensor, Tensor, L]> {
  constructor(
    readonly base: Dataset<[Tensor, L]>,
    readonly transform: Transform,
  ) {
    super();
  }

  get length(): number {
    return this.base.length;
  }

  get(index: number): [Tensor, Tensor, L] {
    const item = this.base.get(index);
    if (item instanceof Promise) throw new ValueError("TwoViewDataset: the base dataset is asynchronous; wrap a synchronous one");
    const [img, label] = item;
    return [this.transform(img), this.transform(img), label];
  }
}
