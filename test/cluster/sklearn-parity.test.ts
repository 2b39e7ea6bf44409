/**
 * tg.cluster against scikit-learn 1.9 (test/fixtures/cluster.json from tools/make_cluster_fixtures.py):
 * KMeans from given initial centres (labels, centres, inertia, iterations, predict/transform/score),
 * both algorithms, sample weights and an empty cluster; every metric to 1e-6. Runs on every backend.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, eachBackend, flat, onBackend, readFixture } from "../helpers.js";

const { cluster } = tg;
const M = cluster.metrics;

interface KMeansCase {
  X: number[][];
  init: number[][];
  algorithm: "lloyd" | "elkan";
  maxIter: number;
  tol: number;
  sampleWeight: number[] | null;
  labels: number[];
  centers: number[][];
  inertia: number;
  nIter: number;
  predict: number[];
  transform: number[][];
  score: number;
}
interface MiniBatchCase {
  X: number[][];
  init: number[][];
  batches: number[][];
  reassignmentRatio: number;
  sampleWeight: number[] | null;
  steps: { centers: number[][]; counts: number[]; labels: number[]; inertia: number }[];
}
interface SpectralCase {
  X: number[][];
  nClusters: number;
  affinity: "rbf" | "nearest_neighbors";
  gamma?: number;
  nNeighbors?: number;
  cluster_qr: number[];
  kmeans: number[];
  embedding?: number[][];
}
interface Fixture {
  kmeans: Record<string, KMeansCase>;
  spectral: Record<string, SpectralCase>;
  eigen: { A: number[][]; values: number[]; vectors: number[][] };
  miniBatch: Record<string, MiniBatchCase>;
  labelMetrics: Record<string, { true: number[]; pred: number[]; ari: number; nmi: number; nmiGeometric: number; ami: number; mi: number; hcv: number[]; contingency: number[][] }>;
  geometricMetrics: Record<string, { X: number[][]; labels: number[]; silhouette: number; silhouetteSamples: number[]; calinskiHarabasz: number; daviesBouldin: number }>;
}
const fixture = readFixture<Fixture>("cluster.json");
const near = (a: number, b: number, tol = 1e-6, what = "") => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: got ${a}, expected ${b}`);

eachBackend((backend) => {
  describe(`KMeans matches scikit-learn (${backend})`, () => {
    for (const [name, c] of Object.entries(fixture.kmeans)) {
      test(name, () =>
        onBackend(backend, () => {
          const km = new cluster.KMeans({ nClusters: c.init.length, init: c.init, nInit: 1, algorithm: c.algorithm, maxIter: c.maxIter, tol: c.tol });
          km.fit(c.X, { sampleWeight: c.sampleWeight });
          assert.deepEqual(flat(km.labels), c.labels);
          assert.equal(km.nIter, c.nIter);
          assertClose(km.clusterCenters, c.centers.flat(), { atol: 1e-4, rtol: 1e-4 });
          near(km.inertia, c.inertia, 1e-4, "inertia");
          assert.deepEqual(flat(km.predict(c.X.slice(0, 7))), c.predict);
          assertClose(km.transform(c.X.slice(0, 3)), c.transform.flat(), { atol: 1e-3, rtol: 1e-4 });
          near(km.score(c.X), c.score, 1e-4, "score");
        }));
    }
  });
});

eachBackend((backend) => {
  describe(`MiniBatchKMeans.partialFit matches scikit-learn step by step (${backend})`, () => {
    for (const [name, c] of Object.entries(fixture.miniBatch)) {
      test(name, () =>
        onBackend(backend, () => {
          const m = new cluster.MiniBatchKMeans({ nClusters: c.init.length, init: c.init, nInit: 1, reassignmentRatio: c.reassignmentRatio, randomState: 0 });
          c.batches.forEach((ids, s) => {
            const expected = c.steps[s]!;
            m.partialFit(ids.map((i) => c.X[i]!), { sampleWeight: c.sampleWeight && ids.map((i) => c.sampleWeight![i]!) });
            assertClose(m.clusterCenters, expected.centers.flat(), { atol: 1e-4, rtol: 1e-4 });
            Array.from(m.counts).forEach((v, j) => near(v, expected.counts[j]!, 1e-5, `step ${s} count ${j}`));
            assert.deepEqual(flat(m.labels), expected.labels, `step ${s} labels`);
            near(m.inertia, expected.inertia, 1e-4, `step ${s} inertia`);
          });
          assert.equal(m.nSteps, c.batches.length);
        }));
    }
  });
});

describe("SpectralClustering matches scikit-learn", () => {
  for (const [name, c] of Object.entries(fixture.spectral)) {
    test(name, () => {
      const opts = { nClusters: c.nClusters, affinity: c.affinity, gamma: c.gamma, nNeighbors: c.nNeighbors, randomState: 0 };
      const qr = new cluster.SpectralClustering({ ...opts, assignLabels: "cluster_qr" }).fit(c.X);
      // A graph of several components has a repeated eigenvalue 0: its embedding's basis, and so the
      // order in which cluster-QR numbers the clusters, is arbitrary; the clusters are not.
      if (c.affinity === "rbf") assert.deepEqual(flat(qr.labels), c.cluster_qr, "cluster_qr labels");
      else assert.equal(M.adjustedRandScore(c.cluster_qr, qr.labels), 1, "cluster_qr labels up to a permutation");
      const km = new cluster.SpectralClustering(opts).fitPredict(c.X);
      assert.equal(M.adjustedRandScore(c.kmeans, km), 1, "k-means labels up to a permutation");
      if (c.embedding) {
        const n = c.X.length;
        const A = qr.affinityMatrix.dataSync();
        const ours = cluster.spectralEmbedding(A, n, c.nClusters);
        c.embedding.flat().forEach((v, i) => assert.ok(Math.abs(ours[i]! - v) <= 1e-4 * (1 + Math.abs(v)), `embedding[${Math.floor(i / c.nClusters)}, ${i % c.nClusters}]: ${ours[i]} vs ${v}`));
      }
    });
  }
  test("symmetricEigen matches numpy's eigh (values; vectors up to sign)", () => {
    const n = fixture.eigen.A.length;
    const { values, vectors } = cluster.symmetricEigen(fixture.eigen.A.flat(), n);
    values.forEach((v, i) => near(v, fixture.eigen.values[i]!, 1e-10, `value ${i}`));
    for (let c = 0; c < n; c++) {
      const sign = Math.sign(vectors[c]!) * Math.sign(fixture.eigen.vectors[0]![c]!);
      for (let r = 0; r < n; r++) near(sign * vectors[r * n + c]!, fixture.eigen.vectors[r]![c]!, 1e-9, `vector ${c}[${r}]`);
    }
  });
});

describe("clustering metrics match scikit-learn to 1e-6", () => {
  for (const [name, c] of Object.entries(fixture.labelMetrics)) {
    test(`label agreement: ${name}`, () => {
      near(M.adjustedRandScore(c.true, c.pred), c.ari, 1e-6, "ARI");
      near(M.normalizedMutualInfoScore(c.true, c.pred), c.nmi, 1e-6, "NMI");
      near(M.normalizedMutualInfoScore(c.true, c.pred, "geometric"), c.nmiGeometric, 1e-6, "NMI geometric");
      near(M.adjustedMutualInfoScore(c.true, c.pred), c.ami, 1e-6, "AMI");
      near(M.mutualInfoScore(c.true, c.pred), c.mi, 1e-6, "MI");
      M.homogeneityCompletenessVMeasure(c.true, c.pred).forEach((v, i) => near(v, c.hcv[i]!, 1e-6, ["homogeneity", "completeness", "V"][i]!));
      assert.deepEqual(M.contingencyMatrix(c.true, c.pred), c.contingency);
    });
  }
  for (const [name, c] of Object.entries(fixture.geometricMetrics)) {
    test(`geometric: ${name}`, () => {
      near(M.silhouetteScore(c.X, c.labels), c.silhouette, 1e-6, "silhouette");
      Array.from(M.silhouetteSamples(c.X, c.labels)).slice(0, c.silhouetteSamples.length).forEach((v, i) => near(v, c.silhouetteSamples[i]!, 1e-6, `silhouette ${i}`));
      near(M.calinskiHarabaszScore(c.X, c.labels), c.calinskiHarabasz, 1e-6, "Calinski–Harabasz");
      near(M.daviesBouldinScore(c.X, c.labels), c.daviesBouldin, 1e-6, "Davies–Bouldin");
    });
  }
});

describe("hierarchical clustering matches SciPy and scikit-learn", () => {
  const h = (fixture as unknown as { hierarchy: { X: number[][]; methods: Record<string, {
    Z: number[][]; labels4: number[]; children: number[][]; threshold: number; labelsThreshold: number[]; nClustersThreshold: number;
    fclusterMaxclust3: number[]; fclusterDistance: number[]; leaves: number[]; icoord: number[][]; dcoord: number[][];
  }> } }).hierarchy;
  for (const [method, c] of Object.entries(h.methods)) {
    test(`${method}: linkage Z, AgglomerativeClustering labels and children, fcluster, dendrogram`, () => {
      const Z = cluster.linkage(h.X, method as tg.cluster.LinkageMethod);
      assert.equal(Z.length, c.Z.length);
      Z.forEach((row, i) => {
        assert.deepEqual([row[0], row[1], row[3]], [c.Z[i]![0], c.Z[i]![1], c.Z[i]![3]], `merge ${i}`);
        near(row[2], c.Z[i]![2]!, 1e-5, `distance ${i}`);
      });
      const agg = new cluster.AgglomerativeClustering({ nClusters: 4, linkage: method as tg.cluster.LinkageMethod }).fit(h.X);
      assert.deepEqual(Array.from(agg.labels), c.labels4);
      assert.deepEqual(agg.children, c.children);
      const cut = new cluster.AgglomerativeClustering({ nClusters: null, distanceThreshold: c.threshold, linkage: method as tg.cluster.LinkageMethod }).fit(h.X);
      assert.equal(cut.nClustersFound, c.nClustersThreshold);
      assert.deepEqual(Array.from(cut.labels), c.labelsThreshold);
      assert.deepEqual(Array.from(cluster.fcluster(Z, 3, "maxclust")), c.fclusterMaxclust3);
      assert.deepEqual(Array.from(cluster.fcluster(Z, c.threshold, "distance")), c.fclusterDistance);
      const dn = cluster.dendrogram(Z);
      assert.deepEqual(dn.leaves, c.leaves);
      assert.deepEqual(dn.icoord, c.icoord);
      dn.dcoord.flat().forEach((v, i) => near(v, c.dcoord.flat()[i]!, 1e-5, `dcoord ${i}`));
    });
  }
});

describe("hierarchical clustering under other metrics matches SciPy and scikit-learn", () => {
  const h = (fixture as unknown as { hierarchyMetrics: { X: number[][]; D: number[][]; cases: { metric: string; linkage: tg.cluster.LinkageMethod; Z?: number[][]; children: number[][]; labels: number[] }[] } }).hierarchyMetrics;
  for (const c of h.cases) {
    test(`${c.metric}, ${c.linkage}`, () => {
      const metric = c.metric as tg.cluster.DistanceMetric | "precomputed";
      const data = metric === "precomputed" ? h.D : h.X;
      if (c.Z) {
        const Z = cluster.linkage(data, c.linkage, metric === "manhattan" ? "cityblock" : metric);
        Z.forEach((row, i) => {
          assert.deepEqual([row[0], row[1], row[3]], [c.Z![i]![0], c.Z![i]![1], c.Z![i]![3]], `merge ${i}`);
          near(row[2], c.Z![i]![2]!, 1e-5, `distance ${i}`);
        });
      }
      const agg = new cluster.AgglomerativeClustering({ nClusters: 3, linkage: c.linkage, metric }).fit(data);
      assert.deepEqual(agg.children, c.children);
      assert.deepEqual(Array.from(agg.labels), c.labels);
    });
  }
  test("ward needs the euclidean metric; a precomputed matrix must be a distance matrix", () => {
    assert.throws(() => new cluster.AgglomerativeClustering({ linkage: "ward", metric: "cosine" }), /ward linkage needs metric "euclidean", got "cosine"/);
    assert.throws(() => cluster.linkage([[1, 1], [1, 0]], "average", "precomputed"), /diagonal of a distance matrix must be 0 \(entry \[0, 0\] = 1\)/);
    assert.throws(() => cluster.linkage([[0, 1], [2, 0]], "average", "precomputed"), /symmetric and non-negative \(entry \[0, 1\] = 1, \[1, 0\] = 2\)/);
    assert.throws(() => cluster.pdist([[0, 0], [1, 1]], "cosine"), /zero vector \(row 0\)/);
    assert.throws(() => cluster.pdist([[0, 0]], "hamming" as tg.cluster.DistanceMetric), /metric must be one of/);
  });
});

describe("agglomerative clustering under a connectivity graph matches scikit-learn", () => {
  const cases = (fixture as unknown as { connectivity: { name: string; linkage: tg.cluster.LinkageMethod; X: number[][]; connectivity: number[][]; children: number[][]; distances: number[]; labels: number[]; nConnectedComponents: number }[] }).connectivity;
  for (const c of cases) {
    test(c.name, () => {
      const agg = new cluster.AgglomerativeClustering({ nClusters: 3, linkage: c.linkage, connectivity: c.connectivity }).fit(c.X);
      assert.deepEqual(agg.children, c.children);
      agg.distances.forEach((v, i) => near(v, c.distances[i]!, 1e-6, `distance ${i}`));
      assert.deepEqual(Array.from(agg.labels), c.labels);
      assert.equal(agg.nConnectedComponents, c.nConnectedComponents);
    });
  }
  test("a connectivity graph of the wrong size, or with another metric, is a typed error", () => {
    assert.throws(() => new cluster.AgglomerativeClustering({ linkage: "average", metric: "cosine", connectivity: [[1]] }), /over Euclidean distances \(got metric cosine\)/);
    assert.throws(() => new cluster.AgglomerativeClustering({ connectivity: [[0, 1], [1, 0]] }).fit([[0], [1], [2]]), /expected a 3 × 3 matrix for 3 samples, got 4 entries/);
  });
});

describe("DBSCAN matches scikit-learn", () => {
  const f = (fixture as unknown as { dbscan: { X: number[][]; sampleWeight: number[]; cases: { eps: number; minSamples: number; weighted: boolean; labels: number[]; core: number[] }[] } }).dbscan;
  for (const c of f.cases) {
    test(`eps ${c.eps}, minSamples ${c.minSamples}${c.weighted ? ", weighted" : ""}`, () => {
      const m = new cluster.DBSCAN({ eps: c.eps, minSamples: c.minSamples }).fit(f.X, { sampleWeight: c.weighted ? f.sampleWeight : null });
      assert.deepEqual(Array.from(m.labels), c.labels);
      assert.deepEqual(Array.from(m.coreSampleIndices), c.core);
    });
  }
});

describe("GaussianMixture matches scikit-learn from given initial parameters", () => {
  type Case = {
    weightsInit: number[]; meansInit: number[][]; precisionsInit: unknown; labels: number[]; weights: number[]; means: number[][];
    covariances: unknown; nIter: number; converged: boolean; lowerBound: number; proba: number[][]; scoreSamples: number[]; score: number; bic: number; aic: number;
  };
  const f = (fixture as unknown as { gaussianMixture: { X: number[][]; cases: Record<string, Case> } }).gaussianMixture;
  const flatten = (v: unknown): number[] => (Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v as ArrayLike<unknown>).flatMap(flatten) : [v as number]);
  for (const [type, c] of Object.entries(f.cases)) {
    test(type, () => {
      const m = new cluster.GaussianMixture({ nComponents: 3, covarianceType: type as tg.cluster.CovarianceType, weightsInit: c.weightsInit, meansInit: c.meansInit, precisionsInit: c.precisionsInit, randomState: 0 });
      assert.deepEqual(Array.from(m.fitPredict(f.X)), c.labels);
      assert.equal(m.nIter, c.nIter);
      assert.equal(m.converged, c.converged);
      near(m.lowerBound, c.lowerBound, 1e-6, "lower bound");
      flatten(m.weights).forEach((v, i) => near(v, c.weights[i]!, 1e-6, `weight ${i}`));
      flatten(m.means).forEach((v, i) => near(v, flatten(c.means)[i]!, 1e-5, `mean ${i}`));
      flatten(m.covariances).forEach((v, i) => near(v, flatten(c.covariances)[i]!, 1e-5, `covariance ${i}`));
      flatten(m.predictProba(f.X.slice(0, 5))).forEach((v, i) => near(v, flatten(c.proba)[i]!, 1e-6, `proba ${i}`));
      Array.from(m.scoreSamples(f.X.slice(0, 5))).forEach((v, i) => near(v, c.scoreSamples[i]!, 1e-6, `score sample ${i}`));
      near(m.score(f.X), c.score, 1e-6, "score");
      near(m.bic(f.X), c.bic, 1e-6, "bic");
      near(m.aic(f.X), c.aic, 1e-6, "aic");
    });
  }
});
