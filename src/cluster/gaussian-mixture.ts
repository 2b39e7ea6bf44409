/**
 * GaussianMixture (scikit-learn's estimator): EM for a mixture of Gaussians with full, tied,
 * diagonal or spherical covariances, in float64 as scikit-learn computes it — Cholesky factors of
 * the precisions, responsibilities in log space, reg_covar on the diagonal, convergence when the
 * mean log-likelihood changes by less than tol, the best of nInit runs.
 */
import { ValueError } from "../base/errors.js";
import { checkChoice, checkOptions } from "../base/options.js";
import type { Generator } from "../base/rng.js";
import { tensor } from "../ops/creation.js";
import { asMatrix, type ArrayLike2D } from "./input.js";
import { KMeans } from "./kmeans.js";
import { generatorOf } from "./kmeans-plus-plus.js";

export type CovarianceType = "full" | "tied" | "diag" | "spherical";

export interface GaussianMixtureOptions {
  nComponents?: number;
  covarianceType?: CovarianceType;
  tol?: number;
  regCovar?: number;
  maxIter?: number;
  nInit?: number;
  /** "kmeans" (default: responsibilities from a KMeans fit) or "random". */
  initParams?: "kmeans" | "random";
  weightsInit?: readonly number[] | null;
  meansInit?: readonly (readonly number[])[] | null;
  /** Precisions (inverse covariances) in the covariance type's shape. */
  precisionsInit?: unknown;
  randomState?: number | Generator | null;
}

type Matrix = Float64Array[]; // rows

/** Lower Cholesky factor of a symmetric positive-definite matrix (a ValueError otherwise). */
function cholesky(a: Matrix): Matrix {
  const d = a.length;
  const l = Array.from({ length: d }, () => new Float64Array(d));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) throw new ValueError("GaussianMixture: fitting the mixture model failed because some components have ill-defined empirical covariance (for instance caused by singleton or collapsed samples). Try to decrease the number of components, or increase regCovar.");
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  return l;
}

/** (L⁻¹)ᵀ for lower-triangular L: the precision's Cholesky factor from the covariance's. */
function precisionCholesky(cov: Matrix): Matrix {
  const l = cholesky(cov);
  const d = l.length;
  const inv = Array.from({ length: d }, () => new Float64Array(d));
  for (let c = 0; c < d; c++) {
    for (let i = 0; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i]![k]! * inv[k]![c]!;
      inv[i]![c] = s / l[i]![i]!;
    }
  }
  return Array.from({ length: d }, (_, i) => Float64Array.from(inv, (row) => row[i]!));
}

export class GaussianMixture {
  readonly nComponents: number;
  readonly covarianceType: CovarianceType;
  readonly tol: number;
  readonly regCovar: number;
  readonly maxIter: number;
  readonly nInit: number;
  readonly initParams: "kmeans" | "random";
  private readonly options: GaussianMixtureOptions;
  weights!: Float64Array;
  means!: Matrix;
  /** full: [k][d][d]; tied: [d][d]; diag: [k][d]; spherical: [k]. */
  covariances!: Matrix[] | Matrix | Float64Array;
  precisionsCholesky!: Matrix[] | Matrix | Float64Array;
  converged = false;
  nIter = 0;
  lowerBound = -Infinity;

  constructor(options: GaussianMixtureOptions = {}) {
    checkOptions("GaussianMixture", options, {
      nComponents: "integer", covarianceType: "string", tol: "number", regCovar: "number", maxIter: "integer", nInit: "integer",
      initParams: "string", weightsInit: "any", meansInit: "any", precisionsInit: "any", randomState: "any",
    });
    this.options = options;
    this.nComponents = options.nComponents ?? 1;
    this.covarianceType = checkChoice<CovarianceType>("GaussianMixture", "covarianceType", options.covarianceType ?? "full", ["full", "tied", "diag", "spherical"]);
    this.tol = options.tol ?? 1e-3;
    this.regCovar = options.regCovar ?? 1e-6;
    this.maxIter = options.maxIter ?? 100;
    this.nInit = options.nInit ?? 1;
    this.initParams = checkChoice<"kmeans" | "random">("GaussianMixture", "initParams", options.initParams ?? "kmeans", ["kmeans", "random"]);
    if (this.nComponents < 1) throw new ValueError(`GaussianMixture: nComponents must be ≥ 1, got ${this.nComponents}`);
  }

