/**
 * QR (Householder reflections, with LAPACK's sign convention), LU with partial pivoting (LAPACK's
 * packed factor and 1-based pivots), triangular solves, the Householder product and the matrix
 * exponential — each composed from whole-tensor ops over any batch dims, so autograd
 * differentiates them (to every order). Pivot and reflection choices are made on detached values.
 */
import { isFloating } from "../../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../tensor.js";
import { noGrad } from "../grad-mode.js";
import { arange, eye, zeros } from "../creation.js";
import { where } from "../elementwise.js";
import { gather, indexSelect } from "../indexing.js";
import { cat, expand, narrow, pad, select, unsqueeze } from "../movement.js";
import { argmax } from "../reduce.js";
import { checkSquare } from "./solve.js";
import { refuseIfAny } from "../deferred-check.js";

function checkMatrix(a: Tensor, op: string): [number, number] {
  if (!isFloating(a.dtype)) throw new DTypeError(`${op}: expected a floating tensor, got ${a.dtype}`);
  if (a.ndim < 2) throw new ShapeError(`${op}: expected matrices [..., m, n], got shape ${fmtShape(a.shape)}`);
  return a.shape.slice(-2) as [number, number];
}

const t = (x: Tensor) => x.transpose(-2, -1);
const identity = (n: number, like: Tensor) => expand(eye(n, n, { dtype: like.dtype, device: like.backend }), [...like.shape.slice(0, -2), n, n]);

export type QrMode = "reduced" | "complete" | "r";

/** A = Q·R with orthonormal Q and upper-triangular R ("reduced": Q [m, k], R [k, n], k = min(m, n); "complete": Q [m, m]; "r": R only, Q empty). */
export function qr(a: Tensor, { mode = "reduced" }: { mode?: QrMode } = {}): [Q: Tensor, R: Tensor] & { Q: Tensor; R: Tensor } {
  const [m, n] = checkMatrix(a, "qr");
  if (!["reduced", "complete", "r"].includes(mode)) throw new ValueError(`qr: mode must be 'reduced', 'complete' or 'r', got '${mode}'`);
  const k = Math.min(m, n);
  const rows = arange(0, m, 1, { dtype: "int32", device: a.backend });
  let R = a;
  let Q = identity(m, a);
  for (let j = 0; j < k; j++) {
    const x = select(R, -1, j).where(rows.ge(j), 0); // [..., m]: column j from row j down
    const alpha = select(x, -1, j);
    const norm = x.square().sum(-1).sqrt();
    // LAPACK's dlarfg: no reflection when nothing lies below the diagonal; else u = x + sign(α)·‖x‖·eⱼ.
    const below = noGrad(() => x.detach().where(rows.gt(j), 0).abs().amax(-1).gt(0));
    const sign = noGrad(() => alpha.detach().ge(0).to(a.dtype).mul(2).sub(1));
    const u = x.add(rows.eq(j).to(a.dtype).mul(sign.mul(norm).unsqueeze(-1)));
    const scale = u.square().sum(-1).where(below, 1).reciprocal().mul(2).where(below, 0).unsqueeze(-1); // 2/‖u‖², 0 to skip
    const uCol = unsqueeze(u, -1);
    R = R.sub(uCol.matmul(unsqueeze(u, -2).matmul(R)).mul(scale.unsqueeze(-1)));
    Q = Q.sub(Q.matmul(uCol).matmul(unsqueeze(u, -2)).mul(scale.unsqueeze(-1)));
  }
  R = R.triu();
  if (mode === "r") return named(zeros([0], { dtype: a.dtype, device: a.backend }), narrow(R, -2, 0, k));
  if (mode === "complete") return named(Q, R);
  return named(narrow(Q, -1, 0, k), narrow(R, -2, 0, k));
}

function named(Q: Tensor, R: Tensor) {
  return Object.assign([Q, R] as [Tensor, Tensor], { Q, R });
}

/**
 * LU with partial pivoting, as LAPACK's getrf: the packed factor (L's multipliers below the
 * diagonal, U on and above) and the 1-based pivots (row k was swapped with row pivots[k] − 1).
 */
