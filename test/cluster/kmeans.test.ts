/** KMeans beyond the fixtures: k-means++'s D² sampling (a χ² test), seeded runs, nInit, errors. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { flat } from "../helpers.js";

const { cluster } = tg;

/** Three tight blobs, 30 points each. */
function blobs(seed = 0): { x: number[][]; y: number[] } {
  const g = new tg.Generator(seed);
  const centres = [[0, 0], [8, 8], [-8, 6]];
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 90; i++) {
    const c = i % 3;
    x.push([centres[c]![0]! + g.random() - 0.5, centres[c]![1]! + g.random() - 0.5]);
    y.push(c);
  }
  return { x, y };
}

describe("cluster.KMeans", () => {
  test("k-means++ (default) finds separated blobs; seeded runs repeat; predict agrees with labels", () => {
    const { x, y } = blobs();
    const km = new cluster.KMeans({ nClusters: 3, randomState: 0 }).fit(x);
    assert.equal(cluster.metrics.adjustedRandScore(y, km.labels), 1);
    assert.deepEqual(flat(km.predict(x)), flat(km.labels));
    const again = new cluster.KMeans({ nClusters: 3, randomState: 0 }).fit(x);
    assert.deepEqual(flat(again.clusterCenters), flat(km.clusterCenters));
    assert.ok(km.inertia < 90 * 0.5 && km.nIter >= 1);
    assert.deepEqual(km.transform(x).shape, [90, 3]);
    assert.ok(Math.abs(km.score(x) + km.inertia) < 1e-3);
  });

  test("random init with nInit keeps the best of its runs", () => {
    const { x } = blobs(1);
    const one = new cluster.KMeans({ nClusters: 3, init: "random", nInit: 1, randomState: 3 }).fit(x);
    const many = new cluster.KMeans({ nClusters: 3, init: "random", nInit: 10, randomState: 3 }).fit(x);
    assert.ok(many.inertia <= one.inertia + 1e-6);
  });

  test("kmeansPlusPlus with one local trial draws the next centre with probability ∝ D² (χ² test)", () => {
    // Points on a line; the first centre is forced by the weights (all mass on point 0).
    const x = [[0], [1], [2], [4], [7]];
    const d2 = [0, 1, 4, 16, 49];
    const total = d2.reduce((a, b) => a + b, 0);
    const counts = new Array<number>(5).fill(0);
    const g = new tg.Generator(11);
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      // First centre drawn by weight: almost all weight on point 0.
      const [, idx] = cluster.kmeansPlusPlus(x, 2, { nLocalTrials: 1, randomState: g, sampleWeight: [1e9, 1, 1, 1, 1] });
      if (idx[0] === 0) counts[idx[1]!]!++;
    }
    const n = counts.reduce((a, b) => a + b, 0);
    assert.ok(n > trials * 0.99);
    assert.equal(counts[0], 0);
    // With weights, D² is weighted too: w·d² ∝ d² for points 1…4 (weight 1 each).
    let chi2 = 0;
    for (let i = 1; i < 5; i++) {
      const expected = (n * d2[i]!) / total;
      chi2 += (counts[i]! - expected) ** 2 / expected;
    }
    assert.ok(chi2 < 16.27, `χ² = ${chi2} with 3 degrees of freedom (p = 0.001 critical value 16.27)`);
  });

  test("bad input is a clear error", () => {
    assert.throws(() => new cluster.KMeans({ nClusters: 5 }).fit([[0, 1], [1, 2]]), /n_samples=2 should be ≥ nClusters=5/);
    assert.throws(() => new cluster.KMeans({ nClusters: 2 }).fit([[0, NaN], [1, 2], [3, 4]]), /NaN \(row 0, column 1\)/);
    assert.throws(() => new cluster.KMeans({ algorithm: "fast" as "lloyd" }), /algorithm must be/);
    assert.throws(() => new cluster.KMeans({ nClusters: 2, init: [[0, 0]] }).fit([[0, 0], [1, 1], [2, 2]]), /init has shape \[1, 2\], expected \[2, 2\]/);
    assert.throws(() => new cluster.KMeans({ nClusters: 2 }).predict([[0, 0]]), /fit the estimator first/);
    const km = new cluster.KMeans({ nClusters: 2, randomState: 0 }).fit([[0, 0], [1, 1], [5, 5]]);
    assert.throws(() => km.predict([[0, 0, 0]]), /X has 3 features, the model was fitted with 2/);
    assert.throws(() => cluster.metrics.silhouetteScore([[0], [1], [2]], [0, 0, 0]), /number of labels is 1/);
    assert.throws(() => cluster.metrics.adjustedRandScore([0, 1], [0]), /different lengths/);
  });
});

describe("choosing k", () => {
  test("the silhouette and elbow sweeps find three separated blobs", () => {
    const { x } = blobs(2);
    const s = cluster.silhouetteSweep(x, [2, 3, 4, 5, 6]);
    assert.equal(s.best, 3);
    assert.equal(s.scores.length, 5);
    const e = cluster.elbowSweep(x, [1, 2, 3, 4, 5, 6]);
    assert.equal(e.best, 3);
    assert.ok(e.scores.every((v, i) => i === 0 || v <= e.scores[i - 1]! + 1e-6));
    assert.throws(() => cluster.silhouetteSweep(x, [1, 2]), /k = 1 is outside 2…89/);
  });
});
