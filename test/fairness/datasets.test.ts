/** Sensitive-attribute data: the Adult file format (on files the test writes), HMDA and CPS1985 CSVs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tg from "../../src/index.js";

const { fairness } = tg;
const data = (name: string) => new URL(`../../examples/data/${name}`, import.meta.url).pathname;

test("loadAdult reads adult.data and adult.test lines: spaces, '?', the header line and the trailing dot", () => {
  const dir = mkdtempSync(join(tmpdir(), "adult-"));
  try {
    const rows = [
      "39, State-gov, 77516, Bachelors, 13, Never-married, Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K",
      "50, Self-emp-not-inc, 83311, Bachelors, 13, Married-civ-spouse, Exec-managerial, Husband, White, Male, 0, 0, 13, United-States, >50K",
      "38, ?, 215646, HS-grad, 9, Divorced, ?, Not-in-family, Black, Female, 0, 0, 40, United-States, <=50K",
      "28, Private, 338409, Bachelors, 13, Married-civ-spouse, Prof-specialty, Wife, Black, Female, 0, 0, 40, Cuba, <=50K",
    ];
    writeFileSync(join(dir, "adult.data"), rows.join("\n") + "\n");
    writeFileSync(join(dir, "adult.test"), "|1x3 Cross validator\n" + rows.map((r) => r + ".").join("\n") + "\n");
    for (const file of ["adult.data", "adult.test"]) {
      const ds = fairness.loadAdult(join(dir, file));
      assert.equal(ds.labels.length, 3, "the row with '?' is dropped");
      assert.deepEqual(ds.labels, [0, 1, 0]);
      assert.deepEqual(ds.sensitive.sex, ["Male", "Male", "Female"]);
      assert.deepEqual(ds.sensitive.race, ["White", "White", "Black"]);
      assert.ok(ds.featureNames.includes("age") && ds.featureNames.includes("sex=Female") && !ds.featureNames.includes("fnlwgt"));
      assert.deepEqual(ds.features.shape, [3, ds.featureNames.length]);
    }
    assert.equal(fairness.loadAdult(join(dir, "adult.data"), { dropSensitive: true }).featureNames.some((n) => n.startsWith("sex=")), false);
    writeFileSync(join(dir, "bad.data"), rows[0]!.replace("<=50K", "maybe") + "\n");
    assert.throws(() => fairness.loadAdult(join(dir, "bad.data")), /income must be >50K or <=50K, found 'maybe'/);
    writeFileSync(join(dir, "short.data"), "39, State-gov, 77516\n");
    assert.throws(() => fairness.loadAdult(join(dir, "short.data")), tg.FormatError);
    assert.throws(() => fairness.loadAdult(join(dir, "missing.data")), /cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("HMDA and CPS1985 from the committed CSVs (tools/make_fairness_data.R)", () => {
  const hmda = fairness.loadHMDA(data("hmda.csv"));
  assert.equal(hmda.labels.length, 2380);
  const approved = hmda.labels.reduce((a, b) => a + b, 0);
  assert.equal(2380 - approved, 285, "285 denials");
  assert.deepEqual([...new Set(hmda.sensitive.afam)].sort(), ["no", "yes"]);
  const cps = fairness.loadCPS1985(data("cps1985.csv"));
  assert.equal(cps.labels.length, 534);
  assert.ok(Math.abs(cps.labels.reduce((a, b) => a + b, 0) - 267) <= 5);
  assert.deepEqual(Object.keys(cps.sensitive), ["gender", "ethnicity"]);
  assert.throws(() => fairness.tabularDataset(hmda.table, { label: "nope", positive: () => true, sensitive: [] }), /no column 'nope'/);
});
