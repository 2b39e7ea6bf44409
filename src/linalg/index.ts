/**
 * tg.linalg — torch.linalg: norms and products; inverses, solves and determinants; the Cholesky,
 * QR, LU, symmetric eigen- and singular value decompositions and what is built on them (pinv,
 * lstsq, matrixRank, cond); the matrix exponential. Batched over leading dims and differentiable.
 */
import type { Tensor } from "../ops/tensor.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { mul } from "../ops/elementwise.js";
import { matmul } from "../ops/matmul.js";
import { sum } from "../ops/reduce.js";
import { diagonal as diagonalOf } from "../ops/composite/arrange.js";
import { cross as crossProduct, vander as vanderMatrix } from "../ops/composite/assemble.js";
import { matrixNorm, vectorNorm, type MatrixNormOrd, type VectorNormOptions } from "../ops/composite/norms.js";
import { det, inv, matrixPower, slogdet, solve } from "../ops/linalg/solve.js";
import { cholesky } from "../ops/linalg/cholesky.js";
import { svd, svdvals } from "../ops/linalg/decompositions.js";
import { isFloating } from "../base/dtype.js";
import { DTypeError } from "../base/errors.js";
import { eye, full, tensor, zeros } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { luFactor } from "../ops/linalg/factorizations.js";

export { vectorNorm, matrixNorm, type MatrixNormOrd, type VectorNormOptions };
export { det, inv, slogdet, solve, cholesky, matrixPower };
export { eigh, eigvalsh, svd, svdvals, type SvdResult } from "../ops/linalg/decompositions.js";
export { qr, lu, luFactor, luSolve, solveTriangular, householderProduct, matrixExp, type QrMode } from "../ops/linalg/factorizations.js";
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

/** The Vandermonde matrix with increasing powers x⁰ … x^(N−1) along a new last dim (linalg's order). */
export const vander = (x: Tensor, { N }: { N?: number } = {}): Tensor => vanderMatrix(x, N, true);

/** The singular value cut-off: max(atol, rtol·σ_max), rtol defaulting to ε·max(m, n) when neither is given (PyTorch's rule). */
function cutoff(a: Tensor, s: Tensor, atol: number | undefined, rtol: number | undefined): Tensor {
  const [m, n] = a.shape.slice(-2) as [number, number];
  const eps = a.dtype === "float64" ? 2 ** -52 : 2 ** -23;
  const r = rtol ?? (atol === undefined || atol === 0 ? eps * Math.max(m, n) : 0);
  const largest = s.shape.at(-1) ? s.amax(-1, true) : s.sum(-1, true);
  return largest.mul(r).clamp(atol ?? 0);
}

export interface ToleranceOptions {
  atol?: number;
  rtol?: number;
}

/** The Moore–Penrose pseudo-inverse through the SVD, singular values below the cut-off treated as 0. */
export function pinv(a: Tensor, { atol, rtol }: ToleranceOptions = {}): Tensor {
  const { U, S, Vh } = svd(a, { fullMatrices: false });
  const keep = S.gt(cutoff(a, S.detach(), atol, rtol));
  const inverse = S.reciprocal().where(keep, 0);
  return Vh.transpose(-2, -1).mul(inverse.unsqueeze(-2)).matmul(U.transpose(-2, -1));
}

/** How many singular values exceed the cut-off (int32). */
export function matrixRank(a: Tensor, { atol, rtol }: ToleranceOptions = {}): Tensor {
  const s = svdvals(a.detach());
  return s.gt(cutoff(a, s, atol, rtol)).int().sum(-1);
}

/**
 * The least-squares solution of A·X ≈ B (minimum norm when A is rank-deficient), as the default
 * CPU driver ('gelsy') gives it: { solution, residuals (empty), rank, singularValues (empty) }.
 */
export function lstsq(a: Tensor, b: Tensor, { rcond }: { rcond?: number | null } = {}): { solution: Tensor; residuals: Tensor; rank: Tensor; singularValues: Tensor } {
  if (!isFloating(a.dtype)) throw new DTypeError(`lstsq: expected a floating tensor, got ${a.dtype}`);
  const vector = b.ndim === a.ndim - 1;
  const rhs = vector ? b.unsqueeze(-1) : b;
  if (rhs.shape.at(-2) !== a.shape.at(-2)) throw new ShapeError(`lstsq: A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)} must have the same number of rows`);
  const tol = rcond === undefined || rcond === null ? {} : { rtol: rcond };
  const x = pinv(a, tol).matmul(rhs);
  return {
    solution: vector ? x.squeeze(-1) : x,
    residuals: zeros([0], { dtype: a.dtype, device: a.backend }),
    rank: matrixRank(a, tol),
    singularValues: zeros([0], { dtype: a.dtype, device: a.backend }),
  };
}

/** The condition number: σ_max/σ_min for p = 2 (the default) or −2, else ‖A‖_p·‖A⁻¹‖_p. */
export function cond(a: Tensor, p: MatrixNormOrd | null = null): Tensor {
  if (p === null || p === 2 || p === -2) {
    const s = svdvals(a);
    const [big, small] = [s.amax(-1), s.amin(-1)];
    return p === -2 ? small.div(big) : big.div(small);
  }
  return matrixNorm(a, p).mul(matrixNorm(inv(a), p));
}

