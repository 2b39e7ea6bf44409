/**
 * Hierarchical clustering as SciPy computes it (scipy.cluster.hierarchy): `linkage` builds the
 * (n − 1) × 4 matrix Z — each row merges clusters Z[i, 0] and Z[i, 1] (leaves 0…n−1, merged clusters
 * n + i) at distance Z[i, 2] into Z[i, 3] samples — by the nearest-neighbour chain for ward, complete
 * and average linkage and by a minimum spanning tree for single linkage, in float64 over Euclidean
 * distances (or pdist's other metrics, or a given distance matrix); `fcluster` cuts it, `dendrogram`
 * lays it out.
 */
import { ValueError } from "../base/errors.js";
import { asMatrix, type ArrayLike2D } from "./input.js";

export type LinkageMethod = "ward" | "complete" | "average" | "single";

/** Z as rows [a, b, distance, size]. */
export type LinkageMatrix = [number, number, number, number][];

/** SciPy's pdist metrics (scikit-learn's names "l2", "l1" and "manhattan" are accepted too). */
export type DistanceMetric = "euclidean" | "sqeuclidean" | "cityblock" | "chebyshev" | "cosine" | "l2" | "l1" | "manhattan";
const METRICS = ["euclidean", "sqeuclidean", "cityblock", "chebyshev", "cosine", "l2", "l1", "manhattan"];

/** One pair's distance, from the two rows' coordinates (f features each). */
function pairDistance(metric: DistanceMetric, v: Float64Array, i: number, j: number, f: number): number {
  let s = 0;
  switch (metric) {
    case "cityblock": case "l1": case "manhattan":
      for (let k = 0; k < f; k++) s += Math.abs(v[i * f + k]! - v[j * f + k]!);
      return s;
    case "chebyshev":
      for (let k = 0; k < f; k++) s = Math.max(s, Math.abs(v[i * f + k]! - v[j * f + k]!));
      return s;
    case "cosine": {
      let [uu, vv] = [0, 0];
      for (let k = 0; k < f; k++) [s, uu, vv] = [s + v[i * f + k]! * v[j * f + k]!, uu + v[i * f + k]! ** 2, vv + v[j * f + k]! ** 2];
      return Math.max(0, 1 - s / Math.sqrt(uu * vv));
    }
    default:
      for (let k = 0; k < f; k++) s += (v[i * f + k]! - v[j * f + k]!) ** 2;
      return metric === "sqeuclidean" ? s : Math.sqrt(s);
  }
}

/** Condensed pairwise distances (row-major upper triangle, SciPy's pdist order), Euclidean by default. */
export function pdist(x: ArrayLike2D, metric: DistanceMetric = "euclidean"): { n: number; d: Float64Array } {
  if (!METRICS.includes(metric)) throw new ValueError(`pdist: metric must be one of ${METRICS.join(", ")}; got ${String(metric)}`);
  const X = asMatrix(x, "pdist");
  const [n, f] = X.shape as [number, number];
  const v = Float64Array.from(X.dataSync());
  if (metric === "cosine") {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < f; k++) s += v[i * f + k]! ** 2;
      if (s === 0) throw new ValueError(`pdist: the cosine distance is undefined for the zero vector (row ${i})`);
    }
  }
  const out = new Float64Array((n * (n - 1)) / 2);
  let at = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[at++] = pairDistance(metric, v, i, j, f);
  return { n, d: out };
}

/** The condensed form of a square, symmetric distance matrix with a zero diagonal (SciPy's squareform). */
export function squareform(x: ArrayLike2D): { n: number; d: Float64Array } {
  const X = asMatrix(x, "squareform");
  const n = X.shape[0]!;
  if (X.shape[1] !== n) throw new ValueError(`squareform: a distance matrix must be square, got [${X.shape.join(", ")}]`);
  const v = X.dataSync();
  const out = new Float64Array((n * (n - 1)) / 2);
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (v[i * n + i] !== 0) throw new ValueError(`squareform: the diagonal of a distance matrix must be 0 (entry [${i}, ${i}] = ${v[i * n + i]})`);
    for (let j = i + 1; j < n; j++) {
      if (v[i * n + j] !== v[j * n + i] || !(v[i * n + j]! >= 0)) throw new ValueError(`squareform: a distance matrix must be symmetric and non-negative (entry [${i}, ${j}] = ${v[i * n + j]}, [${j}, ${i}] = ${v[j * n + i]})`);
      out[at++] = v[i * n + j]!;
    }
  }
  return { n, d: out };
}

const condensed = (n: number, i: number, j: number) => (i < j ? n * i - (i * (i + 1)) / 2 + (j - i - 1) : n * j - (j * (j + 1)) / 2 + (i - j - 1));

