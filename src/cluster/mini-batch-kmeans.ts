/**
 * MiniBatchKMeans (scikit-learn's estimator): k-means on random batches. Each step assigns a batch
 * to the nearest centres (the fused k-means step) and moves every centre that received samples to
 * the running mean of all the samples it ever received — a per-centre learning rate of
 * 1 / (its accumulated weight). Centres whose weight falls below reassignmentRatio × the largest
 * are moved to random batch samples, every 10·k samples (and whenever one is empty), as
 * scikit-learn does. fit stops early on a small centre change (tol) or when the exponentially
 * weighted batch inertia stops improving (maxNoImprovement); partialFit takes one step on the
 * batch it is given.
 */
import { ValueError } from "../base/errors.js";
import { checkChoice, checkOptions } from "../base/options.js";
import type { Generator } from "../base/rng.js";
import { scope } from "../base/scope.js";
import type { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { tensor } from "../ops/creation.js";
import { kmeansStep } from "../ops/fused.js";
import { asMatrix, sampleWeights, type ArrayLike2D } from "./input.js";
import { generatorOf, kmeansPlusPlus, searchSorted } from "./kmeans-plus-plus.js";
import { CentroidClustering, weightedSum, type SampleWeightOption } from "./centroids.js";
import { meanFeatureVariance } from "./kmeans.js";

export interface MiniBatchKMeansOptions {
  nClusters?: number;
  /** "k-means++" (default), "random", or the initial centres [k, d]. */
  init?: "k-means++" | "random" | ArrayLike2D;
  /** Passes over the data at most (fit takes maxIter · n / batchSize steps at most). */
  maxIter?: number;
  batchSize?: number;
  /** Compute labels and inertia on the whole training set after fit (default true). */
  computeLabels?: boolean;
  randomState?: number | Generator | null;
  /** Stop when the centres move less than tol × the mean feature variance (squared, summed); 0 disables it. */
  tol?: number;
  /** Stop after this many steps without improvement of the smoothed batch inertia; null disables it. */
  maxNoImprovement?: number | null;
  /** Samples drawn to initialise on (default 3 · batchSize, at least 3k). */
  initSize?: number | null;
  /** Initialisations tried (the best on initSize held-out samples kept); "auto": 3 for "random", else 1. */
  nInit?: number | "auto";
  reassignmentRatio?: number;
}

export class MiniBatchKMeans extends CentroidClustering {
  readonly nClusters: number;
  readonly init: "k-means++" | "random" | ArrayLike2D;
  readonly maxIter: number;
  readonly batchSize: number;
  readonly computeLabels: boolean;
  readonly randomState: number | Generator | null;
  readonly tol: number;
  readonly maxNoImprovement: number | null;
  readonly initSize: number | null;
  readonly nInit: number | "auto";
  readonly reassignmentRatio: number;
  /** Steps (batches) taken. labels and inertia are the training set's (fit with computeLabels) or the last partialFit batch's. */
  nSteps = 0;
  /** The accumulated sample weight of each centre (scikit-learn's private _counts). */
  counts!: Float64Array;

  private centers!: Float32Array;
  private g!: Generator;
  /** The batch size in effect (at most the first data's sample count), and the samples seen since the last reassignment check. */
  private batch = 0;
  private sinceReassign = 0;

  constructor(options: MiniBatchKMeansOptions = {}) {
    super("MiniBatchKMeans");
    checkOptions("MiniBatchKMeans", options, {
      nClusters: "integer", init: "any", maxIter: "integer", batchSize: "integer", computeLabels: "boolean", randomState: "any",
      tol: "number", maxNoImprovement: "any", initSize: "any", nInit: "any", reassignmentRatio: "number",
    });
    this.nClusters = options.nClusters ?? 8;
    this.init = options.init ?? "k-means++";
    this.maxIter = options.maxIter ?? 100;
    this.batchSize = options.batchSize ?? 1024;
    this.computeLabels = options.computeLabels ?? true;
    this.randomState = options.randomState ?? null;
    this.tol = options.tol ?? 0;
    this.maxNoImprovement = options.maxNoImprovement === undefined ? 10 : options.maxNoImprovement;
    this.initSize = options.initSize ?? null;
    this.nInit = options.nInit ?? "auto";
    this.reassignmentRatio = options.reassignmentRatio ?? 0.01;
    if (this.nClusters < 1) throw new ValueError(`MiniBatchKMeans: nClusters must be ≥ 1, got ${this.nClusters}`);
    if (this.batchSize < 1) throw new ValueError(`MiniBatchKMeans: batchSize must be ≥ 1, got ${this.batchSize}`);
    if (!(this.maxIter >= 1)) throw new ValueError(`MiniBatchKMeans: maxIter must be ≥ 1, got ${this.maxIter}`);
    if (!(this.reassignmentRatio >= 0)) throw new ValueError(`MiniBatchKMeans: reassignmentRatio must be ≥ 0, got ${this.reassignmentRatio}`);
    if (typeof this.init === "string") checkChoice("MiniBatchKMeans", "init", this.init, ["k-means++", "random"]);
  }

  fit(x: ArrayLike2D, opts: SampleWeightOption = {}): this {
    noGrad(() =>
      scope(() => {
        const X = asMatrix(x, "MiniBatchKMeans.fit");
        const [n, d] = X.shape as [number, number];
        if (n < this.nClusters) throw new ValueError(`MiniBatchKMeans: n_samples=${n} should be ≥ nClusters=${this.nClusters}`);
        const w = sampleWeights(opts.sampleWeight, n, "MiniBatchKMeans");
        this.g = generatorOf(this.randomState);
        const batch = Math.min(this.batchSize, n);
        const initSize = this.initSizeFor(n, batch);
        const tol = this.tol > 0 ? this.tol * meanFeatureVariance(X) : 0;
        // The initialisation with the lowest inertia on a held-out draw of initSize samples.
        const valid = this.draw(n, initSize, null);
        const [Xv, wv] = [this.rows(X, valid), tensor(Float32Array.from(valid, (i) => w[i]!)).toBackend(X.backend)];
        let best: Float32Array | null = null;
        let bestInertia = Infinity;
        for (let r = 0; r < this.runs(); r++) {
          const centres = this.initialCentres(X, w, initSize);
          const inertia = scope(() => weightedSum(kmeansStep(Xv, tensor(centres, { shape: [this.nClusters, d] }).toBackend(X.backend), wv)[1], wv));
          if (inertia < bestInertia) [best, bestInertia] = [centres, inertia];
        }
        this.start(best!, d, batch);
        // Steps on batches drawn with probability ∝ weight, with replacement (each of unit weight).
        const cumulative = new Float64Array(n);
        let acc = 0;
        w.forEach((v, i) => (cumulative[i] = acc += v));
        const steps = Math.floor((this.maxIter * n) / batch);
        const ones = tensor(new Float32Array(batch).fill(1)).toBackend(X.backend);
        const watch = new EarlyStop(batch, n, tol, this.maxNoImprovement);
        let step = 0;
        for (; step < steps; step++) {
          const ids = Int32Array.from({ length: batch }, () => searchSorted(cumulative, this.g.random() * acc));
          const before = tol > 0 ? Float32Array.from(this.centers) : null;
          const inertia = scope(() => this.step(this.rows(X, ids), ones));
          const shift = before ? before.reduce((s, v, i) => s + (v - this.centers[i]!) ** 2, 0) : 0;
          if (watch.converged(step, shift, inertia)) break;
        }
        this.nSteps = Math.min(step + 1, steps);
        this.nIter = Math.ceil((this.nSteps * batch) / n);
        this.clusterCenters = tensor(this.centers, { shape: [this.nClusters, d] }).toBackend(X.backend);
        if (this.computeLabels) {
          const [labels, dist] = kmeansStep(X, this.clusterCenters, w.every((v) => v === 1) ? null : tensor(Float32Array.from(w)).toBackend(X.backend));
          this.labels = labels;
          this.inertia = weightedSum(dist, w);
        } else {
          this.inertia = watch.ewaInertia * acc;
        }
        return [this.clusterCenters, this.labels];
      }),
    );
    return this;
  }

  /** One step on the batch x: initialises on the first call (on x itself), then moves the centres. */
  partialFit(x: ArrayLike2D, opts: SampleWeightOption = {}): this {
    noGrad(() =>
      scope(() => {
        const X = asMatrix(x, "MiniBatchKMeans.partialFit");
        const [n, d] = X.shape as [number, number];
        const w = sampleWeights(opts.sampleWeight, n, "MiniBatchKMeans");
        if (!this.centers) {
          if (n < this.nClusters) throw new ValueError(`MiniBatchKMeans: n_samples=${n} should be ≥ nClusters=${this.nClusters}`);
          this.g = generatorOf(this.randomState);
          const batch = Math.min(this.batchSize, n);
          this.start(this.initialCentres(X, w, this.initSizeFor(n, batch)), d, batch);
        } else if (d !== this.nFeaturesIn) {
          throw new ValueError(`MiniBatchKMeans.partialFit: X has ${d} features, the model was fitted with ${this.nFeaturesIn}`);
        }
        const wt = tensor(Float32Array.from(w)).toBackend(X.backend);
        this.step(X, wt);
        this.nSteps++;
        this.clusterCenters = tensor(this.centers, { shape: [this.nClusters, d] }).toBackend(X.backend);
        const [labels, dist] = kmeansStep(X, this.clusterCenters, wt);
        this.labels = labels;
        this.inertia = weightedSum(dist, w);
        return [this.clusterCenters, this.labels];
      }),
    );
    return this;
  }

  fitPredict(x: ArrayLike2D, opts: SampleWeightOption = {}): Tensor {
    this.fit(x, opts);
    return this.computeLabels ? this.labels : this.predict(x);
  }

  private runs(): number {
    const runs = this.nInit === "auto" ? (this.init === "random" ? 3 : 1) : this.nInit;
    if (!Number.isInteger(runs) || runs < 1) throw new ValueError(`MiniBatchKMeans: nInit must be a positive integer or "auto", got ${String(this.nInit)}`);
    return runs;
  }

  private initSizeFor(n: number, batch: number): number {
    let size = this.initSize ?? 3 * batch;
    if (size < this.nClusters) size = 3 * this.nClusters;
    return Math.min(size, n);
  }

  private start(centres: Float32Array, d: number, batch: number): void {
    this.centers = centres;
    this.batch = batch;
    this.counts = new Float64Array(this.nClusters);
    this.sinceReassign = 0;
    this.nFeaturesIn = d;
  }

  /** `count` indices in [0, n), uniformly with replacement, or distinct when `distinct` (≤ n). */
  private draw(n: number, count: number, distinct: Set<number> | null): Int32Array {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      let v = Math.floor(this.g.random() * n);
      if (distinct) {
        while (distinct.has(v)) v = Math.floor(this.g.random() * n);
        distinct.add(v);
      }
      out[i] = v;
    }
    return out;
  }

  private rows(X: Tensor, ids: Int32Array): Tensor {
    return X.indexSelect(0, tensor(ids, { dtype: "int32" }).toBackend(X.backend));
  }

  /** Centres from init: given, k-means++ on initSize random samples, or k distinct random samples. */
  private initialCentres(X: Tensor, w: Float64Array, initSize: number): Float32Array {
    const d = X.shape[1]!;
    if (typeof this.init !== "string") {
      const given = asMatrix(this.init, "MiniBatchKMeans init");
      if (given.shape[0] !== this.nClusters || given.shape[1] !== d) {
        throw new ValueError(`MiniBatchKMeans: init has shape [${given.shape.join(", ")}], expected [${this.nClusters}, ${d}]`);
      }
      return Float32Array.from(given.dataSync());
    }
    const n = X.shape[0]!;
    const ids = initSize < n ? this.draw(n, initSize, null) : Int32Array.from({ length: n }, (_, i) => i);
    const [sub, ws] = [this.rows(X, ids), Float64Array.from(ids, (i) => w[i]!)];
    if (this.init === "k-means++") return Float32Array.from(kmeansPlusPlus(sub, this.nClusters, { sampleWeight: ws, randomState: this.g })[0].dataSync());
    const chosen = this.draw(ids.length, this.nClusters, new Set());
    return Float32Array.from(this.rows(sub, chosen).dataSync());
  }

  /**
   * One mini-batch step (scikit-learn's _mini_batch_step): each centre that received weight W moves
   * to (c·counts + Σ w·x) / (counts + W); then, every 10·k samples or when a count is 0, the
   * centres below reassignmentRatio × the largest count move to random distinct batch samples and
   * take the smallest remaining count. Returns the batch's inertia on the centres before the step.
   */
  private step(X: Tensor, w: Tensor): number {
    const [b, d] = X.shape as [number, number];
    const k = this.nClusters;
    const [, dist, sumsT, massT] = kmeansStep(X, tensor(this.centers, { shape: [k, d] }).toBackend(X.backend), w);
    const [sums, mass] = [sumsT.dataSync(), massT.dataSync()];
    const c = this.centers;
    for (let j = 0; j < k; j++) {
      if (!(mass[j]! > 0)) continue;
      const total = this.counts[j]! + mass[j]!;
      for (let q = j * d; q < (j + 1) * d; q++) c[q] = (c[q]! * this.counts[j]! + sums[q]!) / total;
      this.counts[j] = total;
    }
    this.sinceReassign += this.batch;
    const reassign = this.counts.some((v) => v === 0) || this.sinceReassign >= 10 * k;
    if (reassign) this.sinceReassign = 0;
    if (reassign && this.reassignmentRatio > 0) this.reassign(X, b, d);
    return weightedSum(dist, w.dataSync());
  }

  private reassign(X: Tensor, b: number, d: number): void {
    const counts = this.counts;
    const limit = this.reassignmentRatio * Math.max(...counts);
    const low = new Set([...counts.keys()].filter((j) => counts[j]! < limit));
    // At most half the batch: the lowest counts keep their flag (ties by index, as a stable argsort).
    if (low.size > 0.5 * b) {
      const order = [...counts.keys()].sort((a, c) => counts[a]! - counts[c]! || a - c);
      for (const j of order.slice(Math.floor(0.5 * b))) low.delete(j);
    }
    if (low.size === 0) return;
    const chosen = this.rows(X, this.draw(b, low.size, new Set())).dataSync();
    [...low].forEach((j, r) => this.centers.set(chosen.subarray(r * d, (r + 1) * d), j * d));
    let floor = Infinity;
    counts.forEach((v, j) => !low.has(j) && (floor = Math.min(floor, v)));
    for (const j of low) counts[j] = floor;
  }
}

/** scikit-learn's early stopping of MiniBatchKMeans.fit (_mini_batch_convergence). */
class EarlyStop {
  ewaInertia = NaN;
  private ewaMin = Infinity;
  private noImprovement = 0;

  constructor(
    private readonly batch: number,
    private readonly n: number,
    private readonly tol: number,
    private readonly patience: number | null,
  ) {}

  converged(step: number, shift: number, batchInertia: number): boolean {
    const mean = batchInertia / this.batch;
    if (step === 0) return false; // the first batch's inertia measures the initialisation
    const alpha = Math.min((this.batch * 2) / (this.n + 1), 1);
    this.ewaInertia = Number.isNaN(this.ewaInertia) ? mean : this.ewaInertia * (1 - alpha) + mean * alpha;
    if (this.tol > 0 && shift <= this.tol) return true;
    if (this.ewaInertia < this.ewaMin) [this.noImprovement, this.ewaMin] = [0, this.ewaInertia];
    else this.noImprovement++;
    return this.patience !== null && this.noImprovement >= this.patience;
  }
}
