/**
 * Square systems by Gauss–Jordan elimination with partial pivoting, composed from whole-tensor
 * ops over any batch dims: n steps, each one row swap (a gather by the detached pivot choice) and
 * one rank-1 update. Autograd differentiates through the elimination, which gives the textbook
 * gradients (of inv: −A⁻ᵀ·g·A⁻ᵀ; of det: det·A⁻ᵀ) for non-singular matrices. Meant for the small
 * matrices of everyday models (O(n) ops of O(n²) elements each).
 */
import { isFloating } from "../../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../tensor.js";
import { noGrad } from "../grad-mode.js";
import { refuseIfAny } from "../deferred-check.js";
import { arange, eye, zeros } from "../creation.js";
import { abs, add, cast, div, eq, log, lt, mul, sign, sub, where } from "../elementwise.js";
import { gather } from "../indexing.js";
import { argmax, prod, sum } from "../reduce.js";
import { matmul } from "../matmul.js";
import { cat, expand, narrow, reshape, select, unsqueeze } from "../movement.js";

/** Checks a batch of square float matrices [..., n, n]. */
export function checkSquare(a: Tensor, op: string): number {
  if (!isFloating(a.dtype)) throw new DTypeError(`${op}: expected a floating tensor, got ${a.dtype}`);
  if (a.ndim < 2 || a.shape.at(-1) !== a.shape.at(-2)) throw new ShapeError(`${op}: expected square matrices [..., n, n], got shape ${fmtShape(a.shape)}`);
  return a.shape.at(-1)!;
}

interface Elimination {
  /** The reduced [I | A⁻¹B] right-hand block. */
  solution: Tensor;
  /** The pivots, [..., n], in elimination order. */
  pivots: Tensor;
  /** (−1)^(row swaps), [...]. */
  swapSign: Tensor;
}

/** Reduces [A | B] to [I | A⁻¹B], recording pivots and the sign of the row permutation. */
function eliminate(a: Tensor, b: Tensor, op: string): Elimination {
  const n = a.shape.at(-1)!;
  let m = cat([a, b], -1);
  const width = m.shape.at(-1)!;
  const batch = a.shape.slice(0, -2);
  const rows = arange(0, n, 1, { dtype: "int32", device: a.backend });
  const pivots: Tensor[] = [];
  let swaps = zeros(batch, { dtype: a.dtype, device: a.backend });
  for (let k = 0; k < n; k++) {
    // Partial pivoting: bring the largest |m[i, k]|, i ≥ k, to row k (a permutation of the rows, detached).
    const order = noGrad(() => {
      const best = add(argmax(abs(narrow(select(m.detach(), -1, k), -1, k, n - k)), -1, true), k); // [..., 1]
      const r = expand(reshape(rows, [...batch.map(() => 1), n]), [...batch, n]);
      const swapped = where(eq(r, k), best, where(eq(r, best), k, r));
      swaps = add(swaps, cast(reshape(best.ne(k), batch), swaps.dtype));
      return swapped;
    });
    m = gather(m, -2, expand(unsqueeze(order, -1), [...batch, n, width]));
    const pivot = select(select(m, -2, k), -1, k); // [...]
    pivots.push(pivot);
    // A zero pivot (a singular matrix) divides by 1 instead: det still sees the 0, and inv/solve refuse it below.
    const row = div(select(m, -2, k), unsqueeze(where(eq(pivot, 0), 1, pivot), -1)); // [..., width]
    const column = select(m, -1, k); // [..., n]
    const isK = eq(rows, k);
    const factors = where(isK, 0, column);
    // Every other row loses its multiple of the pivot row; row k becomes the normalised row.
    m = sub(m, mul(unsqueeze(factors, -1), unsqueeze(row, -2)));
    m = where(unsqueeze(isK, -1), unsqueeze(row, -2), m);
  }
  const pivotStack = pivots.length ? cat(pivots.map((p) => unsqueeze(p, -1)), -1) : mul(sum(a, -1), 0);
  const swapSign = sub(1, mul(remainder2(swaps), 2));
  if (op !== "det" && op !== "slogdet") {
    // [n]: a zero pivot at step k in some matrix.
    noGrad(() => refuseIfAny(eq(pivotStack.detach(), 0).reshape([-1, n]).any(0), `${op}: the matrix is singular (pivot {position} is zero in Gauss–Jordan elimination)`));
  }
  return { solution: narrow(m, -1, n, width - n), pivots: pivotStack, swapSign };
}