export function luFactor(a: Tensor): [LU: Tensor, pivots: Tensor] & { LU: Tensor; pivots: Tensor } {
  const n = checkSquare(a, "luFactor");
  const batch = a.shape.slice(0, -2);
  const rows = arange(0, n, 1, { dtype: "int32", device: a.backend });
  let m = a;
  const pivots: Tensor[] = [];
  for (let k = 0; k < n; k++) {
    const order = noGrad(() => {
      const best = argmax(narrow(select(m.detach(), -1, k), -1, k, n - k).abs(), -1, true).add(k); // [..., 1]
      pivots.push(best.add(1).int());
      const r = expand(rows.reshape([...batch.map(() => 1), n]), [...batch, n]);
      return where(r.eq(k), best, where(r.eq(best), k, r));
    });
    m = gather(m, -2, expand(unsqueeze(order, -1), [...batch, n, n]));
    const pivot = select(select(m, -2, k), -1, k);
    const safe = pivot.where(pivot.ne(0), 1); // a zero pivot leaves its column's multipliers at 0, as getrf
    const below = rows.gt(k);
    const multipliers = select(m, -1, k).div(unsqueeze(safe, -1)).where(below, 0).where(unsqueeze(pivot.ne(0), -1), 0); // [..., n]
    const pivotRow = select(m, -2, k).where(rows.gt(k), 0); // U's row k right of the diagonal
    m = m.sub(unsqueeze(multipliers, -1).mul(unsqueeze(pivotRow, -2)));
    // Column k below the diagonal holds the multipliers.
    const columnK = rows.eq(k);
    m = where(unsqueeze(columnK, 0).logicalAnd(unsqueeze(below, -1)), unsqueeze(multipliers, -1), m);
  }
  const piv = pivots.length ? cat(pivots, -1) : zeros([...batch, 0], { dtype: "int32", device: a.backend });
  return Object.assign([m, piv] as [Tensor, Tensor], { LU: m, pivots: piv });
}

/**
 * The row order [..., n] that LAPACK's 1-based pivots apply (row k swapped with row pivots[k] − 1,
 * for k = 0…n−1), composed on the pivots' device: no read.
 */
function permutationOf(pivots: Tensor, n: number): Tensor {
  const batch = pivots.shape.slice(0, -1);
  const rows = arange(0, n, 1, { dtype: "int32", device: pivots.backend });
  let perm = expand(rows.reshape([...batch.map(() => 1), n]), [...batch, n]);
  for (let k = 0; k < n; k++) {
    const p = select(pivots, -1, k).sub(1).unsqueeze(-1); // [..., 1]
    const [atK, atP] = [select(perm, -1, k).unsqueeze(-1), gather(perm, -1, p)];
    perm = where(rows.eq(k), atP, where(rows.eq(p), atK, perm));
  }
  return perm;
}

/** [P, L, U] with A = P·L·U (L unit lower-triangular). */
export function lu(a: Tensor): [P: Tensor, L: Tensor, U: Tensor] & { P: Tensor; L: Tensor; U: Tensor } {
  checkSquare(a, "lu");
  const { LU, pivots } = luFactor(a);
  return luUnpack(LU, pivots);
}

/** [P, L, U] from luFactor's packed factor and 1-based pivots (torch.lu_unpack). */
export function luUnpack(LU: Tensor, pivots: Tensor): [P: Tensor, L: Tensor, U: Tensor] & { P: Tensor; L: Tensor; U: Tensor } {
  const n = checkSquare(LU, "luUnpack");
  const L = LU.tril(-1).add(identity(n, LU));
  const U = LU.triu();
  // P[..., src, i] = 1 where row i of A·… came from row src: perm[i] = src.
  const P = permutationOf(pivots, n).unsqueeze(-2).eq(arange(0, n, 1, { dtype: "int32", device: LU.backend }).unsqueeze(-1)).to(LU.dtype);
  return Object.assign([P, L, U] as [Tensor, Tensor, Tensor], { P, L, U });
}

