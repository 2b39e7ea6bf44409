/** ThresholdOptimizer reaches its constraint on the training data; ExponentiatedGradient narrows the gap. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { fairness } = tg;

/** Two groups whose scores and base rates differ: group "b" scores lower and is positive less often. */
function synthetic(n: number, seed: number) {
  const g = new tg.Generator(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - g.random())) * Math.cos(2 * Math.PI * g.random());
  const group: string[] = [], y: number[] = [], scores: number[] = [], features: number[][] = [];
  for (let i = 0; i < n; i++) {
    const b = g.random() < 0.4;
    const label = g.random() < (b ? 0.3 : 0.55) ? 1 : 0;
    const signal = label * 1.6 + normal() - (b ? 0.7 : 0);
    group.push(b ? "b" : "a");
    y.push(label);
    scores.push(1 / (1 + Math.exp(-signal)));
    features.push([signal, normal(), b ? 1 : 0]);
  }
  return { group, y, scores, x: tg.tensor(features) };
}

const rateBy = (values: readonly number[], group: readonly string[], mask: (i: number) => boolean) => {
  const out: Record<string, number> = {};
  for (const g of new Set(group)) {
    const idx = group.flatMap((v, i) => (v === g && mask(i) ? [i] : []));
    out[g] = idx.reduce((s, i) => s + values[i]!, 0) / idx.length;
  }
  return out;
};

describe("ThresholdOptimizer", () => {
  const data = synthetic(3000, 1);

  test("demographic parity: expected selection rates equal within 0.01 on the training data, and accuracy stays high", () => {
    const unconstrained = data.scores.map((s) => (s >= 0.5 ? 1 : 0));
    const before = fairness.demographicParityDifference(data.y, unconstrained, { sensitiveFeatures: data.group });
    const to = new fairness.ThresholdOptimizer({ constraints: "demographic_parity" }).fit(data.scores, data.y, { sensitiveFeatures: data.group });
    const pmf = to.pmfPredict(data.scores, { sensitiveFeatures: data.group });
    const rates = rateBy(pmf, data.group, () => true);
    assert.ok(before > 0.2, `unconstrained gap ${before}`);
    assert.ok(Math.abs(rates.a! - rates.b!) <= 0.01, JSON.stringify(rates));
    const acc = pmf.reduce((s, p, i) => s + (data.y[i] === 1 ? p : 1 - p), 0) / pmf.length;
    assert.ok(acc > 0.7, `expected accuracy ${acc}`);
    assert.ok(Math.abs(acc - to.best!.objective) < 1e-9);
    const sampled = to.predict(data.scores, { sensitiveFeatures: data.group, generator: new tg.Generator(3) });
    assert.ok(fairness.demographicParityDifference(data.y, sampled, { sensitiveFeatures: data.group }) < 0.05);
  });

  test("equalized odds: expected true- and false-positive rates equal within 0.01", () => {
    const to = new fairness.ThresholdOptimizer({ constraints: "equalized_odds", objective: "balanced_accuracy_score" }).fit(data.scores, data.y, { sensitiveFeatures: data.group });
    const pmf = to.pmfPredict(data.scores, { sensitiveFeatures: data.group });
    const tpr = rateBy(pmf, data.group, (i) => data.y[i] === 1);
    const fpr = rateBy(pmf, data.group, (i) => data.y[i] === 0);
    assert.ok(Math.abs(tpr.a! - tpr.b!) <= 0.01 && Math.abs(fpr.a! - fpr.b!) <= 0.01, JSON.stringify({ tpr, fpr }));
    assert.ok(tpr.a! > fpr.a! + 0.3);
  });

  test("with a tensorgrad model as the estimator; errors for unseen groups and bad options", () => {
    const clf = new fairness.ModuleClassifier(() => new tg.nn.Linear(3, 1), { epochs: 150, lr: 0.1 });
    const to = new fairness.ThresholdOptimizer({ estimator: clf, prefit: false }).fit(data.x, data.y, { sensitiveFeatures: data.group });
    const pmf = to.pmfPredict(data.x, { sensitiveFeatures: data.group });
    const rates = rateBy(pmf, data.group, () => true);
    assert.ok(Math.abs(rates.a! - rates.b!) <= 0.01, JSON.stringify(rates));
    assert.throws(() => to.pmfPredict(data.x.narrow(0, 0, 2), { sensitiveFeatures: ["a", "c"] }), /group 'c' was not seen/);
    assert.throws(() => new fairness.ThresholdOptimizer({ constraints: "parity" as "equalized_odds" }), /constraints must be/);
  });
});

describe("ExponentiatedGradient", () => {
  test("demographic parity with a tensorgrad logistic regression: the gap shrinks to about ε", () => {
    const data = synthetic(600, 2);
    const make = () => new fairness.ModuleClassifier(() => new tg.nn.Linear(3, 1), { epochs: 60, lr: 0.1 });
    const plain = make();
    plain.fit(data.x, data.y);
    const before = fairness.demographicParityDifference(data.y, plain.predict(data.x), { sensitiveFeatures: data.group });
    const eg = new fairness.ExponentiatedGradient({ estimator: make, eps: 0.02, maxIter: 15 }).fit(data.x, data.y, { sensitiveFeatures: data.group });
    const pmf = eg.pmfPredict(data.x);
    const rates = rateBy(pmf, data.group, () => true);
    const after = Math.abs(rates.a! - rates.b!);
    assert.ok(before > 0.2, `before ${before}`);
    assert.ok(after < 0.08, `after ${after} (before ${before}), history ${JSON.stringify(eg.history.at(-1))}`);
    const acc = pmf.reduce((s, p, i) => s + (data.y[i] === 1 ? p : 1 - p), 0) / pmf.length;
    assert.ok(acc > 0.65, `accuracy ${acc}`);
    assert.equal(eg.weights.reduce((a, b) => a + b, 0).toFixed(9), "1.000000000");
  });
});
