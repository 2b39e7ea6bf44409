/**
 * Rearranging channels and pixels (torch.nn.functional.pixel_shuffle, pixel_unshuffle,
 * channel_shuffle): reshapes and one permute, so gradients come from those.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";

function checkFactor(op: string, factor: number): void {
  if (!Number.isInteger(factor) || factor < 1) throw new ValueError(`${op}: the factor must be a positive integer, got ${factor}`);
}

/** [*, C·r², H, W] → [*, C, H·r, W·r] (Shi et al.'s sub-pixel convolution). */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  checkFactor("pixelShuffle", upscaleFactor);
  const r = upscaleFactor;
  if (x.ndim < 3 || x.shape[x.ndim - 3]! % (r * r) !== 0) {
    throw new ShapeError(`pixelShuffle: expects [*, C·${r * r}, H, W] (channels divisible by the factor squared), got shape ${fmtShape(x.shape)}`);
  }
  const batch = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  const b = batch.length;
  const split = x.reshape(...batch, c / (r * r), r, r, h, w);
  const order = [...batch.map((_, i) => i), b, b + 3, b + 1, b + 4, b + 2];
  return split.permute(order).reshape(...batch, c / (r * r), h * r, w * r);
}

/** [*, C, H·r, W·r] → [*, C·r², H, W]: the inverse of pixelShuffle. */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  checkFactor("pixelUnshuffle", downscaleFactor);
  const r = downscaleFactor;
  if (x.ndim < 3 || x.shape[x.ndim - 2]! % r !== 0 || x.shape[x.ndim - 1]! % r !== 0) {
    throw new ShapeError(`pixelUnshuffle: expects [*, C, H, W] with H and W divisible by ${r}, got shape ${fmtShape(x.shape)}`);
  }
  const batch = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  const b = batch.length;
  const split = x.reshape(...batch, c, h / r, r, w / r, r);
  const order = [...batch.map((_, i) => i), b, b + 2, b + 4, b + 1, b + 3];
  return split.permute(order).reshape(...batch, c * r * r, h / r, w / r);
}

/** Interleaves the channels of `groups` groups (ShuffleNet): [N, g·k, …] → channel order k-major. */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  checkFactor("channelShuffle", groups);
  if (x.ndim < 2 || x.shape[1]! % groups !== 0) throw new ShapeError(`channelShuffle: ${groups} groups must divide the ${x.shape[1] ?? 0} channels of shape ${fmtShape(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  const rest = x.shape.slice(2);
  return x.reshape(n, groups, c / groups, ...rest).transpose(1, 2).reshape(n, c, ...rest);
}
