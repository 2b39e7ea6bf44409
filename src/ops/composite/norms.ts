/**
 * Norms and distances: linalg.vectorNorm and linalg.matrixNorm, torch.norm, dist, renorm and
 * cdist. As PyTorch's, the gradient of a norm at a zero vector is 0 (not 0/0).
 */
import { isFloating } from "../../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { normalizeDim } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import { abs, cast, div, gt, mul, ne, pow, sqrt, sub, where } from "../elementwise.js";
import { amax, amin, sum, type Dims } from "../reduce.js";
import { unsqueeze } from "../movement.js";
import { matmul } from "../matmul.js";
import { movedim } from "./arrange.js";
import { svdvals } from "../linalg/decompositions.js";

export interface VectorNormOptions {
  /** The dims to reduce; all of them by default. */
  dim?: Dims;
  keepdim?: boolean;
}

function checkFloat(op: string, x: Tensor): Tensor {
  if (x.dtype === "bool" || x.dtype === "int32") throw new DTypeError(`${op}: expected a floating tensor, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  return x;
}

/** √s with a zero (not infinite) derivative where s = 0. */
function safeSqrt(s: Tensor): Tensor {
  const positive = gt(s, 0);
  return where(positive, sqrt(where(positive, s, 1)), 0);
}

/** s^(1/p) with a zero derivative where s = 0. */
function safeRoot(s: Tensor, p: number): Tensor {
  const positive = gt(s, 0);
  return where(positive, pow(where(positive, s, 1), 1 / p), 0);
}

/** (Σ|x|^ord)^(1/ord) over dim: ord 2 by default, any real, ±∞ (largest/smallest |x|), 0 (count of non-zeros). */
export function vectorNorm(x: Tensor, ord = 2, { dim, keepdim = false }: VectorNormOptions = {}): Tensor {
  checkFloat("vectorNorm", x);
  const ax = abs(x);
  if (ord === Infinity) return amax(ax, dim, keepdim);
  if (ord === -Infinity) return amin(ax, dim, keepdim);
  if (ord === 0) return sum(cast(ne(x, 0), x.dtype), dim, keepdim);
  if (ord === 1) return sum(ax, dim, keepdim);
  if (ord === 2) return safeSqrt(sum(mul(x, x), dim, keepdim));
  if (Number.isNaN(ord)) throw new ValueError("vectorNorm: ord must be a number, got NaN");
  return safeRoot(sum(pow(ax, ord), dim, keepdim), ord);
}

export type MatrixNormOrd = "fro" | "nuc" | number;

/**
 * A matrix norm over two dims (the last two by default): "fro" (Frobenius), 1/−1 (largest/smallest
 * column sum of |x|), ∞/−∞ (largest/smallest row sum), "nuc" and ±2 (the sum, largest and smallest
 * singular value).
 */
export function matrixNorm(x: Tensor, ord: MatrixNormOrd = "fro", { dim = [-2, -1], keepdim = false }: { dim?: readonly [number, number]; keepdim?: boolean } = {}): Tensor {
  checkFloat("matrixNorm", x);
  if (x.ndim < 2) throw new ShapeError(`matrixNorm: expected a tensor with at least 2 dims, got shape ${fmtShape(x.shape)}`);
  const [r, c] = dim.map((d) => normalizeDim(d, x.ndim, "matrixNorm")) as [number, number];
  if (r === c) throw new ValueError(`matrixNorm: dims must differ, got ${r} and ${c}`);
  if (ord === "fro") return vectorNorm(x, 2, { dim: [r, c], keepdim });
  const ax = abs(x);
  const reduceTwice = (first: number, second: number, pick: typeof amax) => {
    const inner = sum(ax, first, true);
    const out = pick(inner, second, true);
    return keepdim ? out : out.squeeze([r, c]);
  };
  if (ord === 1) return reduceTwice(r, c, amax);
  if (ord === -1) return reduceTwice(r, c, amin);
  if (ord === Infinity) return reduceTwice(c, r, amax);
  if (ord === -Infinity) return reduceTwice(c, r, amin);
  if (ord === "nuc" || ord === 2 || ord === -2) {
    const s = svdvals(movedim(x, [r, c], [-2, -1]));
    const out = ord === "nuc" ? sum(s, -1) : ord === 2 ? amax(s, -1) : amin(s, -1);
    return keepdim ? out.unsqueeze(Math.min(r, c)).unsqueeze(Math.max(r, c)) : out;
  }
  throw new ValueError(`matrixNorm: ord must be 'fro', 'nuc', ±1, ±2 or ±Infinity, got ${String(ord)}`);
}

/**
 * torch.norm: the p-norm of all elements (or over dim), "fro" as the 2-norm, "nuc" as the nuclear
 * norm of matrices. PyTorch recommends linalg.vectorNorm / matrixNorm for new code.
 */
export function norm(x: Tensor, p: number | "fro" | "nuc" = "fro", dim?: Dims, keepdim = false): Tensor {
  if (p === "nuc") return matrixNorm(x, "nuc", { dim: (Array.isArray(dim) ? dim : [-2, -1]) as [number, number], keepdim });
  return vectorNorm(x, p === "fro" ? 2 : p, { dim, keepdim });
}

/** ‖a − b‖_p over all elements (broadcasting). */
export function dist(a: Tensor, b: Tensor, p = 2): Tensor {
  return vectorNorm(sub(a, b), p);
}

/** Each slice along dim whose p-norm exceeds maxnorm, scaled down to maxnorm (PyTorch's renorm). */
export function renorm(x: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  checkFloat("renorm", x);
  if (!(p > 0)) throw new ValueError(`renorm: p must be positive, got ${p}`);
  if (!(maxnorm >= 0)) throw new ValueError(`renorm: maxnorm must be non-negative, got ${maxnorm}`);
  const d = normalizeDim(dim, x.ndim, "renorm");
  const others = x.shape.map((_, k) => k).filter((k) => k !== d);
  const n = vectorNorm(x, p, { dim: others, keepdim: true });
  return mul(x, where(gt(n, maxnorm), div(maxnorm, n.add(1e-7)), 1));
}

/**
 * The p-norm distance between each row of x1 [..., P, M] and each row of x2 [..., R, M]:
 * [..., P, R]. Euclidean distances of large inputs go through one matmul (‖a‖² + ‖b‖² − 2a·b),
 * as PyTorch's default compute mode does.
 */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  for (const x of [x1, x2]) {
    if (!isFloating(x.dtype)) throw new DTypeError(`cdist: expected floating tensors, got ${x.dtype}`);
    if (x.ndim < 2) throw new ShapeError(`cdist: inputs must have at least 2 dims, got shape ${fmtShape(x.shape)}`);
  }
  if (x1.shape.at(-1) !== x2.shape.at(-1)) {
    throw new ShapeError(`cdist: x1 ${fmtShape(x1.shape)} and x2 ${fmtShape(x2.shape)} must have the same number of columns`);
  }
  if (!(p >= 0)) throw new ValueError(`cdist: p must be non-negative, got ${p}`);
  const [P, R] = [x1.shape.at(-2)!, x2.shape.at(-2)!];
  if (p === 2 && (P > 25 || R > 25)) {
    const a2 = sum(mul(x1, x1), -1, true);
    const b2 = sum(mul(x2, x2), -1, true).transpose(-2, -1);
    const d2 = sub(a2.add(b2), mul(matmul(x1, x2.transpose(-2, -1)), 2)).clamp(0);
    return safeSqrt(d2);
  }
  return vectorNorm(sub(unsqueeze(x1, -2), unsqueeze(x2, -3)), p, { dim: -1 });
}
