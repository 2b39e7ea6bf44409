/** tg.vision.utils — torchvision.utils' drawing helpers that work on pixels (the SVG with boxes and labels is tg.viz.detectionsToSVG). */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";

/** A colour per class for drawings (tab10, as matplotlib's default cycle), as [r, g, b] in [0, 1]. */
export const PALETTE: readonly [number, number, number][] = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
].map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number]);

/**
 * torchvision.utils.draw_segmentation_masks for float images: the image [1 or 3, H, W] in [0, 1]
 * (grey becomes RGB) with each mask [K, H, W] (bool) blended in its colour at `alpha`.
 * Returns [3, H, W].
 */
export function drawSegmentationMasks(image: Tensor, masks: Tensor, { alpha = 0.5, colors }: { alpha?: number; colors?: readonly (readonly number[])[] } = {}): Tensor {
  if (image.ndim !== 3 || (image.shape[0] !== 1 && image.shape[0] !== 3)) throw new ShapeError(`drawSegmentationMasks: image must be [1 or 3, H, W], got ${fmtShape(image.shape)}`);
  const [C, H, W] = image.shape as [number, number, number];
  if (masks.ndim !== 3 || masks.shape[1] !== H || masks.shape[2] !== W) throw new ShapeError(`drawSegmentationMasks: masks must be [K, ${H}, ${W}] for image ${fmtShape(image.shape)}, got ${fmtShape(masks.shape)}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new ValueError(`drawSegmentationMasks: alpha must be in [0, 1], got ${alpha}`);
  const src = image.contiguous().dataSync();
  const m = masks.contiguous().dataSync();
  const out = new Float32Array(3 * H * W);
  for (let c = 0; c < 3; c++) out.set(src.subarray((C === 3 ? c : 0) * H * W, ((C === 3 ? c : 0) + 1) * H * W), c * H * W);
  for (let k = 0; k < masks.shape[0]!; k++) {
    const colour = colors?.[k] ?? PALETTE[k % PALETTE.length]!;
    for (let i = 0; i < H * W; i++) {
      if (!m[k * H * W + i]) continue;
      for (let c = 0; c < 3; c++) out[c * H * W + i] = (1 - alpha) * out[c * H * W + i]! + alpha * colour[c]!;
    }
  }
  return tensor(out, { shape: [3, H, W] });
}
