/**
 * KMeans (scikit-learn's estimator): Lloyd iterations on the engine — each one pass of the fused
 * k-means step (nearest centre, exact distance, centre sums; ops/fused.ts) — with scikit-learn's stopping rule (labels
 * unchanged, or a total squared centre shift ≤ tol × the mean feature variance), its relocation of
 * empty clusters to the farthest points, data centred for precision, and the best of nInit runs.
 */
import { ValueError } from "../base/errors.js";
import { checkChoice, checkOptions } from "../base/options.js";
import type { Generator } from "../base/rng.js";
import { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { tensor, zeros } from "../ops/creation.js";
import { asMatrix, sampleWeights, type ArrayLike2D } from "./input.js";
import { kmeansStep } from "../ops/fused.js";
import { scope } from "../base/scope.js";
import { generatorOf, kmeansPlusPlus } from "./kmeans-plus-plus.js";
import { CentroidClustering, weightedSum, type SampleWeightOption } from "./centroids.js";

export interface KMeansOptions {
  nClusters?: number;
  /** "k-means++" (default), "random" (k distinct samples), or the initial centres [k, d]. */
  init?: "k-means++" | "random" | ArrayLike2D;
  /** Runs from different seeds, the lowest inertia kept; "auto": 1 for k-means++ or given centres, 10 for random. */
  nInit?: number | "auto";
  maxIter?: number;
  /** Relative tolerance: a run stops when the centres move less than tol × mean feature variance (squared, summed). */
  tol?: number;
  /**
   * "lloyd" or "elkan": both run the same exact Lloyd iterations here (Elkan's triangle-inequality
   * bounds only skip distance computations; one fused pass per iteration computes them all anyway).
   */
  algorithm?: "lloyd" | "elkan";
  randomState?: number | Generator | null;
}


interface Run {
  centers: Tensor;
  labels: Tensor;
  inertia: number;
  nIter: number;
}

export class KMeans extends CentroidClustering {
  readonly nClusters: number;
  readonly init: "k-means++" | "random" | ArrayLike2D;
  readonly nInit: number | "auto";
  readonly maxIter: number;
  readonly tol: number;
  readonly algorithm: "lloyd" | "elkan";
  readonly randomState: number | Generator | null;

  constructor(options: KMeansOptions = {}) {
    super("KMeans");
    checkOptions("KMeans", options, { nClusters: "integer", init: "any", nInit: "any", maxIter: "integer", tol: "number", algorithm: "string", randomState: "any" });
    this.nClusters = options.nClusters ?? 8;
    this.init = options.init ?? "k-means++";
    this.nInit = options.nInit ?? "auto";
    this.maxIter = options.maxIter ?? 300;
    this.tol = options.tol ?? 1e-4;
    this.algorithm = checkChoice("KMeans", "algorithm", options.algorithm ?? "lloyd", ["lloyd", "elkan"]);
    this.randomState = options.randomState ?? null;
    if (this.nClusters < 1) throw new ValueError(`KMeans: nClusters must be ≥ 1, got ${this.nClusters}`);
    if (!(this.maxIter >= 1)) throw new ValueError(`KMeans: maxIter must be ≥ 1, got ${this.maxIter}`);
    if (typeof this.init === "string") checkChoice("KMeans", "init", this.init, ["k-means++", "random"]);
  }

  fit(x: ArrayLike2D, opts: SampleWeightOption = {}): this {
    // The centred copy and every run's temporaries are freed on return (scope).
    const best = noGrad(() => scope(() => {
      const X = asMatrix(x, "KMeans.fit");
      const [n, d] = X.shape as [number, number];
      if (n < this.nClusters) throw new ValueError(`KMeans: n_samples=${n} should be ≥ nClusters=${this.nClusters}`);
      const w = sampleWeights(opts.sampleWeight, n, "KMeans");
      const g = generatorOf(this.randomState);
      // Centred data: the GEMM distance trick loses less to cancellation near the data's mean.
      const mean = X.mean(0, true);
      const Xc = X.sub(mean);
      const tol = this.tol * meanFeatureVariance(Xc);
      const given = typeof this.init === "string" ? null : asMatrix(this.init, "KMeans init");
      if (given && (given.shape[0] !== this.nClusters || given.shape[1] !== d)) {
        throw new ValueError(`KMeans: init has shape [${given.shape.join(", ")}], expected [${this.nClusters}, ${d}]`);
      }
      const runs = this.nInit === "auto" ? (this.init === "random" ? 10 : 1) : this.nInit;
      if (!Number.isInteger(runs) || runs < 1) throw new ValueError(`KMeans: nInit must be a positive integer or "auto", got ${String(this.nInit)}`);
      let best: Run | null = null;
      for (let r = 0; r < runs; r++) {
        const start = given ? given.sub(mean) : this.init === "random" ? this.randomInit(Xc, w, g) : kmeansPlusPlus(Xc, this.nClusters, { sampleWeight: w, randomState: g })[0];
        const run = this.lloyd(Xc, w, start, tol);
        if (!best || run.inertia < best.inertia) best = run;
      }
      return { ...best!, centers: best!.centers.add(mean), d };
    }));
    this.clusterCenters = best.centers;
    this.labels = best.labels;
    this.inertia = best.inertia;
    this.nIter = best.nIter;
    this.nFeaturesIn = best.d;
    return this;
  }

  fitPredict(x: ArrayLike2D, opts: SampleWeightOption = {}): Tensor {
    return this.fit(x, opts).labels;
  }

  fitTransform(x: ArrayLike2D, opts: SampleWeightOption = {}): Tensor {
    return this.fit(x, opts).transform(x);
  }

  /** k distinct samples, drawn with probability ∝ weight (scikit-learn's "random"). */
  private randomInit(X: Tensor, w: Float64Array, g: Generator): Tensor {
    const chosen: number[] = [];
    const left = Float64Array.from(w);
    for (let c = 0; c < this.nClusters; c++) {
      let u = g.random() * left.reduce((a, b) => a + b, 0);
      let i = 0;
      while (i < left.length - 1 && (u >= left[i]! || left[i] === 0)) u -= left[i++]!;
      chosen.push(i);
      left[i] = 0;
    }
    return X.indexSelect(0, tensor(Int32Array.from(chosen), { dtype: "int32" }));
  }

  private lloyd(X: Tensor, w: Float64Array, start: Tensor, tol: number): Run {
    const k = this.nClusters;
    const wt = w.every((v) => v === 1) ? null : tensor(Float32Array.from(w)).toBackend(X.backend);
    let centers = start;
    let labels: Tensor = zeros([X.shape[0]!], { dtype: "int32" });
    let dist: Tensor | null = null;
    let previous: Int32Array | null = null;
    let strict = false;
    let iter = 0;
    for (; iter < this.maxIter; iter++) {
      // One pass over X per iteration (fused on the wasm backend), its temporaries freed at once.
      const step = scope(() => {
        const [labels, dist, sums, massT] = kmeansStep(X, centers, wt);
        const mass = Float64Array.from(massT.dataSync());
        const updated = this.relocateEmpty(X, w, dist, labels, sums, mass).div(tensor(Float32Array.from(mass, (m) => m || 1)).reshape([k, 1]));
        return { labels, dist, updated, shift: updated.sub(centers).square().sum().item() };
      });
      [labels, dist, centers] = [step.labels, step.dist, step.updated];
      const now = labels.dataSync() as Int32Array;
      if (previous && now.every((v, i) => v === previous![i])) {
        // The labels repeat, so the new centres are the previous ones and dist is still theirs.
        strict = true;
        break;
      }
      if (step.shift <= tol) break;
      previous = Int32Array.from(now);
    }
    // Labels (and distances) that match the final centres (unless they are the ones that produced them).
    if (!strict) [labels, dist] = scope(() => kmeansStep(X, centers, wt).slice(0, 2) as [Tensor, Tensor]);
    return { centers, labels, inertia: weightedSum(dist!, w), nIter: Math.min(iter + 1, this.maxIter) };
  }

  /**
   * Empty clusters take the samples farthest from their centres (scikit-learn's relocation): the
   * sample moves out of its cluster's sum into the empty one's. Updates `mass`; returns the sums.
   */
  private relocateEmpty(X: Tensor, w: Float64Array, dist: Tensor, labels: Tensor, sums: Tensor, mass: Float64Array): Tensor {
    const empty = [...mass.keys()].filter((c) => mass[c] === 0);
    if (empty.length === 0) return sums;
    const lab = labels.dataSync();
    const own = dist.dataSync();
    const far = Array.from(own.keys()).sort((a, b) => own[b]! - own[a]! || a - b).slice(0, empty.length);
    const rows = sums.tolist() as number[][];
    const x = X.indexSelect(0, tensor(Int32Array.from(far), { dtype: "int32" })).tolist() as number[][];
    far.forEach((i, e) => {
      const [to, from] = [empty[e]!, lab[i]!];
      rows[from] = rows[from]!.map((v, j) => v - x[e]![j]! * w[i]!);
      rows[to] = x[e]!.map((v) => v * w[i]!);
      mass[to] = w[i]!;
      mass[from]! -= w[i]!;
    });
    return tensor(rows).toBackend(X.backend);
  }
}

/** The mean of the features' variances (scikit-learn's scale for tol), by blocks of rows: no [n, d] temporary. */
export function meanFeatureVariance(X: Tensor, block = 8192): number {
  const mean = X.mean(0, true);
  let total = 0;
  for (let start = 0; start < X.shape[0]!; start += block) {
    total += scope(() => X.narrow(0, start, Math.min(block, X.shape[0]! - start)).sub(mean).square().sum().item());
  }
  return total / X.numel();
}
