/**
 * Clustering as a Gymnasium environment (the seed's A.8: a clustering policy chooses the structure,
 * a reward function scores it). An episode clusters one dataset top-down: it starts with every point
 * in one cluster; each step the policy either splits the cluster with the largest within-cluster
 * sum of squares in two (a 2-means run: one clustering evaluated) or stops. On stopping (or at
 * maxClusters) the bisection is refined by Lloyd's k-means from its centroids (one more clustering),
 * as bisecting k-means usually is: the final clustering is a k-means whose k the policy chose.
 *
 * Observation (8 numbers, scale-free): k / maxClusters; the silhouette of the current clustering;
 * SSE_k / SSE_1; SSE_k / SSE_(k−1); the last split's SSE drop relative to the cluster it split (about
 * 0.3 for one Gaussian blob in 2-D, near 1 for two blobs taken for one); the largest cluster's
 * share of the SSE; the smallest cluster's size × k / n; the change in silhouette at the last split.
 *
 * Reward: potential-based, r = Q(after) − Q(before) − stepCost per split, so an episode's return is
 * Q(final) − Q(one cluster) minus the clusterings' cost; Q is pluggable: "silhouette",
 * "calinskiHarabasz" (log-scaled), "daviesBouldin" (negated), "ari" (against a task's true labels:
 * for training on generated data, where the truth is known), or a function of (points, labels,
 * task). Must-link / cannot-link pairs subtract `constraintWeight` × the fraction violated.
 */
import { ValueError } from "../../base/errors.js";
import { tensor } from "../../ops/creation.js";
import { Env, ResetNeeded, type Info, type ResetOptions, type StepResult } from "../../rl/env.js";
import { Box, Discrete, type BoxValue } from "../../rl/spaces.js";
import { KMeans } from "../kmeans.js";
import { adjustedRandScore, calinskiHarabaszScore, daviesBouldinScore, silhouetteScore } from "../metrics.js";
import { generateTask, standardize, type ClusteringTask } from "./tasks.js";

export type ClusteringReward = "silhouette" | "calinskiHarabasz" | "daviesBouldin" | "ari" | ((x: number[][], labels: Int32Array, task: ClusteringTask) => number);

export interface ClusteringEnvOptions {
  /** Where episodes' datasets come from: a list (cycled in order) or a function of a seed. Default: generateTask. */
  tasks?: readonly ClusteringTask[] | ((seed: number) => ClusteringTask);
  reward?: ClusteringReward;
  maxClusters?: number;
  /** Cost of one clustering (one split), in reward units. */
  stepCost?: number;
  mustLink?: readonly (readonly [number, number])[];
  cannotLink?: readonly (readonly [number, number])[];
  constraintWeight?: number;
}

export const STOP = 1;
export const SPLIT = 0;

export class ClusteringEnv extends Env<BoxValue, number> {
  readonly observationSpace = new Box(-10, 10, [8]);
  readonly actionSpace = new Discrete(2);
  /** The current dataset, clustering and counts (read them after an episode). */
  task: ClusteringTask | undefined;
  labels: Int32Array = new Int32Array();
  k = 0;
  clusteringsEvaluated = 0;
  private rows: number[][] = [];
  private sse: number[] = [];
  private history: { sse: number; quality: number; silhouette: number }[] = [];
  private lastDrop = 0;
  private episode = 0;
  private readonly o: Required<Omit<ClusteringEnvOptions, "tasks">> & { tasks: ClusteringEnvOptions["tasks"] };

  constructor(options: ClusteringEnvOptions = {}) {
    super();
    this.o = { reward: "silhouette", maxClusters: 10, stepCost: 0.01, mustLink: [], cannotLink: [], constraintWeight: 1, tasks: undefined, ...options };
    if (!Number.isInteger(this.o.maxClusters) || this.o.maxClusters < 2) throw new ValueError(`ClusteringEnv: maxClusters must be an integer ≥ 2, got ${this.o.maxClusters}`);
  }

  reset({ seed }: ResetOptions = {}): [BoxValue, Info] {
    this.seedRandom(seed);
    const src = this.o.tasks;
    const task = Array.isArray(src) ? src[this.episode++ % src.length]! : (src as ((s: number) => ClusteringTask) | undefined ?? generateTask)(this.npRandom.randomInt(2 ** 31));
    if (task.n < this.o.maxClusters) throw new ValueError(`ClusteringEnv: a task of ${task.n} points cannot be split into up to ${this.o.maxClusters} clusters`);
    this.task = task;
    const z = standardize(task.x, task.n, task.d);
    this.rows = Array.from({ length: task.n }, (_, i) => Array.from(z.subarray(i * task.d, (i + 1) * task.d)));
    this.labels = new Int32Array(task.n);
    this.k = 1;
    this.clusteringsEvaluated = 0;
    this.sse = [this.clusterSSE(0)];
    this.history = [{ sse: this.sse[0]!, quality: this.quality(), silhouette: 0 }];
    this.lastDrop = 0;
    return [this.observation(), { k: 1 }];
  }

