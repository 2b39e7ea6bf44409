/**
 * torch's older, root-level linear-algebra names with their own argument orders and outputs
 * (torch.svd's V instead of Vh, triangular_solve's (B, A) order, cholesky_solve's factor argument,
 * pinverse's rcond), as thin forms over the linalg routines.
 */
import type { Tensor } from "../tensor.js";
import { eye } from "../creation.js";
import { expand } from "../movement.js";
import { svd as linalgSvd } from "./decompositions.js";
import { householderProduct, luUnpack, solveTriangular } from "./factorizations.js";

const t = (x: Tensor) => x.transpose(-2, -1);

/** torch.svd: [U, S, V] (V, not Vh), reduced when some (the default). */
export function svd(a: Tensor, some = true): [U: Tensor, S: Tensor, V: Tensor] & { U: Tensor; S: Tensor; V: Tensor } {
  const { U, S, Vh } = linalgSvd(a, { fullMatrices: !some });
  const V = t(Vh);
  return Object.assign([U, S, V] as [Tensor, Tensor, Tensor], { U, S, V });
}

/** torch.pinverse: the pseudo-inverse with singular values below rcond·σ_max treated as 0. */
export function pinverse(a: Tensor, rcond = 1e-15): Tensor {
  const { U, S, Vh } = linalgSvd(a, { fullMatrices: false });
  const keep = S.gt(S.detach().amax(-1, true).mul(rcond));
  return t(Vh).mul(S.reciprocal().where(keep, 0).unsqueeze(-2)).matmul(t(U));
}

/** X with A·X = B given A's Cholesky factor (lower, or upper with upper: true). */
export function choleskySolve(b: Tensor, factor: Tensor, upper = false): Tensor {
  const L = upper ? t(factor) : factor;
  return solveTriangular(t(L), solveTriangular(L, b, { upper: false }), { upper: true });
}

/** The inverse of A = L·Lᵀ (or Uᵀ·U) from its Cholesky factor. */
export function choleskyInverse(factor: Tensor, upper = false): Tensor {
  const n = factor.shape.at(-1)!;
  return choleskySolve(expand(eye(n, n, { dtype: factor.dtype, device: factor.backend }), [...factor.shape]), factor, upper);
}

/** torch.triangular_solve(b, A): [solution of A·X = b (or Aᵀ·X with transpose), a copy of A]. */
export function triangularSolve(b: Tensor, a: Tensor, upper = true, transpose = false, unitriangular = false): [solution: Tensor, clonedCoefficient: Tensor] & { solution: Tensor; clonedCoefficient: Tensor } {
  const solution = transpose ? solveTriangular(t(a), b, { upper: !upper, unitriangular }) : solveTriangular(a, b, { upper, unitriangular });
  const clonedCoefficient = a.clone();
  return Object.assign([solution, clonedCoefficient] as [Tensor, Tensor], { solution, clonedCoefficient });
}

/** torch.orgqr: linalg.householderProduct. */
export const orgqr = householderProduct;

export { luUnpack };
