/**
 * Spectral clustering (scikit-learn's SpectralClustering): an affinity graph (an RBF kernel, a
 * symmetrised k-nearest-neighbour graph, or one the caller gives), the eigenvectors of its
 * normalised Laplacian L = I − D^-½ A D^-½ with the smallest eigenvalues (the relaxed normalised
 * cut), each divided by √degree, and labels from them by k-means or by Damle, Minden & Ying's
 * cluster-QR (deterministic: pivoted QR picks one representative sample per cluster).
 *
 * The eigenvectors come from a dense Jacobi solver for small graphs and otherwise from subspace
 * iteration on I + D^-½ A D^-½ (whose largest eigenvalues are L's smallest) with Rayleigh–Ritz
 * steps, its products on the engine's GEMM. The affinity matrix is dense: n² floats.
 */
import { ValueError } from "../base/errors.js";
import { checkChoice, checkOptions } from "../base/options.js";
import { Generator } from "../base/rng.js";
import type { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { tensor } from "../ops/creation.js";
import { squaredDistances } from "./distances.js";
import { symmetricEigen } from "../ops/linalg/symmetric-eigen.js";
import { asMatrix, type ArrayLike2D } from "./input.js";
import { KMeans } from "./kmeans.js";

export interface SpectralClusteringOptions {
  nClusters?: number;
  /** "rbf" (exp(−γ‖x − y‖²), the default), "nearest_neighbors" (½(C + Cᵀ) of the kNN connectivity, self included), or "precomputed" (x is the affinity). */
  affinity?: "rbf" | "nearest_neighbors" | "precomputed";
  gamma?: number;
  nNeighbors?: number;
  /** Eigenvectors used (default nClusters). */
  nComponents?: number | null;
  /** "kmeans" (nInit runs, the default) or "cluster_qr" (deterministic). */
  assignLabels?: "kmeans" | "cluster_qr";
  nInit?: number;
  randomState?: number | Generator | null;
}

/** Graphs up to this many nodes are solved densely (Jacobi); larger ones by subspace iteration. */
const DENSE_MAX_NODES = 160;

export class SpectralClustering {
  readonly nClusters: number;
  readonly affinity: "rbf" | "nearest_neighbors" | "precomputed";
  readonly gamma: number;
  readonly nNeighbors: number;
  readonly nComponents: number | null;
  readonly assignLabels: "kmeans" | "cluster_qr";
  readonly nInit: number;
  readonly randomState: number | Generator | null;
  /** The affinity matrix [n, n] and the labels of the fitted samples. */
  affinityMatrix!: Tensor;
  labels!: Tensor;

  constructor(options: SpectralClusteringOptions = {}) {
    checkOptions("SpectralClustering", options, {
      nClusters: "integer", affinity: "string", gamma: "number", nNeighbors: "integer", nComponents: "any", assignLabels: "string", nInit: "integer", randomState: "any",
    });
    this.nClusters = options.nClusters ?? 8;
    this.affinity = checkChoice("SpectralClustering", "affinity", options.affinity ?? "rbf", ["rbf", "nearest_neighbors", "precomputed"]);
    this.gamma = options.gamma ?? 1;
    this.nNeighbors = options.nNeighbors ?? 10;
    this.nComponents = options.nComponents ?? null;
    this.assignLabels = checkChoice("SpectralClustering", "assignLabels", options.assignLabels ?? "kmeans", ["kmeans", "cluster_qr"]);
    this.nInit = options.nInit ?? 10;
    this.randomState = options.randomState ?? null;
    if (this.nClusters < 1) throw new ValueError(`SpectralClustering: nClusters must be ≥ 1, got ${this.nClusters}`);
    if (!(this.gamma > 0)) throw new ValueError(`SpectralClustering: gamma must be > 0, got ${this.gamma}`);
  }

  fit(x: ArrayLike2D): this {
    noGrad(() => {
      const X = asMatrix(x, "SpectralClustering.fit");
      const n = X.shape[0]!;
      if (n < this.nClusters) throw new ValueError(`SpectralClustering: n_samples=${n} should be ≥ nClusters=${this.nClusters}`);
      const A = this.affinityOf(X);
      this.affinityMatrix = tensor(Float32Array.from(A), { shape: [n, n] });
      const m = this.nComponents ?? this.nClusters;
      if (!Number.isInteger(m) || m < 1 || m > n) throw new ValueError(`SpectralClustering: nComponents must be in 1…${n}, got ${m}`);
      const maps = spectralEmbedding(A, n, m, { randomState: 0 });
      this.labels =
        this.assignLabels === "cluster_qr"
          ? tensor(clusterQr(maps, n, m), { dtype: "int32" })
          : new KMeans({ nClusters: this.nClusters, nInit: this.nInit, randomState: this.randomState }).fit(tensor(Float32Array.from(maps), { shape: [n, m] })).labels;
    });
    return this;
  }

  fitPredict(x: ArrayLike2D): Tensor {
    return this.fit(x).labels;
  }

  /** The dense affinity matrix (float64, row-major). */
  private affinityOf(X: Tensor): Float64Array {
    const n = X.shape[0]!;
    if (this.affinity === "precomputed") {
      if (X.shape[1] !== n) throw new ValueError(`SpectralClustering: a precomputed affinity must be square, got [${X.shape.join(", ")}]`);
      const A = Float64Array.from(X.dataSync());
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) {
          if (A[i * n + j]! < 0 || Math.abs(A[i * n + j]! - A[j * n + i]!) > 1e-6 * (1 + Math.abs(A[i * n + j]!))) {
            throw new ValueError(`SpectralClustering: a precomputed affinity must be symmetric and non-negative (entry [${i}, ${j}] = ${A[i * n + j]}, [${j}, ${i}] = ${A[j * n + i]})`);
          }
        }
      }
      return A;
    }
    const D = squaredDistances(X, X).dataSync();
    if (this.affinity === "rbf") return Float64Array.from(D, (v) => Math.exp(-this.gamma * v));
    const k = this.nNeighbors;
    if (!Number.isInteger(k) || k < 1 || k > n) throw new ValueError(`SpectralClustering: nNeighbors must be in 1…${n}, got ${k}`);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      // The sample itself first (its distance may round above 0), then its k − 1 nearest.
      for (const j of [i, ...nearestOthers(D.subarray(i * n, (i + 1) * n), i, k - 1)]) {
        A[i * n + j]! += 0.5;
        A[j * n + i]! += 0.5;
      }
    }
    return A;
  }
}

