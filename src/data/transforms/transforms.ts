/**
 * Vision transforms on channels-first [C, H, W] float tensors, composable and seeded (random choices
 * come from a Generator, the default one unless given), with torchvision's names and parameters.
 */
import { ShapeError, ValueError } from "../../base/errors.js";
import { defaultGenerator, type Generator } from "../../base/rng.js";
import type { Tensor } from "../../ops/tensor.js";
import { arange, tensor } from "../../ops/creation.js";
import { pad } from "../../ops/movement.js";
import { checkImage, invert, sampleAffine, type Affine } from "./sample.js";
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, rgbToGrayscale } from "./color.js";

export type Transform = (img: Tensor) => Tensor;

/** Applies transforms in order. */
export function compose(transforms: readonly Transform[]): Transform {
  return (img) => transforms.reduce((x, t) => t(x), img);
}

/**
 * Pixel data to a float [C, H, W] tensor in [0, 1]: uint8 arrays (HWC, as images are stored) or
 * tensors (HW or HWC uint8-range values are divided by 255).
 */
export function toTensor(pixels: Uint8Array | Uint8ClampedArray, height: number, width: number, channels = 1): Tensor {
  if (pixels.length !== height * width * channels) {
    throw new ShapeError(`toTensor: ${pixels.length} values do not make an image of ${height}×${width}×${channels}`);
  }
  const hwc = tensor(Float32Array.from(pixels, (v) => v / 255), { shape: [height, width, channels] });
  return hwc.permute(2, 0, 1).contiguous();
}

/** (x − mean) / std per channel. */
export function normalize(mean: readonly number[], std: readonly number[]): Transform {
  if (std.some((s) => s === 0)) throw new ValueError("normalize: std contains a zero");
  return (img) => {
    const [C] = checkImage(img, "normalize");
    if (mean.length !== C && mean.length !== 1) throw new ShapeError(`normalize: ${mean.length} means for ${C} channels`);
    const m = tensor(mean.length === 1 ? new Array(C).fill(mean[0]) : [...mean], { shape: [C, 1, 1] });
    const s = tensor(std.length === 1 ? new Array(C).fill(std[0]) : [...std], { shape: [C, 1, 1] });
    return img.sub(m).div(s);
  };
}

/** A uniform draw from [lo, hi). */
export const uniform = (g: Generator, lo: number, hi: number) => lo + (hi - lo) * g.random();

export interface AffineOptions {
  /** Rotation range in degrees: d means (−d, d). */
  degrees?: number | [number, number];
  /** Maximum translation as fractions of width and height. */
  translate?: [number, number];
  /** Scale range. */
  scale?: [number, number];
  /** Shear range in degrees (x only). */
  shear?: number | [number, number];
  fill?: number;
  generator?: Generator;
}

/**
 * The forward map of torchvision's affine: rotate by `angle` (counter-clockwise, degrees) and
 * shear about the image centre, scale, then translate by (tx, ty) pixels.
 */
export function affineMatrix(h: number, w: number, angle: number, [tx, ty]: [number, number], scale: number, shear: number): Affine {
  const rot = (-angle * Math.PI) / 180; // image y points down: counter-clockwise on screen
  const sh = (shear * Math.PI) / 180;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  // M = T(centre + t) · R · Shear · S · T(−centre)
  const a = Math.cos(rot) * scale;
  const b = (Math.cos(rot) * Math.tan(sh) - Math.sin(rot)) * scale;
  const d = Math.sin(rot) * scale;
  const e = (Math.sin(rot) * Math.tan(sh) + Math.cos(rot)) * scale;
  return [a, b, cx + tx - a * cx - b * cy, d, e, cy + ty - d * cx - e * cy];
}

/** Applies a fixed affine transform (torchvision.transforms.functional.affine). */
export function affine(img: Tensor, angle: number, translate: [number, number], scale: number, shear: number, fill = 0): Tensor {
  const [, H, W] = checkImage(img, "affine");
  return sampleAffine(img, invert(affineMatrix(H, W, angle, translate, scale, shear)), H, W, fill);
}

