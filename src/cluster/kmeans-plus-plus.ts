/**
 * Greedy k-means++ seeding (scikit-learn's `kmeans_plusplus`): the first centre drawn by sample
 * weight, each next one the best of nLocalTrials candidates drawn with probability ∝ w·D² (the
 * squared distance to the nearest centre so far), best meaning the lowest total potential after it.
 */
import { ValueError } from "../base/errors.js";
import { defaultGenerator, Generator } from "../base/rng.js";
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { asMatrix, type ArrayLike2D } from "./input.js";
import { squaredDistances } from "./distances.js";

export interface KMeansPlusPlusOptions {
  sampleWeight?: ArrayLike<number> | null;
  /** Candidates per centre (default 2 + ⌊ln k⌋; 1 is plain D² sampling). */
  nLocalTrials?: number | null;
  randomState?: number | Generator | null;
}

export function generatorOf(state: number | Generator | null | undefined): Generator {
  return state instanceof Generator ? state : state === null || state === undefined ? defaultGenerator : new Generator(state);
}

/** The index of the first cumulative sum ≥ v (numpy's searchsorted, side left). */
export function searchSorted(cumsum: Float64Array, v: number): number {
  let lo = 0;
  let hi = cumsum.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumsum[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, cumsum.length - 1);
}

/** [centres [k, d], the samples' indices]. */
export function kmeansPlusPlus(x: ArrayLike2D, nClusters: number, opts: KMeansPlusPlusOptions = {}): [centers: Tensor, indices: number[]] {
  const X = asMatrix(x, "kmeansPlusPlus");
  const n = X.shape[0]!;
  if (!Number.isInteger(nClusters) || nClusters < 1 || nClusters > n) throw new ValueError(`kmeansPlusPlus: nClusters must be in 1…${n} (the samples), got ${nClusters}`);
  const w = Float64Array.from(opts.sampleWeight ?? new Float64Array(n).fill(1));
  if (w.length !== n) throw new ValueError(`kmeansPlusPlus: ${w.length} sample weights for ${n} samples`);
  const trials = opts.nLocalTrials ?? 2 + Math.floor(Math.log(nClusters));
  const g = generatorOf(opts.randomState);
  const rowsOf = (ids: number[]) => X.indexSelect(0, tensor(Int32Array.from(ids), { dtype: "int32" }));
  const distancesTo = (ids: number[]) => squaredDistances(rowsOf(ids), X).dataSync(); // [ids, n] row-major

  const total = w.reduce((a, b) => a + b, 0);
  const weighted = new Float64Array(n);
  let acc = 0;
  w.forEach((v, i) => (weighted[i] = acc += v));
  const indices = [searchSorted(weighted, g.random() * total)];
  let closest = Float64Array.from(distancesTo(indices));
  let pot = closest.reduce((s, d, i) => s + d * w[i]!, 0);
  const cumsum = new Float64Array(n);
  for (let c = 1; c < nClusters; c++) {
    acc = 0;
    closest.forEach((d, i) => (cumsum[i] = acc += d * w[i]!));
    const candidates = Array.from({ length: trials }, () => searchSorted(cumsum, g.random() * pot));
    const d = distancesTo(candidates);
    let best = -1;
    let bestPot = Infinity;
    for (let t = 0; t < trials; t++) {
      let p = 0;
      for (let i = 0; i < n; i++) p += Math.min(closest[i]!, d[t * n + i]!) * w[i]!;
      if (p < bestPot) [best, bestPot] = [t, p];
    }
    closest = closest.map((v, i) => Math.min(v, d[best * n + i]!));
    pot = bestPot;
    indices.push(candidates[best]!);
  }
  return [rowsOf(indices), indices];
}