/** The inverse of a tensor viewed as a matrix [∏ shape[:ind], ∏ shape[ind:]]: shape[ind:] + shape[:ind]. */
export function tensorinv(a: Tensor, { ind = 2 }: { ind?: number } = {}): Tensor {
  const rows = a.shape.slice(0, ind);
  const cols = a.shape.slice(ind);
  const [r, c] = [rows.reduce((x, y) => x * y, 1), cols.reduce((x, y) => x * y, 1)];
  if (r !== c) throw new ShapeError(`tensorinv: ∏ shape[:${ind}] = ${r} must equal ∏ shape[${ind}:] = ${c} (shape ${fmtShape(a.shape)})`);
  return inv(a.reshape([r, c])).reshape([...cols, ...rows]);
}

/** X with tensordot(A, X, X.ndim) = B: A viewed as a matrix [∏ B.shape, ∏ the rest]. */
export function tensorsolve(a: Tensor, b: Tensor, { dims }: { dims?: readonly number[] } = {}): Tensor {
  let A = a;
  if (dims) {
    const moved = dims.map((d) => (d < 0 ? d + a.ndim : d));
    const order = [...a.shape.map((_, i) => i).filter((i) => !moved.includes(i)), ...moved];
    A = a.permute(...order);
  }
  const rest = A.shape.slice(b.ndim);
  const r = b.numel();
  const c = rest.reduce((x, y) => x * y, 1);
  if (r !== c) throw new ShapeError(`tensorsolve: A ${fmtShape(a.shape)} must be square when viewed as [${r}, ${c}]`);
  return solve(A.reshape([r, c]), b.reshape([r])).reshape([...rest]);
}


/**
 * The `_ex` forms (invEx, solveEx, choleskyEx, luFactorEx): the result and an int32 info per
 * matrix — 0 on success, else LAPACK's positive index (the failing pivot or leading minor) — without
 * throwing; a failed matrix's result is NaN.
 */
function perMatrixEx(a: Tensor, run: (m: Tensor, rhs?: Tensor) => Tensor[], failedInfo: (e: Error) => number, extra: readonly Tensor[] = []): { outputs: Tensor[]; info: Tensor } {
  const batch = a.shape.slice(0, -2);
  const flatA = a.reshape([-1, ...a.shape.slice(-2)]);
  const flatExtra = extra.map((t) => t.reshape([-1, ...t.shape.slice(batch.length)]));
  const count = flatA.shape[0]!;
  const results: Tensor[][] = [];
  const info: number[] = [];
  let template: Tensor[] | null = null;
  for (let i = 0; i < count; i++) {
    try {
      const out = run(flatA.select(0, i), flatExtra[0]?.select(0, flatExtra[0].shape[0] === 1 ? 0 : i));
      template ??= out;
      results.push(out);
      info.push(0);
    } catch (e) {
      results.push([]);
      info.push(failedInfo(e as Error));
    }
  }
  // Every matrix failed: the output shapes from an identity of the same size.
  if (!template) template = run(eye(a.shape.at(-1)!, a.shape.at(-1)!, { dtype: a.dtype, device: a.backend }), flatExtra[0]?.select(0, 0));
  const outputs = template.map((t, k) =>
    cat(results.map((r) => (r.length ? r[k]! : full([...t.shape], NaN, { dtype: t.dtype, device: t.backend }))).map((r) => r.unsqueeze(0)), 0).reshape([...batch, ...t.shape]),
  );
  return { outputs, info: tensor(info, { dtype: "int32", device: a.backend }).reshape(batch) };
}

/** The failing step's 1-based index from an error message ("order k", "pivot k"), else 1. */
const indexIn = (e: Error): number => Number(/(?:order|pivot) (\d+)/.exec(e.message)?.[1] ?? 1);

export function invEx(a: Tensor): { inverse: Tensor; info: Tensor } {
  const { outputs, info } = perMatrixEx(a, (m) => [inv(m)], indexIn);
  return { inverse: outputs[0]!, info };
}

export function solveEx(a: Tensor, b: Tensor, opts: { left?: boolean } = {}): { result: Tensor; info: Tensor } {
  const vector = b.ndim === a.ndim - 1;
  const { outputs, info } = perMatrixEx(a, (m, rhs?: Tensor) => [solve(m, rhs!, opts)], indexIn, [vector ? b.unsqueeze(-1) : b]);
  return { result: vector ? outputs[0]!.squeeze(-1) : outputs[0]!, info };
}

export function choleskyEx(a: Tensor, opts: { upper?: boolean } = {}): { L: Tensor; info: Tensor } {
  const { outputs, info } = perMatrixEx(a, (m) => [cholesky(m, opts)], indexIn);
  return { L: outputs[0]!, info };
}

export function luFactorEx(a: Tensor): { LU: Tensor; pivots: Tensor; info: Tensor } {
  const { LU, pivots } = luFactor(a);
  // getrf's info: the first zero pivot of U (1-based), 0 when none.
  const diag = diagonalOf(LU, 0, -2, -1).detach();
  const zero = diag.eq(0).int();
  const first = zero.argmax(-1).add(1).mul(zero.amax(-1));
  return { LU, pivots, info: first.int() };
}
