/**
 * Fairlearn's one-number disparity metrics. Definitions (fairlearn.metrics):
 * - demographic parity difference: max − min over groups of the selection rate P(ŷ = 1 | A = a);
 *   ratio: min / max (method "to_overall" compares each group with the overall rate instead);
 * - equalized odds difference: the larger (agg "worst_case") or the mean (agg "mean") of the
 *   true-positive-rate difference and the false-positive-rate difference; ratio: the smaller / the mean
 *   of the two ratios;
 * - equal opportunity difference / ratio: those of the true-positive rate alone.
 */
import { MetricFrame, type DisparityMethod } from "./metric-frame.js";
import { falsePositiveRate, selectionRate, truePositiveRate, type MetricFn } from "./metrics.js";
import type { SensitiveFeatures, Vector } from "./input.js";
import { ValueError } from "../base/errors.js";

export interface DisparityOptions {
  sensitiveFeatures: SensitiveFeatures;
  method?: DisparityMethod;
  sampleWeight?: Vector;
}

export interface EqualizedOddsOptions extends DisparityOptions {
  agg?: "worst_case" | "mean";
}

function frame(metric: MetricFn, yTrue: Vector, yPred: Vector, o: DisparityOptions): MetricFrame {
  return new MetricFrame({ metrics: metric, yTrue, yPred, sensitiveFeatures: o.sensitiveFeatures, ...(o.sampleWeight === undefined ? {} : { sampleWeight: o.sampleWeight }) });
}

export const demographicParityDifference = (yTrue: Vector, yPred: Vector, o: DisparityOptions): number =>
  frame(selectionRate, yTrue, yPred, o).difference({ method: o.method ?? "between_groups" });

export const demographicParityRatio = (yTrue: Vector, yPred: Vector, o: DisparityOptions): number =>
  frame(selectionRate, yTrue, yPred, o).ratio({ method: o.method ?? "between_groups" });

export const equalOpportunityDifference = (yTrue: Vector, yPred: Vector, o: DisparityOptions): number =>
  frame(truePositiveRate, yTrue, yPred, o).difference({ method: o.method ?? "between_groups" });

export const equalOpportunityRatio = (yTrue: Vector, yPred: Vector, o: DisparityOptions): number =>
  frame(truePositiveRate, yTrue, yPred, o).ratio({ method: o.method ?? "between_groups" });

function combine(a: number, b: number, agg: string, worst: (a: number, b: number) => number): number {
  if (agg === "worst_case") return worst(a, b);
  if (agg === "mean") return (a + b) / 2;
  throw new ValueError(`equalized odds: agg must be worst_case or mean, got '${agg}'`);
}

export function equalizedOddsDifference(yTrue: Vector, yPred: Vector, o: EqualizedOddsOptions): number {
  const method = o.method ?? "between_groups";
  return combine(frame(truePositiveRate, yTrue, yPred, o).difference({ method }), frame(falsePositiveRate, yTrue, yPred, o).difference({ method }), o.agg ?? "worst_case", Math.max);
}

export function equalizedOddsRatio(yTrue: Vector, yPred: Vector, o: EqualizedOddsOptions): number {
  const method = o.method ?? "between_groups";
  return combine(frame(truePositiveRate, yTrue, yPred, o).ratio({ method }), frame(falsePositiveRate, yTrue, yPred, o).ratio({ method }), o.agg ?? "worst_case", Math.min);
}
