/**
 * Pooling and resizing. Max and average pooling reduce over im2col windows; adaptive pooling and
 * interpolation multiply by small constant matrices (rows of window weights), which gives PyTorch's
 * exact windows and a gradient for free.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { ones, tensor, zeros } from "../../ops/creation.js";
import { maxPool2x2 } from "../../ops/fused.js";
import { pad, stack } from "../../ops/movement.js";
import { pair, unfold, type Pair } from "../../ops/windows.js";

export interface PoolOptions {
  /** Defaults to the kernel size. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

function as4d(x: Tensor, op: string): [Tensor, boolean] {
  if (x.ndim === 4) return [x, false];
  if (x.ndim === 3) return [x.unsqueeze(0), true];
  throw new ShapeError(`${op}: expected a 4-D [N, C, H, W] or 3-D [C, H, W] input, got shape ${fmtShape(x.shape)}`);
}

interface Windows {
  k: [number, number];
  s: [number, number];
  p: [number, number];
  d: [number, number];
  out: [number, number];
  /** Rows/cols to add past the far edge so ceil-mode windows fit. */
  extra: [number, number];
}

/** PyTorch's pooling output size, including ceil mode's rule that a window must start inside. */
function windows(x: Tensor, kernel: Pair, opts: PoolOptions, op: string): Windows {
  const k = pair(kernel, "kernel size", op);
  const s = pair(opts.stride ?? kernel, "stride", op);
  const p = pair(opts.padding ?? 0, "padding", op);
  const d = pair(opts.dilation ?? 1, "dilation", op);
  if (p.some((v, i) => v > k[i]! / 2)) throw new ValueError(`${op}: padding ${fmtShape(p)} should be at most half of kernel size ${fmtShape(k)}`);
  const size = [x.shape[2]!, x.shape[3]!];
  const out = [0, 1].map((i) => {
    const span = size[i]! + 2 * p[i]! - d[i]! * (k[i]! - 1) - 1;
    let o = (opts.ceilMode ? Math.ceil(span / s[i]!) : Math.floor(span / s[i]!)) + 1;
    if (opts.ceilMode && (o - 1) * s[i]! >= size[i]! + p[i]!) o--;
    return o;
  }) as [number, number];
  if (out.some((o) => o <= 0)) throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} is too small for kernel ${fmtShape(k)}`);
  const extra = [0, 1].map((i) => Math.max(0, (out[i]! - 1) * s[i]! + d[i]! * (k[i]! - 1) + 1 - (size[i]! + 2 * p[i]!))) as [number, number];
  return { k, s, p, d, out, extra };
}

/** Pads [N,C,H,W] by the symmetric padding plus ceil-mode's extra, then unfolds to [N, C, kk, L]. */
function windowsOf(x: Tensor, w: Windows, value: number, extraValue = value): Tensor {
  const [N, C] = x.shape as [number, number];
  let padded = pad(x, [w.p[1], w.p[1], w.p[0], w.p[0]], value);
  if (w.extra[0] || w.extra[1]) padded = pad(padded, [0, w.extra[1], 0, w.extra[0]], extraValue);
  return unfold(padded, w.k, { stride: w.s, dilation: w.d }).reshape(N, C, w.k[0] * w.k[1], w.out[0] * w.out[1]);
}

/** MaxPool2d(2)'s windows: 2×2, stride 2, no padding, dilation or ceil-mode extra. */
const isTwoByTwo = (w: Windows) =>
  [w.k, w.s].every(([a, b]) => a === 2 && b === 2) && [w.p, w.extra].every(([a, b]) => a === 0 && b === 0) && w.d.every((d) => d === 1);

export function maxPool2d(x: Tensor, kernelSize: Pair, opts: PoolOptions = {}): Tensor {
  const [input, unbatched] = as4d(x, "maxPool2d");
  const w = windows(input, kernelSize, opts, "maxPool2d");
  const fused = isTwoByTwo(w) ? maxPool2x2(input) : null; // one kernel where the backend has it
  if (fused) return unbatched ? fused.squeeze(0) : fused;
  // max with indices: the gradient goes to the first maximum of each window, as in PyTorch.
  const out = windowsOf(input, w, -Infinity).max(2).values.reshape(input.shape[0]!, input.shape[1]!, ...w.out);
  return unbatched ? out.squeeze(0) : out;
}

export function avgPool2d(
  x: Tensor,
  kernelSize: Pair,
  opts: PoolOptions & { countIncludePad?: boolean; divisorOverride?: number | null } = {},
): Tensor {
  const [input, unbatched] = as4d(x, "avgPool2d");
  const w = windows(input, kernelSize, { ...opts, dilation: 1 }, "avgPool2d");
  const sums = windowsOf(input, w, 0).sum(2); // [N, C, L]
  let divisor: Tensor | number;
  if (opts.divisorOverride) divisor = opts.divisorOverride;
  else {
    // Count the taps that fall on the input (or on its padding, with countIncludePad).
    const mask = ones([1, 1, input.shape[2]!, input.shape[3]!], { dtype: input.dtype, device: input.backend });
    divisor = windowsOf(mask, w, opts.countIncludePad ?? true ? 1 : 0, 0).sum(2);
  }
  const out = sums.div(divisor).reshape(input.shape[0]!, input.shape[1]!, ...w.out);
  return unbatched ? out.squeeze(0) : out;
}

/** Pooling over a length: the 2-D pool over a height of 1. */
function along1d(x: Tensor, op: string, pool: (x4: Tensor) => Tensor): Tensor {
  if (x.ndim !== 3 && x.ndim !== 2) throw new ShapeError(`${op}: expected a 3-D [N, C, L] or 2-D [C, L] input, got shape ${fmtShape(x.shape)}`);
  return pool(x.unsqueeze(-2)).squeeze(-2);
}

const first = (v: Pair | null | undefined, dflt: number | null): number | null => (v === undefined || v === null ? dflt : typeof v === "number" ? v : v[0]);

export function maxPool1d(x: Tensor, kernelSize: number, opts: PoolOptions = {}): Tensor {
  return along1d(x, "maxPool1d", (x4) =>
    maxPool2d(x4, [1, kernelSize], {
      stride: [1, first(opts.stride, kernelSize)!],
      padding: [0, first(opts.padding, 0)!],
      dilation: [1, first(opts.dilation, 1)!],
      ceilMode: opts.ceilMode ?? false,
    }),
  );
}

export function avgPool1d(x: Tensor, kernelSize: number, opts: PoolOptions & { countIncludePad?: boolean } = {}): Tensor {
  return along1d(x, "avgPool1d", (x4) =>
    avgPool2d(x4, [1, kernelSize], {
      stride: [1, first(opts.stride, kernelSize)!],
      padding: [0, first(opts.padding, 0)!],
      ceilMode: opts.ceilMode ?? false,
      countIncludePad: opts.countIncludePad ?? true,
    }),
  );
}

/** A [rows, cols] constant matrix of `like`'s dtype and device from a function giving each row's (column, weight) pairs. */
function weightMatrix(rows: number, cols: number, like: { dtype: Tensor["dtype"]; backend: Tensor["backend"] }, row: (i: number) => [number, number][]): Tensor {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (const [j, w] of row(i)) data[i * cols + j] = data[i * cols + j]! + w;
  return tensor(data, { shape: [rows, cols], dtype: like.dtype, device: like.backend });
}

/** Applies per-axis [out, in] matrices to the last two dims: A_h · x · A_wᵀ. */
function resample(x: Tensor, ah: Tensor, aw: Tensor): Tensor {
  return ah.matmul(x.matmul(aw.t()));
}

export type SizePair = number | readonly [number | null, number | null];

export function adaptiveAvgPool2d(x: Tensor, outputSize: SizePair): Tensor {
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(`adaptiveAvgPool2d: expected a 3-D or 4-D input, got shape ${fmtShape(x.shape)}`);
  const [H, W] = x.shape.slice(-2) as [number, number];
  const [oh, ow] = typeof outputSize === "number" ? [outputSize, outputSize] : [outputSize[0] ?? H, outputSize[1] ?? W];
  return resample(x, adaptiveAverageMatrix(oh, H, x), adaptiveAverageMatrix(ow, W, x));
}

/** Average pooling of [N, C, L] or [C, L] to `outputSize` windows (the same windows as the 2-D form). */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number): Tensor {
  if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`adaptiveAvgPool1d: expected a 2-D or 3-D input, got shape ${fmtShape(x.shape)}`);
  return adaptiveAvgPool2d(x.unsqueeze(-2), [1, outputSize]).squeeze(-2);
}

export type InterpolateMode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "bicubic" | "trilinear" | "area";

export interface InterpolateOptions {
  /** The output's spatial size (null keeps a dim), or give scaleFactor. */
  size?: number | readonly (number | null)[];
  scaleFactor?: number | readonly number[];
  mode?: InterpolateMode;
  /** Linear, bilinear, bicubic and trilinear only: map the corner pixels' centres onto each other. */
  alignCorners?: boolean;
  /** Compute the source positions from the output size rather than from scaleFactor. */
  recomputeScaleFactor?: boolean;
}

/** The number of spatial dims each mode works on (nearest and area: any of 1–3). */
const MODE_DIMS: Partial<Record<InterpolateMode, number>> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };

/** PyTorch's cubic convolution weights (A = −0.75) for the four taps around a fractional offset t. */
function cubicWeights(t: number): [number, number, number, number] {
  const A = -0.75;
  const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/**
 * Resizes [N, C, L], [N, C, H, W] or [N, C, D, H, W] (torch.nn.functional.interpolate): each
 * spatial dim is multiplied by a constant [out, in] matrix of PyTorch's source weights, so values
 * and gradients follow from matmul; "area" is adaptive average pooling.
 */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  const mode = opts.mode ?? "nearest";
  const spatial = x.ndim - 2;
  if (spatial < 1 || spatial > 3) throw new ShapeError(`interpolate: expected a 3-D, 4-D or 5-D input [N, C, …], got shape ${fmtShape(x.shape)}`);
  const want = MODE_DIMS[mode];
  if (!(mode in MODE_DIMS) && !["nearest", "nearest-exact", "area"].includes(mode)) throw new ValueError(`interpolate: unknown mode '${mode}'`);
  if (want !== undefined && want !== spatial) throw new ShapeError(`interpolate: mode '${mode}' needs a ${want + 2}-D input, got shape ${fmtShape(x.shape)}`);
  if (want === undefined && opts.alignCorners !== undefined) throw new ValueError(`interpolate: alignCorners only applies to the linear modes and bicubic, not '${mode}'`);
  const inSize = x.shape.slice(2);
  const perDim = <T>(v: T | readonly T[], what: string): T[] => {
    const arr = Array.isArray(v) ? [...(v as readonly T[])] : new Array<T>(spatial).fill(v as T);
    if (arr.length !== spatial) throw new ValueError(`interpolate: ${what} needs ${spatial} entries for shape ${fmtShape(x.shape)}, got ${arr.length}`);
    return arr;
  };
  const factors = opts.scaleFactor === undefined ? null : perDim<number>(opts.scaleFactor, "scaleFactor");
  if (opts.size !== undefined && factors) throw new ValueError("interpolate: give either size or scaleFactor, not both");
  let outSize: number[];
  if (opts.size !== undefined) outSize = perDim<number | null>(opts.size, "size").map((o, i) => o ?? inSize[i]!);
  else if (factors) outSize = inSize.map((s, i) => Math.floor(s * factors[i]!));
  else throw new ValueError("interpolate: give either size or scaleFactor");
  if (outSize.some((o) => !(Number.isInteger(o) && o > 0))) throw new ValueError(`interpolate: output size must be positive, got ${fmtShape(outSize)}`);
  if (mode === "area") {
    let out = x;
    for (let k = 0; k < spatial; k++) out = alongDim(out, 2 + k, adaptiveAverageMatrix(outSize[k]!, inSize[k]!, x));
    return out;
  }
  const useFactor = factors !== null && !opts.recomputeScaleFactor;
  let out = x;
  for (let k = 0; k < spatial; k++) {
    const n = inSize[k]!;
    const o = outSize[k]!;
    const scale = useFactor ? 1 / factors![k]! : n / o;
    const clampIndex = (i: number) => Math.min(Math.max(i, 0), n - 1);
    let matrix: Tensor;
    if (mode === "nearest") matrix = weightMatrix(o, n, x, (i) => [[Math.min(Math.floor(i * scale), n - 1), 1]]);
    else if (mode === "nearest-exact") matrix = weightMatrix(o, n, x, (i) => [[Math.min(Math.floor((i + 0.5) * scale), n - 1), 1]]);
    else {
      const cubic = mode === "bicubic";
      const source = (i: number) => {
        if (opts.alignCorners) return o > 1 ? (i * (n - 1)) / (o - 1) : 0;
        const src = (i + 0.5) * scale - 0.5;
        return !cubic && src < 0 ? 0 : src;
      };
      matrix = weightMatrix(o, n, x, (i) => {
        const src = source(i);
        const i0 = Math.floor(src);
        if (cubic) return cubicWeights(src - i0).map((w, j) => [clampIndex(i0 - 1 + j), w] as [number, number]);
        const lo = Math.min(i0, n - 1);
        const t = src - lo;
        return [[lo, 1 - t], [Math.min(lo + 1, n - 1), t]];
      });
    }
    out = alongDim(out, 2 + k, matrix);
  }
  return out;
}

/** x with dim d multiplied by an [out, in] matrix. */
function alongDim(x: Tensor, d: number, matrix: Tensor): Tensor {
  const last = x.ndim - 1;
  const moved = d === last ? x : x.transpose(d, last);
  const out = moved.matmul(matrix.t());
  return d === last ? out : out.transpose(d, last);
}

/** Adaptive average pooling's [out, in] window matrix: window i covers [⌊i·in/out⌋, ⌈(i+1)·in/out⌉). */
function adaptiveAverageMatrix(out: number, size: number, like: Tensor): Tensor {
  return weightMatrix(out, size, like, (i) => {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    return Array.from({ length: end - start }, (_, k) => [start + k, 1 / (end - start)] as [number, number]);
  });
}

/**
 * maxPool2d and where each maximum came from: its flat index in its input plane (H·W), as
 * PyTorch's max_pool2d(return_indices=True) — the indices maxUnpool2d takes.
 */
export function maxPool2dWithIndices(x: Tensor, kernelSize: Pair, opts: PoolOptions = {}): [values: Tensor, indices: Tensor] {
  const [input, unbatched] = as4d(x, "maxPool2dWithIndices");
  const w = windows(input, kernelSize, opts, "maxPool2dWithIndices");
  const [N, C, , W] = input.shape as [number, number, number, number];
  const [values, inWindow] = windowsOf(input, w, -Infinity).max(2);
  // Window offset a → input position: row = oh·s − p + (a div kw)·d, col = ow·s − p + (a mod kw)·d,
  // on the tensors' device (a GPU's reads are asynchronous); a div kw in float32 is exact for a window's offsets.
  const cells = Array.from({ length: w.out[0] * w.out[1] }, (_, i) => i);
  const perCell = (f: (cell: number) => number) => tensor(Int32Array.from(cells, f), { dtype: "int32", device: input.backend });
  const rowAt = perCell((c) => Math.floor(c / w.out[1]) * w.s[0] - w.p[0]);
  const colAt = perCell((c) => (c % w.out[1]) * w.s[1] - w.p[1]);
  const a = inWindow.int();
  const dy = a.div(w.k[1]).floor().int();
  const dx = a.sub(dy.mul(w.k[1]));
  const flat = rowAt.add(dy.mul(w.d[0])).mul(W).add(colAt.add(dx.mul(w.d[1])));
  const shape = [N, C, ...w.out];
  const out: [Tensor, Tensor] = [values.reshape(...shape), flat.reshape(...shape)];
  return unbatched ? [out[0].squeeze(0), out[1].squeeze(0)] : out;
}

export function maxPool1dWithIndices(x: Tensor, kernelSize: number, opts: PoolOptions = {}): [values: Tensor, indices: Tensor] {
  if (x.ndim !== 3 && x.ndim !== 2) throw new ShapeError(`maxPool1dWithIndices: expected a 3-D [N, C, L] or 2-D [C, L] input, got shape ${fmtShape(x.shape)}`);
  const [values, indices] = maxPool2dWithIndices(x.unsqueeze(-2), [1, kernelSize], {
    stride: [1, first(opts.stride, kernelSize)!],
    padding: [0, first(opts.padding, 0)!],
    dilation: [1, first(opts.dilation, 1)!],
    ceilMode: opts.ceilMode ?? false,
  });
  return [values.squeeze(-2), indices.squeeze(-2)];
}

/**
 * The partial inverse of maxPool2d: each value put back at its index in a zero plane of the
 * pooled input's size (or outputSize).
 */
export function maxUnpool2d(
  x: Tensor,
  indices: Tensor,
  kernelSize: Pair,
  { stride = null, padding = 0, outputSize }: { stride?: Pair | null; padding?: Pair; outputSize?: readonly number[] } = {},
): Tensor {
  const [input, unbatched] = as4d(x, "maxUnpool2d");
  const idx = unbatched ? indices.unsqueeze(0) : indices;
  if (idx.shape.some((s, i) => s !== input.shape[i])) throw new ShapeError(`maxUnpool2d: indices of shape ${fmtShape(indices.shape)} must match the input's ${fmtShape(x.shape)}`);
  const k = pair(kernelSize, "kernel size", "maxUnpool2d");
  const s = pair(stride ?? kernelSize, "stride", "maxUnpool2d");
  const p = pair(padding, "padding", "maxUnpool2d");
  const [N, C, h, w] = input.shape as [number, number, number, number];
  const [H, W] = outputSize ? (outputSize.slice(-2) as [number, number]) : [(h - 1) * s[0] - 2 * p[0] + k[0], (w - 1) * s[1] - 2 * p[1] + k[1]];
  // Where reads are asynchronous (the GPU), the scatter's checked indices raise an IndexError at the next read.
  const maxIndex = idx.numel() && !idx.backend.read ? idx.max().item() : -1;
  if (maxIndex >= H * W) throw new ShapeError(`maxUnpool2d: index ${maxIndex} is outside the ${H}×${W} output`);
  const out = zeros([N, C, H * W], { dtype: x.dtype, device: x.backend }).scatter(2, idx.reshape(N, C, h * w), input.reshape(N, C, h * w)).reshape(N, C, H, W);
  return unbatched ? out.squeeze(0) : out;
}

