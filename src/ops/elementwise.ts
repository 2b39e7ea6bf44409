/**
 * Elementwise ops with NumPy/PyTorch broadcasting and type promotion. Each lifts JS numbers to 0-d
 * tensors, picks the result dtype, expands operands to the broadcast shape (a view) and runs one
 * primitive.
 */
import { checkDType, isFloating, promoteTypes, promoteWithScalar, type DType } from "../base/dtype.js";
import { DTypeError, fmtShape } from "../base/errors.js";
import { broadcastShapes, shapesEqual, type Shape } from "../base/shape.js";
import { Tensor } from "./tensor.js";
import type { BinaryOp, UnaryOp } from "../backend/backend.js";
import { apply } from "./dispatch.js";
import { scalar } from "./creation.js";

/** A tensor operand or a JS number/boolean standing for a 0-d tensor. */
export type TensorLike = Tensor | number | boolean;

/** Broadcasts t to `shape` as a view (no copy). */
export function expandTo(t: Tensor, shape: Shape): Tensor {
  if (shapesEqual(t.shape, shape)) return t;
  return apply("expand", [t], { shape: [...shape] });
}

export function cast(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : apply("cast", [t], { dtype: checkDType(dtype, "to") });
}

/** The dtype of a op b, with PyTorch's rule that JS numbers are "weak" scalars. */
function resultType(a: TensorLike, b: TensorLike, op: string): DType {
  if (a instanceof Tensor && b instanceof Tensor) return promoteTypes(a.dtype, b.dtype);
  if (a instanceof Tensor) return promoteWithScalar(a.dtype, b as number | boolean);
  if (b instanceof Tensor) return promoteWithScalar(b.dtype, a as number | boolean);
  throw new DTypeError(`${op}: at least one operand must be a tensor`);
}

function lift(x: TensorLike, dtype: DType, like: Tensor): Tensor {
  return x instanceof Tensor ? cast(x, dtype) : scalar(Number(x), dtype, like.backend);
}

/** Lifts, casts and broadcasts operands to one dtype and shape. */
export function prepare(operands: readonly TensorLike[], dtype: DType, op: string): Tensor[] {
  const like = operands.find((x): x is Tensor => x instanceof Tensor);
  if (!like) throw new DTypeError(`${op}: at least one operand must be a tensor`);
  const ts = operands.map((x) => lift(x, dtype, like));
  const shape = broadcastShapes(ts.map((t) => t.shape), op);
  return ts.map((t) => expandTo(t, shape));
}

type ArithmeticOp = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum";

function arithmetic(op: ArithmeticOp, a: TensorLike, b: TensorLike): Tensor {
  let dtype = resultType(a, b, op);
  // NOTE: true division always gives floats (PyTorch's `/`); bool arithmetic counts in int32.
  if (op === "div" && !isFloating(dtype)) dtype = "float32";
  if (dtype === "bool" && op !== "maximum" && op !== "minimum") dtype = "int32";
  return apply(op, prepare([a, b], dtype, op), {});
}

function comparison(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  return apply(op, prepare([a, b], resultType(a, b, op), op), {});
}

function logical(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  return apply(op, prepare([a, b], "bool", op), {});
}

