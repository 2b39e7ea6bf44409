/**
 * ThresholdOptimizer (Hardt, Price & Srebro 2016; fairlearn.postprocessing): post-processing that
 * picks, for each sensitive group, a (randomised) threshold on a model's scores so that the groups
 * satisfy the constraint — equal selection rates (demographic parity) or equal true- and
 * false-positive rates (equalized odds) — at the best overall accuracy (or balanced accuracy).
 *
 * As in fairlearn: the constraint's common value is searched on a grid of gridSize points; each
 * group reaches it on its ROC convex hull, and for equalized odds by mixing its hull point with the
 * random classifier that predicts 1 with probability equal to the false-positive rate.
 */
import { Tensor } from "../ops/tensor.js";
import { ValueError } from "../base/errors.js";
import { Generator, defaultGenerator } from "../base/rng.js";
import type { Classifier } from "./classifier.js";
import { groupLabels, sameLength, toNumbers, type SensitiveFeatures, type Vector } from "./input.js";
import { mixtureAt, mixtureProbability, operatingPoints, upperHull, type Mixture, type OperatingPoint } from "./roc-hull.js";

export type ThresholdConstraint = "demographic_parity" | "equalized_odds";
export type ThresholdObjective = "accuracy_score" | "balanced_accuracy_score";
/** Scores for features: a function, or a classifier with predictProba. */
export type Scorer = ((x: Tensor) => Tensor | readonly number[]) | Classifier;

export interface ThresholdOptimizerOptions {
  /** Without an estimator, fit and predict take the scores themselves. */
  estimator?: Scorer;
  constraints?: ThresholdConstraint;
  objective?: ThresholdObjective;
  gridSize?: number;
  /** The estimator is already trained (default true); otherwise fit trains it first. */
  prefit?: boolean;
}

/** A group's fitted rule: P(ŷ = 1 | score) = q · mixture(score) + (1 − q) · constant. */
interface GroupRule {
  mixture: Mixture;
  q: number;
  constant: number;
}

export class ThresholdOptimizer {
  private rules = new Map<string, GroupRule>();
  /** The constraint's common value chosen (selection rate, or false-positive rate) and the objective there. */
  best: { value: number; objective: number } | null = null;

  constructor(readonly options: ThresholdOptimizerOptions = {}) {
    const { constraints = "demographic_parity", objective = "accuracy_score" } = options;
    if (!["demographic_parity", "equalized_odds"].includes(constraints)) throw new ValueError(`ThresholdOptimizer: constraints must be demographic_parity or equalized_odds, got '${constraints}'`);
    if (!["accuracy_score", "balanced_accuracy_score"].includes(objective)) throw new ValueError(`ThresholdOptimizer: objective must be accuracy_score or balanced_accuracy_score, got '${objective}'`);
  }

  private scores(x: Tensor | Vector, fn: string): number[] {
    const est = this.options.estimator;
    if (!est) return toNumbers(x as Vector, "scores", fn);
    if (!(x instanceof Tensor)) throw new ValueError(`${fn}: with an estimator, pass the features as a tensor`);
    if (typeof est === "function") return toNumbers(est(x) as Vector, "scores", fn);
    if (!est.predictProba) throw new ValueError(`${fn}: the estimator has no predictProba`);
    return est.predictProba(x);
  }

