/**
 * More of torch.Tensor's methods — special functions, bitwise ops, norms, statistics, scatter
 * twins, sampling and in-place fills, dtype and metadata helpers — as sugar over the op functions,
 * installed on Tensor.prototype by ops/tensor.ts and typed by the interface below, which Tensor
 * extends. (ops/tensor.ts holds the first, larger set; this file keeps it from growing further.)
 */
import type { Tensor } from "./tensor.js";
import { DTYPES, type DType, type AnyTypedArray } from "../base/dtype.js";
import { ShapeError, fmtShape } from "../base/errors.js";
import { numel } from "../base/shape.js";
import * as ew from "./elementwise.js";
import * as sp from "./composite/special.js";
import * as nb from "./composite/number-bits.js";
import * as mt from "./composite/math.js";
import * as sc from "./composite/scans.js";
import * as st from "./composite/statistics.js";
import * as nm from "./composite/norms.js";
import * as as from "./composite/assemble.js";
import * as rn from "./random.js";
import * as la from "./linalg/solve.js";
import * as lf from "./linalg/factorizations.js";
import * as tf from "./linalg/torch-forms.js";
import { hardshrink } from "./composite/activations.js";
import { nonzero, indexSelect } from "./indexing.js";
import { emptyStrided, full, tensor, type NestedArray } from "./creation.js";
import { arange } from "./creation.js";
import { sum } from "./reduce.js";
import { movedim } from "./composite/arrange.js";
import { setIndex } from "./advanced-index.js";
import { updateInPlace } from "./inplace.js";
import { deviceBackend } from "../backend/registry.js";
import type { ValuesIndices } from "./reduce.js";
import type { TensorLike } from "./elementwise.js";

type FillOptions = rn.SampleOptions;

