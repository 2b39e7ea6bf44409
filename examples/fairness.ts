/**
 * fairness: a mortgage-approval classifier on HMDA (2,380 Boston applications, AER's data as a
 * committed CSV) — how much more often it approves white than African American applicants, and
 * what three mitigations do about it: Reweighing (before training), ExponentiatedGradient with a
 * demographic-parity constraint (during), ThresholdOptimizer for demographic parity and for
 * equalized odds (after). The model does not see the race column; each method is scored on the
 * held-out 30% (accuracy, approval-rate gap, equalized-odds gap) and drawn as an accuracy/fairness
 * trade-off (SVG). Randomised classifiers are scored by their expected decisions.
 *
 *   npx tsx examples/fairness.ts [--data examples/data/hmda.csv] [--epochs 300] [--seed 0] [--out fairness.svg]
 */
import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import * as tg from "tensorgrad";

const { fairness, nn, data, viz } = tg;
const { values: args } = parseArgs({
  options: {
    data: { type: "string", default: new URL("./data/hmda.csv", import.meta.url).pathname },
    epochs: { type: "string", default: "300" },
    "eg-iterations": { type: "string", default: "20" },
    seed: { type: "string", default: "0" },
    out: { type: "string", default: "fairness.svg" },
  },
});
tg.manualSeed(Number(args.seed));

const ds = fairness.loadHMDA(args.data!, { dropSensitive: true });
const race = ds.sensitive.afam!.map((v) => (v === "yes" ? "African American" : "other"));
const order = data.randomPermutation(ds.labels.length);
const cut = Math.round(0.7 * order.length);
const split = (idx: number[]) => ({
  x: ds.features.indexSelect(0, tg.tensor(idx, { dtype: "int32" })),
  y: idx.map((i) => ds.labels[i]!),
  group: idx.map((i) => race[i]!),
});
const train = split(order.slice(0, cut));
const test = split(order.slice(cut));
const scaler = new data.preprocessing.StandardScaler().fit(train.x);
train.x = scaler.transform(train.x);
test.x = scaler.transform(test.x);
console.log(`HMDA: ${ds.labels.length} applications, ${ds.featureNames.length} features (race left out); ${train.y.length} for training, ${test.y.length} held out`);

const width = ds.featureNames.length;
const classifier = () => new fairness.ModuleClassifier(() => new nn.Sequential(new nn.Linear(width, 16), new nn.ReLU(), new nn.Linear(16, 1)), { epochs: Number(args.epochs), lr: 0.01, weightDecay: 1e-4 });

interface Row { name: string; accuracy: number; dp: number; eo: number; rates: Record<string, number> }
const rows: Row[] = [];
/** Scores expected decisions P(approve) on the held-out applications. */
function report(name: string, pApprove: readonly number[]): void {
  const expect = (mask: (i: number) => boolean) => {
    const out: Record<string, number> = {};
    for (const g of ["other", "African American"]) {
      const idx = test.group.flatMap((v, i) => (v === g && mask(i) ? [i] : []));
      out[g] = idx.reduce((s, i) => s + pApprove[i]!, 0) / idx.length;
    }
    return out;
  };
  const rates = expect(() => true);
  const tpr = expect((i) => test.y[i] === 1);
  const fpr = expect((i) => test.y[i] === 0);
  const gap = (r: Record<string, number>) => Math.abs(r.other! - r["African American"]!);
  const accuracy = pApprove.reduce((s, p, i) => s + (test.y[i] === 1 ? p : 1 - p), 0) / pApprove.length;
  rows.push({ name, accuracy, dp: gap(rates), eo: Math.max(gap(tpr), gap(fpr)), rates });
}

