/** Normalisation: batch, layer and group norm, composed from reductions. */
import { noGrad } from "../../ops/grad-mode.js";
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { ones, tensor, zeros } from "../../ops/creation.js";
import { pad } from "../../ops/movement.js";
import { tryApplyMulti } from "../../ops/dispatch.js";
import { normalizeRows, normalizeRowsAffine } from "../../ops/fused.js";
import { checkFloating } from "./basic.js";

/** Reshapes a per-channel [C] vector to broadcast over [N, C, …]. */
function perChannel(v: Tensor, ndim: number): Tensor {
  return v.reshape(1, -1, ...new Array<number>(Math.max(0, ndim - 2)).fill(1));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  /** Running-average factor; null for a cumulative average (then numBatchesTracked is used). */
  momentum?: number | null;
  eps?: number;
  /**
   * Batches seen before this one, for momentum null: a number, or a 0-dim tensor on x's device
   * (the layer's count, which a GPU keeps without a read).
   */
  numBatchesTracked?: number | Tensor;
}

/**
 * Batch norm over [N, C, …]: statistics per channel over every other dim. In training the batch's
 * biased variance normalises and the running estimates get the unbiased one (PyTorch's rule).
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5, numBatchesTracked = 0 }: BatchNormOptions = {},
): Tensor {
  checkFloating("batchNorm", x);
  if (x.ndim < 2) throw new ShapeError(`batchNorm: expected an input of at least 2 dims [N, C, …], got shape ${fmtShape(x.shape)}`);
  const C = x.shape[1]!;
  if (!training && runningMean && runningVar) {
    // Fixed statistics: one scale and one shift per channel, computed on [C] vectors.
    const scale = runningVar.add(eps).rsqrt().mul(weight ?? 1);
    const shift = (bias ?? zeros([C], { dtype: x.dtype, device: x.backend })).sub(runningMean.mul(scale));
    return x.mul(perChannel(scale, x.ndim)).add(perChannel(shift, x.ndim));
  }
  const n = x.numel() / C;
  if (training && n <= 1) throw new ValueError(`batchNorm: expected more than 1 value per channel when training, got input of shape ${fmtShape(x.shape)}`);
  const [out, mean, variance] = batchStatistics(x, weight, bias, eps);
  if (training && runningMean && runningVar) {
    noGrad(() => {
      const factor = momentum ?? (typeof numBatchesTracked === "number" ? 1 / (numBatchesTracked + 1) : numBatchesTracked.to(x.dtype).add(1).reciprocal());
      const keep = typeof factor === "number" ? 1 - factor : factor.neg().add(1);
      runningMean.mul_(keep).add_(mean.reshape(C).mul(factor));
      runningVar.mul_(keep).add_(variance.reshape(C).mul(factor).mul(n / Math.max(n - 1, 1)));
    });
  }
  return out;
}

/**
 * Normalises x [N, C, …] by its own per-channel statistics, then applies weight and bias: [out,
 * mean, biased variance]. One fused primitive where the backend has it, composed ops elsewhere.
 */
function batchStatistics(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): [Tensor, Tensor, Tensor] {
  const C = x.shape[1]!;
  // (The unit weight and zero bias are only made for a backend that has the routine.)
  const fused = x.backend.batchNorm ? tryApplyMulti("batchNorm", [x.reshape(x.shape[0]!, C, -1).contiguous(), weight?.contiguous() ?? ones([C], { device: x.backend }), bias?.contiguous() ?? zeros([C], { device: x.backend })], { eps }) : null;
  if (fused) {
    const [y, mean, variance] = fused as [Tensor, Tensor, Tensor];
    return [y.reshape(x.shape), mean, variance];
  }
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const mean = x.mean(dims, true);
  const variance = x.sub(mean).square().mean(dims, true);
  let out = x.sub(mean).mul(variance.add(eps).rsqrt());
  if (weight) out = out.mul(perChannel(weight, x.ndim));
  if (bias) out = out.add(perChannel(bias, x.ndim));
  return [out, mean, variance];
}

/** Normalises over the trailing dims given by normalizedShape. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkFloating("layerNorm", x);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k > x.ndim || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new ShapeError(`layerNorm: normalizedShape ${fmtShape(normalizedShape)} does not match the last dims of input of shape ${fmtShape(x.shape)}`);
  }
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const size = tail.reduce((p, d) => p * d, 1);
  const fused = weight && bias ? normalizeRowsAffine(x, size, eps, weight, bias) : null;
  if (fused) return fused;
  let out = normalizeRows(x, size, eps);
  if (!out) {
    const mean = x.mean(dims, true);
    const centered = x.sub(mean);
    out = centered.mul(centered.square().mean(dims, true).add(eps).rsqrt());
  }
  if (weight) out = out.mul(weight);
  if (bias) out = out.add(bias);
  return out;
}

/** Normalises [N, C, …] over groups of C/numGroups channels (and every spatial position). */
export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkFloating("groupNorm", x);
  if (x.ndim < 2) throw new ShapeError(`groupNorm: expected an input of at least 2 dims [N, C, …], got shape ${fmtShape(x.shape)}`);
  const [N, C] = x.shape as [number, number];
  if (C % numGroups !== 0) throw new ValueError(`groupNorm: ${C} channels are not divisible into ${numGroups} groups`);
  const grouped = x.reshape(N, numGroups, -1);
  const mean = grouped.mean(2, true);
  const centered = grouped.sub(mean);
  let out = centered.mul(centered.square().mean(2, true).add(eps).rsqrt()).reshape(x.shape as number[]);
  if (weight) out = out.mul(perChannel(weight, x.ndim));
  if (bias) out = out.add(perChannel(bias, x.ndim));
  return out;
}

