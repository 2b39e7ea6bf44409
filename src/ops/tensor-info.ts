/**
 * torch's questions about tensors and dtypes: numel, isTensor, isFloatingPoint, isNonzero,
 * getDefaultDtype, resultType, promoteTypes, canCast — plus positive.
 */
import { checkDType, isFloating, promoteTypes as promote, promoteWithScalar, type DType } from "../base/dtype.js";
import { DTypeError, ValueError, fmtShape } from "../base/errors.js";
import { Tensor } from "./tensor.js";
import type { TensorLike } from "./elementwise.js";

export const numel = (x: Tensor): number => x.numel();
export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
export const isFloatingPoint = (x: Tensor): boolean => isFloating(x.dtype);

/** Whether a one-element tensor is not zero (an error for any other size, as PyTorch). */
export function isNonzero(x: Tensor): boolean {
  if (x.numel() !== 1) throw new ValueError(`isNonzero: a tensor with ${x.numel()} elements (shape ${fmtShape(x.shape)}) is ambiguous; give one element`);
  return x.item() !== 0;
}

/** float32: the dtype that creation functions use for floats. */
export const getDefaultDtype = (): DType => "float32";

/** x itself (unary plus; an error for bool, as PyTorch). */
export function positive(x: Tensor): Tensor {
  if (x.dtype === "bool") throw new DTypeError("positive: not defined for bool tensors");
  return x;
}

/** The dtype PyTorch's type promotion gives a op b. */
export function resultType(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor && b instanceof Tensor) return promote(a.dtype, b.dtype);
  if (a instanceof Tensor) return promoteWithScalar(a.dtype, b as number);
  if (b instanceof Tensor) return promoteWithScalar(b.dtype, a as number);
  return Number.isInteger(a) && Number.isInteger(b) ? "int32" : "float32";
}

export const promoteTypes = (a: DType, b: DType): DType => promote(checkDType(a, "promoteTypes"), checkDType(b, "promoteTypes"));

/** Whether `from` casts to `to` under PyTorch's same-kind rule (never float → integer, never to bool). */
export function canCast(from: DType, to: DType): boolean {
  const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };
  return rank[checkDType(from, "canCast")] <= rank[checkDType(to, "canCast")];
}

