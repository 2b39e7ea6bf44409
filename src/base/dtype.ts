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

/**
 * The dtype that holds a typed array's values exactly, for `tg.tensor(typedArray)`: floats keep
 * their width, and every integer array becomes int32 (pixels from a Uint8Array or
 * Uint8ClampedArray keep 0…255 — never bool, which only JS booleans or {dtype: "bool"} give).
 * Uint32/BigInt64/BigUint64 values must fit int32 (checked by the caller).
 */
export function dtypeOfArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (
    a instanceof Int32Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray || a instanceof Int8Array ||
    a instanceof Int16Array || a instanceof Uint16Array || a instanceof Uint32Array || a instanceof BigInt64Array || a instanceof BigUint64Array
  ) {
    return "int32";
  }
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

/** What to use instead of PyTorch dtype names tensorgrad does not have. */
const INSTEAD: Record<string, string> = {
  int64: "int32 (indices and labels; safetensors/npy int64 files load as int32)",
  long: "int32",
  int: "int32",
  int16: "int32",
  int8: "int32",
  uint8: "int32 (a Uint8Array's values load as int32)",
  float16: "float32",
  half: "float32",
  bfloat16: "float32",
  float: "float32",
  double: "float64",
  bool_: "bool",
};

/** Whether `name` is a PyTorch dtype name tensorgrad lacks (so an error can say what to use). */
export function isForeignDType(name: string): boolean {
  return Object.hasOwn(INSTEAD, name);
}

/** A dtype name checked at run time (a JavaScript caller may pass anything), naming the op. */
export function checkDType(dtype: unknown, op: string): DType {
  if (typeof dtype === "string" && (DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  const instead = typeof dtype === "string" && Object.hasOwn(INSTEAD, dtype) ? `; use ${INSTEAD[dtype]}` : "";
  throw new DTypeError(`${op}: dtype ${JSON.stringify(dtype)} is not supported${instead} (dtypes: ${DTYPES.join(", ")})`);
}

/** The dtypes as constants, as torch.float32 etc.: `tg.zeros([2], { dtype: tg.float32 })`. */
export const float32 = "float32" satisfies DType;
export const float64 = "float64" satisfies DType;
export const int32 = "int32" satisfies DType;
export const bool = "bool" satisfies DType;
