/**
 * Geometric resampling of [C, H, W] images: each output pixel reads its source position through an
 * inverse affine map, bilinearly, with zeros (or a fill value) outside. The coordinates are index
 * arithmetic in JS; the pixel reads are one gather per corner, so the image data stays in tensors.
 */
import { ShapeError, fmtShape } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
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
  const n = outH * outW;
  const idx = [new Int32Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n)];
  const wts = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const outside = new Float32Array(n); // weight of taps that fell outside, to be filled
  const [a, b, c, d, e, f] = inverse;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const k = y * outW + x;
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
      const taps: [number, number, number][] = [[x0, y0, (1 - fx) * (1 - fy)], [x0 + 1, y0, fx * (1 - fy)], [x0, y0 + 1, (1 - fx) * fy], [x0 + 1, y0 + 1, fx * fy]];
      taps.forEach(([tx, ty, w], t) => {
        if (tx >= 0 && tx < W && ty >= 0 && ty < H) {
          idx[t]![k] = ty * W + tx;
          wts[t]![k] = w;
        } else outside[k] = outside[k]! + w;
      });
    }
  }
  const flat = img.reshape(C, H * W);
  let out = tensor(outside, { shape: [1, n] }).mul(fill);
  for (let t = 0; t < 4; t++) {
    out = out.add(flat.indexSelect(1, tensor(idx[t]!)).mul(tensor(wts[t]!, { shape: [1, n] })));
  }
  return out.reshape(C, outH, outW).to(img.dtype);
}

/** The inverse of an affine map (both as [a, b, c, d, e, f]). */
export function invert([a, b, c, d, e, f]: Affine): Affine {
  const det = a * e - b * d;
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det];
}