/** Lance–Williams updates: the distance from i to the merge of x and y. */
const UPDATE: Record<Exclude<LinkageMethod, "single">, (dxi: number, dyi: number, dxy: number, nx: number, ny: number, ni: number) => number> = {
  complete: (dxi, dyi) => Math.max(dxi, dyi),
  average: (dxi, dyi, _dxy, nx, ny) => (nx * dxi + ny * dyi) / (nx + ny),
  ward: (dxi, dyi, dxy, nx, ny, ni) => Math.sqrt(((ni + nx) * dxi * dxi + (ni + ny) * dyi * dyi - ni * dxy * dxy) / (nx + ny + ni)),
};

function nnChain(n: number, dists: Float64Array, method: Exclude<LinkageMethod, "single">): LinkageMatrix {
  const D = Float64Array.from(dists);
  const size = new Int32Array(n).fill(1);
  const chain = new Int32Array(n);
  let length = 0;
  const Z: LinkageMatrix = [];
  const update = UPDATE[method];
  for (let k = 0; k < n - 1; k++) {
    if (length === 0) {
      length = 1;
      chain[0] = size.findIndex((s) => s > 0);
    }
    let x = 0;
    let y = 0;
    let best = Infinity;
    for (;;) {
      x = chain[length - 1]!;
      // Prefer the previous element of the chain among equals, so the chain cannot cycle.
      if (length > 1) {
        y = chain[length - 2]!;
        best = D[condensed(n, x, y)]!;
      } else best = Infinity;
      for (let i = 0; i < n; i++) {
        if (size[i] === 0 || i === x) continue;
        const dist = D[condensed(n, x, i)]!;
        if (dist < best) {
          best = dist;
          y = i;
        }
      }
      if (length > 1 && y === chain[length - 2]) break;
      chain[length++] = y;
    }
    length -= 2;
    if (x > y) [x, y] = [y, x];
    const [nx, ny] = [size[x]!, size[y]!];
    Z.push([x, y, best, nx + ny]);
    size[x] = 0;
    size[y] = nx + ny;
    for (let i = 0; i < n; i++) {
      const ni = size[i]!;
      if (ni === 0 || i === y) continue;
      D[condensed(n, i, y)] = update(D[condensed(n, i, x)]!, D[condensed(n, i, y)]!, best, nx, ny, ni);
    }
  }
  return Z;
}

function mstSingle(n: number, dists: Float64Array): LinkageMatrix {
  const merged = new Uint8Array(n);
  const D = new Float64Array(n).fill(Infinity);
  const Z: LinkageMatrix = [];
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    let best = Infinity;
    let y = -1;
    merged[x] = 1;
    for (let i = 0; i < n; i++) {
      if (merged[i]) continue;
      const dist = dists[condensed(n, x, i)]!;
      if (D[i]! > dist) D[i] = dist;
      if (D[i]! < best) {
        y = i;
        best = D[i]!;
      }
    }
    Z.push([x, y, best, 0]);
    x = y;
  }
  return Z;
}

/**
 * Sorts merges by distance (stably) and renames their clusters as SciPy's `label` does (each pair
 * ordered smaller first), or — `keepOrder`, as scikit-learn's single_linkage_label — as merged.
 */
function relabel(Z: LinkageMatrix, n: number, keepOrder = false): LinkageMatrix {
  const sorted = Z.map((z, i) => [z, i] as const).sort((a, b) => a[0][2] - b[0][2] || a[1] - b[1]).map(([z]) => z);
  const parent = Int32Array.from({ length: 2 * n - 1 }, (_, i) => i);
  const size = new Int32Array(2 * n - 1).fill(1);
  const find = (v: number): number => {
    let root = v;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[v] !== root) [v, parent[v]] = [parent[v]!, root];
    return root;
  };
  let next = n;
  return sorted.map(([a, b, dist]) => {
    const [ra, rb] = [find(a), find(b)];
    parent[ra] = next;
    parent[rb] = next;
    size[next] = size[ra]! + size[rb]!;
    return keepOrder ? [ra, rb, dist, size[next++]!] : [Math.min(ra, rb), Math.max(ra, rb), dist, size[next++]!];
  });
}

/** The linkage matrix of the samples x (Euclidean), as scipy.cluster.hierarchy.linkage(x, method). */
export function linkage(x: ArrayLike2D, method: LinkageMethod = "single", metric: DistanceMetric | "precomputed" = "euclidean"): LinkageMatrix {
  if (!["ward", "complete", "average", "single"].includes(method)) throw new ValueError(`linkage: method must be "ward", "complete", "average" or "single", got ${String(method)}`);
  if (method === "ward" && !["euclidean", "l2"].includes(metric)) throw new ValueError(`linkage: ward linkage needs the euclidean metric, got ${metric}`);
  const { n, d } = metric === "precomputed" ? squareform(x) : pdist(x, metric);
  if (n < 2) throw new ValueError(`linkage: needs at least 2 samples, got ${n}`);
  return relabel(method === "single" ? mstSingle(n, d) : nnChain(n, d, method), n);
}