/** X with A·X = B from luFactor's output (B [..., n, k]). */
export function luSolve(LU: Tensor, pivots: Tensor, b: Tensor): Tensor {
  const n = checkSquare(LU, "luSolve");
  if (b.ndim < 2 || b.shape.at(-2) !== n) throw new ShapeError(`luSolve: B must be [..., ${n}, k], got ${fmtShape(b.shape)}`);
  const perm = permutationOf(pivots, n);
  const permuted = perm.ndim === 1 ? indexSelect(b, -2, perm) : gather(b, -2, perm.unsqueeze(-1).expand(...b.shape.slice(0, -1), b.shape.at(-1)!));
  const y = solveTriangular(LU, permuted, { upper: false, unitriangular: true });
  return solveTriangular(LU, y, { upper: true });
}

/** X with A·X = B (or X·A = B with left: false) for triangular A, by substitution; unitriangular takes A's diagonal as 1. */
export function solveTriangular(a: Tensor, b: Tensor, { upper, left = true, unitriangular = false }: { upper: boolean; left?: boolean; unitriangular?: boolean }): Tensor {
  if (!left) return t(solveTriangular(t(a), t(b), { upper: !upper, unitriangular }));
  const n = checkSquare(a, "solveTriangular");
  if (b.ndim < 2 || b.shape.at(-2) !== n) throw new ShapeError(`solveTriangular: B must be [..., ${n}, k] for A ${fmtShape(a.shape)}, got ${fmtShape(b.shape)}`);
  const solved: Tensor[] = new Array<Tensor>(n);
  const order = upper ? Array.from({ length: n }, (_, i) => n - 1 - i) : Array.from({ length: n }, (_, i) => i);
  for (const i of order) {
    let rhs = select(b, -2, i); // [..., k]
    const done = upper ? Array.from({ length: n - 1 - i }, (_, j) => i + 1 + j) : Array.from({ length: i }, (_, j) => j);
    for (const j of done) rhs = rhs.sub(select(select(a, -2, i), -1, j).unsqueeze(-1).mul(solved[j]!));
    solved[i] = unitriangular ? rhs : rhs.div(select(select(a, -2, i), -1, i).unsqueeze(-1));
  }
  return n === 0 ? b : cat(solved.map((s) => s.unsqueeze(-2)), -2);
}

/** The product of Householder reflections H₀·H₁·…, Hᵢ = I − τᵢ·vᵢ·vᵢᵀ with vᵢ = (0…0, 1, A[i+1:, i]) (LAPACK's orgqr). */
export function householderProduct(a: Tensor, tau: Tensor): Tensor {
  const [m, n] = checkMatrix(a, "householderProduct");
  const k = tau.shape.at(-1)!;
  if (n > m || k > n) throw new ShapeError(`householderProduct: needs m ≥ n ≥ k, got A ${fmtShape(a.shape)} and tau ${fmtShape(tau.shape)}`);
  const rows = arange(0, m, 1, { dtype: "int32", device: a.backend });
  let Q = narrow(identity(m, a), -1, 0, n);
  for (let i = k - 1; i >= 0; i--) {
    const v = select(a, -1, i).where(rows.gt(i), 0).add(rows.eq(i).to(a.dtype)); // [..., m]
    const vCol = unsqueeze(v, -1);
    Q = Q.sub(vCol.matmul(unsqueeze(v, -2).matmul(Q)).mul(select(tau, -1, i).unsqueeze(-1).unsqueeze(-1)));
  }
  return Q;
}

/** The squarings a backend with asynchronous reads (the GPU) runs at most: enough for ‖A‖₁ < 2⁶³. */
const MAX_SQUARINGS = 64;

/**
 * e^A by scaling and squaring: each matrix over 2ˢ with ‖A/2ˢ‖₁ ≤ ½, an 18-term Taylor series, then
 * s squarings. The number of squarings depends on the values: the CPU reads the largest s; the
 * GPU, which cannot read synchronously, runs MAX_SQUARINGS, each matrix keeping its square only
 * while it has squarings left, and refuses larger norms at the next read.
 */
