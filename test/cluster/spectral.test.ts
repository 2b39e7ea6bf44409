/** SpectralClustering beyond the fixtures: the two-rings case k-means cannot solve, a precomputed graph, errors. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { flat } from "../helpers.js";

const { cluster } = tg;

function rings(n: number, seed: number): { x: number[][]; y: number[] } {
  const g = new tg.Generator(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const [t, r] = [2 * Math.PI * g.random(), (i % 2 === 0 ? 1 : 4) + 0.2 * (g.random() - 0.5)];
    x.push([r * Math.cos(t), r * Math.sin(t)]);
    y.push(i % 2);
  }
  return { x, y };
}

describe("cluster.SpectralClustering", () => {
  test("separates two rings with a nearest-neighbour graph, where k-means cannot (both assignments)", () => {
    const { x, y } = rings(500, 0);
    for (const assignLabels of ["kmeans", "cluster_qr"] as const) {
      const labels = new cluster.SpectralClustering({ nClusters: 2, affinity: "nearest_neighbors", nNeighbors: 10, assignLabels, randomState: 0 }).fitPredict(x);
      assert.equal(cluster.metrics.adjustedRandScore(y, labels), 1, assignLabels);
    }
    const km = new cluster.KMeans({ nClusters: 2, randomState: 0 }).fit(x);
    assert.ok(cluster.metrics.adjustedRandScore(y, km.labels) < 0.1);
  });

  test("a precomputed affinity: two cliques joined by one weak edge", () => {
    const n = 10;
    const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => ((i < 5) === (j < 5) ? 1 : 0)));
    A[4]![5] = A[5]![4] = 0.01;
    const m = new cluster.SpectralClustering({ nClusters: 2, affinity: "precomputed", assignLabels: "cluster_qr" }).fit(A);
    assert.equal(cluster.metrics.adjustedRandScore([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], m.labels), 1);
    assert.deepEqual(m.affinityMatrix.shape, [n, n]);
  });

  test("the embedding of a connected graph starts with √degree-normalised constant vector (eigenvalue 0)", () => {
    const { x } = rings(60, 1);
    const m = new cluster.SpectralClustering({ nClusters: 2, gamma: 0.5, assignLabels: "cluster_qr" }).fit(x);
    const emb = cluster.spectralEmbedding(m.affinityMatrix.dataSync(), 60, 2);
    // D^-½ · (D^½ 1 / ‖D^½ 1‖) is constant.
    const first = Array.from({ length: 60 }, (_, i) => emb[i * 2]!);
    assert.ok(Math.max(...first) - Math.min(...first) < 1e-9 * Math.abs(first[0]!), `constant: ${Math.min(...first)} … ${Math.max(...first)}`);
    assert.ok(first[0]! > 0);
    assert.equal(flat(m.labels).length, 60);
  });

  test("bad input is a typed error", () => {
    assert.throws(() => new cluster.SpectralClustering({ nClusters: 5 }).fit([[0], [1]]), /n_samples=2 should be ≥ nClusters=5/);
    assert.throws(() => new cluster.SpectralClustering({ affinity: "cosine" as "rbf" }), /affinity/);
    assert.throws(() => new cluster.SpectralClustering({ gamma: 0 }), /gamma must be > 0/);
    assert.throws(() => new cluster.SpectralClustering({ nClusters: 2, affinity: "nearest_neighbors", nNeighbors: 9 }).fit([[0], [1], [2]]), /nNeighbors must be in 1…3/);
    assert.throws(() => new cluster.SpectralClustering({ nClusters: 2, affinity: "precomputed" }).fit([[1, 2], [0, 1]]), /symmetric and non-negative.*\[1, 0\]/);
    assert.throws(() => new cluster.SpectralClustering({ nClusters: 2, affinity: "precomputed" }).fit([[1, 2, 3], [0, 1, 3]]), /must be square/);
  });
});