const remainder2 = (x: Tensor) => sub(x, mul(x.div(2).floor(), 2));

/** The inverse of each square matrix; a singular matrix is an error. */
export function inv(a: Tensor): Tensor {
  const n = checkSquare(a, "inv");
  return eliminate(a, expand(eye(n, n, { dtype: a.dtype, device: a.backend }), [...a.shape]), "inv").solution;
}

/** X with A·X = B (B [..., n, k], or [..., n] for one vector), for square non-singular A. */
export function solve(a: Tensor, b: Tensor, { left = true }: { left?: boolean } = {}): Tensor {
  if (!left) return solve(a.transpose(-2, -1), b.transpose(-2, -1)).transpose(-2, -1);
  const n = checkSquare(a, "solve");
  const vector = b.ndim === a.ndim - 1 || b.ndim === 1;
  const rhs = vector ? unsqueeze(b, -1) : b;
  if (rhs.shape.at(-2) !== n) throw new ShapeError(`solve: A is ${fmtShape(a.shape)} but B is ${fmtShape(b.shape)}; B's rows must number ${n}`);
  const batch = broadcastBatch(a.shape.slice(0, -2), rhs.shape.slice(0, -2));
  const x = eliminate(expand(a, [...batch, n, n]), expand(cast(rhs, a.dtype), [...batch, n, rhs.shape.at(-1)!]), "solve").solution;
  return vector ? select(x, -1, 0) : x;
}

function broadcastBatch(a: readonly number[], b: readonly number[]): number[] {
  const len = Math.max(a.length, b.length);
  return Array.from({ length: len }, (_, i) => {
    const [x, y] = [a[a.length - len + i] ?? 1, b[b.length - len + i] ?? 1];
    if (x !== y && x !== 1 && y !== 1) throw new ShapeError(`solve: batch shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast`);
    return Math.max(x, y);
  });
}

/** The determinant of each square matrix (0 for a singular one). */
export function det(a: Tensor): Tensor {
  const n = checkSquare(a, "det");
  if (n === 0) return add(sum(a, [-2, -1]), 1);
  const { pivots, swapSign } = eliminate(a, narrow(a, -1, 0, 0), "det");
  return mul(prod(pivots, -1), swapSign);
}

/** [sign, log|det|] of each square matrix: no overflow for large determinants. */
export function slogdet(a: Tensor): [sign: Tensor, logabsdet: Tensor] & { sign: Tensor; logabsdet: Tensor } {
  const n = checkSquare(a, "slogdet");
  const { pivots, swapSign } = n === 0 ? { pivots: narrow(sum(a, -1), -1, 0, 0), swapSign: add(sum(a, [-2, -1]), 1) } : eliminate(a, narrow(a, -1, 0, 0), "slogdet");
  const s = mul(prod(sign(pivots), -1), swapSign);
  const l = sum(log(abs(pivots)), -1);
  return Object.assign([s, l] as [Tensor, Tensor], { sign: s, logabsdet: l });
}

/** log det: NaN for a negative determinant, −∞ for a singular matrix. */
export function logdet(a: Tensor): Tensor {
  const { sign: s, logabsdet } = slogdet(a);
  return where(lt(s, 0), NaN, where(eq(s, 0), -Infinity, logabsdet));
}

/** Aⁿ by repeated squaring; n < 0 inverts first, n = 0 gives the identity. */
export function matrixPower(a: Tensor, n: number): Tensor {
  const size = checkSquare(a, "matrixPower");
  if (!Number.isInteger(n)) throw new ValueError(`matrixPower: n must be an integer, got ${n}`);
  if (n === 0) return expand(eye(size, size, { dtype: a.dtype, device: a.backend }), [...a.shape]).contiguous();
  let base = n < 0 ? inv(a) : a;
  let result: Tensor | null = null;
  for (let e = Math.abs(n); e > 0; e >>= 1) {
    if (e & 1) result = result ? matmul(result, base) : base;
    if (e > 1) base = matmul(base, base);
  }
  return result!;
}

