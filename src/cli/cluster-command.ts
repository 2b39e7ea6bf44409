/**
 * `tensorgrad cluster <method> FILE.csv`: clusters the numeric columns of a CSV file (header row
 * expected) and prints a summary — sizes, inertia or noise, silhouette — and, with --out FILE, writes
 * one label per line.
 */
import { writeFileSync } from "node:fs";
import { ValueError } from "../base/errors.js";
import { loadCSV } from "../data/datasets/csv.js";
import { AgglomerativeClustering } from "../cluster/agglomerative.js";
import { DBSCAN } from "../cluster/dbscan.js";
import { GaussianMixture } from "../cluster/gaussian-mixture.js";
import { KMeans } from "../cluster/kmeans.js";
import { MiniBatchKMeans } from "../cluster/mini-batch-kmeans.js";
import { SpectralClustering } from "../cluster/spectral.js";
import { silhouetteScore } from "../cluster/metrics.js";
import type { LinkageMethod } from "../cluster/hierarchy.js";

export const CLUSTER_METHODS = ["kmeans", "minibatch", "agglomerative", "dbscan", "gmm", "spectral"] as const;
export type ClusterMethod = (typeof CLUSTER_METHODS)[number];

export interface ClusterArgs {
  k: number;
  seed: number;
  linkage: string;
  eps: number;
  minSamples: number;
  out?: string;
}

/** The silhouette is O(n²): computed on up to this many samples only. */
const SILHOUETTE_MAX = 5000;

export function runCluster(method: ClusterMethod, file: string, a: ClusterArgs): void {
  const table = loadCSV(file);
  const x = table.toTensor();
  const [n, d] = x.shape as [number, number];
  if (d === 0) throw new ValueError(`cluster: ${file} has no numeric columns`);
  let labels: ArrayLike<number>;
  let detail: string;
  switch (method) {
    case "kmeans": {
      const km = new KMeans({ nClusters: a.k, randomState: a.seed }).fit(x);
      labels = km.labels.dataSync();
      detail = `inertia ${km.inertia.toPrecision(6)} after ${km.nIter} iterations`;
      break;
    }
    case "minibatch": {
      const m = new MiniBatchKMeans({ nClusters: a.k, randomState: a.seed }).fit(x);
      labels = m.labels.dataSync();
      detail = `inertia ${m.inertia.toPrecision(6)} after ${m.nSteps} batches`;
      break;
    }
    case "spectral": {
      // scikit-learn's 10 neighbours, fewer on small files (a graph joining everything has no cut).
      const neighbours = Math.min(10, Math.max(2, Math.floor(n / 2)));
      const m = new SpectralClustering({ nClusters: a.k, affinity: "nearest_neighbors", nNeighbors: neighbours, randomState: a.seed }).fit(x);
      labels = m.labels.dataSync();
      detail = `nearest-neighbour graph (${neighbours} neighbours)`;
      break;
    }
    case "agglomerative": {
      const m = new AgglomerativeClustering({ nClusters: a.k, linkage: a.linkage as LinkageMethod }).fit(x);
      labels = m.labels;
      detail = `${a.linkage} linkage`;
      break;
    }
    case "dbscan": {
      const m = new DBSCAN({ eps: a.eps, minSamples: a.minSamples }).fit(x);
      labels = m.labels;
      detail = `eps ${a.eps}, minSamples ${a.minSamples}: ${m.coreSampleIndices.length} core samples, ${Array.from(labels).filter((v) => v === -1).length} noise`;
      break;
    }
    case "gmm": {
      const m = new GaussianMixture({ nComponents: a.k, randomState: a.seed });
      labels = m.fitPredict(x);
      detail = `log-likelihood ${m.score(x).toPrecision(6)} per sample, BIC ${m.bic(x).toPrecision(6)}, ${m.converged ? "converged" : "not converged"} in ${m.nIter} iterations`;
      break;
    }
  }
  const sizes = new Map<number, number>();
  for (const v of Array.from(labels)) sizes.set(v, (sizes.get(v) ?? 0) + 1);
  const clusters = [...sizes.keys()].filter((v) => v >= 0).sort((p, q) => p - q);
  console.log(`${method} on ${file} (${n} rows × ${d} numeric columns: ${table.columns.filter((_, j) => table.types[j] !== "string").join(", ")})`);
  console.log(`${clusters.length} clusters, sizes ${clusters.map((c) => sizes.get(c)).join(" ")}; ${detail}`);
  if (clusters.length >= 2 && clusters.length < n && n <= SILHOUETTE_MAX) console.log(`silhouette ${silhouetteScore(x, labels).toFixed(4)}`);
  if (a.out) {
    writeFileSync(a.out, `${Array.from(labels).join("\n")}\n`);
    console.log(`wrote the ${n} labels to ${a.out}`);
  }
}