/** The m indices other than `self` with the smallest values in row (ties by index), by insertion: O(n·m). */
function nearestOthers(row: ArrayLike<number>, self: number, m: number): number[] {
  const best: number[] = [];
  for (let j = 0; j < row.length; j++) {
    if (j === self) continue;
    if (best.length === m) {
      if (m === 0 || row[j]! >= row[best[m - 1]!]!) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0 && row[best[at - 1]!]! > row[j]!) at--;
    best.splice(at, 0, j);
  }
  return best;
}

/**
 * The nComponents eigenvectors of the normalised Laplacian of the graph `adjacency` (n×n, its
 * diagonal ignored) with the smallest eigenvalues, each divided by √degree and signed so that its
 * largest entry by magnitude is positive (scikit-learn's spectral_embedding with drop_first false):
 * [n, nComponents] row-major.
 */
export function spectralEmbedding(adjacency: ArrayLike<number>, n: number, nComponents: number, opts: { randomState?: number } = {}): Float64Array {
  const m = nComponents;
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) degree[i]! += adjacency[i * n + j]!;
  const dd = Float64Array.from(degree, (v) => (v > 0 ? Math.sqrt(v) : 1));
  // S = D^-½ A D^-½ without the diagonal; L = I − S (isolated nodes keep L's diagonal 0).
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) S[i * n + j] = adjacency[i * n + j]! / (dd[i]! * dd[j]!);
  let vectors: Float64Array; // n×m, smallest Laplacian eigenvalues first
  if (n <= DENSE_MAX_NODES) {
    const L = Float64Array.from(S, (v) => -v);
    for (let i = 0; i < n; i++) L[i * n + i] = degree[i]! > 0 ? 1 : 0;
    const { vectors: all } = symmetricEigen(L, n);
    vectors = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) vectors[i * m + c] = all[i * n + c]!;
  } else {
    for (let i = 0; i < n; i++) S[i * n + i] = degree[i]! > 0 ? 1 : 2; // I + S; an isolated node's L eigenvalue 0 is S's 2
    vectors = largestEigenvectors(S, n, m, new Generator(opts.randomState ?? 0));
  }
  for (let c = 0; c < m; c++) {
    let big = 0;
    for (let i = 0; i < n; i++) {
      vectors[i * m + c]! /= dd[i]!;
      if (Math.abs(vectors[i * m + c]!) > Math.abs(big)) big = vectors[i * m + c]!;
    }
    if (big < 0) for (let i = 0; i < n; i++) vectors[i * m + c] = -vectors[i * m + c]!;
  }
  return vectors;
}

/**
 * The m eigenvectors of the symmetric positive semi-definite B (n×n) with the largest eigenvalues,
 * largest first, by subspace iteration on a block of m + max(m, 8) vectors with a Rayleigh–Ritz
 * step every 5 products, until their residuals ‖Bv − θv‖ fall below 1e-5 (float32 products).
 */