export function matrixExp(a: Tensor): Tensor {
  const n = checkSquare(a, "matrixExp");
  const I = identity(n, a);
  if (n === 0) return I;
  const norms = noGrad(() => a.detach().abs().sum(-2).amax(-1, true).unsqueeze(-1)); // [..., 1, 1]
  const s = noGrad(() => norms.mul(2).log2().ceil().clamp(0)); // NaN for NaN or ∞ norms
  const readable = !a.backend.read;
  // (The largest finite s: a NaN matrix must not take the others' squarings; an empty batch has none.)
  const squarings = !readable ? MAX_SQUARINGS : s.numel() === 0 ? 0 : s.where(s.isfinite(), 0).amax().item();
  if (!readable) refuseIfAny(s.gt(MAX_SQUARINGS).logicalAnd(s.isfinite()).reshape(-1), `matrixExp: matrix {position}'s 1-norm, {value}, is too large for the ${MAX_SQUARINGS} squarings run on this device`, norms.reshape(-1));
  const x = a.mul(s.neg().exp2());
  let term: Tensor = I;
  let sum: Tensor = I;
  for (let k = 1; k <= 18; k++) {
    term = term.matmul(x).div(k);
    sum = sum.add(term);
  }
  for (let i = 0; i < squarings; i++) sum = sum.matmul(sum).where(s.gt(i), sum);
  return sum;
}

/**
 * LAPACK's geqrf: [a, tau] with R on and above the diagonal of a, the Householder vectors below it
 * (each vᵢ with an implicit 1 at i) and their scales τᵢ, so that Q = Π (I − τᵢ·vᵢ·vᵢᵀ).
 */
export function geqrf(a: Tensor): [a: Tensor, tau: Tensor] & { a: Tensor; tau: Tensor } {
  const [m, n] = checkMatrix(a, "geqrf");
  const k = Math.min(m, n);
  const rows = arange(0, m, 1, { dtype: "int32", device: a.backend });
  let R = a;
  const vectors: Tensor[] = [];
  const taus: Tensor[] = [];
  for (let j = 0; j < k; j++) {
    const x = select(R, -1, j).where(rows.ge(j), 0);
    const alpha = select(x, -1, j);
    const norm = x.square().sum(-1).sqrt();
    const below = noGrad(() => x.detach().where(rows.gt(j), 0).abs().amax(-1).gt(0));
    const sign = noGrad(() => alpha.detach().ge(0).to(a.dtype).mul(2).sub(1));
    const pivot = alpha.add(sign.mul(norm)); // u's entry j
    const u = x.add(rows.eq(j).to(a.dtype).mul(sign.mul(norm).unsqueeze(-1)));
    const uu = u.square().sum(-1);
    const scale = uu.where(below, 1).reciprocal().mul(2).where(below, 0).unsqueeze(-1);
    R = R.sub(unsqueeze(u, -1).matmul(unsqueeze(u, -2).matmul(R)).mul(scale.unsqueeze(-1)));
    // v = u / u_j (v_j = 1), τ = 2·u_j²/‖u‖²; no reflection: v = 0, τ = 0.
    const safePivot = pivot.where(below, 1).unsqueeze(-1);
    vectors.push(u.div(safePivot).where(rows.gt(j).logicalAnd(below.unsqueeze(-1)), 0));
    taus.push(pivot.square().mul(2).div(uu.where(below, 1)).where(below, 0));
  }
  const below = vectors.length ? pad(cat(vectors.map((v) => v.unsqueeze(-1)), -1), [0, n - k]) : null; // [..., m, n]
  const packed = below ? R.triu().add(below) : R.triu();
  const tau = taus.length ? cat(taus.map((t) => t.unsqueeze(-1)), -1) : zeros([...a.shape.slice(0, -2), 0], { dtype: a.dtype, device: a.backend });
  return Object.assign([packed, tau] as [Tensor, Tensor], { a: packed, tau });
}

/** other multiplied by geqrf's Q (Q·other, or Qᵀ·other with transpose; on the right with left: false), as LAPACK's ormqr. */
export function ormqr(a: Tensor, tau: Tensor, other: Tensor, { left = true, transpose = false }: { left?: boolean; transpose?: boolean } = {}): Tensor {
  const [m, n] = checkMatrix(a, "ormqr");
  const k = tau.shape.at(-1)!;
  // The full m×m Q: pad A to m columns and τ with zeros (the extra reflections are the identity).
  const square = m > n ? pad(a, [0, m - n]) : narrow(a, -1, 0, m);
  const taus = k < m ? pad(tau, [0, m - k]) : tau;
  let Q = householderProduct(square, taus);
  if (transpose) Q = t(Q);
  return left ? Q.matmul(other) : other.matmul(Q);
}
