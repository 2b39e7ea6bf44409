/**
 * The Cholesky factor L (A = L·Lᴴ) of symmetric positive-definite matrices, column by column
 * (the Cholesky–Banachiewicz order), composed from whole-tensor ops over any batch dims so that
 * autograd gives its gradient. A matrix that is not positive-definite is an error naming the
 * leading minor that failed, as PyTorch's (on the GPU, at the next read: deferred-check.ts).
 */
import type { Tensor } from "../tensor.js";
import { noGrad } from "../grad-mode.js";
import { arange } from "../creation.js";
import { div, ge, gt, logicalNot, mul, sqrt, sub, where } from "../elementwise.js";
import { matmul } from "../matmul.js";
import { cat, select, stack, unsqueeze } from "../movement.js";
import { refuseIfAny } from "../deferred-check.js";
import { checkSquare } from "./solve.js";

export function cholesky(a: Tensor, { upper = false }: { upper?: boolean } = {}): Tensor {
  const n = checkSquare(a, "cholesky");
  const rows = arange(0, n, 1, { dtype: "int32", device: a.backend });
  const columns: Tensor[] = [];
  const pivots: Tensor[] = [];
  for (let j = 0; j < n; j++) {
    // v = A[:, j] − L[:, :j]·L[j, :j]ᵀ; L[:, j] = v / √v[j] on rows ≥ j.
    let v = select(a, -1, j);
    if (j > 0) {
      const done = cat(columns.map((c) => unsqueeze(c, -1)), -1); // [..., n, j]
      v = sub(v, select(matmul(done, unsqueeze(select(done, -2, j), -1)), -1, 0));
    }
    const d = select(v, -1, j);
    pivots.push(d.detach());
    columns.push(where(ge(rows, j), div(v, unsqueeze(sqrt(d), -1)), 0));
  }
  if (n > 0) {
    // [n]: the minor of order j + 1 is not positive-definite in some matrix (a NaN pivot is not positive either).
    const failed = noGrad(() => logicalNot(gt(stack(pivots, -1), 0)).reshape([-1, n]).any(0));
    refuseIfAny(failed, "cholesky: the factorization could not be completed because the input is not positive-definite (the leading minor of order {position} is not positive-definite)");
  }
  const l = n === 0 ? mul(a, 1) : cat(columns.map((c) => unsqueeze(c, -1)), -1);
  return upper ? l.transpose(-2, -1) : l;
}

