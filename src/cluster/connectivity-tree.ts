/**
 * Merge trees under a connectivity graph (scikit-learn's ward_tree and linkage_tree with
 * `connectivity`): only clusters joined by an edge may merge, the cheapest candidate first from a
 * heap, and a merged cluster inherits its parts' neighbours. Ward's cost is
 * n_i·n_j/(n_i + n_j)·‖μ_i − μ_j‖² (its distances are √(2·cost)); complete and average linkage carry
 * each edge's distance, merged by max or by the size-weighted mean; single linkage is the graph's
 * minimum spanning tree, merged in order of weight. A graph of several components
 * is first joined, as scikit-learn does, by an edge between the closest samples of every two.
 */
import { ValueError } from "../base/errors.js";
import { heapify, heappop, heappush } from "../base/heap.js";

type Candidate = [cost: number, i: number, j: number];
const less = (a: Candidate, b: Candidate) => a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));

/** Neighbour lists of the symmetrised graph C + Cᵀ, each sorted (a LIL matrix's rows). */
export function symmetricNeighbours(connectivity: ArrayLike<number>, n: number): number[][] {
  if (connectivity.length !== n * n) throw new ValueError(`connectivity: expected a ${n} × ${n} matrix for ${n} samples, got ${connectivity.length} entries`);
  return Array.from({ length: n }, (_, i) => {
    const row: number[] = [];
    for (let j = 0; j < n; j++) if (connectivity[i * n + j] !== 0 || connectivity[j * n + i] !== 0) row.push(j);
    return row;
  });
}

/** Component labels numbered in order of their smallest sample (SciPy's connected_components). */
function components(rows: number[][]): [count: number, labels: Int32Array] {
  const labels = new Int32Array(rows.length).fill(-1);
  let count = 0;
  for (let start = 0; start < rows.length; start++) {
    if (labels[start] !== -1) continue;
    const stack = [start];
    labels[start] = count;
    while (stack.length) for (const j of rows[stack.pop()!]!) if (labels[j] === -1) stack.push(j), (labels[j] = count);
    count++;
  }
  return [count, labels];
}

/** Joins every two components by an edge between their closest samples (scikit-learn's _fix_connected_components). */
function joinComponents(rows: number[][], x: Float64Array, d: number): number {
  const [count, labels] = components(rows);
  const members = Array.from({ length: count }, () => [] as number[]);
  labels.forEach((c, i) => members[c]!.push(i));
  const link = (a: number, b: number) => {
    for (const [p, q] of [[a, b], [b, a]] as const) {
      const row = rows[p]!;
      if (!row.includes(q)) row.splice(row.findIndex((v) => v > q) >>> 0, 0, q);
    }
  };
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < i; j++) {
      let [best, a, b] = [Infinity, -1, -1];
      for (const p of members[i]!) {
        for (const q of members[j]!) {
          let s = 0;
          for (let f = 0; f < d; f++) s += (x[p * d + f]! - x[q * d + f]!) ** 2;
          if (s < best) [best, a, b] = [s, p, q];
        }
      }
      link(a, b);
    }
  }
  return count;
}

export interface ConnectivityTree {
  /** Merge i joins children[i] (scikit-learn's order within the pair) at distances[i]. */
  children: [number, number][];
  distances: Float64Array;
  nConnectedComponents: number;
}

/** Ward's full merge tree under the graph. */
export function wardTree(x: Float64Array, n: number, d: number, connectivity: ArrayLike<number>): ConnectivityTree {
  const rows = symmetricNeighbours(connectivity, n);
  const nConnectedComponents = joinComponents(rows, x, d);
  const nodes = 2 * n - 1;
  const size = new Float64Array(nodes);
  const sum = new Float64Array(nodes * d); // moments: size and coordinate sums per node
  for (let i = 0; i < n; i++) {
    size[i] = 1;
    for (let f = 0; f < d; f++) sum[i * d + f] = x[i * d + f]!;
  }
  const cost = (i: number, j: number) => {
    let s = 0;
    for (let f = 0; f < d; f++) s += (sum[i * d + f]! / size[i]! - sum[j * d + f]! / size[j]!) ** 2;
    return ((size[i]! * size[j]!) / (size[i]! + size[j]!)) * s;
  };
  const heap: Candidate[] = [];
  rows.forEach((row, i) => row.forEach((j) => j < i && heap.push([cost(i, j), i, j])));
  heapify(heap, less);
  const A: number[][] = rows.map((r) => [...r]);
  const parent = Int32Array.from({ length: nodes }, (_, i) => i);
  const used = new Uint8Array(nodes).fill(1);
  const children: [number, number][] = [];
  const distances = new Float64Array(n - 1);
  for (let k = n; k < nodes; k++) {
    let top: Candidate;
    do top = heappop(heap, less);
    while (!(used[top[1]] && used[top[2]]));
    const [c, i, j] = top;
    parent[i] = parent[j] = k;
    children.push([j, i]);
    used[i] = used[j] = 0;
    distances[k - n] = Math.sqrt(2 * c);
    size[k] = size[i]! + size[j]!;
    for (let f = 0; f < d; f++) sum[k * d + f] = sum[i * d + f]! + sum[j * d + f]!;
    // The merged node's neighbours: the current roots of its parts' neighbours, first seen first.
    const visited = new Set([k]);
    const heads: number[] = [];
    for (const part of [i, j]) {
      for (let node of A[part]!) {
        while (parent[node] !== node) node = parent[node]!;
        if (!visited.has(node)) visited.add(node), heads.push(node);
      }
    }
    for (const h of heads) A[h]!.push(k);
    A.push(heads);
    for (const h of heads) heappush(heap, [cost(k, h), k, h], less);
  }
  return { children, distances, nConnectedComponents };
}

