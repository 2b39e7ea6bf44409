/**
 * Sampling from tensors of parameters — bernoulli, multinomial, normal, poisson — and the
 * in-place fills (`uniform_`, `normal_`, `exponential_`, …), all drawing from a Generator (the
 * default one unless given), so a seed reproduces them on every backend. Sampling is not
 * differentiable (PyTorch's neither); use tg.distributions' rsample for reparameterised draws.
 */
import { isFloating } from "../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { defaultGenerator, Generator } from "../base/rng.js";
import type { Tensor } from "./tensor.js";
import { noGrad } from "./grad-mode.js";
import { rand, randn, tensor } from "./creation.js";
import { add, cast, ge, le, logicalAnd, logicalNot, lt, mul } from "./elementwise.js";
import { refuseIfAny } from "./deferred-check.js";
import { multinomialOnDevice } from "./composite/multinomial-device.js";

export interface SampleOptions {
  generator?: Generator;
}

const genOf = (opts: SampleOptions) => opts.generator ?? defaultGenerator;

/** 1 with probability p (elementwise), else 0, in p's dtype (or a fixed p for every element of `like`). */
export function bernoulli(p: Tensor, opts: SampleOptions & { p?: number } = {}): Tensor {
  return noGrad(() => {
    if (opts.p !== undefined) {
      if (!(opts.p >= 0 && opts.p <= 1)) throw new ValueError(`bernoulli: p must be in [0, 1], got ${opts.p}`);
      return cast(lt(rand(p.shape, { generator: genOf(opts), dtype: isFloating(p.dtype) ? p.dtype : "float32", device: p.backend }), opts.p), isFloating(p.dtype) ? p.dtype : "float32");
    }
    if (!isFloating(p.dtype)) throw new DTypeError(`bernoulli: probabilities must be floating point, got ${p.dtype}`);
    refuseIfAny(logicalNot(logicalAnd(ge(p, 0), le(p, 1))), "bernoulli: probabilities must be in [0, 1], got {value}", p);
    return cast(lt(rand(p.shape, { generator: genOf(opts), dtype: p.dtype, device: p.backend }), p), p.dtype);
  });
}

/**
 * numSamples category indices per row of (unnormalised, non-negative) weights, 1-D or [rows, n];
 * without replacement each index is drawn at most once (numSamples ≤ the non-zero weights).
 */
export function multinomial(input: Tensor, numSamples: number, replacement = false, opts: SampleOptions = {}): Tensor {
  if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`multinomial: expected a 1-D or 2-D tensor of weights, got shape ${fmtShape(input.shape)}`);
  if (!isFloating(input.dtype)) throw new DTypeError(`multinomial: weights must be floating point, got ${input.dtype}`);
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new ValueError(`multinomial: numSamples must be a positive integer, got ${numSamples}`);
  const rows = input.ndim === 1 ? 1 : input.shape[0]!;
  const n = input.shape.at(-1)!;
  if (!replacement && numSamples > n) throw new ValueError(`multinomial: cannot draw ${numSamples} samples without replacement from ${n} categories`);
  if (input.backend.read) {
    const drawn = multinomialOnDevice(input.reshape(rows, n), numSamples, replacement, genOf(opts));
    return input.ndim === 1 ? drawn.reshape(numSamples) : drawn;
  }
  const w = input.contiguous().dataSync();
  const gen = genOf(opts);
  const out = new Int32Array(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    const weights = Array.from(w.subarray(r * n, (r + 1) * n));
    let total = 0;
    for (const v of weights) {
      if (!(v >= 0) || !Number.isFinite(v)) throw new ValueError(`multinomial: weights must be finite and non-negative, got ${v} in row ${r}`);
      total += v;
    }
    if (!replacement && weights.filter((v) => v > 0).length < numSamples) {
      throw new ValueError(`multinomial: row ${r} has fewer non-zero weights than the ${numSamples} samples asked for without replacement`);
    }
    if (total <= 0) throw new ValueError(`multinomial: row ${r} has weights summing to 0`);
    for (let s = 0; s < numSamples; s++) {
      let u = gen.random() * total;
      let k = 0;
      while (k < n - 1 && (u >= weights[k]! || weights[k] === 0)) u -= weights[k++]!;
      while (weights[k] === 0) k--; // rounding ran past the last non-zero category
      out[r * numSamples + s] = k;
      if (!replacement) {
        total -= weights[k]!;
        weights[k] = 0;
      }
    }
  }
  return tensor(out, { dtype: "int32" }).reshape(input.ndim === 1 ? [numSamples] : [rows, numSamples]).toBackend(input.backend);
}

