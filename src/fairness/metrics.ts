/**
 * Per-example-set metrics (fairlearn.metrics): selection rate and the confusion-matrix rates, each
 * optionally weighted. A rate whose denominator is empty is 0, as scikit-learn's zero_division default.
 */
import { ValueError } from "../base/errors.js";

/** A metric on one set of examples: labels, predictions (0/1), optional sample weights. */
export type MetricFn = (yTrue: readonly number[], yPred: readonly number[], sampleWeight?: readonly number[]) => number;

const weightOf = (w: readonly number[] | undefined, i: number) => (w ? w[i]! : 1);
const ratio = (num: number, den: number) => (den === 0 ? 0 : num / den);

function counts(yTrue: readonly number[], yPred: readonly number[], w?: readonly number[]) {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  yTrue.forEach((t, i) => {
    const p = yPred[i]!;
    if ((t !== 0 && t !== 1) || (p !== 0 && p !== 1)) throw new ValueError(`fairness metrics: labels and predictions must be 0 or 1, got ${t} and ${p} at ${i}`);
    const wi = weightOf(w, i);
    if (t === 1) p === 1 ? (tp += wi) : (fn += wi);
    else p === 1 ? (fp += wi) : (tn += wi);
  });
  return { tp, fp, tn, fn };
}

/** Fraction predicted positive: P(ŷ = 1). */
export const selectionRate: MetricFn = (_yTrue, yPred, w) => {
  let sel = 0, total = 0;
  yPred.forEach((p, i) => {
    sel += p === 1 ? weightOf(w, i) : 0;
    total += weightOf(w, i);
  });
  return ratio(sel, total);
};

/** P(ŷ = 1 | y = 1), recall. */
export const truePositiveRate: MetricFn = (t, p, w) => {
  const c = counts(t, p, w);
  return ratio(c.tp, c.tp + c.fn);
};
/** P(ŷ = 1 | y = 0). */
export const falsePositiveRate: MetricFn = (t, p, w) => {
  const c = counts(t, p, w);
  return ratio(c.fp, c.fp + c.tn);
};
/** P(ŷ = 0 | y = 0). */
export const trueNegativeRate: MetricFn = (t, p, w) => {
  const c = counts(t, p, w);
  return ratio(c.tn, c.fp + c.tn);
};
/** P(ŷ = 0 | y = 1). */
export const falseNegativeRate: MetricFn = (t, p, w) => {
  const c = counts(t, p, w);
  return ratio(c.fn, c.tp + c.fn);
};
export const accuracyScore: MetricFn = (t, p, w) => {
  const c = counts(t, p, w);
  return ratio(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn);
};
/** Mean of the true-positive and true-negative rates. */
export const balancedAccuracyScore: MetricFn = (t, p, w) => (truePositiveRate(t, p, w) + trueNegativeRate(t, p, w)) / 2;
export const precisionScore: MetricFn = (t, p, w) => {
  const c = counts(t, p, w);
  return ratio(c.tp, c.tp + c.fp);
};
/** The (weighted) number of examples. */
export const count: MetricFn = (t, _p, w) => (w ? w.reduce((a, b) => a + b, 0) : t.length);
/** The (weighted) mean of the predictions (scores allowed). */
export const meanPrediction: MetricFn = (_t, p, w) => {
  let s = 0, total = 0;
  p.forEach((v, i) => {
    s += v * weightOf(w, i);
    total += weightOf(w, i);
  });
  return ratio(s, total);
};
