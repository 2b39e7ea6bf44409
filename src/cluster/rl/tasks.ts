/**
 * Generated clustering tasks for training and testing a clustering policy: Gaussian blobs of 2–8
 * clusters with varying spread, size and density (in the plane, or with up to maxDim features),
 * anisotropic (sheared) blobs, and concentric rings — each with its true labels. Seeded, so a held-out set is a set of seeds never trained on.
 */
import { Generator, normalAt } from "../../base/rng.js";

export interface ClusteringTask {
  /** Row-major n × d points. */
  x: Float64Array;
  n: number;
  d: number;
  labels: Int32Array;
  k: number;
  kind: "blobs" | "anisotropic" | "rings";
}

const normal = (g: Generator) => normalAt(g.seed, g.take(1));

export interface TaskOptions {
  minK?: number;
  maxK?: number;
  minPoints?: number;
  maxPoints?: number;
  /** Blobs get d features, 2 half the time and otherwise uniform in 3…maxDim (default 2: all planar). */
  maxDim?: number;
}

/** One random task (the kind, k, sizes and shapes all drawn from the seed). */
export function generateTask(seed: number, { minK = 2, maxK = 8, minPoints = 150, maxPoints = 300, maxDim = 2 }: TaskOptions = {}): ClusteringTask {
  const g = new Generator(seed);
  const u = g.random();
  const kind: ClusteringTask["kind"] = u < 0.6 ? "blobs" : u < 0.85 ? "anisotropic" : "rings";
  const n = minPoints + g.randomInt(maxPoints - minPoints + 1);
  if (kind === "rings") {
    const d = 2;
    const k = 2 + g.randomInt(2);
    const labels = Int32Array.from({ length: n }, (_, i) => i % k);
    const x = new Float64Array(n * d);
    const noise = 0.05 + 0.1 * g.random();
    for (let i = 0; i < n; i++) {
      const angle = 2 * Math.PI * g.random();
      const radius = 1 + 1.5 * labels[i]! + noise * normal(g);
      x[i * 2] = radius * Math.cos(angle);
      x[i * 2 + 1] = radius * Math.sin(angle);
    }
    return { x, n, d, labels, k, kind };
  }
  const k = minK + g.randomInt(maxK - minK + 1);
  const d = maxDim > 2 && g.random() < 0.5 ? 3 + g.randomInt(maxDim - 2) : 2;
  // Centres far enough apart to be distinguishable, spreads varied per cluster, sizes uneven.
  const spread = 0.5 + 1.5 * g.random();
  const centres: number[][] = [];
  while (centres.length < k) {
    const c = Array.from({ length: d }, () => 20 * g.random() - 10);
    if (centres.every((o) => Math.hypot(...o.map((v, j) => v - c[j]!)) > 3 * spread)) centres.push(c);
  }
  const weights = Array.from({ length: k }, () => 0.5 + g.random());
  const total = weights.reduce((a, b) => a + b, 0);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let r = g.random() * total;
    let c = 0;
    while (c < k - 1 && (r -= weights[c]!) > 0) c++;
    labels[i] = c;
  }
  const scales = Array.from({ length: k }, () => spread * (0.5 + g.random()));
  const shear = kind === "anisotropic" ? [[0.6, -0.64], [-0.41, 0.85]] : [[1, 0], [0, 1]];
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    const px = normal(g) * scales[c]!;
    const py = normal(g) * scales[c]!;
    x[i * d] = centres[c]![0]! + shear[0]![0]! * px + shear[0]![1]! * py;
    x[i * d + 1] = centres[c]![1]! + shear[1]![0]! * px + shear[1]![1]! * py;
    for (let j = 2; j < d; j++) x[i * d + j] = centres[c]![j]! + normal(g) * scales[c]!;
  }
  return { x, n, d, labels, k, kind };
}

/** Standardised copy: zero mean and unit variance per feature (so observations are scale-free). */
export function standardize(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(x);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i * d + j]!;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * d + j]! - mean) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) out[i * d + j] = (x[i * d + j]! - mean) / sd;
  }
  return out;
}
