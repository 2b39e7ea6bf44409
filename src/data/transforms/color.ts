/** Colour adjustments on [C, H, W] images in [0, 1], following torchvision's tensor functions. */
import { ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { maximum, minimum, where } from "../../ops/elementwise.js";
import { stack } from "../../ops/movement.js";
import { checkImage } from "./sample.js";

/** Clamp(ratio·img + (1 − ratio)·other) into [0, 1]. */
function blend(img: Tensor, other: Tensor | number, ratio: number): Tensor {
  return img.mul(ratio).add(typeof other === "number" ? other * (1 - ratio) : other.mul(1 - ratio)).clamp(0, 1);
}

function rgb(img: Tensor, op: string): [Tensor, Tensor, Tensor] {
  const [C] = checkImage(img, op);
  if (C !== 3) throw new ShapeError(`${op}: expected an RGB image [3, H, W], got shape ${fmtShape(img.shape)}`);
  return img.split(1, 0) as [Tensor, Tensor, Tensor];
}

/** ITU-R 601-2 luma: 0.2989 R + 0.587 G + 0.114 B → [1, H, W] (a 1-channel image is returned as is). */
export function rgbToGrayscale(img: Tensor): Tensor {
  if (checkImage(img, "rgbToGrayscale")[0] === 1) return img;
  const [r, g, b] = rgb(img, "rgbToGrayscale");
  return r.mul(0.2989).add(g.mul(0.587)).add(b.mul(0.114));
}

export const adjustBrightness = (img: Tensor, factor: number): Tensor => blend(img, 0, factor);

export function adjustContrast(img: Tensor, factor: number): Tensor {
  return blend(img, rgbToGrayscale(img).mean(), factor);
}

export function adjustSaturation(img: Tensor, factor: number): Tensor {
  if (checkImage(img, "adjustSaturation")[0] === 1) return img;
  return blend(img, rgbToGrayscale(img), factor);
}

/** [3, H, W] RGB → HSV (torchvision's _rgb2hsv). */
export function rgbToHsv(img: Tensor): Tensor {
  const [r, g, b] = rgb(img, "rgbToHsv");
  const maxc = maximum(maximum(r, g), b);
  const minc = minimum(minimum(r, g), b);
  const flat = maxc.eq(minc);
  const cr = maxc.sub(minc);
  const s = cr.div(where(flat, 1, maxc));
  const divisor = where(flat, 1, cr);
  const rc = maxc.sub(r).div(divisor);
  const gc = maxc.sub(g).div(divisor);
  const bc = maxc.sub(b).div(divisor);
  const hr = maxc.eq(r).float().mul(bc.sub(gc));
  const hg = maxc.eq(g).logicalAnd(maxc.ne(r)).float().mul(rc.sub(bc).add(2));
  const hb = maxc.ne(g).logicalAnd(maxc.ne(r)).float().mul(gc.sub(rc).add(4));
  const t = hr.add(hg).add(hb).div(6).add(1);
  return stack([t.sub(t.floor()), s, maxc], 0).squeeze(1);
}

/** [3, H, W] HSV → RGB (torchvision's _hsv2rgb). */
export function hsvToRgb(img: Tensor): Tensor {
  const [h, s, v] = img.split(1, 0) as [Tensor, Tensor, Tensor];
  const h6 = h.mul(6);
  let i = h6.floor();
  const f = h6.sub(i);
  i = where(i.ge(6), i.sub(6), i);
  const p = v.mul(s.neg().add(1)).clamp(0, 1);
  const q = v.mul(s.mul(f).neg().add(1)).clamp(0, 1);
  const t = v.mul(s.mul(f.neg().add(1)).neg().add(1)).clamp(0, 1);
  const table = [[v, q, p, p, t, v], [t, v, v, q, p, p], [p, p, t, v, v, q]];
  const channels = table.map((row) => row.reduce((acc, x, k) => acc.add(i.eq(k).float().mul(x)), v.mul(0)));
  return stack(channels, 0).squeeze(1);
}

/** Rotates the hue by factor ∈ [−0.5, 0.5] of a full turn. */
export function adjustHue(img: Tensor, factor: number): Tensor {
  if (checkImage(img, "adjustHue")[0] === 1) return img;
  const hsv = rgbToHsv(img);
  const [h, s, v] = hsv.split(1, 0) as [Tensor, Tensor, Tensor];
  const shifted = h.add(factor + 1);
  return hsvToRgb(stack([shifted.sub(shifted.floor()), s, v], 0).squeeze(1));
}
