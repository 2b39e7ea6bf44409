/**
 * PyTorch's other indexing ops, written with x.index / indexPut (ops/advanced-index.ts), gather
 * and movedim, so their gradients come from those: maskedSelect, maskedScatter, take,
 * takeAlongDim, scatter (replacing), indexAdd, indexCopy, indexFill.
 */
import { DTypeError, IndexError, ShapeError, fmtShape } from "../../base/errors.js";
import { broadcastShapes, normalizeDim } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import { index, indexPut } from "../advanced-index.js";
import { arange, tensor } from "../creation.js";
import { mul, where, type TensorLike } from "../elementwise.js";
import { gather } from "../indexing.js";
import { expand, flatten, reshape } from "../movement.js";
import { movedim } from "./arrange.js";
import { cumsum } from "./scans.js";
import { refuseIfAny } from "../deferred-check.js";

function checkMask(op: string, mask: Tensor): void {
  if (mask.dtype !== "bool") throw new DTypeError(`${op}: mask must be a bool tensor, got ${mask.dtype} of shape ${fmtShape(mask.shape)}`);
}

/** The elements where mask (broadcast with x) is true, as a 1-D tensor in row-major order. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkMask("maskedSelect", mask);
  const shape = broadcastShapes([x.shape, mask.shape], "maskedSelect");
  return index(expand(x, shape), expand(mask, shape));
}

/**
 * x with the positions where mask is true filled, in row-major order, by source's first elements:
 * each true position takes the source element its running count of trues names, so that nothing
 * depends on reading the mask (a GPU's reads are asynchronous).
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  checkMask("maskedScatter", mask);
  const m = flatten(expand(mask, x.shape));
  const src = flatten(source);
  const count = m.int().sum().reshape(1);
  refuseIfAny(count.gt(src.numel()), `maskedScatter: the mask selects {value} elements, but source has only ${src.numel()}`, count);
  if (src.numel() === 0) return x.clone();
  const position = cumsum(m.int(), 0).sub(1).clamp(0, src.numel() - 1);
  return where(m, gather(src, 0, position).to(x.dtype), flatten(x)).reshape(x.shape);
}

/** The elements of x (as if flattened) at the indices, in the indices' shape. */
export function take(x: Tensor, indices: Tensor): Tensor {
  return index(flatten(x), indices);
}

/** gather with broadcasting: the elements of x along dim at indices (or of flattened x when dim is absent). */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number): Tensor {
  if (dim === undefined) return index(flatten(x), flatten(indices));
  const d = normalizeDim(dim, x.ndim, "takeAlongDim");
  if (indices.ndim !== x.ndim) throw new ShapeError(`takeAlongDim: indices must have the input's ${x.ndim} dims, got shape ${fmtShape(indices.shape)}`);
  const shape = x.shape.map((s, i) => (i === d ? s : Math.max(s, indices.shape[i]!)));
  const idxShape = indices.shape.map((s, i) => (i === d ? s : shape[i]!));
  return gather(expand(x, shape), d, expand(indices, idxShape), "takeAlongDim");
}

/** The full coordinates in x of every element of index along dim (for scatter's writes). */
function scatterCoordinates(index_: Tensor, dim: number): Tensor[] {
  return index_.shape.map((s, d) => (d === dim ? index_ : reshape(arange(s, undefined, 1, { dtype: "int32" }), index_.shape.map((_, k) => (k === d ? s : 1)))));
}

/**
 * x with src's elements (or a value) written at index along dim, as torch.scatter: out[…, index[i…], …]
 * = src[i…] (of duplicate positions the last written wins; PyTorch leaves it undefined).
 */
export function scatter(x: Tensor, dim: number, index_: Tensor, src: Tensor | number): Tensor {
  const d = normalizeDim(dim, x.ndim, "scatter");
  if (index_.ndim !== x.ndim) throw new ShapeError(`scatter: index must have the input's ${x.ndim} dims, got shape ${fmtShape(index_.shape)}`);
  const values = typeof src === "number" ? src : index(src, ...index_.shape.map((s) => `:${s}`));
  return indexPut(x, scatterCoordinates(index_, d), values);
}

/** The slices of x along dim at a 1-D index, moved first (index ops work on dim 0). */
function alongDim(op: string, x: Tensor, dim: number, index_: Tensor): number {
  const d = normalizeDim(dim, x.ndim, op);
  if (index_.ndim > 1) throw new IndexError(`${op}: index must be 0-D or 1-D, got shape ${fmtShape(index_.shape)}`);
  return d;
}

/** x + alpha·source added into the slices of x along dim at index (duplicates add up). */
export function indexAdd(x: Tensor, dim: number, index_: Tensor, source: Tensor, alpha = 1): Tensor {
  const d = alongDim("indexAdd", x, dim, index_);
  const src = movedim(alpha === 1 ? source : mul(source, alpha), d, 0);
  return movedim(indexPut(movedim(x, d, 0), [reshape(index_, [-1])], src, true), 0, d);
}

/** x with the slices along dim at index replaced by source's. */
export function indexCopy(x: Tensor, dim: number, index_: Tensor, source: Tensor): Tensor {
  const d = alongDim("indexCopy", x, dim, index_);
  return movedim(indexPut(movedim(x, d, 0), [reshape(index_, [-1])], movedim(source, d, 0)), 0, d);
}

/** x with the slices along dim at index set to a value. */
export function indexFill(x: Tensor, dim: number, index_: Tensor, value: TensorLike): Tensor {
  const d = alongDim("indexFill", x, dim, index_);
  return movedim(indexPut(movedim(x, d, 0), [reshape(index_, [-1])], typeof value === "object" ? value : tensor(value as number, { dtype: x.dtype, device: x.backend })), 0, d);
}