/** torchvision's RandomAffine.get_params: an angle, a translation in whole pixels, a scale and a shear for an H×W image. */
export function drawAffine({ degrees = 0, translate, scale, shear = 0, generator = defaultGenerator }: AffineOptions, H: number, W: number): { angle: number; translate: [number, number]; scale: number; shear: number } {
  const [d0, d1] = typeof degrees === "number" ? [-degrees, degrees] : degrees;
  const [s0, s1] = typeof shear === "number" ? [-shear, shear] : shear;
  const angle = uniform(generator, d0, d1);
  const t: [number, number] = translate ? [Math.round(uniform(generator, -translate[0] * W, translate[0] * W)), Math.round(uniform(generator, -translate[1] * H, translate[1] * H))] : [0, 0];
  const sc = scale ? uniform(generator, scale[0], scale[1]) : 1;
  return { angle, translate: t, scale: sc, shear: uniform(generator, s0, s1) };
}

export function randomAffine(options: AffineOptions = {}): Transform {
  return (img) => {
    const [, H, W] = checkImage(img, "randomAffine");
    const p = drawAffine(options, H, W);
    return affine(img, p.angle, p.translate, p.scale, p.shear, options.fill ?? 0);
  };
}

export function randomRotation(degrees: number | [number, number], { fill = 0, generator = defaultGenerator }: { fill?: number; generator?: Generator } = {}): Transform {
  return randomAffine({ degrees, fill, generator });
}

/** Bilinear resize to [h, w] (half-pixel centres, as torchvision without antialiasing). */
export function resize(size: number | [number, number]): Transform {
  return (img) => {
    const [, H, W] = checkImage(img, "resize");
    const [h, w] = typeof size === "number" ? (H <= W ? [size, Math.floor((size * W) / H)] : [Math.floor((size * H) / W), size]) : size;
    const sx = W / w;
    const sy = H / h;
    return sampleAffine(img, [sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5], h, w, 0, "border");
  };
}

/** Mirrors an image left to right. */
export function hflip(img: Tensor): Tensor {
  const [, , W] = checkImage(img, "hflip");
  return img.indexSelect(2, arange(W - 1, -1, -1, { dtype: "int32" }));
}

/** Crops [top, left, height, width] (a view; out-of-range is an error). */
export function crop(img: Tensor, top: number, left: number, height: number, width: number): Tensor {
  const [, H, W] = checkImage(img, "crop");
  if (top < 0 || left < 0 || top + height > H || left + width > W) {
    throw new ShapeError(`crop: box (top ${top}, left ${left}, ${height}×${width}) does not fit an image of ${H}×${W}`);
  }
  return img.narrow(1, top, height).narrow(2, left, width);
}

export function centerCrop(size: number | [number, number]): Transform {
  const [h, w] = typeof size === "number" ? [size, size] : size;
  return (img) => {
    const [, H, W] = checkImage(img, "centerCrop");
    return crop(img, Math.round((H - h) / 2), Math.round((W - w) / 2), h, w);
  };
}

export function randomCrop(size: number | [number, number], { padding = 0, fill = 0, generator = defaultGenerator }: { padding?: number; fill?: number; generator?: Generator } = {}): Transform {
  const [h, w] = typeof size === "number" ? [size, size] : size;
  return (img) => {
    const padded = padding ? pad(img, [padding, padding, padding, padding], fill) : img;
    const [, H, W] = checkImage(padded, "randomCrop");
    if (h > H || w > W) throw new ShapeError(`randomCrop: crop ${h}×${w} is larger than the (padded) image ${H}×${W}`);
    return crop(padded, generator.randomInt(H - h + 1), generator.randomInt(W - w + 1), h, w);
  };
}

/**
 * A random area (scale of the image) and aspect ratio, cropped and resized to `size`
 * (torchvision's RandomResizedCrop, falling back to a centre crop after 10 tries).
 */
