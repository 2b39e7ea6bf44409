/**
 * Clustering metrics (scikit-learn's sklearn.metrics.cluster), in float64: the label-agreement scores
 * from a contingency table, and the geometric scores from the samples and their labels.
 */
import { ValueError } from "../base/errors.js";
import { asLabels, asMatrix, type ArrayLike2D, type Labels } from "./input.js";

/** Rows: the true classes (sorted), columns: the predicted clusters (sorted); counts. */
export function contingencyMatrix(labelsTrue: Labels, labelsPred: Labels): number[][] {
  const [t, p] = pairOf(labelsTrue, labelsPred, "contingencyMatrix");
  const classes = [...new Set(t)].sort((a, b) => a - b);
  const clusters = [...new Set(p)].sort((a, b) => a - b);
  const ci = new Map(classes.map((c, i) => [c, i]));
  const ki = new Map(clusters.map((c, i) => [c, i]));
  const out = classes.map(() => new Array<number>(clusters.length).fill(0));
  t.forEach((c, i) => out[ci.get(c)!]![ki.get(p[i]!)!]!++);
  return out;
}

function pairOf(a: Labels, b: Labels, op: string): [Int32Array, Int32Array] {
  const t = asLabels(a, op, "labelsTrue");
  const p = asLabels(b, op, "labelsPred");
  if (t.length !== p.length) throw new ValueError(`${op}: labelsTrue and labelsPred have different lengths (${t.length} and ${p.length})`);
  return [t, p];
}

const sumOf = (v: number[]) => v.reduce((a, b) => a + b, 0);
const rowSums = (c: number[][]) => c.map(sumOf);
const colSums = (c: number[][]) => c[0]?.map((_, j) => sumOf(c.map((r) => r[j]!))) ?? [];

/** Entropy (natural log) of a labelling given as counts. */
function entropyOf(counts: number[]): number {
  const n = sumOf(counts);
  if (n === 0) return 1; // scikit-learn: the entropy of no labels is 1
  return -counts.reduce((h, c) => (c > 0 ? h + (c / n) * Math.log(c / n) : h), 0);
}

function mutualInfo(c: number[][]): number {
  const n = sumOf(rowSums(c));
  const a = rowSums(c);
  const b = colSums(c);
  let mi = 0;
  c.forEach((row, i) => row.forEach((v, j) => {
    if (v > 0) mi += (v / n) * (Math.log(v) + Math.log(n) - Math.log(a[i]!) - Math.log(b[j]!));
  }));
  return Math.max(mi, 0);
}

export function mutualInfoScore(labelsTrue: Labels, labelsPred: Labels): number {
  return mutualInfo(contingencyMatrix(labelsTrue, labelsPred));
}

