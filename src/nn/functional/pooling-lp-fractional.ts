/**
 * Power-average pooling (LPPool1d/2d/3d: (Σ xᵖ)^(1/p) over each window, as PyTorch composes it
 * from average pooling) and fractional max pooling (Graham's pseudo-random, overlapping windows,
 * FractionalMaxPool2d/3d), whose window starts follow PyTorch's interval sequence so that the same
 * random samples give the same windows.
 */
import { isFloating } from "../../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { defaultGenerator, type Generator } from "../../base/rng.js";
import { arange, full, rand, tensor } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { triple, type Triple } from "./conv3d.js";
import { avgPool1d, avgPool2d } from "./pooling.js";
import { avgPool3d } from "./pooling3d.js";
import { pair, type Pair } from "../../ops/windows.js";

/** (sign(s)·relu(|s|)·k)^(1/p) for s = the windows' mean of xᵖ, as torch.nn.functional.lp_pool. */
function lpFinish(mean: Tensor, p: number, taps: number): Tensor {
  return mean.sign().mul(mean.abs().relu()).mul(taps).pow(1 / p);
}

function checkNorm(op: string, p: number): void {
  if (!(p > 0) || !Number.isFinite(p)) throw new ValueError(`${op}: normType must be a positive finite number, got ${p}`);
}

export function lpPool1d(x: Tensor, normType: number, kernelSize: number, { stride = null, ceilMode = false }: { stride?: number | null; ceilMode?: boolean } = {}): Tensor {
  checkNorm("lpPool1d", normType);
  return lpFinish(avgPool1d(x.pow(normType), kernelSize, { stride: stride ?? kernelSize, ceilMode }), normType, kernelSize);
}

export function lpPool2d(x: Tensor, normType: number, kernelSize: Pair, { stride = null, ceilMode = false }: { stride?: Pair | null; ceilMode?: boolean } = {}): Tensor {
  checkNorm("lpPool2d", normType);
  const [kh, kw] = pair(kernelSize, "kernel size", "lpPool2d");
  return lpFinish(avgPool2d(x.pow(normType), [kh, kw], { stride: stride ?? kernelSize, ceilMode }), normType, kh * kw);
}

export function lpPool3d(x: Tensor, normType: number, kernelSize: Triple, { stride = null, ceilMode = false }: { stride?: Triple | null; ceilMode?: boolean } = {}): Tensor {
  checkNorm("lpPool3d", normType);
  const [kd, kh, kw] = triple(kernelSize, "kernel size", "lpPool3d");
  return lpFinish(avgPool3d(x.pow(normType), [kd, kh, kw], { stride: stride ?? kernelSize, ceilMode }), normType, kd * kh * kw);
}

/** PyTorch's window starts for one dim: ⌊(i + u)·α⌋ − ⌊u·α⌋, α = (in − k)/(out − 1), the last at in − k. */
/**
 * The flat input position of every tap of every window, [N·C, cells, taps], computed on the
 * samples' device (no read): along each dim, window o of a plane starts at
 * trunc((o + u)·α) − trunc(u·α), α = (input − pool)/(output − 1), and the last at input − pool, as
 * PyTorch's (in the samples' dtype, so float32 rounds as its kernel does).
 */
function windowPositions(samples: Tensor, size: number[], out: number[], kernel: number[], dimsOrder: number[]): Tensor {
  const device = samples.backend;
  const u = samples.reshape(-1, dimsOrder.length);
  const [cells, taps] = [out.reduce((a, b) => a * b, 1), kernel.reduce((a, b) => a * b, 1)];
  const ints = (values: Iterable<number>, shape: number[]) => tensor(Int32Array.from(values), { dtype: "int32", shape, device });
  let flat: Tensor | null = null;
  dimsOrder.forEach((d, k) => {
    const [o, pool] = [out[d]!, kernel[d]!];
    const last = size[d]! - pool;
    const uk = u.select(1, k).unsqueeze(1); // [P, 1]
    let starts = full([u.shape[0]!, o], last, { dtype: samples.dtype, device }); // [P, o]
    if (o > 1) {
      const alpha = (size[d]! - pool) / (o - 1);
      const seq = arange(o, undefined, 1, { dtype: samples.dtype, device }).unsqueeze(0).add(uk).mul(alpha).trunc().sub(uk.mul(alpha).trunc());
      starts = where(ints(Array.from({ length: o }, (_, i) => +(i === o - 1)), [1, o]).bool(), last, seq);
    }
    // Cell c's coordinate along d, and tap t's offset within the window along d (row-major).
    const cellStride = out.slice(d + 1).reduce((a, b) => a * b, 1);
    const tapStride = kernel.slice(d + 1).reduce((a, b) => a * b, 1);
    const coord = ints(Array.from({ length: cells }, (_, c) => Math.floor(c / cellStride) % o), [cells]);
    const offset = ints(Array.from({ length: taps }, (_, t) => Math.floor(t / tapStride) % pool), [1, 1, taps]);
    const stride = size.slice(d + 1).reduce((a, b) => a * b, 1);
    const term = starts.indexSelect(1, coord).int().unsqueeze(2).add(offset).mul(stride); // [P, cells, taps]
    flat = flat ? flat.add(term) : term;
  });
  return flat!;
}

