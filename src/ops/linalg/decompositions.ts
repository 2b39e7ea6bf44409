/**
 * Spectral decompositions with gradients: eigh/eigvalsh and svd/svdvals run on the backend's own
 * routine where it has one (the GPU's Jacobi kernels, in float32), else in float64 on the host
 * (host-decompositions.ts), and return tensors whose first-order derivative is the exact
 * linearisation of the decomposition — dλ = diag(Vᵀ·dA·V), dV = V·(F∘(Vᵀ·dA·V)), and Townsend's
 * formulas for the SVD — written with detached factors and dA = A − A.detach(), which is zero in
 * value and the identity in derivative. So backward gives PyTorch's gradients (for distinct
 * eigen/singular values, as PyTorch requires); second derivatives through them are not supported.
 */
import { isFloating } from "../../base/dtype.js";
import { DTypeError, ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../tensor.js";
import { eye, tensor } from "../creation.js";
import { diagonal } from "../composite/arrange.js";
import { cat, narrow } from "../movement.js";
import { noGrad } from "../grad-mode.js";
import { tryApplyMulti } from "../dispatch.js";
import { jacobiEigh, jacobiSvd } from "./host-decompositions.js";
import { qr } from "./factorizations.js";

function checkMatrix(a: Tensor, op: string): void {
  if (!isFloating(a.dtype)) throw new DTypeError(`${op}: expected a floating tensor, got ${a.dtype}`);
  if (a.ndim < 2) throw new ShapeError(`${op}: expected matrices [..., m, n], got shape ${fmtShape(a.shape)}`);
}

/** Runs a host routine on every matrix of the batch; returns its outputs stacked, as float64 arrays. */
function perMatrix<K extends string>(a: Tensor, run: (m: Float64Array) => Record<K, Float64Array>): Record<K, Float64Array[]> {
  const [m, n] = a.shape.slice(-2) as [number, number];
  const data = Float64Array.from(a.detach().contiguous().dataSync());
  const out = {} as Record<K, Float64Array[]>;
  const count = m * n === 0 ? 0 : data.length / (m * n);
  for (let b = 0; b < count; b++) {
    const r = run(data.subarray(b * m * n, (b + 1) * m * n));
    for (const [k, v] of Object.entries(r) as [K, Float64Array][]) (out[k] ??= []).push(v);
  }
  return out;
}

function stacked(parts: Float64Array[] | undefined, shape: number[], like: Tensor): Tensor {
  const size = shape.reduce((x, y) => x * y, 1);
  const flat = new Float64Array(size);
  (parts ?? []).forEach((p, i) => flat.set(p, i * p.length));
  return tensor(flat, { dtype: "float64" }).reshape(shape).to(like.dtype).toBackend(like.backend);
}

const t = (x: Tensor) => x.transpose(-2, -1);

/**
 * The batch as [B, r, c] over its largest magnitude per matrix, and that divisor [B, 1, 1]: the
 * backend routines work in float32, where sums of squares of large or small entries would
 * overflow or underflow.
 */
function scaledBatch(x: Tensor): [Tensor, Tensor] {
  const [r, c] = x.shape.slice(-2) as [number, number];
  const flat = x.reshape([x.shape.slice(0, -2).reduce((p, d) => p * d, 1), r, c]); // (not -1: a batch of 0×0 matrices has no size to infer)
  if (flat.numel() === 0) return [flat.contiguous(), flat.sum([-2, -1], true).add(1)]; // amax has no empty form
  const big = flat.abs().amax([-2, -1], true);
  const scale = big.where(big.gt(0), 1);
  return [flat.div(scale).contiguous(), scale];
}

/** Eigenvalues [..., n] and eigenvectors [..., n, n] of the (lower triangles of) a, detached. */
function eighFactors(a: Tensor, n: number): [Tensor, Tensor] {
  const batch = a.shape.slice(0, -2);
  const onDevice = a.dtype === "float32" && a.backend.eigh && noGrad(() => {
    const [x, scale] = scaledBatch(a.detach().tril());
    const out = tryApplyMulti("eigh", [x], {});
    return out && ([out[0]!.mul(scale.reshape(-1, 1)).reshape([...batch, n]), out[1]!.reshape([...batch, n, n])] as [Tensor, Tensor]);
  });
  if (onDevice) return onDevice;
  const host = perMatrix(a, (m) => {
    // PyTorch (LAPACK's UPLO = 'L') reads the lower triangle: mirror it.
    const s = Float64Array.from(m);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s[i * n + j] = s[j * n + i]!;
    const r = jacobiEigh(s, n);
    return { values: r.values, vectors: r.vectors };
  });
  return [stacked(host.values, [...batch, n], a), stacked(host.vectors, [...batch, n, n], a)];
}

/** The thin SVD's U [..., m, k], S [..., k] and V [..., n, k], k = min(m, n), detached. */
function svdFactors(a: Tensor, m: number, n: number): [Tensor, Tensor, Tensor] {
  const k = Math.min(m, n);
  const batch = a.shape.slice(0, -2);
  const onDevice = a.dtype === "float32" && a.backend.svd && noGrad(() => {
    // The routine takes m ≥ n; a wide matrix goes through its transpose, U and V trading places.
    const [x, scale] = scaledBatch(m < n ? t(a.detach()) : a.detach());
    const out = tryApplyMulti("svd", [x], {});
    if (!out) return null;
    const [u, s, v] = m < n ? [out[2]!, out[1]!, out[0]!] : [out[0]!, out[1]!, out[2]!];
    return [u.reshape([...batch, m, k]), s.mul(scale.reshape(-1, 1)).reshape([...batch, k]), v.reshape([...batch, n, k])] as [Tensor, Tensor, Tensor];
  });
  if (onDevice) return onDevice;
  const host = perMatrix(a, (mat) => {
    const r = jacobiSvd(mat, m, n);
    return { u: r.u, s: r.s, v: r.v };
  });
  return [stacked(host.u, [...batch, m, k], a), stacked(host.s, [...batch, k], a), stacked(host.v, [...batch, n, k], a)];
}

/** [eigenvalues ascending [..., n], eigenvectors [..., n, n] (columns)] of symmetric matrices. */
export function eigh(a: Tensor): [eigenvalues: Tensor, eigenvectors: Tensor] & { eigenvalues: Tensor; eigenvectors: Tensor } {
  checkMatrix(a, "eigh");
  const n = a.shape.at(-1)!;
  if (a.shape.at(-2) !== n) throw new ShapeError(`eigh: expected square matrices, got shape ${fmtShape(a.shape)}`);
  const [L, V] = eighFactors(a, n);
  if (!a.requiresGrad) return named(L, V);
  const dA = a.sub(a.detach());
  // PyTorch's eigh gradient is the symmetric part of the linearisation's: symmetrise dA's image.
  const P = t(V).matmul(dA.add(t(dA)).mul(0.5)).matmul(V); // Vᵀ·sym(dA)·V
  const gap = L.unsqueeze(-2).sub(L.unsqueeze(-1)); // λⱼ − λᵢ
  const offDiagonal = eye(n, n, { dtype: a.dtype, device: a.backend }).logicalNot();
  const F = gap.reciprocal().where(gap.ne(0), 0).mul(offDiagonal); // 1/(λⱼ − λᵢ) off the diagonal
  const values = L.add(diagonal(P, 0, -2, -1));
  const vectors = V.add(V.matmul(F.mul(P)));
  return named(values, vectors);
}

function named(eigenvalues: Tensor, eigenvectors: Tensor) {
  return Object.assign([eigenvalues, eigenvectors] as [Tensor, Tensor], { eigenvalues, eigenvectors });
}

/** The ascending eigenvalues of symmetric matrices. */
export const eigvalsh = (a: Tensor): Tensor => eigh(a).eigenvalues;

export type SvdResult = [U: Tensor, S: Tensor, Vh: Tensor] & { U: Tensor; S: Tensor; Vh: Tensor };

/**
 * A = U·diag(S)·Vh with descending S. fullMatrices (PyTorch's default) completes U to m×m and Vh
 * to n×n; the completed columns carry no gradient (PyTorch ignores theirs too).
 */
export function svd(a: Tensor, { fullMatrices = true }: { fullMatrices?: boolean } = {}): SvdResult {
  checkMatrix(a, "svd");
  const [m, n] = a.shape.slice(-2) as [number, number];
  const k = Math.min(m, n);
  const [U, S, V] = svdFactors(a, m, n);
  let outU = U;
  let outS = S;
  let outV = V;
  if (a.requiresGrad && k > 0) {
    const dA = a.sub(a.detach());
    const P = t(U).matmul(dA).matmul(V); // [.., k, k]
    const s = S.unsqueeze(-1); // column
    const sRow = S.unsqueeze(-2);
    const ik = eye(k, k, { dtype: a.dtype, device: a.backend });
    const gap = sRow.square().sub(s.square()); // sⱼ² − sᵢ²
    const F = gap.reciprocal().where(gap.ne(0), 0).mul(ik.logicalNot());
    const inv = S.reciprocal().where(S.ne(0), 0).unsqueeze(-2); // S⁻¹ as a row scale
    const PS = P.mul(sRow); // P·S
    const SP = P.mul(s); // S·P
    outS = S.add(diagonal(P, 0, -2, -1));
    const dU = U.matmul(F.mul(PS.add(t(P).mul(s))));
    const dV = V.matmul(F.mul(SP.add(t(P).mul(sRow))));
    const restU = m > k ? dA.matmul(V).mul(inv).sub(U.matmul(t(U).matmul(dA).matmul(V)).mul(inv)) : null;
    const restV = n > k ? t(dA).matmul(U).mul(inv).sub(V.matmul(t(V).matmul(t(dA)).matmul(U)).mul(inv)) : null;
    outU = U.add(restU ? dU.add(restU) : dU);
    outV = V.add(restV ? dV.add(restV) : dV);
  }
  if (fullMatrices) {
    if (m > k) outU = completeBasis(outU, U, m);
    if (n > k) outV = completeBasis(outV, V, n);
  }
  const Vh = t(outV);
  return Object.assign([outU, outS, Vh] as [Tensor, Tensor, Tensor], { U: outU, S: outS, Vh });
}

/**
 * [.., r, k] orthonormal columns extended by (detached) columns to an r×r orthogonal matrix: the
 * last r − k columns of the complete QR of the detached columns, which span their complement.
 */
function completeBasis(q: Tensor, detached: Tensor, r: number): Tensor {
  const k = q.shape.at(-1)!;
  const extra = noGrad(() => narrow(qr(detached.detach(), { mode: "complete" }).Q, -1, k, r - k));
  return cat([q, extra], -1);
}

/** The singular values, descending (their gradient: U·Vᵀ). */
export const svdvals = (a: Tensor): Tensor => svd(a, { fullMatrices: false }).S;