/** The adjusted Rand index: pair agreement, 0 for chance, 1 for identical partitions. */
export function adjustedRandScore(labelsTrue: Labels, labelsPred: Labels): number {
  const c = contingencyMatrix(labelsTrue, labelsPred);
  const n = sumOf(rowSums(c));
  const a = rowSums(c);
  const b = colSums(c);
  const squares = c.flat().reduce((s, v) => s + v * v, 0);
  // scikit-learn's pair confusion matrix.
  const tp = squares - n;
  const fp = c.reduce((s, row) => s + row.reduce((t, v, j) => t + v * b[j]!, 0), 0) - squares;
  const fn = b.reduce((s, _, j) => s + c.reduce((t, row, i) => t + row[j]! * a[i]!, 0), 0) - squares;
  const tn = n * n - fp - fn - squares;
  if (fn === 0 && fp === 0) return 1;
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

export type AverageMethod = "arithmetic" | "geometric" | "min" | "max";

function average(u: number, v: number, method: AverageMethod): number {
  switch (method) {
    case "min": return Math.min(u, v);
    case "max": return Math.max(u, v);
    case "geometric": return Math.sqrt(u * v);
    default: return (u + v) / 2;
  }
}

/** Normalised mutual information (entropies averaged arithmetically by default, as scikit-learn). */
export function normalizedMutualInfoScore(labelsTrue: Labels, labelsPred: Labels, averageMethod: AverageMethod = "arithmetic"): number {
  const c = contingencyMatrix(labelsTrue, labelsPred);
  if ((c.length === 1 && c[0]!.length === 1) || c.length === 0) return 1;
  const mi = mutualInfo(c);
  if (mi === 0) return 0;
  return mi / average(entropyOf(rowSums(c)), entropyOf(colSums(c)), averageMethod);
}

/** log Γ(x) for x > 0 (Lanczos, g = 7: about 15 significant digits). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const z = x - 1;
  let a = c[0]!;
  const t = z + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The mutual information expected between random labellings with these cluster sizes (Vinh et al.). */
function expectedMutualInfo(c: number[][]): number {
  const a = rowSums(c);
  const b = colSums(c);
  const n = sumOf(a);
  if (a.length === 1 || b.length === 1) return 0;
  let emi = 0;
  const lgN = lgamma(n + 1);
  for (const ai of a) {
    for (const bj of b) {
      const base = lgamma(ai + 1) + lgamma(bj + 1) + lgamma(n - ai + 1) + lgamma(n - bj + 1) - lgN;
      for (let nij = Math.max(1, ai + bj - n); nij <= Math.min(ai, bj); nij++) {
        const term2 = Math.log(n) + Math.log(nij) - Math.log(ai) - Math.log(bj);
        const gln = base - lgamma(nij + 1) - lgamma(ai - nij + 1) - lgamma(bj - nij + 1) - lgamma(n - ai - bj + nij + 1);
        emi += (nij / n) * term2 * Math.exp(gln);
      }
    }
  }
  return emi;
}

/** Mutual information adjusted for chance. */
export function adjustedMutualInfoScore(labelsTrue: Labels, labelsPred: Labels, averageMethod: AverageMethod = "arithmetic"): number {
  const c = contingencyMatrix(labelsTrue, labelsPred);
  if ((c.length === 1 && c[0]!.length === 1) || c.length === 0) return 1;
  const mi = mutualInfo(c);
  const emi = expectedMutualInfo(c);
  const normalizer = average(entropyOf(rowSums(c)), entropyOf(colSums(c)), averageMethod);
  let denominator = normalizer - emi;
  // scikit-learn's guard against a vanishing denominator, keeping its sign.
  const eps = Number.EPSILON;
  denominator = denominator < 0 ? Math.min(denominator, -eps) : Math.max(denominator, eps);
  return (mi - emi) / denominator;
}

/** [homogeneity, completeness, V-measure]. */
export function homogeneityCompletenessVMeasure(labelsTrue: Labels, labelsPred: Labels, beta = 1): [number, number, number] {
  const c = contingencyMatrix(labelsTrue, labelsPred);
  if (c.length === 0) return [1, 1, 1];
  const hC = entropyOf(rowSums(c));
  const hK = entropyOf(colSums(c));
  const mi = mutualInfo(c);
  const h = hC ? mi / hC : 1;
  const k = hK ? mi / hK : 1;
  const v = h + k === 0 ? 0 : ((1 + beta) * h * k) / (beta * h + k);
  return [h, k, v];
}

export const homogeneityScore = (t: Labels, p: Labels): number => homogeneityCompletenessVMeasure(t, p)[0];
export const completenessScore = (t: Labels, p: Labels): number => homogeneityCompletenessVMeasure(t, p)[1];
export const vMeasureScore = (t: Labels, p: Labels, beta = 1): number => homogeneityCompletenessVMeasure(t, p, beta)[2];

/** Samples as float64 rows, labels renumbered 0…k−1, with scikit-learn's check 2 ≤ k ≤ n − 1. */
function geometry(x: ArrayLike2D, labels: Labels, op: string): { rows: Float64Array[]; lab: Int32Array; k: number } {
  const X = asMatrix(x, op);
  const [n, d] = X.shape as [number, number];
  const raw = asLabels(labels, op);
  if (raw.length !== n) throw new ValueError(`${op}: ${raw.length} labels for ${n} samples`);
  const ids = new Map([...new Set(raw)].sort((a, b) => a - b).map((v, i) => [v, i]));
  const k = ids.size;
  if (k < 2 || k > n - 1) throw new ValueError(`${op}: number of labels is ${k}. Valid values are 2 to n_samples - 1 (inclusive)`);
  const flat = X.dataSync();
  const rows = Array.from({ length: n }, (_, i) => Float64Array.from(flat.subarray(i * d, (i + 1) * d)));
  return { rows, lab: Int32Array.from(raw, (v) => ids.get(v)!), k };
}

const dist = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j]! - b[j]!) ** 2;
  return Math.sqrt(s);
};

