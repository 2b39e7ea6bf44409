/**
 * Symmetric eigendecomposition and singular value decomposition of one matrix, in float64 on the
 * host: cyclic Jacobi rotations for eigh, one-sided (Hestenes) Jacobi for the SVD. Both converge
 * quadratically and are accurate to a few ulps for the small and medium matrices of everyday
 * models; the op layer (decompositions.ts) batches them and attaches their gradients.
 */

export interface Eigh {
  /** Ascending eigenvalues. */
  values: Float64Array;
  /** Row-major n×n; column j is the eigenvector of values[j]. */
  vectors: Float64Array;
}

/** Eigenvalues and eigenvectors of the symmetric n×n row-major matrix a (only symmetric input is meaningful). */
export function jacobiEigh(input: ArrayLike<number>, n: number): Eigh {
  const a = Float64Array.from(input);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) (i === j ? (total += a[i * n + j]! ** 2) : (off += a[i * n + j]! ** 2));
    if (off <= 1e-30 * (total + off) || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        // The rotation that zeroes a[p][q]: t = tan θ, the smaller root of t² + 2τt − 1 = 0.
        const tau = (aqq - app) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    // A deterministic sign: each eigenvector's largest component is positive.
    let big = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + src]!) > Math.abs(big)) big = v[k * n + src]!;
    const sign = big < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = sign * v[k * n + src]!;
  });
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
