/**
 * tg.cluster.rl: the clustering environment's mechanics (bisecting splits, the potential-based
 * reward whose sum is Q(final) − Q(one cluster) − the clusterings' cost, constraints, errors) and
 * generated tasks; the policy's learning is measured by examples/rl-clustering.ts (README table).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { cluster, rl } = tg;

describe("ClusteringEnv", () => {
  test("splits until the policy stops, then refines by Lloyd; the return is ARI(final) minus the cost of the clusterings", () => {
    const task = cluster.rl.generateTask(3, { minK: 3, maxK: 3 });
    assert.equal(task.k, task.kind === "rings" ? task.k : 3);
    const env = new cluster.rl.ClusteringEnv({ tasks: [task], reward: "ari", stepCost: 0.01 });
    const [obs] = env.reset({ seed: 0 });
    assert.equal(obs.length, 8);
    assert.ok(env.observationSpace.contains(obs));
    let ret = 0;
    for (let s = 0; s < task.k - 1; s++) {
      const [o, r, terminated] = env.step(cluster.rl.SPLIT);
      assert.ok(env.observationSpace.contains(o) && !terminated);
      ret += r;
    }
    const [, r, terminated, , info] = env.step(cluster.rl.STOP);
    assert.ok(terminated);
    ret += r;
    assert.equal(info.k, task.k);
    assert.equal(env.clusteringsEvaluated, task.k);
    const ari = cluster.metrics.adjustedRandScore(task.labels, env.labels);
    assert.ok(Math.abs(ret - (ari - 0.01 * task.k)) < 1e-9);
    assert.equal(new Set(env.labels).size, task.k);
  });

  test("the episode ends at maxClusters; silhouette is the default reward; constraints cost", () => {
    const env = new cluster.rl.ClusteringEnv({ maxClusters: 3, mustLink: [[0, 1]], cannotLink: [[0, 2]], tasks: (s) => cluster.rl.generateTask(s) });
    env.reset({ seed: 1 });
    env.step(cluster.rl.SPLIT);
    const [, , terminated] = env.step(cluster.rl.SPLIT);
    assert.ok(terminated);
    assert.throws(() => new cluster.rl.ClusteringEnv({ maxClusters: 1 }), /maxClusters must be an integer ≥ 2/);
    assert.throws(() => new cluster.rl.ClusteringEnv().step(0), rl.ResetNeeded);
  });

  test("generated tasks are seeded and varied", () => {
    assert.deepEqual(cluster.rl.generateTask(5).x, cluster.rl.generateTask(5).x);
    const kinds = new Set(Array.from({ length: 40 }, (_, s) => cluster.rl.generateTask(s).kind));
    assert.deepEqual([...kinds].sort(), ["anisotropic", "blobs", "rings"]);
    // maxDim: about half the blobs get 3…maxDim features (rings stay planar); the default is planar.
    const dims = Array.from({ length: 60 }, (_, s) => cluster.rl.generateTask(s, { maxDim: 16 }));
    assert.ok(dims.every((t) => t.d >= 2 && t.d <= 16 && t.x.length === t.n * t.d && (t.kind !== "rings" || t.d === 2)));
    const high = dims.filter((t) => t.d > 2).length;
    assert.ok(high > 10 && high < 45, `${high} of 60 with more than 2 features`);
    assert.ok(Array.from({ length: 20 }, (_, s) => cluster.rl.generateTask(s)).every((t) => t.d === 2));
  });

  test("PPO runs on it (a few hundred steps)", () => {
    const agent = new rl.PPO(new cluster.rl.ClusteringEnv({ reward: "ari" }), { nSteps: 64, batchSize: 32, nEpochs: 2, gamma: 1, seed: 0 });
    agent.learn({ totalTimesteps: 128 });
    assert.ok(agent.monitor.episodes.length > 5);
  });
});
