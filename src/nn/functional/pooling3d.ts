/**
 * 3-D pooling of [N, C, D, H, W] (or unbatched [C, D, H, W]) through separability: a max or an
 * average over a box is the same reduction over H×W, then over D. Each stage is the 2-D pool
 * (the second over a [D, 1] kernel), so windows, ceil mode, padding, the first-maximum rule and
 * the gradients are the 2-D pool's; max indices combine as d·H·W + (h·W + w), as PyTorch's.
 */
import { ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { zeros } from "../../ops/creation.js";
import { triple, type Triple } from "./conv3d.js";
import {
  adaptiveAvgPool2d, adaptiveMaxPool2dWithIndices, avgPool2d, maxPool2dWithIndices, type PoolOptions,
} from "./pooling.js";

export interface Pool3dOptions {
  /** Defaults to the kernel size. */
  stride?: Triple | null;
  padding?: Triple;
  dilation?: Triple;
  ceilMode?: boolean;
}

export type SizeTriple = number | readonly [number | null, number | null, number | null];

function as5d(x: Tensor, op: string): [Tensor, boolean] {
  if (x.ndim === 5) return [x, false];
  if (x.ndim === 4) return [x.unsqueeze(0), true];
  throw new ShapeError(`${op}: expected a 5-D [N, C, D, H, W] or 4-D [C, D, H, W] input, got shape ${fmtShape(x.shape)}`);
}

/** The H×W stage's and the depth stage's options. */
function stages(kernel: Triple, opts: Pool3dOptions, op: string): [[number, number], PoolOptions, [number, number], PoolOptions] {
  const k = triple(kernel, "kernel size", op);
  const s = triple(opts.stride ?? kernel, "stride", op);
  const p = triple(opts.padding ?? 0, "padding", op);
  const d = triple(opts.dilation ?? 1, "dilation", op);
  const ceilMode = opts.ceilMode ?? false;
  return [
    [k[1], k[2]], { stride: [s[1], s[2]], padding: [p[1], p[2]], dilation: [d[1], d[2]], ceilMode },
    [k[0], 1], { stride: [s[0], 1], padding: [p[0], 0], dilation: [d[0], 1], ceilMode },
  ];
}

/** Runs a 2-D stage over H×W, then one over D (as [N, C, D, Ho·Wo]); returns [N, C, Do, Ho, Wo] pieces. */
function separable(
  x: Tensor, op: string,
  planar: (x4: Tensor) => [Tensor, Tensor | null],
  depth: (x4: Tensor) => [Tensor, Tensor | null],
): [Tensor, Tensor | null, boolean] {
  const [input, unbatched] = as5d(x, op);
  const [N, C, D, H, W] = input.shape as [number, number, number, number, number];
  const [v1, i1] = planar(input.reshape(N, C * D, H, W));
  const [Ho, Wo] = v1.shape.slice(2) as [number, number];
  const [v2, i2] = depth(v1.reshape(N, C, D, Ho * Wo));
  const Do = v2.shape[2]!;
  const values = v2.reshape(N, C, Do, Ho, Wo);
  let indices: Tensor | null = null;
  if (i1 && i2) {
    // i2 is d·(Ho·Wo) + j: the chosen depth d; its plane index comes from the first stage.
    const d = i2.div(Ho * Wo).floor().int();
    const plane = i1.reshape(N, C, D, Ho * Wo).gather(2, d);
    indices = d.mul(H * W).add(plane).reshape(N, C, Do, Ho, Wo);
  }
  return [values, indices, unbatched];
}

const unbatch = (t: Tensor, unbatched: boolean) => (unbatched ? t.squeeze(0) : t);

export function maxPool3dWithIndices(x: Tensor, kernelSize: Triple, opts: Pool3dOptions = {}): [values: Tensor, indices: Tensor] {
  const [k2, o2, kd, od] = stages(kernelSize, opts, "maxPool3d");
  const [values, indices, unbatched] = separable(x, "maxPool3d", (t) => maxPool2dWithIndices(t, k2, o2), (t) => maxPool2dWithIndices(t, kd, od));
  return [unbatch(values, unbatched), unbatch(indices!, unbatched)];
}

export const maxPool3d = (x: Tensor, kernelSize: Triple, opts: Pool3dOptions = {}): Tensor => maxPool3dWithIndices(x, kernelSize, opts)[0];

export function avgPool3d(x: Tensor, kernelSize: Triple, opts: Omit<Pool3dOptions, "dilation"> & { countIncludePad?: boolean; divisorOverride?: number | null } = {}): Tensor {
  const [k2, o2, kd, od] = stages(kernelSize, { ...opts, dilation: 1 }, "avgPool3d");
  const override = opts.divisorOverride ?? null;
  const extra = { countIncludePad: opts.countIncludePad ?? true, divisorOverride: override === null ? null : 1 };
  const [values, , unbatched] = separable(x, "avgPool3d", (t) => [avgPool2d(t, k2, { ...o2, ...extra }), null], (t) => [avgPool2d(t, kd, { ...od, ...extra }), null]);
  return unbatch(override === null ? values : values.div(override), unbatched);
}

function targetSize(x: Tensor, outputSize: SizeTriple): [number, number, number] {
  const [D, H, W] = x.shape.slice(-3) as [number, number, number];
  return typeof outputSize === "number" ? [outputSize, outputSize, outputSize] : [outputSize[0] ?? D, outputSize[1] ?? H, outputSize[2] ?? W];
}

export function adaptiveAvgPool3d(x: Tensor, outputSize: SizeTriple): Tensor {
  const [od, oh, ow] = targetSize(as5d(x, "adaptiveAvgPool3d")[0], outputSize);
  const [values, , unbatched] = separable(x, "adaptiveAvgPool3d", (t) => [adaptiveAvgPool2d(t, [oh, ow]), null], (t) => [adaptiveAvgPool2d(t, [od, null]), null]);
  return unbatch(values, unbatched);
}

export function adaptiveMaxPool3dWithIndices(x: Tensor, outputSize: SizeTriple): [values: Tensor, indices: Tensor] {
  const [od, oh, ow] = targetSize(as5d(x, "adaptiveMaxPool3d")[0], outputSize);
  const [values, indices, unbatched] = separable(x, "adaptiveMaxPool3d", (t) => adaptiveMaxPool2dWithIndices(t, [oh, ow]), (t) => adaptiveMaxPool2dWithIndices(t, [od, null]));
  return [unbatch(values, unbatched), unbatch(indices!, unbatched)];
}

export const adaptiveMaxPool3d = (x: Tensor, outputSize: SizeTriple): Tensor => adaptiveMaxPool3dWithIndices(x, outputSize)[0];

/** The partial inverse of maxPool3d: each value put back at its index in a zero volume. */
export function maxUnpool3d(x: Tensor, indices: Tensor, kernelSize: Triple, opts: { stride?: Triple | null; padding?: Triple; outputSize?: readonly number[] } = {}): Tensor {
  const [input, unbatched] = as5d(x, "maxUnpool3d");
  const idx = unbatched ? indices.unsqueeze(0) : indices;
  if (idx.shape.some((s, i) => s !== input.shape[i])) throw new ShapeError(`maxUnpool3d: indices of shape ${fmtShape(indices.shape)} must match the input's ${fmtShape(x.shape)}`);
  const k = triple(kernelSize, "kernel size", "maxUnpool3d");
  const s = triple(opts.stride ?? kernelSize, "stride", "maxUnpool3d");
  const p = triple(opts.padding ?? 0, "padding", "maxUnpool3d");
  const [N, C, d, h, w] = input.shape as [number, number, number, number, number];
  const size = opts.outputSize ? (opts.outputSize.slice(-3) as [number, number, number]) : ([d, h, w].map((n, i) => (n - 1) * s[i]! - 2 * p[i]! + k[i]!) as [number, number, number]);
  const total = size[0] * size[1] * size[2];
  // Where reads are asynchronous (the GPU), the scatter's checked indices raise an IndexError at the next read.
  const maxIndex = idx.numel() && !idx.backend.read ? idx.max().item() : -1;
  if (maxIndex >= total) throw new ShapeError(`maxUnpool3d: index ${maxIndex} is outside the ${size.join("×")} output`);
  const out = zeros([N, C, total], { dtype: x.dtype, device: x.backend }).scatter(2, idx.reshape(N, C, -1), input.reshape(N, C, -1)).reshape(N, C, ...size);
  return unbatch(out, unbatched);
}