/** An edge of the heap; scikit-learn's WeightedEdge compares by weight alone, so ties keep heapq's order. */
type Edge = [weight: number, a: number, b: number];
const lighter = (e: Edge, f: Edge) => e[0] < f[0];

/**
 * Complete or average linkage's full merge tree under the graph: edges weighted by the samples'
 * Euclidean distance; a merged cluster's distance to a neighbour is the larger of its parts' (complete)
 * or their size-weighted mean over the parts that touch it (average), as scikit-learn's max_merge and
 * average_merge compute it.
 */
export function linkageTree(x: Float64Array, n: number, d: number, connectivity: ArrayLike<number>, method: "complete" | "average"): ConnectivityTree {
  const rows = symmetricNeighbours(connectivity, n);
  const nConnectedComponents = joinComponents(rows, x, d);
  const nodes = 2 * n - 1;
  const distance = (i: number, j: number) => {
    let s = 0;
    for (let f = 0; f < d; f++) s += (x[i * d + f]! - x[j * d + f]!) ** 2;
    return Math.sqrt(s);
  };
  // Each node's neighbours → distances, read in key order (scikit-learn's IntFloatDict is a std::map).
  const A: (Map<number, number> | null)[] = rows.map((row, i) => new Map(row.filter((j) => j !== i).map((j) => [j, distance(i, j)])));
  const heap: Edge[] = [];
  A.forEach((m, i) => m!.forEach((w, j) => j < i && heap.push([w, i, j])));
  heapify(heap, lighter);
  const parent = Int32Array.from({ length: nodes }, (_, i) => i);
  const size = new Float64Array(nodes);
  size.fill(1, 0, n);
  const children: [number, number][] = [];
  const distances = new Float64Array(n - 1);
  const sorted = (m: Map<number, number>) => [...m.keys()].sort((p, q) => p - q);
  for (let k = n; k < nodes; k++) {
    let e: Edge;
    do e = heappop(heap, lighter);
    while (!(size[e[1]] && size[e[2]]));
    const [w, i, j] = e;
    distances[k - n] = w;
    parent[i] = parent[j] = k;
    children.push([j, i]);
    const [ni, nj] = [size[i]!, size[j]!];
    size[k] = ni + nj;
    size[i] = size[j] = 0;
    const merged = new Map<number, number>();
    for (const key of sorted(A[i]!)) if (size[key]) merged.set(key, A[i]!.get(key)!);
    for (const key of sorted(A[j]!)) {
      if (!size[key]) continue;
      const v = A[j]!.get(key)!;
      const u = merged.get(key);
      merged.set(key, u === undefined ? v : method === "complete" ? Math.max(u, v) : (ni * u + nj * v) / (ni + nj));
    }
    for (const col of sorted(merged)) {
      A[col]!.set(k, merged.get(col)!);
      heappush(heap, [merged.get(col)!, k, col], lighter);
    }
    A.push(merged);
    A[i] = A[j] = null;
  }
  return { children, distances, nConnectedComponents };
}

/** The root of v in a union-find forest, compressing the path (a loop: chains can be long). */
function rootOf(parent: Int32Array, v: number): number {
  let r = v;
  while (parent[r] !== r) r = parent[r]!;
  while (parent[v] !== r) [parent[v], v] = [r, parent[v]!];
  return r;
}

/**
 * Single linkage under the graph (scikit-learn's _single_linkage_tree): the minimum spanning tree
 * of the graph weighted by Euclidean distance (Kruskal; each edge as (smaller, larger) sample), its
 * edges stably sorted by weight from (row, column) order, merged by union-find — each merge's
 * children are the current clusters of the edge's two ends.
 */
export function singleLinkageConnectivityTree(x: Float64Array, n: number, d: number, connectivity: ArrayLike<number>): ConnectivityTree {
  const rows = symmetricNeighbours(connectivity, n);
  const nConnectedComponents = joinComponents(rows, x, d);
  const edges: Edge[] = [];
  rows.forEach((row, i) => row.forEach((j) => i < j && edges.push([Math.sqrt(Array.from({ length: d }, (_, f) => (x[i * d + f]! - x[j * d + f]!) ** 2).reduce((a, b) => a + b, 0)), i, j])));
  // Kruskal: the lightest edges first (ties in row, column order) that join two trees.
  const root = Int32Array.from({ length: n }, (_, i) => i);
  const find = (v: number) => rootOf(root, v);
  const tree = [...edges].sort((e, f) => e[0] - f[0] || e[1] - f[1] || e[2] - f[2]).filter(([, a, b]) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return false;
    root[ra] = rb;
    return true;
  });
  tree.sort((e, f) => e[1] - f[1] || e[2] - f[2]); // the spanning tree as a sparse matrix (row-major)
  tree.sort((e, f) => e[0] - f[0]); // then stably by weight
  // Union-find whose merged clusters take the labels n, n + 1, … (scikit-learn's UnionFind).
  const label = Int32Array.from({ length: 2 * n - 1 }, (_, i) => i);
  const top = (v: number) => rootOf(label, v);
  const children: [number, number][] = [];
  const distances = new Float64Array(n - 1);
  tree.forEach(([w, a, b], m) => {
    const [ca, cb] = [top(a), top(b)];
    children.push([ca, cb]);
    distances[m] = w;
    label[ca] = label[cb] = n + m;
  });
  return { children, distances, nConnectedComponents };
}