export const add = (a: TensorLike, b: TensorLike): Tensor => arithmetic("add", a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => arithmetic("sub", a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => arithmetic("mul", a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => arithmetic("div", a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => arithmetic("pow", a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => arithmetic("maximum", a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => arithmetic("minimum", a, b);

export const eq = (a: TensorLike, b: TensorLike): Tensor => comparison("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => comparison("ne", a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => comparison("lt", a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => comparison("le", a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => comparison("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => comparison("ge", a, b);

export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => logical("logicalAnd", a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => logical("logicalOr", a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => logical("logicalXor", a, b);
export const logicalNot = (x: Tensor): Tensor => apply("logicalNot", [cast(x, "bool")], {});

/** Bitwise ops on integers and bools (PyTorch refuses floats; bools give bools, and shifts refuse them). */
function bitwise(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const dtype = resultType(a, b, op);
  if (isFloating(dtype) || (dtype === "bool" && (op === "bitwiseLeftShift" || op === "bitwiseRightShift"))) {
    throw new DTypeError(`${op}: defined for int32${op.includes("Shift") ? "" : " and bool"} tensors, got ${dtype}`);
  }
  return apply(op, prepare([a, b], dtype, op), {});
}

export const bitwiseAnd = (a: TensorLike, b: TensorLike): Tensor => bitwise("bitwiseAnd", a, b);
export const bitwiseOr = (a: TensorLike, b: TensorLike): Tensor => bitwise("bitwiseOr", a, b);
export const bitwiseXor = (a: TensorLike, b: TensorLike): Tensor => bitwise("bitwiseXor", a, b);
export const bitwiseLeftShift = (a: TensorLike, b: TensorLike): Tensor => bitwise("bitwiseLeftShift", a, b);
export const bitwiseRightShift = (a: TensorLike, b: TensorLike): Tensor => bitwise("bitwiseRightShift", a, b);
export function bitwiseNot(x: Tensor): Tensor {
  if (isFloating(x.dtype)) throw new DTypeError(`bitwiseNot: defined for int32 and bool tensors, got ${x.dtype}`);
  return apply(x.dtype === "bool" ? "logicalNot" : "bitwiseNot", [x], {});
}

/** Unary maths on floats; integer inputs are promoted to float32 as PyTorch does for exp, log, … */
function floatUnary(op: UnaryOp, x: Tensor): Tensor {
  return apply(op, [isFloating(x.dtype) ? x : cast(x, "float32")], {});
}

/** Unary ops that keep integer dtypes (neg, abs, sign, rounding, relu). */
function numericUnary(op: UnaryOp, x: Tensor): Tensor {
  if (x.dtype === "bool") throw new DTypeError(`${op}: not defined for bool tensors (shape ${fmtShape(x.shape)}); cast first`);
  return apply(op, [x], {});
}

export const neg = (x: Tensor): Tensor => numericUnary("neg", x);
export const abs = (x: Tensor): Tensor => numericUnary("abs", x);
export const sign = (x: Tensor): Tensor => numericUnary("sign", x);
export const relu = (x: Tensor): Tensor => numericUnary("relu", x);
export const floor = (x: Tensor): Tensor => (isFloating(x.dtype) ? apply("floor", [x], {}) : x);
export const ceil = (x: Tensor): Tensor => (isFloating(x.dtype) ? apply("ceil", [x], {}) : x);
export const round = (x: Tensor): Tensor => (isFloating(x.dtype) ? apply("round", [x], {}) : x);
export const exp = (x: Tensor): Tensor => floatUnary("exp", x);
export const log = (x: Tensor): Tensor => floatUnary("log", x);
export const sqrt = (x: Tensor): Tensor => floatUnary("sqrt", x);
export const rsqrt = (x: Tensor): Tensor => floatUnary("rsqrt", x);
export const sin = (x: Tensor): Tensor => floatUnary("sin", x);
export const cos = (x: Tensor): Tensor => floatUnary("cos", x);
export const tanh = (x: Tensor): Tensor => floatUnary("tanh", x);
export const sigmoid = (x: Tensor): Tensor => floatUnary("sigmoid", x);
export const erf = (x: Tensor): Tensor => floatUnary("erf", x);

export const square = (x: Tensor): Tensor => mul(x, x);
export const reciprocal = (x: Tensor): Tensor => div(1, x);
export const isnan = (x: Tensor): Tensor => ne(x, x);

/** cond ? a : b, broadcasting all three. */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const like = [cond, a, b].find((x): x is Tensor => x instanceof Tensor);
  if (!like) throw new DTypeError("where: at least one operand must be a tensor");
  const dtype = a instanceof Tensor || b instanceof Tensor ? resultType(a, b, "where") : "float32";
  const tc = cond instanceof Tensor ? cast(cond, "bool") : scalar(Number(cond), "bool", like.backend);
  const ta = lift(a, dtype, like);
  const tb = lift(b, dtype, like);
  const shape = broadcastShapes([tc.shape, ta.shape, tb.shape], "where");
  return apply("where", [expandTo(tc, shape), expandTo(ta, shape), expandTo(tb, shape)], {});
}

/**
 * Clamps into [min, max]. Composed with `where` so that the gradient is 1 on the closed interval,
 * as in PyTorch (maximum/minimum would halve it at ties).
 */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  let out = x;
  if (min !== undefined && min !== null) out = where(lt(out, min), min, out);
  if (max !== undefined && max !== null) out = where(gt(out, max), max, out);
  return out;
}
