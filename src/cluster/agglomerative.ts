/**
 * AgglomerativeClustering (scikit-learn's estimator over SciPy's linkage): the merge tree as
 * `children` / `distances`, cut into nClusters — or at distanceThreshold — with scikit-learn's
 * labelling (a heap of the largest remaining nodes, so labels match its numbers).
 */
import { ValueError } from "../base/errors.js";
import { checkChoice, checkOptions } from "../base/options.js";
import { asMatrix, type ArrayLike2D } from "./input.js";
import { heappush, heappushpop } from "../base/heap.js";
import { linkageTree, singleLinkageConnectivityTree, wardTree } from "./connectivity-tree.js";
import { linkage, singleLinkageTree, type DistanceMetric, type LinkageMethod } from "./hierarchy.js";

export interface AgglomerativeOptions {
  /** Clusters to find (default 2), or null with distanceThreshold. */
  nClusters?: number | null;
  linkage?: LinkageMethod;
  /** Merges at distances ≥ this are not made (nClusters must then be null). */
  distanceThreshold?: number | null;
  /**
   * "euclidean" (the default; ward needs it), "l1"/"manhattan"/"cityblock", "cosine", "chebyshev"
   * and the other pdist metrics, or "precomputed" (fit then takes an n × n distance matrix).
   */
  metric?: DistanceMetric | "precomputed";
  /**
   * Which samples may merge: an n × n matrix (tensor or arrays) whose non-zero entries (either way
   * round) are edges, as scikit-learn's connectivity matrix (Euclidean distances).
   */
  connectivity?: ArrayLike2D | null;
}

const lessNumber = (a: number, b: number) => a < b;

/** scikit-learn's _hc_cut: labels for the nClusters largest subtrees, in its heap order. */
function hcCut(nClusters: number, children: [number, number][], n: number): Int32Array {
  const last = children[children.length - 1]!;
  const nodes = [-(Math.max(last[0], last[1]) + 1)];
  for (let i = 0; i < nClusters - 1; i++) {
    const these = children[-nodes[0]! - n]!;
    heappush(nodes, -these[0], lessNumber);
    heappushpop(nodes, -these[1], lessNumber);
  }
  const label = new Int32Array(n);
  nodes.forEach((node, i) => {
    const stack = [-node];
    while (stack.length) {
      const v = stack.pop()!;
      if (v < n) label[v] = i;
      else stack.push(...children[v - n]!);
    }
  });
  return label;
}

export class AgglomerativeClustering {
  readonly nClusters: number | null;
  readonly linkage: LinkageMethod;
  readonly distanceThreshold: number | null;
  readonly metric: DistanceMetric | "precomputed";
  readonly connectivity: ArrayLike2D | null;
  labels!: Int32Array;
  /** Components of the connectivity graph (1 without one); several are joined before merging. */
  nConnectedComponents = 1;
  /** Merge i joins children[i] (leaves < n, merges n + j) at distances[i]. */
  children!: [number, number][];
  distances!: Float64Array;
  nClustersFound!: number;
  nLeaves!: number;

  constructor(options: AgglomerativeOptions = {}) {
    checkOptions("AgglomerativeClustering", options, { nClusters: "any", linkage: "string", distanceThreshold: "any", metric: "string", connectivity: "any" });
    this.distanceThreshold = options.distanceThreshold ?? null;
    this.nClusters = options.nClusters === undefined ? (this.distanceThreshold === null ? 2 : null) : options.nClusters;
    this.linkage = checkChoice<LinkageMethod>("AgglomerativeClustering", "linkage", options.linkage ?? "ward", ["ward", "complete", "average", "single"]);
    this.metric = options.metric ?? "euclidean";
    this.connectivity = options.connectivity ?? null;
    if (this.connectivity !== null && !["euclidean", "l2"].includes(this.metric)) {
      throw new ValueError(`AgglomerativeClustering: a connectivity graph is supported over Euclidean distances (got metric ${this.metric})`);
    }
    if (this.linkage === "ward" && !["euclidean", "l2"].includes(this.metric)) {
      throw new ValueError(`AgglomerativeClustering: ward linkage needs metric "euclidean", got "${this.metric}"`);
    }
    if ((this.nClusters === null) === (this.distanceThreshold === null)) {
      throw new ValueError("AgglomerativeClustering: exactly one of nClusters and distanceThreshold has to be set, and the other null");
    }
  }

  fit(x: ArrayLike2D): this {
    const X = asMatrix(x, "AgglomerativeClustering.fit", 2);
    const n = X.shape[0]!;
    // scikit-learn builds single linkage with its own spanning tree (its child order) for the
    // metrics of its DistanceMetric, and leaves the others (cosine, sqeuclidean, a matrix) to SciPy.
    const own = this.linkage === "single" && ["euclidean", "l2", "cityblock", "l1", "manhattan", "chebyshev"].includes(this.metric);
    if (this.connectivity !== null) {
      const graph = asMatrix(this.connectivity, "AgglomerativeClustering connectivity").dataSync();
      const points = Float64Array.from(X.dataSync());
      const d = X.shape[1]!;
      const tree =
        this.linkage === "ward" ? wardTree(points, n, d, graph) : this.linkage === "single" ? singleLinkageConnectivityTree(points, n, d, graph) : linkageTree(points, n, d, graph, this.linkage);
      [this.children, this.distances, this.nConnectedComponents] = [tree.children, tree.distances, tree.nConnectedComponents];
    } else {
      const Z = own ? singleLinkageTree(X, this.metric as DistanceMetric) : linkage(X, this.linkage, this.metric);
      this.children = Z.map((z) => [z[0], z[1]]);
      this.distances = Float64Array.from(Z, (z) => z[2]);
    }
    this.nLeaves = n;
    const k = this.distanceThreshold === null ? this.nClusters! : this.distances.filter((d) => d >= this.distanceThreshold!).length + 1;
    if (k < 1 || k > n) throw new ValueError(`AgglomerativeClustering: nClusters must be in 1…${n}, got ${k}`);
    this.nClustersFound = k;
    this.labels = hcCut(k, this.children, n);
    return this;
  }

  fitPredict(x: ArrayLike2D): Int32Array {
    return this.fit(x).labels;
  }
}