/**
 * x / √(mean(x²) + eps) over the trailing normalizedShape dims, times weight (Zhang & Sennrich's
 * RMSNorm). eps defaults to the dtype's machine epsilon, as PyTorch's.
 */
export function rmsNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, eps?: number | null): Tensor {
  checkFloating("rmsNorm", x);
  const k = normalizedShape.length;
  if (k > x.ndim || x.shape.slice(x.ndim - k).some((d, i) => d !== normalizedShape[i])) {
    throw new ShapeError(`rmsNorm: normalizedShape ${fmtShape(normalizedShape)} does not match the last dims of input of shape ${fmtShape(x.shape)}`);
  }
  const e = eps ?? (x.dtype === "float64" ? Number.EPSILON : 2 ** -23);
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const out = x.mul(x.square().mean(dims, true).add(e).rsqrt());
  return weight ? out.mul(weight) : out;
}

/**
 * Normalises each sample's channels by their own statistics over the other dims (Ulyanov et
 * al.), as PyTorch computes it: batch norm of [1, N·C, …], with the running statistics (when
 * given and useInputStats) updated by the mean over the samples.
 */
export function instanceNorm(
  x: Tensor,
  { runningMean = null, runningVar = null, weight = null, bias = null, useInputStats = true, momentum = 0.1, eps = 1e-5 }: {
    runningMean?: Tensor | null;
    runningVar?: Tensor | null;
    weight?: Tensor | null;
    bias?: Tensor | null;
    useInputStats?: boolean;
    momentum?: number;
    eps?: number;
  } = {},
): Tensor {
  checkFloating("instanceNorm", x);
  if (x.ndim < 3) throw new ShapeError(`instanceNorm: expected an input of at least 3 dims [N, C, …], got shape ${fmtShape(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  const repeated = (t: Tensor | null) => (t ? t.repeat(n) : null);
  const [rm, rv] = [repeated(runningMean), repeated(runningVar)];
  const out = batchNorm(x.reshape(1, n * c, ...x.shape.slice(2)), rm, rv, { weight: repeated(weight), bias: repeated(bias), training: useInputStats, momentum, eps });
  if (useInputStats && runningMean && rm) noGrad(() => runningMean.copy_(rm.reshape(n, c).mean(0)));
  if (useInputStats && runningVar && rv) noGrad(() => runningVar.copy_(rv.reshape(n, c).mean(0)));
  return out.reshape(x.shape);
}

/**
 * Divides each element by (k + α/size · Σ x²)^β, the sum over `size` neighbouring channels
 * (zero-padded), as AlexNet's local response normalisation and PyTorch's local_response_norm.
 */
export function localResponseNorm(x: Tensor, size: number, { alpha = 1e-4, beta = 0.75, k = 1 }: { alpha?: number; beta?: number; k?: number } = {}): Tensor {
  checkFloating("localResponseNorm", x);
  if (x.ndim < 3) throw new ShapeError(`localResponseNorm: expected an input of at least 3 dims [N, C, …], got shape ${fmtShape(x.shape)}`);
  if (!(Number.isInteger(size) && size > 0)) throw new ValueError(`localResponseNorm: size must be a positive integer, got ${size}`);
  const c = x.shape[1]!;
  const squares = x.square();
  const pads = x.shape.map((_, d) => (d === 1 ? [Math.floor(size / 2), Math.floor((size - 1) / 2)] : [0, 0])).reverse().flat();
  const padded = pad(squares, pads);
  let window = padded.narrow(1, 0, c);
  for (let j = 1; j < size; j++) window = window.add(padded.narrow(1, j, c));
  return x.div(window.mul(alpha / size).add(k).pow(beta));
}

/**
 * Lua Torch's cross-channel LRN (PyTorch's CrossMapLRN2d) on [N, C, H, W]: x·(k + α/size·Σ x²)^−β,
 * the sum over the legacy window — channels up to c + ⌊(size−1)/2⌋, from c − ⌊(size−1)/2⌋ on, and
 * channel 0 always (the original's running sum never subtracts it).
 */
export function crossMapLrn2d(x: Tensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): Tensor {
  if (x.ndim !== 4) throw new ShapeError(`CrossMapLRN2d: Expected input to be 4D, got ${x.ndim}D instead.`);
  const C = x.shape[1]!;
  const prePad = Math.floor((size - 1) / 2 + 1);
  const window = new Float64Array(C * C);
  for (let c = 0; c < C; c++) {
    for (let j = 0; j <= Math.min(C - 1, c + prePad - 1); j++) if (j === 0 || j > c - prePad) window[c * C + j] = 1;
  }
  const [N, , H, W] = x.shape as [number, number, number, number];
  const sums = tensor(window, { dtype: x.dtype, device: x.backend }).reshape([C, C]).matmul(x.square().reshape([N, C, H * W])).reshape([N, C, H, W]);
  return x.mul(sums.mul(alpha / size).add(k).pow(-beta));
}
