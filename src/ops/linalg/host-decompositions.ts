/**
 * Symmetric eigendecomposition and singular value decomposition of one matrix, in float64 on the
 * host: cyclic Jacobi rotations for eigh (symmetric-eigen.ts), one-sided (Hestenes) Jacobi for the
 * SVD. Both converge quadratically and are accurate to a few ulps for the small and medium
 * matrices of everyday models; the op layer (decompositions.ts) batches them and attaches their
 * gradients.
 */
import { symmetricEigen } from "./symmetric-eigen.js";

export interface Eigh {
  /** Ascending eigenvalues. */
  values: Float64Array;
  /** Row-major n×n; column j is the eigenvector of values[j]. */
  vectors: Float64Array;
}

/** Eigenvalues (ascending) and eigenvectors of the symmetric n×n row-major matrix a, each eigenvector's largest component positive. */
export function jacobiEigh(input: ArrayLike<number>, n: number): Eigh {
  const { values, vectors } = symmetricEigen(input, n);
  for (let j = 0; j < n; j++) {
    let big = 0;
    for (let k = 0; k < n; k++) if (Math.abs(vectors[k * n + j]!) > Math.abs(big)) big = vectors[k * n + j]!;
    if (big < 0) for (let k = 0; k < n; k++) vectors[k * n + j] = -vectors[k * n + j]!;
  }
  return { values, vectors };
}

export interface Svd {
  /** Row-major m×k, k = min(m, n): the left singular vectors. */
  u: Float64Array;
  /** Descending singular values, k of them. */
  s: Float64Array;
  /** Row-major n×k: the right singular vectors (V, not Vᵀ). */
  v: Float64Array;
}

/**
 * The thin SVD of the row-major m×n matrix a by one-sided Jacobi: columns of A·V are rotated
 * until orthogonal; their norms are the singular values. A wide matrix goes through its transpose.
 */
export function jacobiSvd(input: ArrayLike<number>, m: number, n: number): Svd {
  if (m < n) {
    const t = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = input[i * n + j]!;
    const r = jacobiSvd(t, n, m);
    return { u: r.v, s: r.s, v: r.u };
  }
  const a = Float64Array.from(input); // m×n, n ≤ m: its columns are rotated
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let k = 0; k < m; k++) {
          const x = a[k * n + p]!;
          const y = a[k * n + q]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let k = 0; k < m; k++) {
          const x = a[k * n + p]!;
          const y = a[k * n + q]!;
          a[k * n + p] = c * x - s * y;
          a[k * n + q] = s * x + c * y;
        }
        for (let k = 0; k < n; k++) {
          const x = v[k * n + p]!;
          const y = v[k * n + q]!;
          v[k * n + p] = c * x - s * y;
          v[k * n + q] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let k = 0; k < m; k++) s += a[k * n + j]! ** 2;
    return Math.sqrt(s);
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => norms[j]! - norms[i]!);
  const s = Float64Array.from(order, (j) => norms[j]!);
  const u = new Float64Array(m * n);
  const vs = new Float64Array(n * n);
  const largest = s[0] ?? 0;
  order.forEach((src, dst) => {
    const sigma = norms[src]!;
    // The sign that makes V's largest component positive, applied to both sides.
    let big = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + src]!) > Math.abs(big)) big = v[k * n + src]!;
    const sign = big < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vs[k * n + dst] = sign * v[k * n + src]!;
    if (sigma > largest * 1e-300 && sigma > 0) for (let k = 0; k < m; k++) u[k * n + dst] = (sign * a[k * n + src]!) / sigma;
  });
  completeColumns(u, m, n, s);
  return { u, s, v: vs };
}

/** Replaces the columns of U belonging to zero singular values by unit vectors orthogonal to the rest (Gram–Schmidt on e₁, e₂, …). */
function completeColumns(u: Float64Array, m: number, k: number, s: Float64Array): void {
  const largest = s[0] ?? 0;
  for (let j = 0; j < k; j++) {
    if (s[j]! > largest * 1e-13 && s[j]! > 0) continue;
    for (let e = 0; e < m; e++) {
      const col = new Float64Array(m);
      col[e] = 1;
      for (let i = 0; i < k; i++) {
        if (i === j || (i > j && !(s[i]! > largest * 1e-13 && s[i]! > 0))) continue;
        let dot = 0;
        for (let r = 0; r < m; r++) dot += u[r * k + i]! * col[r]!;
        for (let r = 0; r < m; r++) col[r] = col[r]! - dot * u[r * k + i]!;
      }
      const norm = Math.hypot(...col);
      if (norm > 1e-6) {
        for (let r = 0; r < m; r++) u[r * k + j] = col[r]! / norm;
        break;
      }
    }
  }
}
