/** Choosing k: the elbow (KMeans inertia per k) and silhouette sweeps over a range of cluster counts. */
import { ValueError } from "../base/errors.js";
import type { Generator } from "../base/rng.js";
import { asMatrix, type ArrayLike2D } from "./input.js";
import { KMeans } from "./kmeans.js";
import { silhouetteScore } from "./metrics.js";

export interface SweepOptions {
  randomState?: number | Generator | null;
  nInit?: number | "auto";
}

export interface SweepResult {
  ks: number[];
  scores: number[];
  /** The k with the best score (the elbow: where the drop from k − 1 most outweighs the drop to k + 1). */
  best: number;
}

function checkKs(ks: readonly number[], n: number, op: string, min: number): void {
  if (ks.length === 0) throw new ValueError(`${op}: give at least one k`);
  for (const k of ks) if (!Number.isInteger(k) || k < min || k > n - (min === 2 ? 1 : 0)) throw new ValueError(`${op}: k = ${k} is outside ${min}…${min === 2 ? n - 1 : n}`);
}

/** KMeans inertia for each k; best is the elbow, the k whose gain over k − 1 most exceeds the gain of k + 1 over it. */
export function elbowSweep(x: ArrayLike2D, ks: readonly number[], opts: SweepOptions = {}): SweepResult {
  const X = asMatrix(x, "elbowSweep");
  checkKs(ks, X.shape[0]!, "elbowSweep", 1);
  const scores = ks.map((k) => new KMeans({ nClusters: k, randomState: opts.randomState ?? 0, nInit: opts.nInit ?? "auto" }).fit(X).inertia);
  let best = ks[0]!;
  let bend = -Infinity;
  for (let i = 1; i + 1 < ks.length; i++) {
    const ratio = (scores[i - 1]! - scores[i]!) / Math.max(scores[i]! - scores[i + 1]!, 1e-12 * scores[0]!);
    if (ratio > bend) [bend, best] = [ratio, ks[i]!];
  }
  return { ks: [...ks], scores, best };
}

/** The mean silhouette of KMeans' clustering for each k (k ≥ 2); best is the highest. */
export function silhouetteSweep(x: ArrayLike2D, ks: readonly number[], opts: SweepOptions = {}): SweepResult {
  const X = asMatrix(x, "silhouetteSweep");
  checkKs(ks, X.shape[0]!, "silhouetteSweep", 2);
  const scores = ks.map((k) => silhouetteScore(X, new KMeans({ nClusters: k, randomState: opts.randomState ?? 0, nInit: opts.nInit ?? "auto" }).fit(X).labels));
  const at = scores.indexOf(Math.max(...scores));
  return { ks: [...ks], scores, best: ks[at]! };
}