/** scikit-learn's single-linkage tree: SciPy's merges, each pair in the order the spanning tree met it. */
export function singleLinkageTree(x: ArrayLike2D, metric: DistanceMetric = "euclidean"): LinkageMatrix {
  const { n, d } = pdist(x, metric);
  return relabel(mstSingle(n, d), n, true);
}

/** The leaves under each cluster id of Z (leaves 0…n−1 are themselves). */
function members(Z: LinkageMatrix, n: number, id: number): number[] {
  const out: number[] = [];
  const stack = [id];
  while (stack.length) {
    const v = stack.pop()!;
    if (v < n) out.push(v);
    else stack.push(Z[v - n]![1], Z[v - n]![0]);
  }
  return out;
}

export type FclusterCriterion = "maxclust" | "distance";

/**
 * Flat clusters from Z (SciPy's fcluster, labels from 1): "distance" keeps together the leaves
 * whose cophenetic distance is ≤ t; "maxclust" uses the smallest merge distance as that cut which
 * leaves at most t clusters. Labels are numbered in SciPy's order: a depth-first walk that enters a
 * node's merged children (left first) before labelling its leaf children.
 */
export function fcluster(Z: LinkageMatrix, t: number, criterion: FclusterCriterion = "maxclust"): Int32Array {
  const n = Z.length + 1;
  const heights = Z.map((z) => z[2]);
  let cutoff = t;
  if (criterion === "maxclust") {
    const sorted = [...heights].sort((a, b) => a - b);
    const clustersAt = (h: number) => n - heights.filter((v) => v <= h).length;
    cutoff = sorted.find((h) => clustersAt(h) <= t) ?? sorted[sorted.length - 1]!;
  } else if (criterion !== "distance") throw new ValueError(`fcluster: criterion must be "maxclust" or "distance", got ${String(criterion)}`);
  const labels = new Int32Array(n);
  const visited = new Uint8Array(n - 1);
  const path = [2 * n - 2];
  let clusterTop = -1; // depth of the node whose subtree is the current cluster
  let count = 0;
  while (path.length) {
    const k = path.length - 1;
    const node = path[k]! - n;
    const [left, right] = [Z[node]![0], Z[node]![1]];
    if (clusterTop === -1 && heights[node]! <= cutoff) {
      clusterTop = k;
      count++;
    }
    const descend = [left, right].find((c) => c >= n && !visited[c - n]);
    if (descend !== undefined) {
      visited[descend - n] = 1;
      path.push(descend);
      continue;
    }
    for (const leaf of [left, right]) {
      if (leaf >= n) continue;
      if (clusterTop === -1) count++;
      labels[leaf] = count;
    }
    if (clusterTop === k) clusterTop = -1;
    path.pop();
  }
  return labels;
}

export interface Dendrogram {
  /** Leaves left to right. */
  leaves: number[];
  /** Per merge: the x of its four corners (left child, left top, right top, right child) and their heights. */
  icoord: [number, number, number, number][];
  dcoord: [number, number, number, number][];
}

/** The dendrogram's layout as SciPy's dendrogram(Z, no_plot=True) returns it (leaves spaced 10 apart from 5). */
export function dendrogram(Z: LinkageMatrix): Dendrogram {
  const n = Z.length + 1;
  const leaves = members(Z, n, 2 * n - 2);
  const xOf = new Map<number, number>(leaves.map((leaf, i) => [leaf, 5 + 10 * i]));
  const icoord: Dendrogram["icoord"] = [];
  const dcoord: Dendrogram["dcoord"] = [];
  // Post-order without recursion (a chain-shaped tree is n deep).
  const at = new Map<number, [x: number, h: number]>(leaves.map((leaf) => [leaf, [xOf.get(leaf)!, 0]]));
  const stack: [id: number, expanded: boolean][] = [[2 * n - 2, false]];
  while (stack.length) {
    const [id, expanded] = stack.pop()!;
    if (id < n) continue;
    const [a, b, dist] = Z[id - n]!;
    if (!expanded) {
      stack.push([id, true], [b, false], [a, false]);
      continue;
    }
    const [xa, ha] = at.get(a)!;
    const [xb, hb] = at.get(b)!;
    icoord.push([xa, xa, xb, xb]);
    dcoord.push([ha, dist, dist, hb]);
    at.set(id, [(xa + xb) / 2, dist]);
  }
  return { leaves, icoord, dcoord };
}
