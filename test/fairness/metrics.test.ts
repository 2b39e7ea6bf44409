/** Fairness metrics against hand-computed values on a crafted case (Fairlearn's definitions). */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { fairness } = tg;
const yTrue = [1, 1, 0, 0, 1, 0, 1, 0, 0, 1];
const yPred = [1, 0, 1, 0, 1, 1, 1, 0, 0, 0];
const sex = ["F", "F", "F", "F", "F", "M", "M", "M", "M", "M"];
const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe("MetricFrame", () => {
  test("overall and by group, min/max, difference and ratio between groups and to overall", () => {
    const mf = new fairness.MetricFrame({ metrics: fairness.selectionRate, yTrue, yPred, sensitiveFeatures: sex });
    close(mf.overall, 0.5);
    assert.deepEqual(mf.byGroup, { F: 0.6, M: 0.4 });
    assert.deepEqual(mf.groups, ["F", "M"]);
    close(mf.groupMin(), 0.4);
    close(mf.groupMax(), 0.6);
    close(mf.difference(), 0.2);
    close(mf.difference({ method: "to_overall" }), 0.1);
    close(mf.ratio(), 2 / 3);
    close(mf.ratio({ method: "to_overall" }), 0.8);
  });

  test("several named metrics give records; several sensitive features give combined groups", () => {
    const mf = new fairness.MetricFrame({
      metrics: { tpr: fairness.truePositiveRate, fpr: fairness.falsePositiveRate, acc: fairness.accuracyScore, n: fairness.count },
      yTrue, yPred, sensitiveFeatures: { sex, age: ["y", "o", "y", "o", "y", "o", "y", "o", "y", "o"] },
    });
    close(mf.overall.tpr, 0.6);
    close(mf.overall.fpr, 0.4);
    close(mf.byGroup.tpr["F, y"]!, 1);
    assert.deepEqual(mf.groups, ["F, o", "F, y", "M, o", "M, y"]);
    assert.deepEqual(mf.byGroup.n, { "F, o": 2, "F, y": 3, "M, o": 3, "M, y": 2 });
  });

  test("sample weights weight every rate", () => {
    const w = [2, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const mf = new fairness.MetricFrame({ metrics: fairness.selectionRate, yTrue, yPred, sensitiveFeatures: sex, sampleWeight: w });
    close(mf.byGroup.F!, 4 / 6);
    close(mf.overall, 6 / 11);
  });

  test("groups and metrics named after Object.prototype's members are kept", () => {
    const groups = sex.map((g) => (g === "F" ? "__proto__" : "constructor"));
    const mf = new fairness.MetricFrame({ metrics: { toString: fairness.selectionRate }, yTrue, yPred, sensitiveFeatures: groups });
    assert.deepEqual(Object.keys(mf.byGroup.toString!).sort(), ["__proto__", "constructor"]);
    close(mf.byGroup.toString!["__proto__"]!, 3 / 5);
    close(mf.difference().toString!, 1 / 5);
  });

  test("bad input: mismatched lengths, non-binary labels, no metrics", () => {
    assert.throws(() => new fairness.MetricFrame({ metrics: fairness.selectionRate, yTrue, yPred: [1, 0], sensitiveFeatures: sex }), tg.ShapeError);
    assert.throws(() => new fairness.MetricFrame({ metrics: fairness.truePositiveRate, yTrue: yTrue.map((v) => v * 2), yPred, sensitiveFeatures: sex }), /must be 0 or 1/);
    assert.throws(() => new fairness.MetricFrame({ metrics: {}, yTrue, yPred, sensitiveFeatures: sex }), /no metrics/);
    assert.throws(() => new fairness.MetricFrame({ metrics: fairness.selectionRate, yTrue, yPred, sensitiveFeatures: ["F"] }), /1 sensitive-feature values for 10 examples/);
  });
});

describe("disparity metrics", () => {
  const o = { sensitiveFeatures: sex };
  test("demographic parity, equalized odds (worst case and mean), equal opportunity", () => {
    close(fairness.demographicParityDifference(yTrue, yPred, o), 0.2);
    close(fairness.demographicParityRatio(yTrue, yPred, o), 2 / 3);
    // TPR: F 2/3, M 1/2; FPR: F 1/2, M 1/3.
    close(fairness.equalizedOddsDifference(yTrue, yPred, o), 1 / 6);
    close(fairness.equalizedOddsDifference(yTrue, yPred, { ...o, agg: "mean" }), 1 / 6);
    close(fairness.equalizedOddsRatio(yTrue, yPred, o), 2 / 3);
    close(fairness.equalizedOddsRatio(yTrue, yPred, { ...o, agg: "mean" }), (0.75 + 2 / 3) / 2);
    close(fairness.equalOpportunityDifference(yTrue, yPred, o), 1 / 6);
    close(fairness.equalOpportunityRatio(yTrue, yPred, o), 0.75);
    close(fairness.demographicParityDifference(tg.tensor(yTrue), tg.tensor(yPred), { sensitiveFeatures: tg.tensor(sex.map((s) => (s === "F" ? 1 : 0))) }), 0.2);
  });

  test("equal rates give difference 0 and ratio 1, also when every rate is 0", () => {
    close(fairness.demographicParityRatio([0, 0], [0, 0], { sensitiveFeatures: ["a", "b"] }), 1);
    close(fairness.demographicParityDifference([0, 1], [1, 1], { sensitiveFeatures: ["a", "b"] }), 0);
  });
});

describe("calibration and reweighing", () => {
  test("calibration by group: bins, fractions, mean predictions and ECE", () => {
    const curves = fairness.calibrationByGroup([0, 1, 1, 0, 1, 1], [0.1, 0.8, 0.9, 0.2, 0.6, 0.4], { sensitiveFeatures: ["a", "a", "a", "b", "b", "b"], nBins: 2 });
    assert.deepEqual(curves.a!.counts, [1, 2]);
    assert.deepEqual(curves.a!.probTrue, [0, 1]);
    close(curves.a!.probPred[1]!, 0.85);
    close(curves.a!.ece, (1 / 3) * 0.1 + (2 / 3) * 0.15);
    // 0.5 sits on the edge and falls in the lower bin, as numpy's searchsorted(side="left").
    assert.deepEqual(fairness.calibrationCurve([1], [0.5], 2).counts, [1]);
    close(fairness.calibrationCurve([1, 0], [0.5, 0.7], 2).probPred[0]!, 0.5);
    assert.throws(() => fairness.calibrationCurve([1], [1.5]), /\[0, 1\]/);
  });

  test("Reweighing makes the label independent of the group: w = P(a)P(y)/P(a, y)", () => {
    const w = new fairness.Reweighing().fitTransform(yTrue, { sensitiveFeatures: sex });
    const expected = yTrue.map((y, i) => ((sex[i] === "F") === (y === 1) ? 0.25 / 0.3 : 0.25 / 0.2));
    w.forEach((v, i) => close(v, expected[i]!));
    for (const g of ["F", "M"]) {
      const idx = sex.flatMap((s, i) => (s === g ? [i] : []));
      const pos = idx.reduce((s, i) => s + w[i]! * yTrue[i]!, 0) / idx.reduce((s, i) => s + w[i]!, 0);
      close(pos, 0.5);
    }
    assert.throws(() => new fairness.Reweighing().transform(yTrue, { sensitiveFeatures: sex }), /call fit first/);
  });
});
