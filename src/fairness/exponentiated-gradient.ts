/**
 * ExponentiatedGradient (Agarwal et al. 2018, "A Reductions Approach to Fair Classification";
 * fairlearn.reductions) with the demographic-parity constraint: in-processing that trains a
 * sequence of ordinary weighted classifiers and returns a randomised mixture of them whose selection
 * rates differ between groups by at most ε (up to the optimisation's tolerance).
 *
 * The moments: γ_a(h) = E[h | A = a] − E[h], with the constraints ±γ_a ≤ ε. Each round takes the
 * Lagrange multipliers λ = B·exp(θ)/(1 + Σexp(θ)) (B = 1/ε), trains the best response to them (a
 * weighted classification: label 1 where the cost of predicting 1 is lower, weight the cost gap),
 * and moves θ along the constraint violations. The result is the paper's Algorithm 1: the average of
 * the rounds' classifiers, at the round with the smallest duality gap. (fairlearn additionally
 * re-weights the classifiers by a linear program; the average keeps the paper's guarantee.)
 */
import type { Tensor } from "../ops/tensor.js";
import { ValueError } from "../base/errors.js";
import { Generator, defaultGenerator } from "../base/rng.js";
import type { Classifier } from "./classifier.js";
import { groupLabels, sameLength, toNumbers, type SensitiveFeatures, type Vector } from "./input.js";

export interface ExponentiatedGradientOptions {
  /** Makes a fresh classifier for each round (it is fit with sample weights). */
  estimator: () => Classifier;
  /** Only demographic parity is implemented. */
  constraints?: "demographic_parity";
  /** The allowed difference ε between a group's selection rate and the overall one (default 0.01). */
  eps?: number;
  maxIter?: number;
  /** Stop when the duality gap is below nu (default: 1e-6, effectively maxIter rounds). */
  nu?: number;
  /** Step size numerator: η = eta0 / B (default 2). */
  eta0?: number;
}

export class ExponentiatedGradient {
  /** The classifiers of the returned mixture and their weights. */
  predictors: Classifier[] = [];
  weights: number[] = [];
  /** Per round: the mixture's error and largest constraint violation, and the duality gap. */
  history: { error: number; violation: number; gap: number }[] = [];

  constructor(readonly options: ExponentiatedGradientOptions) {
    if ((options.constraints ?? "demographic_parity") !== "demographic_parity") throw new ValueError(`ExponentiatedGradient: only the demographic_parity constraint is implemented, got '${options.constraints}'`);
    const eps = options.eps ?? 0.01;
    if (!(eps > 0)) throw new ValueError(`ExponentiatedGradient: eps must be positive, got ${eps}`);
  }

