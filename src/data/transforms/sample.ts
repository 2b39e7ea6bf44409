/**
 * Geometric resampling of [C, H, W] images: each output pixel reads its source position through an
 * inverse affine map, bilinearly, with zeros (or a fill value) outside. A data-pipeline transform on
 * one small image: a plain loop over its pixels is far cheaper than a few tensor ops per corner.
 */
import { ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";

/** Row-major 2×3 matrix [a, b, c, d, e, f]: source (x, y) = (a·x' + b·y' + c, d·x' + e·y' + f). */
export type Affine = [number, number, number, number, number, number];

export function checkImage(img: Tensor, op: string): [number, number, number] {
  if (img.ndim !== 3) throw new ShapeError(`${op}: expected an image tensor [C, H, W], got shape ${fmtShape(img.shape)}`);
  return img.shape as [number, number, number];
}

/**
 * Samples img [C, H, W] at source positions given by `inverse` for an [outH, outW] output. Outside
 * the image, "zeros" reads `fill`; "border" repeats the edge pixels (what resizing wants).
 */
export function sampleAffine(img: Tensor, inverse: Affine, outH: number, outW: number, fill = 0, mode: "zeros" | "border" = "zeros"): Tensor {
  const [C, H, W] = checkImage(img, "sampleAffine");
  const src = img.contiguous().dataSync();
  const out = img.dtype === "float32" ? new Float32Array(C * outH * outW) : new Float64Array(C * outH * outW);
  const [a, b, c, d, e, f] = inverse;
  const plane = H * W;
  const outPlane = outH * outW;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let sx = a * x + b * y + c;
      let sy = d * x + e * y + f;
      if (mode === "border") {
        sx = Math.min(Math.max(sx, 0), W - 1);
        sy = Math.min(Math.max(sy, 0), H - 1);
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      // The four taps' weights; a tap outside the image reads `fill`.
      const inX0 = x0 >= 0 && x0 < W;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < W;
      const inY0 = y0 >= 0 && y0 < H;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < H;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const outside = (inX0 && inY0 ? 0 : w00) + (inX1 && inY0 ? 0 : w10) + (inX0 && inY1 ? 0 : w01) + (inX1 && inY1 ? 0 : w11);
      const k = y * outW + x;
      const i00 = y0 * W + x0;
      for (let ch = 0; ch < C; ch++) {
        const p = ch * plane + i00;
        let v = outside * fill;
        if (inX0 && inY0) v += w00 * src[p]!;
        if (inX1 && inY0) v += w10 * src[p + 1]!;
        if (inX0 && inY1) v += w01 * src[p + W]!;
        if (inX1 && inY1) v += w11 * src[p + W + 1]!;
        out[ch * outPlane + k] = v;
      }
    }
  }
  return tensor(out, { shape: [C, outH, outW] }).to(img.dtype);
}

/** The inverse of an affine map (both as [a, b, c, d, e, f]). */
export function invert([a, b, c, d, e, f]: Affine): Affine {
  const det = a * e - b * d;
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}
