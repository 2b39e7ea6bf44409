/**
 * Calibration by group: within each sensitive group, scikit-learn's calibration_curve (uniform bins;
 * a probability on a bin edge falls in the lower bin) and the expected calibration error
 * Σ_b (n_b / n) · |fraction positive_b − mean predicted_b|.
 */
import { ValueError } from "../base/errors.js";
import { groupLabels, sameLength, toNumbers, type SensitiveFeatures, type Vector } from "./input.js";

export interface CalibrationCurve {
  /** Fraction of positives in each non-empty bin. */
  probTrue: number[];
  /** Mean predicted probability in each non-empty bin. */
  probPred: number[];
  /** Examples in each non-empty bin. */
  counts: number[];
  /** Expected calibration error. */
  ece: number;
}

export function calibrationCurve(yTrue: readonly number[], yProb: readonly number[], nBins = 10): CalibrationCurve {
  if (!Number.isInteger(nBins) || nBins < 1) throw new ValueError(`calibrationCurve: nBins must be a positive integer, got ${nBins}`);
  const sums = new Array<number>(nBins).fill(0);
  const trues = new Array<number>(nBins).fill(0);
  const totals = new Array<number>(nBins).fill(0);
  yProb.forEach((p, i) => {
    if (p < 0 || p > 1) throw new ValueError(`calibrationCurve: probabilities must lie in [0, 1], got ${p} at ${i}`);
    // searchsorted(inner edges, p, side="left"): the number of inner edges strictly below p.
    let bin = 0;
    while (bin < nBins - 1 && (bin + 1) / nBins < p) bin++;
    sums[bin]! += p;
    trues[bin]! += yTrue[i]!;
    totals[bin]!++;
  });
  const kept = totals.map((t, b) => b).filter((b) => totals[b]! > 0);
  const probTrue = kept.map((b) => trues[b]! / totals[b]!);
  const probPred = kept.map((b) => sums[b]! / totals[b]!);
  const counts = kept.map((b) => totals[b]!);
  const n = yProb.length || 1;
  const ece = kept.reduce((s, b, k) => s + (totals[b]! / n) * Math.abs(probTrue[k]! - probPred[k]!), 0);
  return { probTrue, probPred, counts, ece };
}

/** The calibration curve of each sensitive group: group label → curve. */
export function calibrationByGroup(yTrue: Vector, yProb: Vector, { sensitiveFeatures, nBins = 10 }: { sensitiveFeatures: SensitiveFeatures; nBins?: number }): Record<string, CalibrationCurve> {
  const fn = "calibrationByGroup";
  const t = toNumbers(yTrue, "yTrue", fn);
  const p = toNumbers(yProb, "yProb", fn);
  const n = sameLength(fn, { yTrue: t, yProb: p });
  const { labels, groups } = groupLabels(sensitiveFeatures, n, fn);
  return Object.fromEntries(groups.map((g) => {
    const idx = labels.flatMap((l, i) => (l === g ? [i] : []));
    return [g, calibrationCurve(idx.map((i) => t[i]!), idx.map((i) => p[i]!), nBins)];
  }));
}