  fit(x: Tensor, yTrue: Vector, { sensitiveFeatures }: { sensitiveFeatures: SensitiveFeatures }): this {
    const fn = "ExponentiatedGradient.fit";
    const { eps = 0.01, maxIter = 50, nu = 1e-6, eta0 = 2 } = this.options;
    const y = toNumbers(yTrue, "yTrue", fn);
    const n = sameLength(fn, { yTrue: y, features: new Array<number>(x.shape[0]!) });
    const { labels, groups } = groupLabels(sensitiveFeatures, n, fn);
    const groupOf = labels.map((l) => groups.indexOf(l));
    const share = groups.map((_, g) => groupOf.filter((k) => k === g).length / n);
    const bound = 1 / eps;
    const eta = eta0 / bound;

    // Moments of a prediction vector h ∈ [0, 1]^n: error and γ_a per group.
    const error = (h: readonly number[]) => h.reduce((s, p, i) => s + (y[i] === 1 ? 1 - p : p), 0) / n;
    const gamma = (h: readonly number[]) => {
      const mean = h.reduce((a, b) => a + b, 0) / n;
      const sums = new Array<number>(groups.length).fill(0);
      h.forEach((p, i) => (sums[groupOf[i]!]! += p));
      return sums.map((s, g) => s / (share[g]! * n) - mean);
    };
    // λ holds (λ+_a, λ−_a) per group; L(h, λ) = err(h) + Σ_a (λ+_a − λ−_a)·γ_a(h) − ε·Σλ.
    const lagrangian = (h: readonly number[], lambda: readonly number[]) => {
      const gm = gamma(h);
      return error(h) + gm.reduce((s, v, a) => s + (lambda[2 * a]! - lambda[2 * a + 1]!) * v, 0) - eps * lambda.reduce((s, l) => s + l, 0);
    };
    const bestH = (lambda: readonly number[]): { clf: Classifier; h: number[] } => {
      const net = groups.map((_, a) => lambda[2 * a]! - lambda[2 * a + 1]!);
      const netSum = net.reduce((s, v) => s + v, 0);
      // Cost of predicting 1 rather than 0 for example i: (1 − 2yᵢ)/n + λnet_a/(n·p_a) − Σλnet/n.
      const signed = y.map((yi, i) => -((1 - 2 * yi) / n + net[groupOf[i]!]! / (n * share[groupOf[i]!]!) - netSum / n));
      const clf = this.options.estimator();
      clf.fit(x, signed.map((s) => (s > 0 ? 1 : 0)), signed.map(Math.abs));
      return { clf, h: clf.predict(x) };
    };

    const theta = new Array<number>(2 * groups.length).fill(0);
    const found: { clf: Classifier; h: number[] }[] = [];
    const lambdaSum = new Array<number>(theta.length).fill(0);
    let bestGap = Infinity;
    for (let t = 1; t <= maxIter; t++) {
      const e = theta.map(Math.exp);
      const denom = 1 + e.reduce((a, b) => a + b, 0);
      const lambda = e.map((v) => (bound * v) / denom);
      const response = bestH(lambda);
      found.push(response);
      lambda.forEach((l, k) => (lambdaSum[k]! += l));
      const qH = y.map((_, i) => found.reduce((s, r) => s + r.h[i]!, 0) / found.length);
      const lambdaHat = lambdaSum.map((l) => l / t);
      // Duality gap of (Q̂, λ̂): the best λ against Q̂ puts B on the most violated constraint.
      const gm = gamma(qH);
      const violations = gm.flatMap((v) => [v - eps, -v - eps]);
      const worst = Math.max(...violations);
      const bestLambda = violations.map((v, k) => (worst > 0 && k === violations.indexOf(worst) ? bound : 0));
      const lHat = lagrangian(qH, lambdaHat);
      const gap = Math.max(lagrangian(qH, bestLambda) - lHat, lHat - lagrangian(bestH(lambdaHat).h, lambdaHat));
      this.history.push({ error: error(qH), violation: Math.max(0, worst), gap });
      if (gap < bestGap) {
        bestGap = gap;
        this.predictors = found.map((r) => r.clf);
        this.weights = found.map(() => 1 / found.length);
      }
      if (gap < nu) break;
      const step = gamma(response.h).flatMap((v) => [v - eps, -v - eps]);
      step.forEach((v, k) => (theta[k]! += eta * v));
    }
    return this;
  }

  /** P(ŷ = 1): the mixture's weighted vote. */
  pmfPredict(x: Tensor): number[] {
    if (!this.predictors.length) throw new ValueError("ExponentiatedGradient.predict: call fit first");
    const votes = this.predictors.map((c) => c.predict(x));
    return votes[0]!.map((_, i) => votes.reduce((s, v, k) => s + this.weights[k]! * v[i]!, 0));
  }

  /** 0/1 decisions drawn from pmfPredict with the generator. */
  predict(x: Tensor, { generator = defaultGenerator }: { generator?: Generator } = {}): number[] {
    return this.pmfPredict(x).map((p) => (p >= 1 || (p > 0 && generator.random() < p) ? 1 : 0));
  }
}
