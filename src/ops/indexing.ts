/** Indexing along a dim: gather / scatterAdd primitives and what is composed from them. */
import { isFloating, type DType } from "../base/dtype.js";
import { checkChoice, checkOptions } from "../base/options.js";
import { DTypeError, IndexError, ShapeError, fmtShape } from "../base/errors.js";
import { normalizeDim } from "../base/shape.js";
import type { Tensor } from "./tensor.js";
import { apply } from "./dispatch.js";
import { onesLike, tensor, zerosLike } from "./creation.js";
import { cast, div, floor, gt, maximum, where, type TensorLike } from "./elementwise.js";
import { expand, narrow, reshape } from "./movement.js";

function checkIndex(index: Tensor, op: string): Tensor {
  if (isFloating(index.dtype) || index.dtype === "bool") {
    throw new DTypeError(`${op}: index must be an int32 tensor, got ${index.dtype} (shape ${fmtShape(index.shape)})`);
  }
  return index;
}

function checkAlong(x: Tensor, d: number, index: Tensor, op: string): void {
  if (index.ndim !== x.ndim || index.shape.some((s, i) => i !== d && s > x.shape[i]!)) {
    throw new ShapeError(
      `${op}: index of shape ${fmtShape(index.shape)} does not fit input of shape ${fmtShape(x.shape)} along dim ${d} (same number of dims, and no larger in any other dim)`,
    );
  }
}

/** Runs a kernel whose indices are checked where they are read, naming the op the user called. */
function naming<T>(op: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof IndexError && !e.message.startsWith(`${op}:`)) throw new IndexError(`${op}: ${e.message}`);
    throw e;
  }
}

/** out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1, and likewise for other dims; indices in [0, size). */
export function gather(x: Tensor, dim: number, index: Tensor, op = "gather"): Tensor {
  const d = normalizeDim(dim, x.ndim, op);
  checkAlong(x, d, checkIndex(index, op), op);
  return naming(op, () => apply("gather", [x, index], { dim: d }));
}

/** A copy of x with src[i][j][k] added at x[i][index[i][j][k]][k] (dim = 1). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim, "scatterAdd");
  checkAlong(x, d, checkIndex(index, "scatterAdd"), "scatterAdd");
  const s = indexCorner(src, index, x.dtype, "scatterAdd");
  return naming("scatterAdd", () => apply("scatterAdd", [x, index, s], { dim: d }));
}

/** scatterReduce's reductions, as PyTorch's scatter_reduce names them. */
export type ScatterReduction = "sum" | "prod" | "mean" | "amax" | "amin";

/**
 * A copy of x with src[i][j][k] combined into x[i][index[i][j][k]][k] (dim = 1) by `reduce`; with
 * includeSelf false, positions that receive src leave x's own value out (PyTorch's scatter_reduce).
 */
export function scatterReduce(
  x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduction, opts: { includeSelf?: boolean } = {},
): Tensor {
  const op = "scatterReduce";
  checkOptions(op, opts, { includeSelf: "boolean" });
  checkChoice(op, "reduce", reduce, ["sum", "prod", "mean", "amax", "amin"]);
  const includeSelf = opts.includeSelf ?? true;
  const d = normalizeDim(dim, x.ndim, op);
  checkAlong(x, d, checkIndex(index, op), op);
  const s = indexCorner(src, index, x.dtype, op);
  if (reduce === "sum" || reduce === "mean") {
    const base = includeSelf ? x : maskedFill(x, touched(x, d, index), 0);
    const sum = naming(op, () => apply("scatterAdd", [base, index, s], { dim: d }));
    if (reduce === "sum") return sum;
    const count = scatterAdd(includeSelf ? onesLike(x) : zerosLike(x), d, index, onesLike(s));
    const mean = div(sum, maximum(count, 1));
    return isFloating(x.dtype) ? mean : cast(floor(mean), x.dtype);
  }
  return naming(op, () => apply("scatterReduce", [x, index, s], { dim: d, reduce, includeSelf }));
}

