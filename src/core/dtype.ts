/**
 * Data types. float32 is the working type; int32 holds indices and labels; bool holds masks.
 * float64 exists so that gradcheck can take finite differences in double precision (the reference
 * backend supports it fully; fast backends may decline it).
 */
import { DTypeError } from "./errors.js";

export type DType = "float32" | "float64" | "int32" | "bool";

export type TypedArrayFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : D extends "int32"
      ? Int32Array
      : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];

export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

export function arrayConstructor(dtype: DType) {
  switch (dtype) {
    case "float32":
      return Float32Array;
    case "float64":
      return Float64Array;
    case "int32":
      return Int32Array;
    case "bool":
      return Uint8Array;
  }
}

export function allocArray(dtype: DType, size: number): AnyTypedArray {
  return new (arrayConstructor(dtype))(size);
}

/** The dtype a typed array stores, for `tg.tensor(typedArray)`. */
export function dtypeOfArray(a: ArrayLike<number>): DType | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint8Array) return "bool";
  return undefined;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch's result type for two tensor operands: the wider category wins. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Result type of tensor ⊕ JS number. Like PyTorch's "weak" Python scalars, a number never widens a
 * float tensor; a fractional number makes an integer or bool tensor float32.
 */
export function promoteWithScalar(t: DType, value: number | boolean): DType {
  if (typeof value === "boolean") return t;
  if (isFloating(t)) return t;
  if (!Number.isInteger(value)) return "float32";
  return t === "bool" ? "int32" : t;
}

export function assertDType(dtype: string): DType {
  if ((DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  throw new DTypeError(`unknown dtype '${dtype}'; expected one of ${DTYPES.join(", ")}`);
}
