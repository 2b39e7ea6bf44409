/**
 * Whole-tensor and along-dim tests — all, any, countNonzero, isclose, allclose, equal — and the
 * reductions that skip NaNs (nansum, nanmean), composed from comparisons and sums.
 */
import { DTypeError, fmtShape } from "../../base/errors.js";
import { isFloating } from "../../base/dtype.js";
import { shapesEqual } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import { noGrad } from "../grad-mode.js";
import { abs, add, cast, eq, isnan, le, logicalAnd, logicalOr, mul, ne, sub, where } from "../elementwise.js";
import { amax, amin, sum, type Dims } from "../reduce.js";

const nonzero = (x: Tensor) => cast(ne(x, 0), "int32");

/** Whether every element (along dim) is non-zero, as a bool tensor. */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (x.numel() === 0 && dim === undefined) return cast(eq(sum(x), 0), "bool");
  return cast(amin(nonzero(x), dim, keepdim), "bool");
}

/** Whether any element (along dim) is non-zero, as a bool tensor. */
export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (x.numel() === 0 && dim === undefined) return cast(ne(sum(x), 0), "bool");
  return cast(amax(nonzero(x), dim, keepdim), "bool");
}

/** How many elements (along dim) are not zero (int32). */
export function countNonzero(x: Tensor, dim?: Dims): Tensor {
  return sum(nonzero(x), dim);
}

function floating(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: input must be floating point, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
}

/** The sum with NaNs counted as 0. */
export function nansum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) return sum(x, dim, keepdim);
  return sum(where(isnan(x), 0, x), dim, keepdim);
}

/** The mean of the elements that are not NaN (NaN where all are). */
export function nanmean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  floating("nanmean", x);
  const count = sum(cast(logicalNotNan(x), x.dtype), dim, keepdim);
  return nansum(x, dim, keepdim).div(count);
}

const logicalNotNan = (x: Tensor) => eq(x, x);

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/** |a − b| ≤ atol + rtol·|b| elementwise (equal infinities are close; NaNs only with equalNan). */
export function isclose(a: Tensor, b: Tensor, { rtol = 1e-5, atol = 1e-8, equalNan = false }: CloseOptions = {}): Tensor {
  return noGrad(() => {
    const close = logicalOr(eq(a, b), le(abs(sub(a, b)), add(mul(abs(b), rtol), atol)));
    return equalNan ? logicalOr(close, logicalAnd(isnan(a), isnan(b))) : close;
  });
}

/** Whether every element of a is close to b's (isclose), as a boolean. */
export function allclose(a: Tensor, b: Tensor, options: CloseOptions = {}): boolean {
  return noGrad(() => all(isclose(a, b, options)).item() === 1);
}

/** Whether a and b have the same shape and the same elements, as a boolean. */
export function equal(a: Tensor, b: Tensor): boolean {
  if (!shapesEqual(a.shape, b.shape)) return false;
  return noGrad(() => all(eq(a, b)).item() === 1);
}