/** Normal draws with the given means and standard deviations (tensors broadcast, or numbers with a `size`). */
export function normal(mean: Tensor | number, std: Tensor | number = 1, opts: SampleOptions & { size?: readonly number[] } = {}): Tensor {
  return noGrad(() => {
    const shapes = [mean, std].filter((v): v is Tensor => typeof v === "object").map((t) => t.shape);
    const shape = opts.size ?? (shapes.length === 0 ? [] : shapes.length === 1 ? shapes[0]! : broadcast(shapes[0]!, shapes[1]!));
    if (typeof std === "number" && !(std >= 0)) throw new ValueError(`normal: std must be non-negative, got ${std}`);
    const like = [mean, std].find((v): v is Tensor => typeof v === "object");
    const dtype = like && isFloating(like.dtype) ? like.dtype : "float32";
    return add(mul(randn([...shape], { generator: genOf(opts), dtype, device: like?.backend }), std), mean);
  });
}

function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => Math.max(a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1));
}

/** Poisson draws with the given rates (Knuth's product method below 10, Hörmann's PTRS above). */
export function poisson(rates: Tensor, opts: SampleOptions = {}): Tensor {
  if (!isFloating(rates.dtype)) throw new DTypeError(`poisson: rates must be floating point, got ${rates.dtype}`);
  const lam = rates.contiguous().dataSync();
  const gen = genOf(opts);
  const out = new Float64Array(lam.length);
  for (let i = 0; i < lam.length; i++) {
    const l = lam[i]!;
    if (!(l >= 0)) throw new ValueError(`poisson: rates must be non-negative, got ${l}`);
    out[i] = poissonDraw(l, gen);
  }
  return tensor(out, { dtype: rates.dtype }).reshape([...rates.shape]).toBackend(rates.backend);
}

function poissonDraw(lambda: number, gen: Generator): number {
  if (lambda === 0) return 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    let [k, p] = [0, gen.random()];
    while (p > limit) {
      k++;
      p *= gen.random();
    }
    return k;
  }
  // PTRS (Hörmann 1993): transformed rejection with squeeze.
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = gen.random() - 0.5;
    const V = gen.random();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}

function logFactorial(k: number): number {
  if (k < 20) {
    let f = 1;
    for (let i = 2; i <= k; i++) f *= i;
    return Math.log(f);
  }
  // Stirling's series.
  return (k + 0.5) * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k ** 3);
}

/** The draws behind the in-place fills: a tensor of x's shape (those made in float64 on the CPU are cast and moved by the fill). */
export const fills = {
  uniform: (x: Tensor, from = 0, to = 1, o: SampleOptions = {}) => add(mul(rand(x.shape, { generator: genOf(o), dtype: floatOf(x), device: x.backend }), to - from), from),
  normal: (x: Tensor, mean = 0, std = 1, o: SampleOptions = {}) => add(mul(randn(x.shape, { generator: genOf(o), dtype: floatOf(x), device: x.backend }), std), mean),
  logNormal: (x: Tensor, mean = 1, std = 2, o: SampleOptions = {}) => fills.normal(x, mean, std, o).exp(),
  exponential: (x: Tensor, lambd = 1, o: SampleOptions = {}) => uniformOpen(x, o).log().neg().div(lambd),
  cauchy: (x: Tensor, median = 0, sigma = 1, o: SampleOptions = {}) => uniformOpen(x, o).sub(0.5).mul(Math.PI).tan().mul(sigma).add(median),
  geometric: (x: Tensor, p: number, o: SampleOptions = {}) => {
    if (!(p > 0 && p <= 1)) throw new ValueError(`geometric_: p must be in (0, 1], got ${p}`);
    return p === 1 ? mul(x, 0).add(1) : uniformOpen(x, o).log().div(Math.log1p(-p)).ceil();
  },
  bernoulli: (x: Tensor, p: number | Tensor = 0.5, o: SampleOptions = {}) =>
    typeof p === "number" ? bernoulli(x, { ...o, p }) : cast(lt(rand(x.shape, { generator: genOf(o), dtype: p.backend.supportsDType("float64") ? "float64" : "float32", device: p.backend }), p), x.dtype),
  /** Integers uniform on [from, to) (to defaults to 2^24 for float32 and 2^31 − 1 for int32, as PyTorch's dtype-wide default). */
  random: (x: Tensor, from = 0, to?: number, o: SampleOptions = {}) => {
    const high = to ?? (x.dtype === "float32" ? 2 ** 24 + 1 : x.dtype === "float64" ? 2 ** 53 + 1 : 2 ** 31 - 1);
    if (!(high > from)) throw new ValueError(`random_: to (${high}) must be greater than from (${from})`);
    return rand(x.shape, { generator: genOf(o), dtype: "float64", device: "cpu" }).mul(high - from).floor().add(from);
  },
};

const floatOf = (x: Tensor) => (isFloating(x.dtype) ? x.dtype : "float32");

/** Uniform on (0, 1): never 0, so its log is finite. */
function uniformOpen(x: Tensor, o: SampleOptions): Tensor {
  return rand(x.shape, { generator: genOf(o), dtype: "float64", device: "cpu" }).mul(1 - 2 ** -53).add(2 ** -54);
}
