/**
 * The Cholesky factor L (A = L·Lᴴ) of symmetric positive-definite matrices, column by column
 * (the Cholesky–Banachiewicz order), composed from whole-tensor ops over any batch dims so that
 * autograd gives its gradient. A matrix that is not positive-definite is an error naming the
 * leading minor that failed, as PyTorch's.
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../tensor.js";
import { noGrad } from "../grad-mode.js";
import { arange } from "../creation.js";
import { div, ge, gt, mul, sqrt, sub, where } from "../elementwise.js";
import { matmul } from "../matmul.js";
import { cat, select, unsqueeze } from "../movement.js";
import { checkSquare } from "./solve.js";

export function cholesky(a: Tensor, { upper = false }: { upper?: boolean } = {}): Tensor {
  const n = checkSquare(a, "cholesky");
  const rows = arange(0, n, 1, { dtype: "int32" });
  const columns: Tensor[] = [];
  for (let j = 0; j < n; j++) {
    // v = A[:, j] − L[:, :j]·L[j, :j]ᵀ; L[:, j] = v / √v[j] on rows ≥ j.
    let v = select(a, -1, j);
    if (j > 0) {
      const done = cat(columns.map((c) => unsqueeze(c, -1)), -1); // [..., n, j]
      v = sub(v, select(matmul(done, unsqueeze(select(done, -2, j), -1)), -1, 0));
    }
    const d = select(v, -1, j);
    const positive = noGrad(() => gt(d.detach(), 0).all().item());
    if (!positive) {
      throw new ValueError(`cholesky: the factorization could not be completed because the input is not positive-definite (the leading minor of order ${j + 1} is not positive-definite)`);
    }
    columns.push(where(ge(rows, j), div(v, unsqueeze(sqrt(d), -1)), 0));
  }
  const l = n === 0 ? mul(a, 1) : cat(columns.map((c) => unsqueeze(c, -1)), -1);
  return upper ? l.transpose(-2, -1) : l;
}