/** Each sample's silhouette (b − a) / max(a, b), Euclidean; 0 for a sample alone in its cluster. */
export function silhouetteSamples(x: ArrayLike2D, labels: Labels): Float64Array {
  const { rows, lab, k } = geometry(x, labels, "silhouetteSamples");
  const n = rows.length;
  const sizes = new Array<number>(k).fill(0);
  lab.forEach((c) => sizes[c]!++);
  const out = new Float64Array(n);
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[lab[j]!]! += dist(rows[i]!, rows[j]!);
    const own = lab[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own) b = Math.min(b, sums[c]! / sizes[c]!);
    out[i] = (b - a) / Math.max(a, b);
  }
  return out;
}

export function silhouetteScore(x: ArrayLike2D, labels: Labels): number {
  const s = silhouetteSamples(x, labels);
  return s.reduce((a, b) => a + b, 0) / s.length;
}

function centroids(rows: Float64Array[], lab: Int32Array, k: number): { centers: Float64Array[]; sizes: number[] } {
  const d = rows[0]!.length;
  const centers = Array.from({ length: k }, () => new Float64Array(d));
  const sizes = new Array<number>(k).fill(0);
  rows.forEach((r, i) => {
    sizes[lab[i]!]!++;
    r.forEach((v, j) => (centers[lab[i]!]![j]! += v));
  });
  centers.forEach((c, i) => c.forEach((v, j) => (c[j] = v / sizes[i]!)));
  return { centers, sizes };
}

/** Between-cluster over within-cluster dispersion, scaled by (n − k)/(k − 1). */
export function calinskiHarabaszScore(x: ArrayLike2D, labels: Labels): number {
  const { rows, lab, k } = geometry(x, labels, "calinskiHarabaszScore");
  const n = rows.length;
  const { centers, sizes } = centroids(rows, lab, k);
  const mean = rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const extra = centers.reduce((s, c, i) => s + sizes[i]! * dist(c, mean) ** 2, 0);
  const intra = rows.reduce((s, r, i) => s + dist(r, centers[lab[i]!]!) ** 2, 0);
  return intra === 0 ? 1 : (extra * (n - k)) / (intra * (k - 1));
}

/** The mean over clusters of the worst (sᵢ + sⱼ)/dᵢⱼ: spread over centroid distance (lower is better). */
export function daviesBouldinScore(x: ArrayLike2D, labels: Labels): number {
  const { rows, lab, k } = geometry(x, labels, "daviesBouldinScore");
  const { centers, sizes } = centroids(rows, lab, k);
  const intra = new Float64Array(k);
  rows.forEach((r, i) => (intra[lab[i]!]! += dist(r, centers[lab[i]!]!)));
  intra.forEach((v, c) => (intra[c] = v / sizes[c]!));
  const cd = centers.map((a) => centers.map((b) => dist(a, b)));
  const close = (v: number) => Math.abs(v) <= 1e-8;
  if (intra.every(close) || cd.flat().every(close)) return 0;
  let total = 0;
  for (let i = 0; i < k; i++) {
    let worst = -Infinity;
    for (let j = 0; j < k; j++) if (j !== i) worst = Math.max(worst, (intra[i]! + intra[j]!) / (cd[i]![j]! === 0 ? Infinity : cd[i]![j]!));
    total += worst;
  }
  return total / k;
}
