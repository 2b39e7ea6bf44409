/** DEC on separable data, its target distribution, and the Hungarian matching behind clustering accuracy. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

const { cluster } = tg;

describe("cluster.DEC", () => {
  test("the target distribution sharpens Q and keeps rows summing to 1", () => {
    const q = tg.tensor([[0.6, 0.4], [0.5, 0.5], [0.9, 0.1]]);
    const p = cluster.DEC.targetDistribution(q);
    // p_ij ∝ q_ij² / f_j with f = the column sums [2.0, 1.0].
    const expected = [[0.36 / 2, 0.16], [0.25 / 2, 0.25], [0.81 / 2, 0.01]].map((r) => r.map((v) => v / (r[0]! + r[1]!)));
    assertClose(p, expected.flat());
    assert.ok(p.dataSync()[4]! > 0.9);
  });

  test("pretraining lowers the reconstruction error; refinement clusters three blobs", () => {
    tg.manualSeed(0);
    const g = new tg.Generator(5);
    const centres = [[0, 0, 0, 0], [6, 6, 0, 0], [0, 6, 6, 6]];
    const x = Array.from({ length: 150 }, (_, i) => centres[i % 3]!.map((c) => c + g.random() - 0.5));
    const y = x.map((_, i) => i % 3);
    const dec = new cluster.DEC({ dims: [4, 16, 2], nClusters: 3, randomState: 1 });
    const losses: number[] = [];
    dec.pretrain(x, { epochs: 40, batchSize: 32, lr: 0.01, log: (_, l) => losses.push(l) });
    assert.ok(losses.at(-1)! < losses[0]! * 0.5, `reconstruction ${losses[0]} → ${losses.at(-1)}`);
    dec.fit(x, { maxIter: 200, batchSize: 32, updateInterval: 20 });
    assert.ok(cluster.clusteringAccuracy(y, dec.labels!) > 0.95);
    assert.deepEqual(dec.transform(x).shape, [150, 2]);
    assert.deepEqual(Object.keys(dec.stateDict()).filter((k) => !k.startsWith("encoder.") && !k.startsWith("decoder.")), ["clusterCenters"]);
  });
});

describe("linearSumAssignment (SciPy's answers) and clusteringAccuracy", () => {
  test("square, wide and tall costs; maximising", () => {
    assert.deepEqual(cluster.linearSumAssignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]]), [[0, 1, 2], [1, 0, 2]]);
    assert.deepEqual(cluster.linearSumAssignment([[4, 1, 3], [2, 0, 5]], true), [[0, 1], [0, 2]]);
    assert.deepEqual(cluster.linearSumAssignment([[4, 1], [2, 0], [3, 2]]), [[0, 1], [1, 0]]);
    assert.throws(() => cluster.linearSumAssignment([[1, NaN]]), /rectangular and finite/);
  });
  test("clusters matched one-to-one to classes", () => {
    assert.equal(cluster.clusteringAccuracy([0, 0, 1, 1, 2, 2], [1, 1, 0, 0, 2, 2]), 1);
    assert.equal(cluster.clusteringAccuracy([0, 0, 1, 1, 2, 2], [1, 1, 0, 0, 2, 0]), 5 / 6);
  });
});