  fit(x: Tensor | Vector, yTrue: Vector, { sensitiveFeatures }: { sensitiveFeatures: SensitiveFeatures }): this {
    const fn = "ThresholdOptimizer.fit";
    const y = toNumbers(yTrue, "yTrue", fn);
    const est = this.options.estimator;
    if (est && typeof est !== "function" && this.options.prefit === false) est.fit(x as Tensor, y);
    const s = this.scores(x, fn);
    const n = sameLength(fn, { scores: s, yTrue: y });
    y.forEach((v, i) => {
      if (v !== 0 && v !== 1) throw new ValueError(`${fn}: labels must be 0 or 1, got ${v} at ${i}`);
    });
    const { labels, groups } = groupLabels(sensitiveFeatures, n, fn);
    const data = groups.map((g) => {
      const idx = labels.flatMap((l, i) => (l === g ? [i] : []));
      const ys = idx.map((i) => y[i]!);
      const pos = ys.reduce((a, b) => a + b, 0);
      return { g, n: idx.length, pos, neg: idx.length - pos, hull: upperHull(operatingPoints(idx.map((i) => s[i]!), ys)) };
    });
    const totalPos = data.reduce((a, d) => a + d.pos, 0);
    const totalNeg = n - totalPos;
    const objective = (tp: number, fp: number) =>
      (this.options.objective ?? "accuracy_score") === "accuracy_score" ? (tp + totalNeg - fp) / n : ((totalPos ? tp / totalPos : 0) + (totalNeg ? (totalNeg - fp) / totalNeg : 0)) / 2;
    const gridSize = this.options.gridSize ?? 1000;
    if (!Number.isInteger(gridSize) || gridSize < 2) throw new ValueError(`${fn}: gridSize must be an integer ≥ 2, got ${gridSize}`);
    const dp = (this.options.constraints ?? "demographic_parity") === "demographic_parity";
    let best: { value: number; objective: number } | null = null;
    for (let k = 0; k < gridSize; k++) {
      const v = k / (gridSize - 1);
      let tp = 0, fp = 0;
      if (dp) {
        for (const d of data) {
          const m = mixtureAt(d.hull, selection(d), v);
          tp += mix(m, (p) => p.tp);
          fp += mix(m, (p) => p.fp);
        }
      } else {
        const common = Math.min(...data.map((d) => hullY(d.hull, v)));
        tp = data.reduce((a, d) => a + common * d.pos, 0);
        fp = data.reduce((a, d) => a + v * d.neg, 0);
      }
      const o = objective(tp, fp);
      if (!best || o > best.objective + 1e-12) best = { value: v, objective: o };
    }
    this.best = best;
    this.rules = new Map(data.map((d) => {
      if (dp) return [d.g, { mixture: mixtureAt(d.hull, selection(d), best!.value), q: 1, constant: 0 }];
      const x = best!.value;
      const common = Math.min(...data.map((e) => hullY(e.hull, x)));
      const own = hullY(d.hull, x);
      const q = own - x <= 1e-15 ? 1 : (common - x) / (own - x);
      return [d.g, { mixture: mixtureAt(d.hull, (p) => p.x, x), q, constant: x }];
    }));
    return this;
  }

  /** P(ŷ = 1) for each example under the fitted randomised rule (fairlearn's _pmf_predict). */
  pmfPredict(x: Tensor | Vector, { sensitiveFeatures }: { sensitiveFeatures: SensitiveFeatures }): number[] {
    const fn = "ThresholdOptimizer.predict";
    if (!this.rules.size) throw new ValueError(`${fn}: call fit first`);
    const s = this.scores(x, fn);
    const { labels } = groupLabels(sensitiveFeatures, s.length, fn);
    return labels.map((g, i) => {
      const rule = this.rules.get(g);
      if (!rule) throw new ValueError(`${fn}: group '${g}' was not seen in fit`);
      return rule.q * mixtureProbability(rule.mixture, s[i]!) + (1 - rule.q) * rule.constant;
    });
  }

  /** 0/1 decisions drawn from pmfPredict with the generator (fairlearn's random_state). */
  predict(x: Tensor | Vector, options: { sensitiveFeatures: SensitiveFeatures; generator?: Generator }): number[] {
    const g = options.generator ?? defaultGenerator;
    return this.pmfPredict(x, options).map((p) => (p >= 1 || (p > 0 && g.random() < p) ? 1 : 0));
  }
}

/** A hull point's selection rate within its group. */
const selection = (d: { n: number; pos: number; neg: number }) => (p: OperatingPoint) => (p.tp + p.fp) / d.n;

const mix = (m: Mixture, f: (p: OperatingPoint) => number) => m.pA * f(m.a) + (1 - m.pA) * f(m.b);

/** The hull's true-positive rate at false-positive rate x. */
function hullY(hull: readonly OperatingPoint[], x: number): number {
  return mix(mixtureAt(hull, (p) => p.x, x), (p) => p.y);
}
