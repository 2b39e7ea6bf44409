/**
 * The self-supervised augmentations torchvision adds to the geometric ones: Gaussian blur,
 * solarisation, and applying a transform (or grayscale) with a probability.
 */
import { ValueError } from "../../base/errors.js";
import { defaultGenerator, type Generator } from "../../base/rng.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { checkImage } from "./sample.js";
import { compose, grayscale, uniform, type Transform } from "./transforms.js";

/** Indices of a dim of size n padded by p on each side with reflection (torch's "reflect" mode). */
function reflectIndex(n: number, p: number): Tensor {
  const idx = Array.from({ length: n + 2 * p }, (_, i) => {
    let j = i - p;
    if (n === 1) return 0;
    while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
    return j;
  });
  return tensor(idx, { dtype: "int32" });
}

/**
 * torchvision's gaussian_blur: a separable kernel exp(−x²/2σ²) over x = −(k−1)/2 … (k−1)/2,
 * normalised, on each channel, with reflected borders.
 */
export function gaussianBlurImage(img: Tensor, kernelSize: number, sigma: number): Tensor {
  const [c, h, w] = checkImage(img, "gaussianBlur");
  if (!Number.isInteger(kernelSize) || kernelSize < 1 || kernelSize % 2 === 0) throw new ValueError(`gaussianBlur: kernelSize must be a positive odd integer, got ${kernelSize}`);
  if (!(sigma > 0)) throw new ValueError(`gaussianBlur: sigma must be positive, got ${sigma}`);
  const half = (kernelSize - 1) / 2;
  const pdf = Array.from({ length: kernelSize }, (_, i) => Math.exp(-0.5 * ((i - half) / sigma) ** 2));
  const total = pdf.reduce((a, b) => a + b, 0);
  const weights = pdf.map((v) => v / total);
  const p = kernelSize >> 1;
  // Separable: a weighted sum of shifted copies along H, then along W (kernels are small).
  const along = (x: Tensor, dim: 1 | 2, n: number) => weights.reduce<Tensor | null>((acc, wt, i) => {
    const term = x.narrow(dim, i, n).mul(wt);
    return acc ? acc.add(term) : term;
  }, null)!;
  const rows = along(img.indexSelect(1, reflectIndex(h, p)), 1, h); // (C, H, W)
  return along(rows.indexSelect(2, reflectIndex(w, p)), 2, w).reshape([c, h, w]);
}

/** torchvision's GaussianBlur: σ drawn uniformly from [sigma[0], sigma[1]] for each image. */
export function gaussianBlur(kernelSize: number, sigma: number | [number, number] = [0.1, 2], { generator = defaultGenerator }: { generator?: Generator } = {}): Transform {
  const [lo, hi] = typeof sigma === "number" ? [sigma, sigma] : sigma;
  if (!(lo > 0) || hi < lo) throw new ValueError(`gaussianBlur: sigma must be positive with min ≤ max, got [${lo}, ${hi}]`);
  return (img) => gaussianBlurImage(img, kernelSize, uniform(generator, lo, hi));
}

/** Inverts the pixels at or above the threshold (images in [0, 1]), as torchvision's solarize. */
export function solarize(img: Tensor, threshold: number): Tensor {
  checkImage(img, "solarize");
  return where(img.ge(threshold), img.neg().add(1), img);
}

export function randomSolarize(threshold: number, p = 0.5, { generator = defaultGenerator }: { generator?: Generator } = {}): Transform {
  return (img) => (generator.random() < p ? solarize(img, threshold) : img);
}

/** Applies the transforms, in order, with probability p (torchvision's RandomApply). */
export function randomApply(transforms: readonly Transform[], p = 0.5, { generator = defaultGenerator }: { generator?: Generator } = {}): Transform {
  const all = compose(transforms);
  return (img) => (generator.random() < p ? all(img) : img);
}

/** Grayscale with probability p, keeping the channel count (torchvision's RandomGrayscale). */
export function randomGrayscale(p = 0.1, { generator = defaultGenerator }: { generator?: Generator } = {}): Transform {
  return (img) => {
    const [c] = checkImage(img, "randomGrayscale");
    return generator.random() < p ? grayscale(c === 3 ? 3 : 1)(img) : img;
  };
}