// 1. Unmitigated.
const base = classifier();
base.fit(train.x, train.y);
const basePred = base.predict(test.x);
report("unmitigated", basePred);
const frame = new fairness.MetricFrame({
  metrics: { accuracy: fairness.accuracyScore, approvalRate: fairness.selectionRate, truePositiveRate: fairness.truePositiveRate, falsePositiveRate: fairness.falsePositiveRate, count: fairness.count },
  yTrue: test.y, yPred: basePred, sensitiveFeatures: { race: test.group },
});
console.log("unmitigated model on the held-out applications, by group:");
for (const g of frame.groups) {
  const b = frame.byGroup;
  console.log(`  ${g.padEnd(17)} n ${String(b.count[g]).padStart(4)}  accuracy ${b.accuracy[g]!.toFixed(3)}  approval rate ${b.approvalRate[g]!.toFixed(3)}  TPR ${b.truePositiveRate[g]!.toFixed(3)}  FPR ${b.falsePositiveRate[g]!.toFixed(3)}`);
}
console.log(`  demographic parity difference ${fairness.demographicParityDifference(test.y, basePred, { sensitiveFeatures: test.group }).toFixed(3)}, ratio ${fairness.demographicParityRatio(test.y, basePred, { sensitiveFeatures: test.group }).toFixed(3)}; equalized odds difference ${fairness.equalizedOddsDifference(test.y, basePred, { sensitiveFeatures: test.group }).toFixed(3)}`);

// 2. Reweighing: the same model trained with weights that make approval independent of race.
const weights = new fairness.Reweighing().fitTransform(train.y, { sensitiveFeatures: train.group });
const reweighed = classifier();
reweighed.fit(train.x, train.y, weights);
report("Reweighing", reweighed.predict(test.x));

// 3. ExponentiatedGradient: a randomised mixture of weighted models under demographic parity.
const eg = new fairness.ExponentiatedGradient({ estimator: classifier, eps: 0.01, maxIter: Number(args["eg-iterations"]) }).fit(train.x, train.y, { sensitiveFeatures: train.group });
const last = eg.history[eg.history.length - 1]!;
console.log(`ExponentiatedGradient: ${eg.predictors.length} classifiers mixed; on its training data error ${last.error.toFixed(3)}, largest violation of |gap to overall| ≤ 0.01: ${last.violation.toFixed(4)}, duality gap ${last.gap.toFixed(4)}`);
report("ExponentiatedGradient (DP)", eg.pmfPredict(test.x));

// 4. ThresholdOptimizer on the unmitigated model's probabilities, one rule per group.
for (const constraints of ["demographic_parity", "equalized_odds"] as const) {
  const to = new fairness.ThresholdOptimizer({ estimator: base, constraints }).fit(train.x, train.y, { sensitiveFeatures: train.group });
  const onTrain = to.pmfPredict(train.x, { sensitiveFeatures: train.group });
  const trainRates = ["other", "African American"].map((g) => {
    const idx = train.group.flatMap((v, i) => (v === g ? [i] : []));
    return idx.reduce((s, i) => s + onTrain[i]!, 0) / idx.length;
  });
  if (constraints === "demographic_parity") console.log(`ThresholdOptimizer (DP) on its training data: approval rates ${trainRates.map((r) => r.toFixed(4)).join(" vs ")}`);
  report(`ThresholdOptimizer (${constraints === "demographic_parity" ? "DP" : "EO"})`, to.pmfPredict(test.x, { sensitiveFeatures: test.group }));
}

console.log("\nheld-out results (approval rates: other / African American):");
console.log("  method                        accuracy   DP difference   EO difference   approval rates");
for (const r of rows) {
  console.log(`  ${r.name.padEnd(28)}  ${r.accuracy.toFixed(3).padStart(8)}   ${r.dp.toFixed(3).padStart(13)}   ${r.eo.toFixed(3).padStart(13)}   ${r.rates.other!.toFixed(3)} / ${r.rates["African American"]!.toFixed(3)}`);
}
writeFileSync(args.out!, viz.tradeoffToSVG(rows.map((r) => ({ name: r.name, x: r.dp, y: r.accuracy })), { title: "HMDA: accuracy against the approval-rate gap (held out)", xLabel: "demographic parity difference", yLabel: "accuracy" }));
console.log(`wrote ${args.out}`);