  private rows(x: ArrayLike2D, op: string): Matrix {
    const X = asMatrix(x, `GaussianMixture.${op}`);
    const [n, d] = X.shape as [number, number];
    const v = X.dataSync();
    if (this.means && d !== this.means[0]!.length) throw new ValueError(`GaussianMixture.${op}: X has ${d} features, the model was fitted with ${this.means[0]!.length}`);
    return Array.from({ length: n }, (_, i) => Float64Array.from(v.subarray(i * d, (i + 1) * d)));
  }

  fit(x: ArrayLike2D): this {
    this.fitPredict(x);
    return this;
  }

  fitPredict(x: ArrayLike2D): Int32Array {
    const X = this.rows(x, "fit");
    const n = X.length;
    if (n < this.nComponents) throw new ValueError(`GaussianMixture: expected n_samples >= n_components but got n_components = ${this.nComponents}, n_samples = ${n}`);
    const g = generatorOf(this.options.randomState);
    let best: { lb: number; params: [Float64Array, Matrix, GaussianMixture["covariances"], GaussianMixture["precisionsCholesky"]]; iter: number; converged: boolean } | null = null;
    let lastResp: Matrix = [];
    for (let run = 0; run < this.nInit; run++) {
      this.initialize(X, g);
      let lb = -Infinity;
      this.converged = false;
      let iter = 0;
      for (iter = 1; iter <= this.maxIter; iter++) {
        const prev = lb;
        const [normMean, logResp] = this.eStep(X);
        this.mStep(X, logResp);
        lb = normMean;
        if (Math.abs(lb - prev) < this.tol) {
          this.converged = true;
          break;
        }
      }
      if (!best || lb > best.lb) best = { lb, params: [this.weights, this.means, this.covariances, this.precisionsCholesky], iter: Math.min(iter, this.maxIter), converged: this.converged };
      // scikit-learn's final E-step runs with the last run's parameters, before the best are restored.
      lastResp = this.eStep(X)[1];
    }
    [this.weights, this.means, this.covariances, this.precisionsCholesky] = best!.params;
    this.nIter = best!.iter;
    this.converged = best!.converged;
    this.lowerBound = best!.lb;
    return Int32Array.from(lastResp, (r) => argmax(r));
  }

  private initialize(X: Matrix, g: Generator): void {
    const n = X.length;
    const k = this.nComponents;
    let resp: Matrix;
    if (this.initParams === "kmeans") {
      const labels = new KMeans({ nClusters: k, nInit: 1, randomState: g }).fit(tensor(X.map((r) => Array.from(r)))).labels.dataSync();
      resp = Array.from({ length: n }, (_, i) => Float64Array.from({ length: k }, (_, c) => +(labels[i] === c)));
    } else {
      resp = Array.from({ length: n }, () => {
        const r = Float64Array.from({ length: k }, () => g.random());
        const s = r.reduce((a, b) => a + b, 0);
        return r.map((v) => v / s);
      });
    }
    const [nk, means, cov] = this.estimate(X, resp);
    const { weightsInit, meansInit, precisionsInit } = this.options;
    this.weights = weightsInit ? Float64Array.from(weightsInit) : nk.map((v) => v / n);
    this.means = meansInit ? meansInit.map((m) => Float64Array.from(m)) : means;
    if (precisionsInit !== undefined && precisionsInit !== null) this.precisionsCholesky = this.fromPrecisions(precisionsInit);
    else {
      this.covariances = cov;
      this.precisionsCholesky = this.precisionFactors(cov);
    }
  }