  step(action: number): StepResult<BoxValue> {
    if (!this.task) throw new ResetNeeded("ClusteringEnv: step called before reset");
    const before = this.history[this.history.length - 1]!;
    if (action === STOP) return [this.observation(), this.refine(before.quality), true, false, this.info()];
    const parentSSE = this.split();
    const silhouette = silhouetteScore(this.rows, this.labels);
    const total = this.sse.reduce((a, b) => a + b, 0);
    const q = this.quality(silhouette);
    this.lastDrop = parentSSE > 0 ? (before.sse - total) / parentSSE : 0;
    this.history.push({ sse: total, quality: q, silhouette });
    let reward = q - before.quality - this.o.stepCost;
    const done = this.k >= this.o.maxClusters;
    if (done) reward += this.refine(q);
    return [this.observation(), reward, done, false, this.info()];
  }

  /** Lloyd's k-means from the current centroids; the change in Q minus one clustering's cost. */
  private refine(before: number): number {
    if (this.k < 2) return 0;
    const d = this.task!.d;
    const centres = Array.from({ length: this.k }, () => new Array<number>(d).fill(0));
    const sizes = new Array<number>(this.k).fill(0);
    this.labels.forEach((l, i) => {
      sizes[l]!++;
      for (let j = 0; j < d; j++) centres[l]![j]! += this.rows[i]![j]!;
    });
    centres.forEach((c, l) => c.forEach((_, j) => (c[j]! /= Math.max(sizes[l]!, 1))));
    const km = new KMeans({ nClusters: this.k, init: tensor(centres), nInit: 1 }).fit(tensor(this.rows));
    this.labels = Int32Array.from(km.labels.dataSync());
    this.clusteringsEvaluated++;
    return this.quality() - before - this.o.stepCost;
  }

  /** Splits the cluster with the largest SSE by 2-means (its k-means++ seeded from the env's stream); returns that SSE. */
  private split(): number {
    const target = this.sse.indexOf(Math.max(...this.sse));
    const parentSSE = this.sse[target]!;
    const members: number[] = [];
    this.labels.forEach((l, i) => l === target && members.push(i));
    const km = new KMeans({ nClusters: 2, nInit: 1, randomState: this.npRandom.randomInt(2 ** 31) }).fit(tensor(members.map((i) => this.rows[i]!)));
    const sub = km.labels.dataSync();
    const newId = this.k;
    members.forEach((i, j) => sub[j] === 1 && (this.labels[i] = newId));
    this.k++;
    this.clusteringsEvaluated++;
    this.sse[target] = this.clusterSSE(target);
    this.sse[newId] = this.clusterSSE(newId);
    return parentSSE;
  }

  private clusterSSE(c: number): number {
    const d = this.task!.d;
    const mean = new Float64Array(d);
    let count = 0;
    this.labels.forEach((l, i) => {
      if (l !== c) return;
      count++;
      for (let j = 0; j < d; j++) mean[j]! += this.rows[i]![j]!;
    });
    if (count === 0) return 0;
    for (let j = 0; j < d; j++) mean[j]! /= count;
    let s = 0;
    this.labels.forEach((l, i) => {
      if (l === c) for (let j = 0; j < d; j++) s += (this.rows[i]![j]! - mean[j]!) ** 2;
    });
    return s;
  }

  /** Q of the current clustering; one cluster scores 0 under every built-in reward. */
  private quality(silhouette?: number): number {
    let q = 0;
    const r = this.o.reward;
    if (typeof r === "function") q = r(this.rows, this.labels, this.task!);
    else if (r === "ari") q = adjustedRandScore(this.task!.labels, this.labels);
    else if (this.k > 1) {
      if (r === "silhouette") q = silhouette ?? silhouetteScore(this.rows, this.labels);
      else if (r === "calinskiHarabasz") q = Math.log1p(calinskiHarabaszScore(this.rows, this.labels)) / 10;
      else q = -daviesBouldinScore(this.rows, this.labels);
    }
    return q - this.o.constraintWeight * this.violations();
  }

  private violations(): number {
    const pairs = this.o.mustLink.length + this.o.cannotLink.length;
    if (pairs === 0) return 0;
    let bad = 0;
    for (const [a, b] of this.o.mustLink) if (this.labels[a] !== this.labels[b]) bad++;
    for (const [a, b] of this.o.cannotLink) if (this.labels[a] === this.labels[b]) bad++;
    return bad / pairs;
  }

  private observation(): Float32Array {
    const h = this.history;
    const cur = h[h.length - 1]!;
    const prev = h[h.length - 2];
    const total = Math.max(cur.sse, 1e-12);
    const sizes = new Array<number>(this.k).fill(0);
    this.labels.forEach((l) => sizes[l]!++);
    return Float32Array.of(
      this.k / this.o.maxClusters,
      cur.silhouette,
      cur.sse / Math.max(h[0]!.sse, 1e-12),
      prev ? cur.sse / Math.max(prev.sse, 1e-12) : 1,
      this.lastDrop,
      Math.max(...this.sse.slice(0, this.k)) / total,
      (Math.min(...sizes) * this.k) / this.task!.n,
      prev ? cur.silhouette - prev.silhouette : 0,
    );
  }

  private info(): Info {
    return { k: this.k, labels: this.labels, clusteringsEvaluated: this.clusteringsEvaluated };
  }
}