/** Where a scatter along dim writes at least once (bool, x's shape). */
function touched(x: Tensor, dim: number, index: Tensor): Tensor {
  return gt(scatterAdd(zerosLike(x, { dtype: "int32" }), dim, index, onesLike(index)), 0);
}

/** Only the index-shaped corner of src takes part (PyTorch's rule): made explicit with views. */
function indexCorner(src: Tensor, index: Tensor, dtype: DType, op: string): Tensor {
  if (src.ndim !== index.ndim || src.shape.some((s, i) => s < index.shape[i]!)) {
    throw new ShapeError(`${op}: src of shape ${fmtShape(src.shape)} is smaller than index of shape ${fmtShape(index.shape)}`);
  }
  let s = cast(src, dtype);
  index.shape.forEach((n, i) => {
    if (s.shape[i] !== n) s = narrow(s, i, 0, n);
  });
  return s;
}

/** Selects entries of x along dim by a 1-D index (embedding lookups); indices in [0, size). */
export function indexSelect(x: Tensor, dim: number, index: Tensor, op = "indexSelect"): Tensor {
  const d = normalizeDim(dim, x.ndim, "indexSelect");
  checkIndex(index, op);
  if (index.ndim > 1) throw new ShapeError(`${op}: index must be 0-D or 1-D, got shape ${fmtShape(index.shape)}`);
  const n = index.numel();
  const outShape = x.shape.map((s, i) => (i === d ? n : s));
  const along = reshape(index, x.shape.map((_, i) => (i === d ? n : 1)));
  return gather(x, d, expand(along, outShape), op);
}

/** x with `value` wherever mask is true; mask broadcasts to x's shape. */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  if (mask.dtype !== "bool") throw new DTypeError(`maskedFill: mask must be a bool tensor, got ${mask.dtype}`);
  const out = where(mask, value, x);
  if (out.ndim !== x.ndim || out.shape.some((s, i) => s !== x.shape[i])) {
    throw new ShapeError(`maskedFill: mask of shape ${fmtShape(mask.shape)} must broadcast to the input's shape ${fmtShape(x.shape)}`);
  }
  return cast(out, x.dtype);
}

/** One-hot rows (int32) for class indices; numClasses = -1 uses max(index) + 1. */
export function oneHot(index: Tensor, numClasses = -1): Tensor {
  checkIndex(index, "oneHot");
  // One pass over the indices on the host: a broadcast comparison against arange(n) made n times
  // as many elements as it kept (110 ms for 720k outputs).
  const values = index.contiguous().dataSync();
  let [lo, hi] = [0, -1];
  for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (lo < 0) throw new IndexError("oneHot: class values must be non-negative");
  const n = numClasses === -1 ? hi + 1 : numClasses;
  if (hi >= n) throw new IndexError(`oneHot: class value ${hi} is out of range for numClasses ${n}`);
  const out = new Int32Array(values.length * n);
  values.forEach((v, i) => (out[i * n + v] = 1));
  return tensor(out, { dtype: "int32", shape: [...index.shape, n] }).toBackend(index.backend);
}

/** The indices of x's non-zero (true) elements, one row per element in row-major order: int32 [n, x.ndim] (PyTorch's nonzero). */
export function nonzero(x: Tensor): Tensor {
  const values = x.contiguous().dataSync();
  const rows: number[] = [];
  let n = 0;
  values.forEach((v, i) => {
    if (v === 0) return;
    n++;
    const at = rows.length;
    for (let d = x.ndim - 1, rest = i; d >= 0; d--) {
      rows[at + d] = rest % x.shape[d]!;
      rest = Math.floor(rest / x.shape[d]!);
    }
  });
  return tensor(Int32Array.from(rows), { dtype: "int32", shape: [n, x.ndim] });
}

/** Same as nonzero (PyTorch's argwhere). */
export const argwhere = nonzero;
