/**
 * Elementwise ops with NumPy/PyTorch broadcasting and type promotion. Each lifts JS numbers to 0-d
 * tensors, picks the result dtype, expands operands to the broadcast shape (a view) and runs one
 * primitive.
 */
import { checkDType, isFloating, promoteTypes, promoteWithScalar, type DType } from "../base/dtype.js";
import { DTypeError, fmtShape } from "../base/errors.js";
import { broadcastShapes, shapesEqual, type Shape } from "../base/shape.js";
import { Tensor } from "./tensor.js";
import { dtypeRule, type BinaryOp, type UnaryOp } from "../base/op-table.js";
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

/** Tensors already of `dtype` and of one shape (the common case, checked without allocating). */
function alreadyPrepared(operands: readonly TensorLike[], dtype: DType): boolean {
  const first = operands[0];
  if (!(first instanceof Tensor)) return false;
  for (const x of operands) if (!(x instanceof Tensor) || x.dtype !== dtype || !shapesEqual(x.shape, first.shape)) return false;
  return true;
}

/** Lifts, casts and broadcasts operands to one dtype and shape. */
export function prepare(operands: readonly TensorLike[], dtype: DType, op: string): Tensor[] {
  if (alreadyPrepared(operands, dtype)) return operands as Tensor[];
  const like = operands.find((x): x is Tensor => x instanceof Tensor);
  if (!like) throw new DTypeError(`${op}: at least one operand must be a tensor`);
  const ts = operands.map((x) => lift(x, dtype, like));
  const shape = broadcastShapes(ts.map((t) => t.shape), op);
  return ts.map((t) => expandTo(t, shape));
}

/** a op b by the op's dtype rule (base/op-table.ts), broadcasting both. */
function binaryOp(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  let dtype = resultType(a, b, op);
  switch (dtypeRule(op)) {
    case "arithmetic":
      // NOTE: true division always gives floats (PyTorch's `/`); bool arithmetic counts in int32.
      if (op === "div" && !isFloating(dtype)) dtype = "float32";
      if (dtype === "bool" && op !== "maximum" && op !== "minimum") dtype = "int32";
      break;
    case "logical":
      dtype = "bool";
      break;
    case "bitwise":
      // PyTorch refuses floats; bools give bools, and shifts refuse them.
      if (isFloating(dtype) || (dtype === "bool" && op.includes("Shift"))) {
        throw new DTypeError(`${op}: defined for int32${op.includes("Shift") ? "" : " and bool"} tensors, got ${dtype}`);
      }
      break;
    default: // comparison: the promoted operands, a bool result
  }
  const [pa, pb] = prepare([a, b], dtype, op) as [Tensor, Tensor];
  return apply(op, [pa, pb], {});
}

/** op(x) by the op's dtype rule (base/op-table.ts). */
function unaryOp(op: UnaryOp, x: Tensor): Tensor {
  switch (dtypeRule(op)) {
    case "float": // integers are promoted to float32, as PyTorch does for exp, log, …
      return apply(op, [isFloating(x.dtype) ? x : cast(x, "float32")], {});
    case "rounding":
      return isFloating(x.dtype) ? apply(op, [x], {}) : x;
    case "logical":
      return apply(op, [cast(x, "bool")], {});
    case "bitwise":
      if (isFloating(x.dtype)) throw new DTypeError(`${op}: defined for int32 and bool tensors, got ${x.dtype}`);
      return apply(x.dtype === "bool" ? "logicalNot" : op, [x], {});
    default: // numeric: keeps integer dtypes
      if (x.dtype === "bool") throw new DTypeError(`${op}: not defined for bool tensors (shape ${fmtShape(x.shape)}); cast first`);
      return apply(op, [x], {});
  }
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binaryOp("add", a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binaryOp("sub", a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binaryOp("mul", a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binaryOp("div", a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binaryOp("pow", a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryOp("maximum", a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryOp("minimum", a, b);

export const eq = (a: TensorLike, b: TensorLike): Tensor => binaryOp("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => binaryOp("ne", a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => binaryOp("lt", a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => binaryOp("le", a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => binaryOp("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => binaryOp("ge", a, b);

export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binaryOp("logicalAnd", a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binaryOp("logicalOr", a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => binaryOp("logicalXor", a, b);
export const logicalNot = (x: Tensor): Tensor => unaryOp("logicalNot", x);

export const bitwiseAnd = (a: TensorLike, b: TensorLike): Tensor => binaryOp("bitwiseAnd", a, b);
export const bitwiseOr = (a: TensorLike, b: TensorLike): Tensor => binaryOp("bitwiseOr", a, b);
export const bitwiseXor = (a: TensorLike, b: TensorLike): Tensor => binaryOp("bitwiseXor", a, b);
export const bitwiseLeftShift = (a: TensorLike, b: TensorLike): Tensor => binaryOp("bitwiseLeftShift", a, b);
export const bitwiseRightShift = (a: TensorLike, b: TensorLike): Tensor => binaryOp("bitwiseRightShift", a, b);
export const bitwiseNot = (x: Tensor): Tensor => unaryOp("bitwiseNot", x);

export const neg = (x: Tensor): Tensor => unaryOp("neg", x);
export const abs = (x: Tensor): Tensor => unaryOp("abs", x);
export const sign = (x: Tensor): Tensor => unaryOp("sign", x);
export const relu = (x: Tensor): Tensor => unaryOp("relu", x);
export const floor = (x: Tensor): Tensor => unaryOp("floor", x);
export const ceil = (x: Tensor): Tensor => unaryOp("ceil", x);
export const round = (x: Tensor): Tensor => unaryOp("round", x);
export const exp = (x: Tensor): Tensor => unaryOp("exp", x);
export const log = (x: Tensor): Tensor => unaryOp("log", x);
export const sqrt = (x: Tensor): Tensor => unaryOp("sqrt", x);
export const rsqrt = (x: Tensor): Tensor => unaryOp("rsqrt", x);
export const sin = (x: Tensor): Tensor => unaryOp("sin", x);
export const cos = (x: Tensor): Tensor => unaryOp("cos", x);
export const tanh = (x: Tensor): Tensor => unaryOp("tanh", x);
export const sigmoid = (x: Tensor): Tensor => unaryOp("sigmoid", x);
export const erf = (x: Tensor): Tensor => unaryOp("erf", x);

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
