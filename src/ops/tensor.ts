/**
 * The Tensor: TensorCore (storage view, autograd state, data) plus PyTorch's method sugar over the
 * ops (and backward() over autograd/) — the one documented import cycle (docs/architecture.md): its
 * imports are used only inside method bodies, so ESM resolves the cycle before any method runs.
 */
import type { Backend } from "../backend/backend.js";
import { backendByName, deviceBackend, listBackends } from "../backend/registry.js";
import { TensorCore } from "./tensor-core.js";
import { backward as runBackward, type BackwardOptions } from "../autograd/backward.js";
import * as ew from "./elementwise.js";
import * as mv from "./movement.js";
import * as rd from "./reduce.js";
import * as so from "./sorting.js";
import * as ix from "./indexing.js";
import { matmul, mm, bmm } from "./matmul.js";
import { softmax, logSoftmax } from "./composite/softmax.js";
import { gelu, type GeluApproximate } from "./composite/activations.js";
import * as ar from "./composite/arrange.js";
import * as pr from "./composite/products.js";
import * as mt from "./composite/math.js";
import * as pd from "./composite/predicates.js";
import * as sc from "./composite/scans.js";
import * as ai from "./advanced-index.js";
import * as io from "./composite/index-ops.js";
import * as se from "./composite/selection.js";
import * as tr from "./composite/transcendental.js";
import { updateInPlace } from "./inplace.js";
import { installInPlaceTwins, type InPlaceTwins } from "./tensor-inplace.js";
import { installAliases, type Aliases } from "./tensor-aliases.js";
import { installExtraMethods, type ExtraMethods } from "./tensor-extras.js";
import { DTYPES, checkDType, isForeignDType, type DType } from "../base/dtype.js";
import { DTypeError, ValueError } from "../base/errors.js";

type TensorLike = ew.TensorLike;
type ShapeArgs = mv.ShapeArgs;

export type { TensorData } from "./tensor-core.js";

// Tensor's methods beyond this file: the in-place twins and the extra methods, installed below.
export interface Tensor extends InPlaceTwins, ExtraMethods, Aliases {}

