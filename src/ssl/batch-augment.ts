/**
 * SimCLR's augmentations applied to a whole batch at once, for small images (CIFAR- and MNIST-sized)
 * where per-image transforms would cost more than the network: each image's random resized crop
 * and horizontal flip are an axis-aligned resampling, so they are two batched matrix products with
 * per-image bilinear interpolation matrices (out = R_y · img · R_xᵀ); brightness and contrast jitter
 * are per-image affine maps. The random choices follow torchvision's RandomResizedCrop and ColorJitter.
 */
import type { Tensor } from "../ops/tensor.js";
import { ShapeError, fmtShape } from "../base/errors.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import { tensor } from "../ops/creation.js";
import { where } from "../ops/elementwise.js";

export interface BatchAugmentOptions {
  /** The output side (square). */
  size: number;
  /** Area range of the random resized crop (default [0.08, 1]). */
  scale?: [number, number];
  /** Aspect-ratio range (default [3/4, 4/3]). */
  ratio?: [number, number];
  flipProbability?: number;
  /** Colour-distortion strength s: brightness and contrast factors in [1 − 0.8s, 1 + 0.8s] (default 0.5). */
  strength?: number;
  /** Probability of the colour jitter (default 0.8). */
  jitterProbability?: number;
  generator?: Generator;
}

/** Rows of bilinear weights mapping `n` source pixels to `out` pixels of the span [start, start + len). */
function interpolationRows(out: number, n: number, start: number, len: number, flip: boolean, into: Float32Array, offset: number): void {
  for (let o = 0; o < out; o++) {
    const dst = flip ? out - 1 - o : o;
    // Pixel centres (align_corners = false), clamped to the image as torch's bilinear resize does.
    const src = Math.min(n - 1, Math.max(0, start + ((o + 0.5) * len) / out - 0.5));
    const lo = Math.floor(src);
    const hi = Math.min(n - 1, lo + 1);
    const frac = src - lo;
    into[offset + dst * n + lo]! += 1 - frac;
    into[offset + dst * n + hi]! += frac;
  }
}

/** torchvision's RandomResizedCrop box (top, left, height, width), with its centre-crop fallback. */
function cropBox(h: number, w: number, scale: [number, number], ratio: [number, number], g: Generator): [number, number, number, number] {
  const area = h * w;
  for (let i = 0; i < 10; i++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * g.random());
    const aspect = Math.exp(Math.log(ratio[0]) + (Math.log(ratio[1]) - Math.log(ratio[0])) * g.random());
    const cw = Math.round(Math.sqrt(target * aspect));
    const ch = Math.round(Math.sqrt(target / aspect));
    if (cw > 0 && ch > 0 && cw <= w && ch <= h) return [g.randomInt(h - ch + 1), g.randomInt(w - cw + 1), ch, cw];
  }
  const side = Math.min(h, w);
  return [Math.floor((h - side) / 2), Math.floor((w - side) / 2), side, side];
}

/** One random view of each image of a (N, C, H, W) batch in [0, 1]. */
export function batchSimclrAugment(images: Tensor, o: BatchAugmentOptions): Tensor {
  if (images.ndim !== 4) throw new ShapeError(`batchSimclrAugment: expected (N, C, H, W) images, got ${fmtShape(images.shape)}`);
  const { size, scale = [0.08, 1], ratio = [3 / 4, 4 / 3], flipProbability = 0.5, strength = 0.5, jitterProbability = 0.8, generator: g = defaultGenerator } = o;
  const [n, c, h, w] = images.shape as [number, number, number, number];
  const ry = new Float32Array(n * size * h);
  const rx = new Float32Array(n * size * w);
  for (let i = 0; i < n; i++) {
    const [top, left, ch, cw] = cropBox(h, w, scale, ratio, g);
    interpolationRows(size, h, top, ch, false, ry, i * size * h);
    interpolationRows(size, w, left, cw, g.random() < flipProbability, rx, i * size * w);
  }
  const Ry = tensor(ry, { shape: [n, 1, size, h], dtype: images.dtype });
  const RxT = tensor(rx, { shape: [n, 1, size, w], dtype: images.dtype }).transpose(2, 3);
  let out = Ry.matmul(images).matmul(RxT); // (N, C, size, size)

  // Colour jitter: brightness b·x and contrast (x − m)·k + m around the image's mean grey level (ITU-R 601 weights for colour, as torchvision), each clamped
  // to [0, 1], in a random order per image; applied with jitterProbability.
  const spread = 0.8 * strength;
  const factors = (): number[] => Array.from({ length: n }, () => 1 - spread + 2 * spread * g.random());
  const column = (values: number[]) => tensor(values, { shape: [n, 1, 1, 1], dtype: images.dtype });
  const b = column(factors());
  const k = column(factors());
  const contrastFirst = column(Array.from({ length: n }, () => (g.random() < 0.5 ? 1 : 0))).gt(0);
  const apply = column(Array.from({ length: n }, () => (g.random() < jitterProbability ? 1 : 0))).gt(0);
  const brightness = (x: Tensor) => x.mul(b).clamp(0, 1);
  const contrast = (x: Tensor) => {
    const grey = c === 3 ? x.mul(tensor([0.2989, 0.587, 0.114], { shape: [1, 3, 1, 1], dtype: x.dtype })).sum(1, true) : x;
    const mean = grey.mean([1, 2, 3], true);
    return x.sub(mean).mul(k).add(mean).clamp(0, 1);
  };
  const jittered = where(contrastFirst, brightness(contrast(out)), contrast(brightness(out)));
  out = where(apply, jittered, out);
  return out;
}
