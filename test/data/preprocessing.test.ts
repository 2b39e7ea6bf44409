/** Scalers, imputer and encoders against scikit-learn (test/fixtures/preprocessing.json); cleaning. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, readFixture } from "../helpers.js";

const P = tg.data.preprocessing;
type Grid = (number | null)[][];
const fx = readFixture<Record<string, Grid | number[]>>("preprocessing.json");
const t = (g: Grid) => tg.tensor(g.flat().map((v) => v ?? NaN), { shape: [g.length, g[0]!.length] });
const flatNaN = (g: Grid) => g.flat().map((v) => v ?? NaN);

describe("preprocessing matches scikit-learn", () => {
  test("StandardScaler (NaN ignored in fit and kept in transform; constant column scale 1)", () => {
    const s = new P.StandardScaler();
    assertClose(s.fitTransform(t(fx.x as Grid)), flatNaN(fx.standard as Grid), { atol: 1e-5 });
    assertClose(new P.StandardScaler().fitTransform(t(fx.dense as Grid)), flatNaN(fx.standard_dense as Grid), { atol: 1e-5 });
    const back = s.inverseTransform(s.transform(t(fx.dense as Grid)));
    assertClose(back, flatNaN(fx.dense as Grid), { atol: 1e-4 });
  });

  test("MinMaxScaler with a feature range", () => {
    const m = new P.MinMaxScaler({ featureRange: [-1, 1] });
    assertClose(m.fitTransform(t(fx.x as Grid)), flatNaN(fx.minmax as Grid), { atol: 1e-6 });
    assertClose(m.inverseTransform(m.transform(t(fx.dense as Grid))), flatNaN(fx.dense as Grid), { atol: 1e-5 });
  });

  test("SimpleImputer: mean, median, most frequent, constant", () => {
    assertClose(new P.SimpleImputer({ strategy: "mean" }).fitTransform(t(fx.x as Grid)), flatNaN(fx.impute_mean as Grid), { atol: 1e-6 });
    assertClose(new P.SimpleImputer({ strategy: "median" }).fitTransform(t(fx.x as Grid)), flatNaN(fx.impute_median as Grid), { atol: 1e-6 });
    const mf = t([[1, 2], [null, 2], [3, null], [3, 4], [1, 4]]);
    assertClose(new P.SimpleImputer({ strategy: "most_frequent" }).fitTransform(mf), flatNaN(fx.impute_most_frequent as Grid));
    assert.deepEqual(new P.SimpleImputer({ strategy: "constant", fillValue: -1 }).fitTransform(t([[null, 1]])).tolist(), [[-1, 1]]);
  });

  test("LabelEncoder and OneHotEncoder", () => {
    const le = new P.LabelEncoder();
    assert.deepEqual(le.fitTransform(["paris", "tokyo", "amsterdam", "tokyo"]).tolist(), fx.labels);
    assert.deepEqual(le.inverseTransform([0, 2]), ["amsterdam", "tokyo"]);
    assert.throws(() => le.transform(["rome"]), /previously unseen label "rome"/);
    const oh = new P.OneHotEncoder();
    const rows = [["red", "S"], ["green", "M"], ["red", "L"]];
    assert.deepEqual(oh.fitTransform(rows).tolist(), fx.onehot);
    assert.deepEqual(oh.inverseTransform(oh.transform(rows)), rows);
    assert.throws(() => oh.transform([["blue", "S"]]), /unknown category "blue" in column 0/);
    assert.deepEqual(new P.OneHotEncoder({ handleUnknown: "ignore" }).fit(rows).transform([["blue", "S"]]).tolist(), [[0, 0, 0, 0, 1]]);
  });

  test("transform before fit and shape mismatches are explained", () => {
    assert.throws(() => new P.StandardScaler().transform(tg.zeros([2, 2])), /call fit\(\) first/);
    assert.throws(() => new P.StandardScaler().fit(tg.zeros([3, 2])).transform(tg.zeros([3, 3])), /fitted on 2 features, got shape \[3, 3\]/);
  });
});

describe("cleaning", () => {
  test("dropDuplicates keeps the first and says which row each duplicate repeats", () => {
    const { rows, dropped } = P.dropDuplicates([[1, "a"], [2, "b"], [1, "a"], [1, "c"]]);
    assert.deepEqual(rows, [[1, "a"], [2, "b"], [1, "c"]]);
    assert.deepEqual(dropped, [{ index: 2, reason: "duplicate of row 0" }]);
    assert.equal(P.dropDuplicates([[1, "a"], [1, "c"]], { subset: [0] }).rows.length, 1);
  });

  test("dropInvalid reports what was dropped and why", () => {
    const rules = [{ name: "age", type: "number" as const, min: 0, max: 120 }, { name: "city", type: "string" as const, oneOf: ["paris", "tokyo"] }];
    const { rows, dropped } = P.dropInvalid([[30, "paris"], [NaN, "tokyo"], [200, "paris"], ["x", "paris"], [40, "rome"], [20]], rules);
    assert.deepEqual(rows, [[30, "paris"]]);
    assert.deepEqual(dropped.map((d) => d.reason), [
      "age is missing",
      "age = 200 is above max 120",
      'age = "x" is not a number',
      'city = "rome" is not one of ["paris","tokyo"]',
      "has 1 values, expected 2",
    ]);
  });

  test("outliers by z-score and by IQR", () => {
    const x = tg.tensor([[1], [2], [3], [2], [1], [3], [2], [100]]);
    assert.deepEqual(P.filterOutliers(x, { method: "zscore", threshold: 2 }).removed, [7]);
    const iqr = P.filterOutliers(x, { method: "iqr" });
    assert.deepEqual(iqr.removed, [7]);
    assert.deepEqual(iqr.kept.shape, [7, 1]);
  });
});