export class Tensor extends TensorCore {
  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    runBackward(this, gradient, options);
  }

  /** The same data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  // ---- dtype and backend ----------------------------------------------------------------------

  /** A dtype cast (`x.to("float64")`) or a copy on a device (`x.to("cpu")`, `x.to("js")`), as PyTorch's to(). */
  to(target: DType | (string & {})): Tensor {
    if ((DTYPES as readonly string[]).includes(target)) return ew.cast(this, target as DType);
    if (typeof target !== "string") throw new DTypeError(`to: expected a dtype (${DTYPES.join(", ")}) or a device name, got ${typeof target}`);
    if (isForeignDType(target)) checkDType(target, "to"); // throws, saying which dtype to use
    if (target !== "cpu" && !listBackends().includes(target)) {
      throw new ValueError(`to: '${target}' is neither a dtype (${DTYPES.join(", ")}) nor a device (cpu, ${listBackends().join(", ")})`);
    }
    return this.toBackend(deviceBackend(target));
  }
  float(): Tensor {
    return ew.cast(this, "float32");
  }
  double(): Tensor {
    return ew.cast(this, "float64");
  }
  int(): Tensor {
    return ew.cast(this, "int32");
  }
  bool(): Tensor {
    return ew.cast(this, "bool");
  }

  /** A copy on another backend (gradients do not flow across backends). */
  toBackend(target: string | Backend): Tensor {
    const b = typeof target === "string" ? backendByName(target) : target;
    if (b === this.backend) return this;
    if (!b.supportsDType(this.dtype)) throw new DTypeError(`backend '${b.name}' does not support dtype ${this.dtype}`);
    return new Tensor(b.fromArray(this.dataSync(), this.dtype), this.shape);
  }

  // ---- in place (outside the graph: optimizer steps, initialisation) --------------------------

  /** Copies src (broadcast to this shape, cast to this dtype) into this tensor's elements. */
  copy_(src: Tensor): this {
    updateInPlace(this, "copy_", [src], () => src);
    return this;
  }
  fill_(value: number): this {
    updateInPlace(this, "fill_", [], () => new Tensor(this.backend.fill(1, value, this.dtype), []));
    return this;
  }
  zero_(): this {
    return this.fill_(0);
  }

  // ---- elementwise ----------------------------------------------------------------------------

  add(other: TensorLike, alpha?: number): Tensor {
    return ew.add(this, scaled(other, alpha));
  }
  sub(other: TensorLike, alpha?: number): Tensor {
    return ew.sub(this, scaled(other, alpha));
  }
  mul(other: TensorLike): Tensor {
    return ew.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return ew.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return ew.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return ew.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return ew.minimum(this, other);
  }
  neg(): Tensor {
    return ew.neg(this);
  }
  abs(): Tensor {
    return ew.abs(this);
  }
  sign(): Tensor {
    return ew.sign(this);
  }
  exp(): Tensor {
    return ew.exp(this);
  }
  log(): Tensor {
    return ew.log(this);
  }
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  sin(): Tensor {
    return ew.sin(this);
  }
  cos(): Tensor {
    return ew.cos(this);
  }
  tanh(): Tensor {
    return ew.tanh(this);
  }
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  relu(): Tensor {
    return ew.relu(this);
  }
  gelu(approximate: GeluApproximate = "none"): Tensor {
    return gelu(this, approximate);
  }
  erf(): Tensor {
    return ew.erf(this);
  }
  floor(): Tensor {
    return ew.floor(this);
  }
  ceil(): Tensor {
    return ew.ceil(this);
  }
  round(): Tensor {
    return ew.round(this);
  }
  square(): Tensor {
    return ew.square(this);
  }
  reciprocal(): Tensor {
    return ew.reciprocal(this);
  }
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return ew.clamp(this, min, max);
  }
  eq(other: TensorLike): Tensor {
    return ew.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return ew.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return ew.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return ew.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return ew.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return ew.ge(this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return ew.logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return ew.logicalOr(this, other);
  }
  logicalXor(other: TensorLike): Tensor {
    return ew.logicalXor(this, other);
  }
  logicalNot(): Tensor {
    return ew.logicalNot(this);
  }
  isnan(): Tensor {
    return ew.isnan(this);
  }
  /** `x.where(cond, y)`: x where cond holds, else y (PyTorch's method form). */
  where(condition: Tensor, other: TensorLike): Tensor {
    return ew.where(condition, this, other);
  }
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return ix.maskedFill(this, mask, value);
  }

  // ---- reductions -----------------------------------------------------------------------------

  sum(dim?: rd.Dims, keepdim = false): Tensor {
    return rd.sum(this, dim, keepdim);
  }
  mean(dim?: rd.Dims, keepdim = false): Tensor {
    return rd.mean(this, dim, keepdim);
  }
  prod(dim?: rd.Dims, keepdim = false): Tensor {
    return rd.prod(this, dim, keepdim);
  }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): rd.ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | rd.ValuesIndices {
    return dim === undefined ? rd.max(this) : rd.max(this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): rd.ValuesIndices;
  min(dim?: number, keepdim = false): Tensor | rd.ValuesIndices {
    return dim === undefined ? rd.min(this) : rd.min(this, dim, keepdim);
  }
  amax(dim?: rd.Dims, keepdim = false): Tensor {
    return rd.amax(this, dim, keepdim);
  }
  /** `const [values, indices] = x.sort(dim, descending)`. */
  sort(dim = -1, descending = false): rd.ValuesIndices {
    return so.sort(this, dim, descending);
  }
  argsort(dim = -1, descending = false): Tensor {
    return so.argsort(this, dim, descending);
  }
  topk(k: number, dim = -1, largest = true, sorted = true): rd.ValuesIndices {
    return so.topk(this, k, dim, largest, sorted);
  }
  kthvalue(k: number, dim = -1, keepdim = false): rd.ValuesIndices {
    return so.kthvalue(this, k, dim, keepdim);
  }
  median(): Tensor;
  median(dim: number, keepdim?: boolean): rd.ValuesIndices;
  median(dim?: number, keepdim = false): Tensor | rd.ValuesIndices {
    return dim === undefined ? so.median(this) : so.median(this, dim, keepdim);
  }
  mode(dim = -1, keepdim = false): rd.ValuesIndices {
    return so.mode(this, dim, keepdim);
  }
  aminmax(dim?: number, keepdim = false): ReturnType<typeof so.aminmax> {
    return so.aminmax(this, dim, keepdim);
  }
  amin(dim?: rd.Dims, keepdim = false): Tensor {
    return rd.amin(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return rd.argmax(this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return rd.argmin(this, dim, keepdim);
  }
  var(dim?: rd.Dims, unbiased = true, keepdim = false): Tensor {
    return rd.variance(this, dim, unbiased, keepdim);
  }
  std(dim?: rd.Dims, unbiased = true, keepdim = false): Tensor {
    return rd.std(this, dim, unbiased, keepdim);
  }
  logsumexp(dim: rd.Dims, keepdim = false): Tensor {
    return rd.logsumexp(this, dim, keepdim);
  }
  softmax(dim: number): Tensor {
    return softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return logSoftmax(this, dim);
  }

  // ---- shape and layout -----------------------------------------------------------------------

  reshape(...shape: ShapeArgs): Tensor {
    return mv.reshape(this, mv.shapeArg(shape));
  }
  view(...shape: ShapeArgs): Tensor {
    return mv.view(this, mv.shapeArg(shape));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return mv.flatten(this, startDim, endDim);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return mv.unflatten(this, dim, sizes);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return mv.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return mv.unsqueeze(this, dim);
  }
  permute(...dims: ShapeArgs): Tensor {
    return mv.permute(this, mv.shapeArg(dims));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return mv.transpose(this, dim0, dim1);
  }
  t(): Tensor {
    return mv.t(this);
  }
  /** The transpose of a matrix (PyTorch's `.T` for 2-D tensors). */
  get T(): Tensor {
    return mv.t(this);
  }
  expand(...shape: ShapeArgs): Tensor {
    return mv.expand(this, mv.shapeArg(shape));
  }
  expandAs(other: Tensor): Tensor {
    return mv.expand(this, other.shape);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return mv.expand(this, shape);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return mv.narrow(this, dim, start, length);
  }
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return mv.slice(this, dim, start, end, step);
  }
  select(dim: number, index: number): Tensor {
    return mv.select(this, dim, index);
  }
  contiguous(): Tensor {
    return mv.contiguous(this);
  }
  clone(): Tensor {
    return mv.clone(this);
  }
  split(sizes: number | readonly number[], dim = 0): Tensor[] {
    return mv.split(this, sizes, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return mv.chunk(this, chunks, dim);
  }
  repeat(...sizes: ShapeArgs): Tensor {
    return mv.repeat(this, mv.shapeArg(sizes));
  }

  // ---- products and indexing ------------------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return bmm(this, other);
  }
  gather(dim: number, index: Tensor): Tensor {
    return ix.gather(this, dim, index);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return ix.scatterAdd(this, dim, index, src);
  }

  nonzero(): Tensor {
    return ix.nonzero(this);
  }

  scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: ix.ScatterReduction, opts?: { includeSelf?: boolean }): Tensor {
    return ix.scatterReduce(this, dim, index, src, reduce, opts);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return ix.indexSelect(this, dim, index);
  }

  // ---- indexing as x[…] (ops/advanced-index.ts) ----------------------------------------------

  /** x[...items]: integers, tg.slice(…) or "start:stop:step", null (new axis), "...", int or bool tensors. */
  index(...items: ai.IndexItem[]): Tensor {
    return ai.index(this, ...items);
  }
  /** x[...items] = value, in place (outside the graph); accumulate adds instead (index_put_'s accumulate). */
  set(items: ai.IndexItem | readonly ai.IndexItem[], value: TensorLike, accumulate = false): this {
    ai.setIndex(this, Array.isArray(items) ? items : [items as ai.IndexItem], value, accumulate);
    return this;
  }
  /** PyTorch's index_put_: tensors index the leading dims; values are written (or added) in place. */
  indexPut_(indices: readonly Tensor[], values: TensorLike, accumulate = false): this {
    ai.setIndex(this, indices, values, accumulate);
    return this;
  }
  indexPut(indices: readonly Tensor[], values: TensorLike, accumulate = false): Tensor {
    return ai.indexPut(this, indices, values, accumulate);
  }

  maskedSelect(mask: Tensor): Tensor {
    return io.maskedSelect(this, mask);
  }
  maskedScatter(mask: Tensor, source: Tensor): Tensor {
    return io.maskedScatter(this, mask, source);
  }
  take(indices: Tensor): Tensor {
    return io.take(this, indices);
  }
  takeAlongDim(indices: Tensor, dim?: number): Tensor {
    return io.takeAlongDim(this, indices, dim);
  }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return io.scatter(this, dim, index, src);
  }
  indexAdd(dim: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
    return io.indexAdd(this, dim, index, source, alpha);
  }
  indexCopy(dim: number, index: Tensor, source: Tensor): Tensor {
    return io.indexCopy(this, dim, index, source);
  }
  indexFill(dim: number, index: Tensor, value: TensorLike): Tensor {
    return io.indexFill(this, dim, index, value);
  }
  // In place (outside the graph, as the other in-place ops).
  maskedFill_(mask: Tensor, value: TensorLike): this {
    return this.copy_(ix.maskedFill(this, mask, value));
  }
  maskedScatter_(mask: Tensor, source: Tensor): this {
    return this.copy_(io.maskedScatter(this, mask, source));
  }
  scatter_(dim: number, index: Tensor, src: Tensor | number): this {
    return this.copy_(io.scatter(this, dim, index, src));
  }
  indexAdd_(dim: number, index: Tensor, source: Tensor, alpha = 1): this {
    return this.copy_(io.indexAdd(this, dim, index, source, alpha));
  }
  indexCopy_(dim: number, index: Tensor, source: Tensor): this {
    return this.copy_(io.indexCopy(this, dim, index, source));
  }
  indexFill_(dim: number, index: Tensor, value: TensorLike): this {
    return this.copy_(io.indexFill(this, dim, index, value));
  }

  // ---- rearranging (ops/composite/arrange.ts) -------------------------------------------------

  flip(dims: number | readonly number[]): Tensor {
    return ar.flip(this, dims);
  }
  fliplr(): Tensor {
    return ar.fliplr(this);
  }
  flipud(): Tensor {
    return ar.flipud(this);
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return ar.roll(this, shifts, dims);
  }
  rot90(k = 1, dims: readonly [number, number] = [0, 1]): Tensor {
    return ar.rot90(this, k, dims);
  }
  tril(diagonal = 0): Tensor {
    return ar.tril(this, diagonal);
  }
  triu(diagonal = 0): Tensor {
    return ar.triu(this, diagonal);
  }
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor {
    return ar.diagonal(this, offset, dim1, dim2);
  }
  diag(diagonal = 0): Tensor {
    return ar.diag(this, diagonal);
  }
  diagEmbed(offset = 0, dim1 = -2, dim2 = -1): Tensor {
    return ar.diagEmbed(this, offset, dim1, dim2);
  }
  trace(): Tensor {
    return ar.trace(this);
  }
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return ar.movedim(this, source, destination);
  }
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return ar.movedim(this, source, destination);
  }
  swapaxes(axis0: number, axis1: number): Tensor {
    return mv.transpose(this, axis0, axis1);
  }
  swapdims(dim0: number, dim1: number): Tensor {
    return mv.transpose(this, dim0, dim1);
  }
  tile(reps: readonly number[]): Tensor {
    return ar.tile(this, reps);
  }
  unbind(dim = 0): Tensor[] {
    return ar.unbind(this, dim);
  }
  tensorSplit(indicesOrSections: number | readonly number[], dim = 0): Tensor[] {
    return ar.tensorSplit(this, indicesOrSections, dim);
  }
  hsplit(indicesOrSections: number | readonly number[]): Tensor[] {
    return ar.hsplit(this, indicesOrSections);
  }
  vsplit(indicesOrSections: number | readonly number[]): Tensor[] {
    return ar.vsplit(this, indicesOrSections);
  }
  dsplit(indicesOrSections: number | readonly number[]): Tensor[] {
    return ar.dsplit(this, indicesOrSections);
  }
  ravel(): Tensor {
    return ar.ravel(this);
  }
  repeatInterleave(repeats: number | Tensor, dim?: number): Tensor {
    return ar.repeatInterleave(this, repeats, dim);
  }
  kron(other: Tensor): Tensor {
    return ar.kron(this, other);
  }

  // ---- products (ops/composite/products.ts) ---------------------------------------------------

  dot(other: Tensor): Tensor {
    return pr.dot(this, other);
  }
  inner(other: Tensor): Tensor {
    return pr.inner(this, other);
  }
  outer(other: Tensor): Tensor {
    return pr.outer(this, other);
  }
  mv(vec: Tensor): Tensor {
    return pr.mv(this, vec);
  }
  addmm(m1: Tensor, m2: Tensor, options?: pr.ScaleOptions): Tensor {
    return pr.addmm(this, m1, m2, options);
  }
  baddbmm(b1: Tensor, b2: Tensor, options?: pr.ScaleOptions): Tensor {
    return pr.baddbmm(this, b1, b2, options);
  }
  addbmm(b1: Tensor, b2: Tensor, options?: pr.ScaleOptions): Tensor {
    return pr.addbmm(this, b1, b2, options);
  }
  addmv(mat: Tensor, vec: Tensor, options?: pr.ScaleOptions): Tensor {
    return pr.addmv(this, mat, vec, options);
  }
  addr(v1: Tensor, v2: Tensor, options?: pr.ScaleOptions): Tensor {
    return pr.addr(this, v1, v2, options);
  }

  // ---- transcendental functions (ops/composite/transcendental.ts) ---------------------------

  log1p(): Tensor {
    return tr.log1p(this);
  }
  expm1(): Tensor {
    return tr.expm1(this);
  }
  log2(): Tensor {
    return tr.log2(this);
  }
  log10(): Tensor {
    return tr.log10(this);
  }
  tan(): Tensor {
    return tr.tan(this);
  }
  atan(): Tensor {
    return tr.atan(this);
  }
  asin(): Tensor {
    return tr.asin(this);
  }
  acos(): Tensor {
    return tr.acos(this);
  }
  asinh(): Tensor {
    return tr.asinh(this);
  }
  acosh(): Tensor {
    return tr.acosh(this);
  }
  atanh(): Tensor {
    return tr.atanh(this);
  }
  sinc(): Tensor {
    return tr.sinc(this);
  }
  signbit(): Tensor {
    return tr.signbit(this);
  }
  arcsin(): Tensor {
    return tr.asin(this);
  }
  arccos(): Tensor {
    return tr.acos(this);
  }
  arctan(): Tensor {
    return tr.atan(this);
  }
  arcsinh(): Tensor {
    return tr.asinh(this);
  }
  arccosh(): Tensor {
    return tr.acosh(this);
  }
  arctanh(): Tensor {
    return tr.atanh(this);
  }
  atan2(other: TensorLike): Tensor {
    return tr.atan2(this, other);
  }
  arctan2(other: TensorLike): Tensor {
    return tr.atan2(this, other);
  }
  logit(eps?: number | null): Tensor {
    return tr.logit(this, eps);
  }
  copysign(other: TensorLike): Tensor {
    return tr.copysign(this, other);
  }
  ldexp(other: TensorLike): Tensor {
    return tr.ldexp(this, other);
  }

  // ---- elementwise maths (ops/composite/math.ts) ----------------------------------------------

  trunc(): Tensor {
    return mt.trunc(this);
  }
  fix(): Tensor {
    return mt.trunc(this);
  }
  frac(): Tensor {
    return mt.frac(this);
  }
  fmod(other: TensorLike): Tensor {
    return mt.fmod(this, other);
  }
  remainder(other: TensorLike): Tensor {
    return mt.remainder(this, other);
  }
  floorDivide(other: TensorLike): Tensor {
    return mt.floorDivide(this, other);
  }
  lerp(end: Tensor, weight: Tensor | number): Tensor {
    return mt.lerp(this, end, weight);
  }
  addcmul(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return mt.addcmul(this, t1, t2, value);
  }
  addcdiv(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return mt.addcdiv(this, t1, t2, value);
  }
  hypot(other: TensorLike): Tensor {
    return mt.hypot(this, other);
  }
  xlogy(other: Tensor | number): Tensor {
    return mt.xlogy(this, other);
  }
  heaviside(values: TensorLike): Tensor {
    return mt.heaviside(this, values);
  }
  logaddexp(other: TensorLike): Tensor {
    return mt.logaddexp(this, other);
  }
  logaddexp2(other: TensorLike): Tensor {
    return mt.logaddexp2(this, other);
  }
  exp2(): Tensor {
    return mt.exp2(this);
  }
  sinh(): Tensor {
    return mt.sinh(this);
  }
  cosh(): Tensor {
    return mt.cosh(this);
  }
  deg2rad(): Tensor {
    return mt.deg2rad(this);
  }
  rad2deg(): Tensor {
    return mt.rad2deg(this);
  }
  clampMin(min: TensorLike): Tensor {
    return mt.clampMin(this, min);
  }
  clampMax(max: TensorLike): Tensor {
    return mt.clampMax(this, max);
  }
  nanToNum(options?: { nan?: number; posinf?: number; neginf?: number }): Tensor {
    return mt.nanToNum(this, options);
  }
  isfinite(): Tensor {
    return mt.isfinite(this);
  }
  isinf(): Tensor {
    return mt.isinf(this);
  }
  isposinf(): Tensor {
    return mt.isposinf(this);
  }
  isneginf(): Tensor {
    return mt.isneginf(this);
  }

  // ---- scans (ops/composite/scans.ts) ---------------------------------------------------------

  cumsum(dim: number): Tensor {
    return sc.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return sc.cumprod(this, dim);
  }
  logcumsumexp(dim: number): Tensor {
    return sc.logcumsumexp(this, dim);
  }
  diff(n = 1, dim = -1, options?: { prepend?: Tensor; append?: Tensor }): Tensor {
    return sc.diff(this, n, dim, options);
  }

  // ---- sorting and counting (ops/composite/selection.ts) --------------------------------------

  unique(options?: se.UniqueOptions): se.UniqueResult {
    return se.unique(this, options);
  }
  uniqueConsecutive(options?: Omit<se.UniqueOptions, "sorted">): se.UniqueResult {
    return se.uniqueConsecutive(this, options);
  }
  bincount(options?: { weights?: Tensor | null; minlength?: number }): Tensor {
    return se.bincount(this, options);
  }
  histc(options?: { bins?: number; min?: number; max?: number }): Tensor {
    return se.histc(this, options);
  }
  msort(): Tensor {
    return se.msort(this);
  }
  nanmedian(dim?: number, keepdim = false): Tensor | rd.ValuesIndices {
    return se.nanmedian(this, dim, keepdim);
  }
  quantile(q: number | Tensor, dim?: number, options?: { keepdim?: boolean; interpolation?: se.QuantileInterpolation }): Tensor {
    return se.quantile(this, q, dim, options);
  }
  nanquantile(q: number | Tensor, dim?: number, options?: { keepdim?: boolean; interpolation?: se.QuantileInterpolation }): Tensor {
    return se.nanquantile(this, q, dim, options);
  }

  // ---- tests and NaN-skipping reductions (ops/composite/predicates.ts) ----------------------

  all(dim?: number | readonly number[], keepdim = false): Tensor {
    return pd.all(this, dim, keepdim);
  }
  any(dim?: number | readonly number[], keepdim = false): Tensor {
    return pd.any(this, dim, keepdim);
  }
  countNonzero(dim?: number | readonly number[]): Tensor {
    return pd.countNonzero(this, dim);
  }
  nansum(dim?: number | readonly number[], keepdim = false): Tensor {
    return pd.nansum(this, dim, keepdim);
  }
  nanmean(dim?: number | readonly number[], keepdim = false): Tensor {
    return pd.nanmean(this, dim, keepdim);
  }
  isclose(other: Tensor, options?: pd.CloseOptions): Tensor {
    return pd.isclose(this, other, options);
  }
  allclose(other: Tensor, options?: pd.CloseOptions): boolean {
    return pd.allclose(this, other, options);
  }
  equal(other: Tensor): boolean {
    return pd.equal(this, other);
  }
  /** The tensor itself (PyTorch's unary plus). */
  positive(): Tensor {
    return this;
  }
}

/** other·alpha for add/sub's `alpha` argument. */
function scaled(other: TensorLike, alpha: number | undefined): TensorLike {
  if (alpha === undefined) return other;
  return other instanceof Tensor ? ew.mul(other, alpha) : Number(other) * alpha;
}

installExtraMethods(Tensor.prototype);
installAliases(Tensor.prototype);
installInPlaceTwins(Tensor.prototype);
