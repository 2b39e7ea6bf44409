/**
 * tg.fairness — Fairlearn's group metrics and mitigations in camelCase: how a model's decisions
 * differ between groups of people, and three ways to reduce the difference (Reweighing before
 * training, ExponentiatedGradient during it, ThresholdOptimizer after it), with any tensorgrad model.
 */
export {
  selectionRate, truePositiveRate, falsePositiveRate, trueNegativeRate, falseNegativeRate, accuracyScore,
  balancedAccuracyScore, precisionScore, count, meanPrediction, type MetricFn,
} from "./metrics.js";
export { MetricFrame, type MetricFrameOptions, type Metrics, type PerMetric, type DisparityMethod } from "./metric-frame.js";
export {
  demographicParityDifference, demographicParityRatio, equalizedOddsDifference, equalizedOddsRatio,
  equalOpportunityDifference, equalOpportunityRatio, type DisparityOptions, type EqualizedOddsOptions,
} from "./disparities.js";
export { calibrationCurve, calibrationByGroup, type CalibrationCurve } from "./calibration.js";
export { Reweighing } from "./reweighing.js";
export { ThresholdOptimizer, type ThresholdOptimizerOptions, type ThresholdConstraint, type ThresholdObjective, type Scorer } from "./threshold-optimizer.js";
export { ExponentiatedGradient, type ExponentiatedGradientOptions } from "./exponentiated-gradient.js";
export { ModuleClassifier, type Classifier, type ModuleClassifierOptions } from "./classifier.js";
export { loadAdult, loadHMDA, loadCPS1985, tabularDataset, ADULT_COLUMNS, type SensitiveDataset, type TabularOptions } from "./datasets.js";
export type { Vector, SensitiveFeatures, SensitiveValue } from "./input.js";