export interface ExtraMethods {
  erfc(): Tensor;
  erfinv(): Tensor;
  lgamma(): Tensor;
  digamma(): Tensor;
  polygamma(n: number): Tensor;
  mvlgamma(p: number): Tensor;
  i0(): Tensor;
  /** This tensor is a: P(a, other). */
  igamma(other: Tensor): Tensor;
  igammac(other: Tensor): Tensor;
  bitwiseAnd(other: TensorLike): Tensor;
  bitwiseOr(other: TensorLike): Tensor;
  bitwiseXor(other: TensorLike): Tensor;
  bitwiseLeftShift(other: TensorLike): Tensor;
  bitwiseRightShift(other: TensorLike): Tensor;
  bitwiseNot(): Tensor;
  floatPower(exponent: TensorLike): Tensor;
  fmax(other: Tensor): Tensor;
  fmin(other: Tensor): Tensor;
  gcd(other: TensorLike): Tensor;
  lcm(other: TensorLike): Tensor;
  nextafter(other: TensorLike): Tensor;
  frexp(): ReturnType<typeof nb.frexp>;
  cummax(dim: number): ValuesIndices;
  cummin(dim: number): ValuesIndices;
  cov(options?: st.CovOptions): Tensor;
  corrcoef(): Tensor;
  histogram(bins?: number | Tensor, options?: st.HistogramOptions): [hist: Tensor, binEdges: Tensor];
  dist(other: Tensor, p?: number): Tensor;
  norm(p?: number | "fro" | "nuc", dim?: number | readonly number[], keepdim?: boolean): Tensor;
  renorm(p: number, dim: number, maxnorm: number): Tensor;
  cross(other: Tensor, dim?: number): Tensor;
  vdot(other: Tensor): Tensor;
  diagflat(offset?: number): Tensor;
  selectScatter(src: Tensor, dim: number, index: number): Tensor;
  sliceScatter(src: Tensor, dim?: number, start?: number | null, end?: number | null, step?: number): Tensor;
  diagonalScatter(src: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor;
  indexReduce(dim: number, index: Tensor, source: Tensor, reduce: "prod" | "mean" | "amax" | "amin", options?: { includeSelf?: boolean }): Tensor;
  put(index: Tensor, source: Tensor, accumulate?: boolean): Tensor;
  asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
  asStridedScatter(src: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
  argwhere(): Tensor;
  hardshrink(lambd?: number): Tensor;
  det(): Tensor;
  inverse(): Tensor;
  logdet(): Tensor;
  slogdet(): ReturnType<typeof la.slogdet>;
  matrixPower(n: number): Tensor;
  matrixExp(): Tensor;
  /** torch.svd's form: [U, S, V], reduced when some. */
  svd(some?: boolean): ReturnType<typeof tf.svd>;
  pinverse(rcond?: number): Tensor;
  /** This tensor is B; factor is A's Cholesky factor. */
  choleskySolve(factor: Tensor, upper?: boolean): Tensor;
  /** This tensor is the Cholesky factor. */
  choleskyInverse(upper?: boolean): Tensor;
  /** This tensor is B; solves A·X = B for triangular A. */
  triangularSolve(a: Tensor, upper?: boolean, transpose?: boolean, unitriangular?: boolean): ReturnType<typeof tf.triangularSolve>;
  orgqr(tau: Tensor): Tensor;
  geqrf(): ReturnType<typeof lf.geqrf>;
  /** This tensor is geqrf's packed a. */
  ormqr(tau: Tensor, other: Tensor, left?: boolean, transpose?: boolean): Tensor;
  /** Whether the dtype is float32 or float64. */
  isFloatingPoint(): boolean;
  /** Whether the dtype holds negative numbers (every dtype but bool). */
  isSigned(): boolean;
  ndimension(): number;
  nelement(): number;
  /** Bytes per element. */
  elementSize(): number;
  stride(): number[];
  stride(dim: number): number;
  reshapeAs(other: Tensor): Tensor;
  viewAs(other: Tensor): Tensor;
  typeAs(other: Tensor): Tensor;
  /** The dtype's name without an argument; a cast with one. */
  type(): DType;
  type(dtype: DType): Tensor;
  /** int32, tensorgrad's integer dtype (PyTorch's int64). */
  long(): Tensor;
  /** This tensor on the default CPU backend. */
  cpu(): Tensor;
  /** to() for any device: a copy from the GPU is read asynchronously (`await x.toAsync("cpu")`). */
  toAsync(target: DType | (string & {})): Promise<Tensor>;
  /** A typed array of the elements, row-major (a copy: tensorgrad never shares memory with the caller). */
  numpy(): AnyTypedArray;
  /** The elements as a typed array, row-major (a copy). */
  toArray(): AnyTypedArray;
  /** Summed down to `shape`, which this tensor's shape broadcasts from (the reverse of expand). */
  sumToSize(...shape: number[] | [readonly number[]]): Tensor;
  /** The windows of `size` elements every `step` along dim, as a new last dim. */
  unfold(dimension: number, size: number, step: number): Tensor;
  newZeros(shape: readonly number[]): Tensor;
  newOnes(shape: readonly number[]): Tensor;
  newFull(shape: readonly number[], value: number): Tensor;
  newEmpty(shape: readonly number[]): Tensor;
  newEmptyStrided(shape: readonly number[], strides: readonly number[]): Tensor;
  newTensor(data: NestedArray | ArrayLike<number>): Tensor;
  bernoulli(options?: FillOptions & { p?: number }): Tensor;
  multinomial(numSamples: number, replacement?: boolean, options?: FillOptions): Tensor;
  uniform_(from?: number, to?: number, options?: FillOptions): Tensor;
  normal_(mean?: number, std?: number, options?: FillOptions): Tensor;
  logNormal_(mean?: number, std?: number, options?: FillOptions): Tensor;
  exponential_(lambd?: number, options?: FillOptions): Tensor;
  cauchy_(median?: number, sigma?: number, options?: FillOptions): Tensor;
  geometric_(p: number, options?: FillOptions): Tensor;
  bernoulli_(p?: number | Tensor, options?: FillOptions): Tensor;
  random_(from?: number, to?: number, options?: FillOptions): Tensor;
  /** Writes value on the main diagonal (all dims equal, or 2-D; wrap continues down a tall matrix). */
  fillDiagonal_(value: number, wrap?: boolean): Tensor;
  /** Makes this tensor a leaf that needs no gradient, cut from the graph that made it. */
  detach_(): Tensor;
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

// Draws made on the CPU (the float64 ones) take the tensor's dtype and move to its device.
const fill = (self: Tensor, op: string, draw: () => Tensor): Tensor => updateInPlace(self, op, [], () => draw().to(self.dtype).toBackend(self.backend));

const METHODS: { [K in keyof ExtraMethods]: (this: Tensor, ...args: never[]) => unknown } = {
  erfc() { return sp.erfc(this); },
  erfinv() { return sp.erfinv(this); },
  lgamma() { return sp.lgamma(this); },
  digamma() { return sp.digamma(this); },
  polygamma(n: number) { return sp.polygamma(n, this); },
  mvlgamma(p: number) { return sp.mvlgamma(this, p); },
  i0() { return sp.i0(this); },
  igamma(other: Tensor) { return sp.igamma(this, other); },
  igammac(other: Tensor) { return sp.igammac(this, other); },
  bitwiseAnd(other: TensorLike) { return ew.bitwiseAnd(this, other); },
  bitwiseOr(other: TensorLike) { return ew.bitwiseOr(this, other); },
  bitwiseXor(other: TensorLike) { return ew.bitwiseXor(this, other); },
  bitwiseLeftShift(other: TensorLike) { return ew.bitwiseLeftShift(this, other); },
  bitwiseRightShift(other: TensorLike) { return ew.bitwiseRightShift(this, other); },
  bitwiseNot() { return ew.bitwiseNot(this); },
  floatPower(exponent: TensorLike) { return mt.floatPower(this, exponent); },
  fmax(other: Tensor) { return mt.fmax(this, other); },
  fmin(other: Tensor) { return mt.fmin(this, other); },
  gcd(other: TensorLike) { return nb.gcd(this, other); },
  lcm(other: TensorLike) { return nb.lcm(this, other); },
  nextafter(other: TensorLike) { return nb.nextafter(this, other); },
  frexp() { return nb.frexp(this); },
  cummax(dim: number) { return sc.cummax(this, dim); },
  cummin(dim: number) { return sc.cummin(this, dim); },
  cov(options?: st.CovOptions) { return st.cov(this, options); },
  corrcoef() { return st.corrcoef(this); },
  histogram(bins?: number | Tensor, options?: st.HistogramOptions) { return st.histogram(this, bins, options); },
  dist(other: Tensor, p?: number) { return nm.dist(this, other, p); },
  norm(p?: number | "fro" | "nuc", dim?: number | readonly number[], keepdim?: boolean) { return nm.norm(this, p, dim, keepdim); },
  renorm(p: number, dim: number, maxnorm: number) { return nm.renorm(this, p, dim, maxnorm); },
  cross(other: Tensor, dim?: number) { return as.cross(this, other, dim); },
  vdot(other: Tensor) { return as.vdot(this, other); },
  diagflat(offset?: number) { return as.diagflat(this, offset); },
  selectScatter(src: Tensor, dim: number, index: number) { return as.selectScatter(this, src, dim, index); },
  sliceScatter(src: Tensor, dim?: number, start?: number | null, end?: number | null, step?: number) { return as.sliceScatter(this, src, dim, start, end, step); },
  diagonalScatter(src: Tensor, offset?: number, dim1?: number, dim2?: number) { return as.diagonalScatter(this, src, offset, dim1, dim2); },
  indexReduce(dim: number, index: Tensor, source: Tensor, reduce: "prod" | "mean" | "amax" | "amin", options?: { includeSelf?: boolean }) {
    return as.indexReduce(this, dim, index, source, reduce, options);
  },
  put(index: Tensor, source: Tensor, accumulate?: boolean) { return as.put(this, index, source, accumulate); },
  asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number) { return as.asStrided(this, size, stride, storageOffset); },
  asStridedScatter(src: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number) { return as.asStridedScatter(this, src, size, stride, storageOffset); },
  argwhere() { return nonzero(this); },
  hardshrink(lambd?: number) { return hardshrink(this, lambd); },
  det() { return la.det(this); },
  inverse() { return la.inv(this); },
  logdet() { return la.logdet(this); },
  slogdet() { return la.slogdet(this); },
  matrixPower(n: number) { return la.matrixPower(this, n); },
  matrixExp() { return lf.matrixExp(this); },
  svd(some?: boolean) { return tf.svd(this, some); },
  pinverse(rcond?: number) { return tf.pinverse(this, rcond); },
  choleskySolve(factor: Tensor, upper?: boolean) { return tf.choleskySolve(this, factor, upper); },
  choleskyInverse(upper?: boolean) { return tf.choleskyInverse(this, upper); },
  triangularSolve(a: Tensor, upper?: boolean, transpose?: boolean, unitriangular?: boolean) { return tf.triangularSolve(this, a, upper, transpose, unitriangular); },
  orgqr(tau: Tensor) { return lf.householderProduct(this, tau); },
  geqrf() { return lf.geqrf(this); },
  ormqr(tau: Tensor, other: Tensor, left?: boolean, transpose?: boolean) { return lf.ormqr(this, tau, other, { left, transpose }); },
  isFloatingPoint() { return this.dtype === "float32" || this.dtype === "float64"; },
  isSigned() { return this.dtype !== "bool"; },
  ndimension() { return this.ndim; },
  nelement() { return this.numel(); },
  elementSize() { return BYTES[this.dtype]; },
  stride(dim?: number) { return dim === undefined ? [...this.strides] : this.strides[dim < 0 ? dim + this.ndim : dim]; },
  reshapeAs(other: Tensor) { return this.reshape([...other.shape]); },
  viewAs(other: Tensor) { return this.view([...other.shape]); },
  typeAs(other: Tensor) { return ew.cast(this, other.dtype); },
  type(dtype?: DType) { return dtype === undefined ? this.dtype : this.to(dtype); },
  long() { return ew.cast(this, "int32"); },
  cpu() { return this.to("cpu"); },
  async toAsync(target: DType | (string & {})) {
    if (!this.backend.read || (DTYPES as readonly string[]).includes(target)) return this.to(target);
    const b = deviceBackend(target);
    return b === this.backend ? this : tensor(await this.data(), { dtype: this.dtype, shape: [...this.shape], device: b });
  },
  numpy() { return this.contiguous().dataSync(); },
  toArray() { return this.contiguous().dataSync(); },
  sumToSize(...args: number[] | [readonly number[]]) {
    const shape = Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
    const lead = this.ndim - shape.length;
    const fits = lead >= 0 && shape.every((s, k) => s === this.shape[lead + k] || s === 1);
    if (!fits) throw new ShapeError(`sumToSize: shape ${fmtShape(shape)} is not expandable to ${fmtShape(this.shape)}`);
    const dims = this.shape.map((s, k) => k).filter((k) => k < lead || (shape[k - lead] === 1 && this.shape[k] !== 1));
    return dims.length === 0 ? this : sum(this, dims, true).reshape(shape);
  },
  unfold(dimension: number, size: number, step: number) {
    const d = dimension < 0 ? dimension + this.ndim : dimension;
    const n = this.ndim === 0 ? 1 : this.shape[d]!;
    if (!(Number.isInteger(size) && size >= 0 && size <= n)) throw new ShapeError(`unfold: size ${size} must be in [0, ${n}] for dim ${d}`);
    if (!(Number.isInteger(step) && step > 0)) throw new ShapeError(`unfold: step must be a positive integer, got ${step}`);
    const count = Math.floor((n - size) / step) + 1;
    const device = this.backend;
    const starts = arange(0, count, 1, { dtype: "int32", device }).mul(step).reshape([count, 1]);
    const positions = starts.add(arange(0, size, 1, { dtype: "int32", device }).reshape([1, size])).reshape([-1]);
    const src = this.ndim === 0 ? this.reshape([1]) : this;
    const picked = indexSelect(src, d, positions);
    const split = picked.reshape([...src.shape.slice(0, d), count, size, ...src.shape.slice(d + 1)]);
    return this.ndim === 0 ? split.reshape([size]) : movedim(split, d + 1, -1);
  },
  newZeros(shape: readonly number[]) { return full(shape, 0, { dtype: this.dtype }).toBackend(this.backend); },
  newOnes(shape: readonly number[]) { return full(shape, 1, { dtype: this.dtype }).toBackend(this.backend); },
  newFull(shape: readonly number[], value: number) { return full(shape, value, { dtype: this.dtype }).toBackend(this.backend); },
  newEmpty(shape: readonly number[]) { return full(shape, 0, { dtype: this.dtype }).toBackend(this.backend); },
  newEmptyStrided(shape: readonly number[], strides: readonly number[]) { return emptyStrided(shape, strides, { dtype: this.dtype }); },
  newTensor(data: NestedArray | ArrayLike<number>) { return tensor(data as NestedArray, { dtype: this.dtype }).toBackend(this.backend); },
  bernoulli(options?: FillOptions & { p?: number }) { return rn.bernoulli(this, options); },
  multinomial(numSamples: number, replacement?: boolean, options?: FillOptions) { return rn.multinomial(this, numSamples, replacement, options); },
  uniform_(from?: number, to?: number, o?: FillOptions) { return fill(this, "uniform_", () => rn.fills.uniform(this, from, to, o)); },
  normal_(mean?: number, std?: number, o?: FillOptions) { return fill(this, "normal_", () => rn.fills.normal(this, mean, std, o)); },
  logNormal_(mean?: number, std?: number, o?: FillOptions) { return fill(this, "logNormal_", () => rn.fills.logNormal(this, mean, std, o)); },
  exponential_(lambd?: number, o?: FillOptions) { return fill(this, "exponential_", () => rn.fills.exponential(this, lambd, o)); },
  cauchy_(median?: number, sigma?: number, o?: FillOptions) { return fill(this, "cauchy_", () => rn.fills.cauchy(this, median, sigma, o)); },
  geometric_(p: number, o?: FillOptions) { return fill(this, "geometric_", () => rn.fills.geometric(this, p, o)); },
  bernoulli_(p?: number | Tensor, o?: FillOptions) { return fill(this, "bernoulli_", () => rn.fills.bernoulli(this, p, o)); },
  random_(from?: number, to?: number, o?: FillOptions) { return fill(this, "random_", () => rn.fills.random(this, from, to, o)); },
  fillDiagonal_(value: number, wrap = false) {
    if (this.ndim < 2) throw new ShapeError(`fillDiagonal_: needs at least 2 dims, got shape ${fmtShape(this.shape)}`);
    if (this.ndim > 2 && this.shape.some((s) => s !== this.shape[0])) throw new ShapeError(`fillDiagonal_: all dims must be equal beyond 2-D, got shape ${fmtShape(this.shape)}`);
    const total = numel(this.shape);
    const cols = this.shape[this.ndim - 1]!;
    // The flat step between diagonal elements: C + 1 for a matrix, 1 + n + … + n^(d−1) for a cube.
    let stepSize = cols + 1;
    if (this.ndim > 2) for (let k = 2, power = cols * cols; k < this.ndim; k++, power *= cols) stepSize += power;
    const end = wrap || this.ndim > 2 ? total : Math.min(this.shape[0]!, cols) * cols;
    const positions: number[] = [];
    for (let p = 0; p < end; p += stepSize) positions.push(p);
    const flat = this.reshape([-1]);
    if (flat.storage !== this.storage) throw new ShapeError("fillDiagonal_: the tensor must be contiguous");
    setIndex(flat, [tensor(positions, { dtype: "int32" })], value);
    return this;
  },
  detach_() {
    this.gradFn = null;
    this.requiresGrad = false;
    return this;
  },
};

/** Defines the methods on the prototype (non-enumerable, like class methods). */
export function installExtraMethods(prototype: Tensor): void {
  for (const [name, value] of Object.entries(METHODS)) {
    Object.defineProperty(prototype, name, { configurable: true, writable: true, value });
  }
}