export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: number, opts: { stride?: number | null; padding?: number; outputSize?: readonly number[] } = {}): Tensor {
  if (x.ndim !== 3 && x.ndim !== 2) throw new ShapeError(`maxUnpool1d: expected a 3-D [N, C, L] or 2-D [C, L] input, got shape ${fmtShape(x.shape)}`);
  const out = maxUnpool2d(x.unsqueeze(-2), indices.unsqueeze(-2), [1, kernelSize], {
    stride: [1, opts.stride ?? kernelSize],
    padding: [0, opts.padding ?? 0],
    ...(opts.outputSize ? { outputSize: [1, opts.outputSize[opts.outputSize.length - 1]!] } : {}),
  });
  return out.squeeze(-2);
}

/** Max pooling of [N, C, H, W] or [C, H, W] to outputSize windows (the adaptive windows of adaptiveAvgPool2d), with where each maximum came from. */
export function adaptiveMaxPool2dWithIndices(x: Tensor, outputSize: SizePair): [values: Tensor, indices: Tensor] {
  const [input, unbatched] = as4d(x, "adaptiveMaxPool2d");
  const [N, C, H, W] = input.shape as [number, number, number, number];
  const [oh, ow] = typeof outputSize === "number" ? [outputSize, outputSize] : [outputSize[0] ?? H, outputSize[1] ?? W];
  const span = (i: number, out: number, size: number) => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)] as const;
  const values: Tensor[] = [];
  const indices: Tensor[] = [];
  for (let i = 0; i < oh; i++) {
    const [h0, h1] = span(i, oh, H);
    for (let j = 0; j < ow; j++) {
      const [w0, w1] = span(j, ow, W);
      const [v, a] = input.narrow(2, h0, h1 - h0).narrow(3, w0, w1 - w0).reshape(N, C, -1).max(2);
      const ww = w1 - w0;
      values.push(v);
      indices.push(a.div(ww).floor().add(h0).mul(W).add(a.remainder(ww).add(w0)).int());
    }
  }
  const shape = [N, C, oh, ow];
  const out: [Tensor, Tensor] = [stack(values, -1).reshape(...shape), stack(indices, -1).reshape(...shape)];
  return unbatched ? [out[0].squeeze(0), out[1].squeeze(0)] : out;
}

export const adaptiveMaxPool2d = (x: Tensor, outputSize: SizePair): Tensor => adaptiveMaxPool2dWithIndices(x, outputSize)[0];

/** Adaptive max pooling of [N, C, L] or [C, L], with the indices along L. */
export function adaptiveMaxPool1dWithIndices(x: Tensor, outputSize: number): [values: Tensor, indices: Tensor] {
  if (x.ndim !== 3 && x.ndim !== 2) throw new ShapeError(`adaptiveMaxPool1d: expected a 3-D [N, C, L] or 2-D [C, L] input, got shape ${fmtShape(x.shape)}`);
  const [values, indices] = adaptiveMaxPool2dWithIndices(x.unsqueeze(-2), [1, outputSize]);
  return [values.squeeze(-2), indices.squeeze(-2)];
}

export const adaptiveMaxPool1d = (x: Tensor, outputSize: number): Tensor => adaptiveMaxPool1dWithIndices(x, outputSize)[0];
