/**
 * tg.linalg — torch.linalg: norms, products, and the square-matrix routines (inv, solve, det,
 * slogdet, cholesky, matrixPower), each batched over leading dims and differentiable.
 */
import type { Tensor } from "../core/tensor.js";
import { ShapeError, ValueError, fmtShape } from "../core/errors.js";
import { eye } from "../ops/creation.js";
import { mul } from "../ops/elementwise.js";
import { matmul } from "../ops/matmul.js";
import { expand } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";
import { diagonal as diagonalOf } from "../ops/composite/arrange.js";
import { cross as crossProduct, vander as vanderMatrix } from "../ops/composite/assemble.js";
import { matrixNorm, vectorNorm, type MatrixNormOrd, type VectorNormOptions } from "../ops/composite/norms.js";
import { checkSquare, det, inv, slogdet, solve } from "../ops/linalg/solve.js";
import { cholesky } from "../ops/linalg/cholesky.js";

export { vectorNorm, matrixNorm, type MatrixNormOrd, type VectorNormOptions };
export { det, inv, slogdet, solve, cholesky };
export { matmul };

/** linalg.norm: the vector 2-norm of the flattened input (or over one dim), or a matrix norm over two dims. */
export function norm(x: Tensor, ord?: MatrixNormOrd | null, { dim, keepdim = false }: { dim?: number | readonly [number, number]; keepdim?: boolean } = {}): Tensor {
  if (Array.isArray(dim) || (dim === undefined && ord !== undefined && ord !== null && x.ndim === 2)) {
    return matrixNorm(x, ord ?? "fro", { dim: (dim as readonly [number, number] | undefined) ?? [-2, -1], keepdim });
  }
  if (typeof ord === "string") throw new ValueError(`norm: ord '${ord}' needs a matrix (give two dims)`);
  return vectorNorm(x, ord ?? 2, { dim: dim as number | undefined, keepdim });
}

/** The cross product of 3-vectors along dim (the last by default). */
export const cross = (a: Tensor, b: Tensor, { dim = -1 }: { dim?: number } = {}): Tensor => crossProduct(a, b, dim);

/** The diagonals of the last two dims (by default) as the last dim. */
export const diagonal = (a: Tensor, { offset = 0, dim1 = -2, dim2 = -1 }: { offset?: number; dim1?: number; dim2?: number } = {}): Tensor =>
  diagonalOf(a, offset, dim1, dim2);

/** Σ x·y along dim (broadcasting). */
export const vecdot = (x: Tensor, y: Tensor, { dim = -1 }: { dim?: number } = {}): Tensor => sum(mul(x, y), dim);

/** The product of a chain of matrices (the first and last may be vectors), multiplied in the cheapest order. */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  if (tensors.length < 2) throw new ValueError(`multiDot: needs at least 2 tensors, got ${tensors.length}`);
  const first = tensors[0]!.ndim === 1 ? tensors[0]!.unsqueeze(0) : tensors[0]!;
  const last = tensors.at(-1)!.ndim === 1 ? tensors.at(-1)!.unsqueeze(1) : tensors.at(-1)!;
  const ms = [first, ...tensors.slice(1, -1), last];
  for (const m of ms) if (m.ndim !== 2) throw new ShapeError(`multiDot: the inner tensors must be 2-D, got shape ${fmtShape(m.shape)}`);
  // Matrix-chain order by dynamic programming over the dims p0 × p1, p1 × p2, ….
  const p = [ms[0]!.shape[0]!, ...ms.map((m) => m.shape[1]!)];
  const k = ms.length;
  const cost = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const split = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let len = 1; len < k; len++) {
    for (let i = 0; i + len < k; i++) {
      const j = i + len;
      cost[i]![j] = Infinity;
      for (let s = i; s < j; s++) {
        const c = cost[i]![s]! + cost[s + 1]![j]! + p[i]! * p[s + 1]! * p[j + 1]!;
        if (c < cost[i]![j]!) [cost[i]![j], split[i]![j]] = [c, s];
      }
    }
  }
  const product = (i: number, j: number): Tensor => (i === j ? ms[i]! : matmul(product(i, split[i]![j]!), product(split[i]![j]! + 1, j)));
  let out = product(0, k - 1);
  if (tensors[0]!.ndim === 1) out = out.squeeze(0);
  if (tensors.at(-1)!.ndim === 1) out = out.squeeze(-1);
  return out;
}

/** Aⁿ by repeated squaring; n < 0 inverts first, n = 0 gives the identity. */
export function matrixPower(a: Tensor, n: number): Tensor {
  const size = checkSquare(a, "matrixPower");
  if (!Number.isInteger(n)) throw new ValueError(`matrixPower: n must be an integer, got ${n}`);
  if (n === 0) return expand(eye(size, size, { dtype: a.dtype }), [...a.shape]).contiguous();
  let base = n < 0 ? inv(a) : a;
  let result: Tensor | null = null;
  for (let e = Math.abs(n); e > 0; e >>= 1) {
    if (e & 1) result = result ? matmul(result, base) : base;
    if (e > 1) base = matmul(base, base);
  }
  return result!;
}

/** The Vandermonde matrix with increasing powers x⁰ … x^(N−1) along a new last dim (linalg's order). */
export const vander = (x: Tensor, { N }: { N?: number } = {}): Tensor => vanderMatrix(x, N, true);