export function randomResizedCrop(
  size: number | [number, number],
  { scale = [0.08, 1], ratio = [3 / 4, 4 / 3], generator = defaultGenerator }: { scale?: [number, number]; ratio?: [number, number]; generator?: Generator } = {},
): Transform {
  const [oh, ow] = typeof size === "number" ? [size, size] : size;
  return (img) => {
    const [, H, W] = checkImage(img, "randomResizedCrop");
    const area = H * W;
    let box: [number, number, number, number] | null = null;
    for (let i = 0; i < 10 && !box; i++) {
      const target = area * uniform(generator, scale[0], scale[1]);
      const aspect = Math.exp(uniform(generator, Math.log(ratio[0]), Math.log(ratio[1])));
      const w = Math.round(Math.sqrt(target * aspect));
      const h = Math.round(Math.sqrt(target / aspect));
      if (w > 0 && h > 0 && w <= W && h <= H) box = [generator.randomInt(H - h + 1), generator.randomInt(W - w + 1), h, w];
    }
    box ??= [0, 0, H, W];
    return resize([oh, ow])(crop(img, ...box));
  };
}

export function randomHorizontalFlip(p = 0.5, { generator = defaultGenerator }: { generator?: Generator } = {}): Transform {
  return (img) => (generator.random() < p ? hflip(img) : img);
}

export interface ColorJitterOptions {
  brightness?: number;
  contrast?: number;
  saturation?: number;
  /** At most 0.5. */
  hue?: number;
  generator?: Generator;
}

/** Random brightness, contrast, saturation and hue changes, applied in a random order (torchvision). */
export function colorJitter({ brightness = 0, contrast = 0, saturation = 0, hue = 0, generator = defaultGenerator }: ColorJitterOptions = {}): Transform {
  if (hue < 0 || hue > 0.5) throw new ValueError(`colorJitter: hue must be in [0, 0.5], got ${hue}`);
  const factor = (v: number) => uniform(generator, Math.max(0, 1 - v), 1 + v);
  return (img) => {
    const steps: Transform[] = [];
    if (brightness) steps.push((x) => adjustBrightness(x, factor(brightness)));
    if (contrast) steps.push((x) => adjustContrast(x, factor(contrast)));
    if (saturation) steps.push((x) => adjustSaturation(x, factor(saturation)));
    if (hue) steps.push((x) => adjustHue(x, uniform(generator, -hue, hue)));
    for (let i = steps.length - 1; i > 0; i--) {
      const j = generator.randomInt(i + 1);
      [steps[i], steps[j]] = [steps[j]!, steps[i]!];
    }
    return steps.reduce((x, t) => t(x), img);
  };
}

export function grayscale(numOutputChannels: 1 | 3 = 1): Transform {
  return (img) => {
    const g = rgbToGrayscale(img);
    return numOutputChannels === 3 ? g.expand(3, -1, -1).contiguous() : g;
  };
}

/** Erases a random rectangle with `value` (torchvision's RandomErasing, on tensors). */
export function randomErasing(
  { p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0, generator = defaultGenerator }: { p?: number; scale?: [number, number]; ratio?: [number, number]; value?: number; generator?: Generator } = {},
): Transform {
  return (img) => {
    const [, H, W] = checkImage(img, "randomErasing");
    if (generator.random() >= p) return img;
    for (let i = 0; i < 10; i++) {
      const target = H * W * uniform(generator, scale[0], scale[1]);
      const aspect = Math.exp(uniform(generator, Math.log(ratio[0]), Math.log(ratio[1])));
      const h = Math.round(Math.sqrt(target * aspect));
      const w = Math.round(Math.sqrt(target / aspect));
      if (h >= H || w >= W || h < 1 || w < 1) continue;
      const top = generator.randomInt(H - h + 1);
      const left = generator.randomInt(W - w + 1);
      const out = img.clone();
      crop(out, top, left, h, w).fill_(value);
      return out;
    }
    return img;
  };
}