  /** The precisions' Cholesky factors from given precisions (scikit-learn's precisions_init). */
  private fromPrecisions(p: unknown): GaussianMixture["precisionsCholesky"] {
    // The upper-triangular U with P = U·Uᵀ (scikit-learn's flip trick: the lower Cholesky factor of
    // P with rows and columns reversed, reversed back).
    const lowerT = (m: readonly (readonly number[])[]) => {
      const d = m.length;
      const flipped = Array.from({ length: d }, (_, i) => Float64Array.from({ length: d }, (_, j) => m[d - 1 - i]![d - 1 - j]!));
      const l = cholesky(flipped);
      return Array.from({ length: d }, (_, i) => Float64Array.from({ length: d }, (_, j) => l[d - 1 - i]![d - 1 - j]!));
    };
    switch (this.covarianceType) {
      case "full": return (p as number[][][]).map(lowerT);
      case "tied": return lowerT(p as number[][]);
      case "diag": return (p as number[][]).map((r) => Float64Array.from(r, Math.sqrt));
      default: return Float64Array.from(p as number[], Math.sqrt);
    }
  }

  /** nk, means and covariances from responsibilities (scikit-learn's _estimate_gaussian_parameters). */
  private estimate(X: Matrix, resp: Matrix): [Float64Array, Matrix, GaussianMixture["covariances"]] {
    const n = X.length;
    const d = X[0]!.length;
    const k = this.nComponents;
    const nk = new Float64Array(k).fill(10 * Number.EPSILON);
    resp.forEach((r) => r.forEach((v, c) => (nk[c]! += v)));
    const means = Array.from({ length: k }, () => new Float64Array(d));
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c]![j]! += resp[i]![c]! * X[i]![j]!;
    means.forEach((m, c) => m.forEach((v, j) => (m[j] = v / nk[c]!)));
    const reg = this.regCovar;
    const type = this.covarianceType;
    if (type === "full") {
      const covs = means.map((mu, c) => {
        const cov = Array.from({ length: d }, () => new Float64Array(d));
        for (let i = 0; i < n; i++) {
          const r = resp[i]![c]!;
          for (let a = 0; a < d; a++) {
            const da = X[i]![a]! - mu[a]!;
            for (let b = 0; b < d; b++) cov[a]![b]! += r * da * (X[i]![b]! - mu[b]!);
          }
        }
        cov.forEach((row, a) => row.forEach((v, b) => (row[b] = v / nk[c]! + (a === b ? reg : 0))));
        return cov;
      });
      return [nk, means, covs];
    }
    if (type === "tied") {
      const cov = Array.from({ length: d }, () => new Float64Array(d));
      for (const row of X) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a]![b]! += row[a]! * row[b]!;
      means.forEach((mu, c) => { for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a]![b]! -= nk[c]! * mu[a]! * mu[b]!; });
      const total = nk.reduce((s, v) => s + v, 0);
      cov.forEach((row, a) => row.forEach((v, b) => (row[b] = v / total + (a === b ? reg : 0))));
      return [nk, means, cov];
    }
    const diag = means.map((mu, c) => {
      const out = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[j]! += resp[i]![c]! * X[i]![j]! * X[i]![j]!;
      return out.map((v, j) => v / nk[c]! - mu[j]! * mu[j]! + reg);
    });
    return type === "diag" ? [nk, means, diag] : [nk, means, Float64Array.from(diag, (r) => r.reduce((s, v) => s + v, 0) / d)];
  }

  private precisionFactors(cov: GaussianMixture["covariances"]): GaussianMixture["precisionsCholesky"] {
    const bad = () => {
      throw new ValueError("GaussianMixture: fitting the mixture model failed because some components have ill-defined empirical covariance (for instance caused by singleton or collapsed samples). Try to decrease the number of components, or increase regCovar.");
    };
    switch (this.covarianceType) {
      case "full": return (cov as Matrix[]).map(precisionCholesky);
      case "tied": return precisionCholesky(cov as Matrix);
      case "diag": return (cov as Matrix).map((r) => r.map((v) => (v > 0 ? 1 / Math.sqrt(v) : bad())));
      default: return (cov as Float64Array).map((v) => (v > 0 ? 1 / Math.sqrt(v) : bad()));
    }
  }

  private mStep(X: Matrix, logResp: Matrix): void {
    const [nk, means, cov] = this.estimate(X, logResp.map((r) => r.map(Math.exp)));
    const total = nk.reduce((s, v) => s + v, 0);
    this.weights = nk.map((v) => v / total);
    this.means = means;
    this.covariances = cov;
    this.precisionsCholesky = this.precisionFactors(cov);
  }

  /** log N(x | μ_c, Σ_c) for every sample and component. */
  private logGaussian(X: Matrix): Matrix {
    const d = X[0]!.length;
    const k = this.nComponents;
    const pc = this.precisionsCholesky;
    const out = X.map(() => new Float64Array(k));
    for (let c = 0; c < k; c++) {
      const mu = this.means[c]!;
      let logDet: number;
      let quad: (x: Float64Array) => number;
      if (this.covarianceType === "full" || this.covarianceType === "tied") {
        const P = (this.covarianceType === "full" ? (pc as Matrix[])[c]! : (pc as Matrix));
        logDet = P.reduce((s, row, i) => s + Math.log(row[i]!), 0);
        quad = (x) => {
          let s = 0;
          for (let j = 0; j < d; j++) {
            let y = 0;
            for (let a = 0; a < d; a++) y += (x[a]! - mu[a]!) * P[a]![j]!;
            s += y * y;
          }
          return s;
        };
      } else {
        const p = this.covarianceType === "diag" ? (pc as Matrix)[c]! : new Float64Array(d).fill((pc as Float64Array)[c]!);
        logDet = p.reduce((s, v) => s + Math.log(v), 0);
        quad = (x) => {
          let s = 0;
          for (let j = 0; j < d; j++) s += ((x[j]! - mu[j]!) * p[j]!) ** 2;
          return s;
        };
      }
      X.forEach((x, i) => (out[i]![c] = -0.5 * (d * Math.log(2 * Math.PI) + quad(x)) + logDet));
    }
    return out;
  }

  /** [mean log-likelihood, log responsibilities]. */
  private eStep(X: Matrix): [number, Matrix] {
    const logW = this.weights.map(Math.log);
    let total = 0;
    const resp = this.logGaussian(X).map((row) => {
      const w = row.map((v, c) => v + logW[c]!);
      const m = Math.max(...w);
      const norm = m + Math.log(w.reduce((s, v) => s + Math.exp(v - m), 0));
      total += norm;
      return w.map((v) => v - norm);
    });
    return [total / X.length, resp];
  }

  private fitted(op: string): void {
    if (!this.means) throw new ValueError(`GaussianMixture.${op}: fit the estimator first`);
  }

  /** The log-likelihood of each sample under the mixture. */
  scoreSamples(x: ArrayLike2D): Float64Array {
    this.fitted("scoreSamples");
    const logW = this.weights.map(Math.log);
    return Float64Array.from(this.logGaussian(this.rows(x, "scoreSamples")), (row) => {
      const w = row.map((v, c) => v + logW[c]!);
      const m = Math.max(...w);
      return m + Math.log(w.reduce((s, v) => s + Math.exp(v - m), 0));
    });
  }

  /** The mean log-likelihood. */
  score(x: ArrayLike2D): number {
    const s = this.scoreSamples(x);
    return s.reduce((a, b) => a + b, 0) / s.length;
  }

  predictProba(x: ArrayLike2D): Float64Array[] {
    this.fitted("predictProba");
    return this.eStep(this.rows(x, "predictProba"))[1].map((r) => r.map(Math.exp));
  }

  predict(x: ArrayLike2D): Int32Array {
    this.fitted("predict");
    return Int32Array.from(this.eStep(this.rows(x, "predict"))[1], (r) => argmax(r));
  }

  private nParameters(): number {
    const d = this.means[0]!.length;
    const k = this.nComponents;
    const cov = { full: (k * d * (d + 1)) / 2, diag: k * d, tied: (d * (d + 1)) / 2, spherical: k }[this.covarianceType];
    return cov + d * k + k - 1;
  }

  /** Bayesian information criterion (lower is better). */
  bic(x: ArrayLike2D): number {
    const n = this.rows(x, "bic").length;
    return -2 * this.score(x) * n + this.nParameters() * Math.log(n);
  }

  /** Akaike information criterion (lower is better). */
  aic(x: ArrayLike2D): number {
    const n = this.rows(x, "aic").length;
    return -2 * this.score(x) * n + 2 * this.nParameters();
  }
}

function argmax(r: Float64Array): number {
  let best = 0;
  for (let c = 1; c < r.length; c++) if (r[c]! > r[best]!) best = c;
  return best;
}