export interface FractionalMaxPoolOptions<S> {
  /** The output size; or give outputRatio (of the input size, in (0, 1)). */
  outputSize?: S;
  outputRatio?: number | readonly number[];
  /** Per (n, c) plane, one uniform [0, 1) sample per dim (PyTorch's `_random_samples`); drawn from the generator when absent. */
  randomSamples?: Tensor;
  generator?: Generator;
}

/**
 * Max over each pseudo-random window, gathered so the gradient reaches the chosen elements.
 * `dimsOrder` maps sample k to the spatial dim it drives (PyTorch: W, H for 2-D; D, H, W for 3-D).
 */
function fractional(x: Tensor, kernel: number[], opts: FractionalMaxPoolOptions<number | readonly number[]>, dimsOrder: number[], op: string): [Tensor, Tensor] {
  const n = kernel.length;
  if (x.ndim !== n + 2 && x.ndim !== n + 1) throw new ShapeError(`${op}: expected a ${n + 2}-D or ${n + 1}-D input, got shape ${fmtShape(x.shape)}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: expected a floating input, got ${x.dtype}`);
  const unbatched = x.ndim === n + 1;
  const input = unbatched ? x.unsqueeze(0) : x;
  const [N, C] = input.shape as [number, number];
  const size = input.shape.slice(2);
  let out: number[];
  if (opts.outputSize !== undefined) out = typeof opts.outputSize === "number" ? new Array<number>(n).fill(opts.outputSize) : [...opts.outputSize];
  else if (opts.outputRatio !== undefined) {
    const ratio = typeof opts.outputRatio === "number" ? new Array<number>(n).fill(opts.outputRatio) : [...opts.outputRatio];
    if (ratio.some((r) => !(r > 0 && r < 1))) throw new ValueError(`${op}: outputRatio must be in (0, 1), got ${ratio.join(", ")}`);
    out = size.map((s, i) => Math.trunc(s * ratio[i]!));
  } else throw new ValueError(`${op}: give outputSize or outputRatio`);
  out.forEach((o, i) => {
    if (!(Number.isInteger(o) && o > 0 && o + kernel[i]! - 1 <= size[i]!)) {
      throw new ShapeError(`${op}: output size ${o} with kernel ${kernel[i]} does not fit input size ${size[i]} (dim ${i})`);
    }
  });
  const samples = opts.randomSamples ?? rand([N, C, n], { generator: opts.generator ?? defaultGenerator, dtype: x.dtype, device: x.backend });
  if (samples.shape.length !== 3 || samples.shape[0] !== N || samples.shape[1] !== C || samples.shape[2] !== n) {
    throw new ShapeError(`${op}: randomSamples must be [${N}, ${C}, ${n}], got ${fmtShape(samples.shape)}`);
  }
  const index = windowPositions(samples, size, out, kernel, dimsOrder).reshape([N, C, -1]);
  const [cells, taps] = [out.reduce((a, b) => a * b, 1), kernel.reduce((a, b) => a * b, 1)];
  const windows = input.reshape(N, C, -1).gather(2, index).reshape(N, C, cells, taps);
  const [values, which] = windows.max(3);
  const indices = index.reshape(N, C, cells, taps).gather(3, which.unsqueeze(3)).squeeze(3);
  const shape = [N, C, ...out];
  const result: [Tensor, Tensor] = [values.reshape(shape), indices.reshape(shape)];
  return unbatched ? [result[0].squeeze(0), result[1].squeeze(0)] : result;
}

export function fractionalMaxPool2dWithIndices(x: Tensor, kernelSize: Pair, opts: FractionalMaxPoolOptions<Pair>): [values: Tensor, indices: Tensor] {
  return fractional(x, pair(kernelSize, "kernel size", "fractionalMaxPool2d"), opts, [1, 0], "fractionalMaxPool2d");
}

export const fractionalMaxPool2d = (x: Tensor, kernelSize: Pair, opts: FractionalMaxPoolOptions<Pair>): Tensor => fractionalMaxPool2dWithIndices(x, kernelSize, opts)[0];

export function fractionalMaxPool3dWithIndices(x: Tensor, kernelSize: Triple, opts: FractionalMaxPoolOptions<Triple>): [values: Tensor, indices: Tensor] {
  return fractional(x, triple(kernelSize, "kernel size", "fractionalMaxPool3d"), opts, [0, 1, 2], "fractionalMaxPool3d");
}

export const fractionalMaxPool3d = (x: Tensor, kernelSize: Triple, opts: FractionalMaxPoolOptions<Triple>): Tensor => fractionalMaxPool3dWithIndices(x, kernelSize, opts)[0];