function largestEigenvectors(B: Float64Array, n: number, m: number, g: Generator): Float64Array {
  const b = Math.min(n, m + Math.max(m, 8));
  const Bt = tensor(Float32Array.from(B), { shape: [n, n] });
  let Q = Float64Array.from({ length: n * b }, () => g.random() - 0.5);
  orthonormalize(Q, n, b);
  const times = (V: Float64Array) => Float64Array.from(Bt.matmul(tensor(Float32Array.from(V), { shape: [n, b] })).dataSync());
  for (let it = 1; it <= 3000; it++) {
    const Z = times(Q);
    if (it % 5 !== 0) {
      orthonormalize((Q = Z), n, b);
      continue;
    }
    // Rayleigh–Ritz: the eigenpairs of H = QᵀBQ rotate Q onto the Ritz vectors.
    const H = new Float64Array(b * b);
    for (let i = 0; i < n; i++) for (let r = 0; r < b; r++) for (let c = 0; c < b; c++) H[r * b + c]! += Q[i * b + r]! * Z[i * b + c]!;
    for (let r = 0; r < b; r++) for (let c = 0; c < r; c++) H[r * b + c] = H[c * b + r] = (H[r * b + c]! + H[c * b + r]!) / 2;
    const { values, vectors: W } = symmetricEigen(H, b);
    const rotate = (V: Float64Array) => {
      const out = new Float64Array(n * b);
      for (let i = 0; i < n; i++) for (let c = 0; c < b; c++) {
        let s = 0;
        for (let r = 0; r < b; r++) s += V[i * b + r]! * W[r * b + (b - 1 - c)]!; // largest first
        out[i * b + c] = s;
      }
      return out;
    };
    const [X, BX] = [rotate(Q), rotate(Z)];
    let worst = 0;
    for (let c = 0; c < m; c++) {
      const theta = values[b - 1 - c]!;
      let r = 0;
      for (let i = 0; i < n; i++) r += (BX[i * b + c]! - theta * X[i * b + c]!) ** 2;
      worst = Math.max(worst, Math.sqrt(r));
    }
    Q = X;
    if (worst < 1e-5) break;
    orthonormalize((Q = BX), n, b);
  }
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) out[i * m + c] = Q[i * b + c]!;
  return out;
}

/** Orthonormal columns of V (n×b, row-major), in place, by modified Gram–Schmidt (twice, for float64 stability). */
function orthonormalize(V: Float64Array, n: number, b: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < b; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += V[i * b + p]! * V[i * b + c]!;
        for (let i = 0; i < n; i++) V[i * b + c]! -= dot * V[i * b + p]!;
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += V[i * b + c]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) V[i * b + c]! /= norm;
    }
  }
}

/**
 * Labels from a spectral embedding by cluster-QR (scikit-learn's cluster_qr): QR with column
 * pivoting of vectorsᵀ picks k representative samples; the orthogonal polar factor P of their rows
 * (transposed) rotates the embedding so that each cluster aligns with one axis; a sample's label is
 * its largest |(vectors·P)| coordinate.
 */
export function clusterQr(vectors: Float64Array, n: number, k: number): Int32Array {
  // Greedy column pivoting on the k×n matrix vectorsᵀ: its column i is sample i's row.
  const R = Float64Array.from(vectors);
  const pivots: number[] = [];
  for (let step = 0; step < k; step++) {
    let [best, bestNorm] = [-1, -1];
    for (let i = 0; i < n; i++) {
      if (pivots.includes(i)) continue;
      let s = 0;
      for (let c = 0; c < k; c++) s += R[i * k + c]! ** 2;
      if (s > bestNorm) [best, bestNorm] = [i, s];
    }
    pivots.push(best);
    const q = Array.from({ length: k }, (_, c) => R[best * k + c]! / Math.sqrt(bestNorm || 1));
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let c = 0; c < k; c++) dot += q[c]! * R[i * k + c]!;
      for (let c = 0; c < k; c++) R[i * k + c]! -= dot * q[c]!;
    }
  }
  // M = vectors[pivots, :]ᵀ; its polar factor P = M (MᵀM)^-½ = U Vᵀ of M's SVD.
  const M = new Float64Array(k * k);
  pivots.forEach((p, j) => {
    for (let r = 0; r < k; r++) M[r * k + j] = vectors[p * k + r]!;
  });
  const MtM = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) for (let t = 0; t < k; t++) MtM[r * k + c]! += M[t * k + r]! * M[t * k + c]!;
  const { values, vectors: W } = symmetricEigen(MtM, k);
  const inverseRoot = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) for (let t = 0; t < k; t++) {
    if (values[t]! > 1e-300) inverseRoot[r * k + c]! += (W[r * k + t]! * W[c * k + t]!) / Math.sqrt(values[t]!);
  }
  const P = new Float64Array(k * k);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) for (let t = 0; t < k; t++) P[r * k + c]! += M[r * k + t]! * inverseRoot[t * k + c]!;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let [best, bestValue] = [0, -1];
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += vectors[i * k + t]! * P[t * k + c]!;
      if (Math.abs(s) > bestValue) [best, bestValue] = [c, Math.abs(s)];
    }
    labels[i] = best;
  }
  return labels;
}
