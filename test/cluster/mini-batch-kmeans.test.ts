/**
 * MiniBatchKMeans beyond the step-by-step fixtures: fit on blobs against KMeans, early stopping,
 * seeded repeats, random reassignment of a stranded centre, weights, errors.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { flat } from "../helpers.js";

const { cluster } = tg;

/** k Gaussian blobs of `per` points in d dimensions (seeded). */
function blobs(k: number, per: number, d: number, seed: number): { x: tg.Tensor; y: number[] } {
  const g = new tg.Generator(seed);
  const centres = tg.rand([k, d], { generator: g }).mul(40).sub(20);
  const y = Array.from({ length: k * per }, (_, i) => i % k);
  const x = centres.indexSelect(0, tg.tensor(Int32Array.from(y), { dtype: "int32" })).add(tg.randn([k * per, d], { generator: g }));
  return { x, y };
}

describe("cluster.MiniBatchKMeans", () => {
  test("fit finds separated blobs about as well as KMeans, stops early, and repeats with a seed", () => {
    const { x, y } = blobs(5, 400, 6, 0);
    const mb = new cluster.MiniBatchKMeans({ nClusters: 5, batchSize: 256, randomState: 0 }).fit(x);
    const km = new cluster.KMeans({ nClusters: 5, randomState: 0 }).fit(x);
    assert.equal(cluster.metrics.adjustedRandScore(y, mb.labels), 1);
    assert.ok(mb.inertia <= km.inertia * 1.01, `mini-batch inertia ${mb.inertia} vs ${km.inertia}`);
    assert.ok(mb.nSteps < Math.floor((100 * 2000) / 256), `stopped early at step ${mb.nSteps}`);
    assert.equal(mb.nIter, Math.ceil((mb.nSteps * 256) / 2000));
    assert.deepEqual(flat(mb.predict(x)), flat(mb.labels));
    assert.ok(Math.abs(mb.score(x) + mb.inertia) <= 1e-3 * mb.inertia);
    assert.deepEqual(mb.transform(x).shape, [2000, 5]);
    const again = new cluster.MiniBatchKMeans({ nClusters: 5, batchSize: 256, randomState: 0 }).fit(x);
    assert.deepEqual(flat(again.clusterCenters), flat(mb.clusterCenters));
    assert.deepEqual(flat(new cluster.MiniBatchKMeans({ nClusters: 5, batchSize: 256, randomState: 0 }).fitPredict(x)), flat(mb.labels));
  });

  test("a centre no sample reaches is reassigned to a sample (reassignmentRatio), and not with ratio 0", () => {
    const { x } = blobs(3, 100, 2, 1);
    const init = [...(x.narrow(0, 0, 3).tolist() as number[][]), [1e4, 1e4]];
    const stranded = (ratio: number) => {
      const m = new cluster.MiniBatchKMeans({ nClusters: 4, init, batchSize: 50, reassignmentRatio: ratio, randomState: 0, maxNoImprovement: null, maxIter: 2 }).fit(x);
      return (m.clusterCenters.tolist() as number[][])[3]!;
    };
    assert.ok(Math.abs(stranded(0.01)[0]!) < 100, "the far centre moved to the data");
    assert.deepEqual(stranded(0).map((v) => Math.round(v)), [1e4, 1e4]);
  });

  test("tol stops on a small centre change; computeLabels false keeps the smoothed inertia", () => {
    const { x } = blobs(3, 300, 4, 2);
    const m = new cluster.MiniBatchKMeans({ nClusters: 3, batchSize: 100, tol: 1e-3, maxNoImprovement: null, randomState: 1, computeLabels: false }).fit(x);
    assert.ok(m.nSteps < 900, `steps ${m.nSteps}`);
    assert.equal(m.labels, undefined);
    assert.ok(Number.isFinite(m.inertia) && m.inertia > 0);
  });

  test("sample weights pull the centres; partialFit keeps going from fit's state", () => {
    const x = [[0], [1], [10], [11]];
    const m = new cluster.MiniBatchKMeans({ nClusters: 2, init: [[0], [10]], batchSize: 4, randomState: 0, reassignmentRatio: 0 });
    m.partialFit(x, { sampleWeight: [3, 1, 1, 3] });
    assert.deepEqual(flat(m.clusterCenters).map((v) => Math.round(v * 100) / 100), [0.25, 10.75]);
    assert.deepEqual(Array.from(m.counts), [4, 4]);
    m.partialFit([[1], [11]]);
    assert.deepEqual(Array.from(m.counts), [5, 5]);
  });

  test("bad input is a typed error", () => {
    assert.throws(() => new cluster.MiniBatchKMeans({ nClusters: 5 }).fit([[0], [1]]), /n_samples=2 should be ≥ nClusters=5/);
    assert.throws(() => new cluster.MiniBatchKMeans({ batchSize: 0 }), /batchSize must be ≥ 1/);
    assert.throws(() => new cluster.MiniBatchKMeans({ reassignmentRatio: -1 }), /reassignmentRatio/);
    assert.throws(() => new cluster.MiniBatchKMeans({ nClusters: 2 }).fit([[0, NaN], [1, 2], [3, 4]]), /NaN \(row 0, column 1\)/);
    const m = new cluster.MiniBatchKMeans({ nClusters: 2, randomState: 0 }).fit([[0, 0], [1, 1], [9, 9], [10, 10]]);
    assert.throws(() => m.predict([[1, 2, 3]]), /3 features, the model was fitted with 2/);
    assert.throws(() => m.partialFit([[1, 2, 3]]), /3 features/);
    assert.throws(() => new cluster.MiniBatchKMeans().predict([[1]]), /fit the estimator first/);
    assert.throws(() => new cluster.MiniBatchKMeans({ nClusters: 2, init: [[0, 0]] }).fit([[0, 0], [1, 1], [2, 2]]), /init has shape \[1, 2\], expected \[2, 2\]/);
  });
});
