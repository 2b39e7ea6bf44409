/** Random edge dropout and negative sampling (pairs that are not edges), both seeded. */
import { ValueError } from "../../base/errors.js";
import { checkOptions } from "../../base/options.js";
import { defaultGenerator, type Generator } from "../../base/rng.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { edgeArrays, edgeTensor, joined, maybeNumNodes } from "./edges.js";

export interface DropoutEdgeOptions {
  p?: number;
  /** Drop i → j and j → i together (the result keeps both directions of the kept pairs). */
  forceUndirected?: boolean;
  training?: boolean;
  generator?: Generator;
}

/**
 * Each edge dropped with probability p (PyG's dropout_edge): [edgeIndex, edgeMask] — or, with
 * forceUndirected, [edgeIndex, edgeId] naming the input edge each output edge came from.
 */
export function dropoutEdge(edgeIndex: Tensor, opts: DropoutEdgeOptions = {}): [edgeIndex: Tensor, edgeMask: Tensor] {
  checkOptions("dropoutEdge", opts, { p: "number", forceUndirected: "boolean", training: "boolean", generator: "object" });
  const { p = 0.5, training = true, generator = defaultGenerator } = opts;
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropoutEdge: p must be in [0, 1], got ${p}`);
  const { row, col } = edgeArrays(edgeIndex, "dropoutEdge");
  const keep = new Uint8Array(row.length);
  for (let e = 0; e < row.length; e++) keep[e] = !training || p === 0 || generator.random() >= p ? 1 : 0;
  if (!opts.forceUndirected) {
    const kept = [...keep.keys()].filter((e) => keep[e]);
    return [edgeTensor(kept.map((e) => row[e]!), kept.map((e) => col[e]!)), tensor(keep, { dtype: "bool" })];
  }
  const kept = [...keep.keys()].filter((e) => keep[e] && row[e]! <= col[e]!);
  const ids = joined(kept, kept.filter((e) => row[e] !== col[e]));
  const upper = kept.length;
  return [
    edgeTensor(Array.from(ids, (e, k) => (k < upper ? row[e]! : col[e]!)), Array.from(ids, (e, k) => (k < upper ? col[e]! : row[e]!))),
    tensor(ids, { dtype: "int32" }),
  ];
}

export interface NegativeSamplingOptions {
  numNodes?: number | null;
  /** How many pairs (default: as many as edges). */
  numNegSamples?: number | null;
  /** Sample i < j pairs only and return each in both directions. */
  forceUndirected?: boolean;
  generator?: Generator;
}

/**
 * Node pairs (i, j), i ≠ j, that are not edges (PyG's negative_sampling), drawn uniformly without
 * repeats; fewer than asked when the graph is too dense to have that many.
 */
export function negativeSampling(edgeIndex: Tensor, opts: NegativeSamplingOptions = {}): Tensor {
  checkOptions("negativeSampling", opts, { numNodes: "any", numNegSamples: "any", forceUndirected: "boolean", generator: "object" });
  const n = maybeNumNodes(edgeIndex, opts.numNodes, "negativeSampling");
  const { row, col } = edgeArrays(edgeIndex, "negativeSampling", n);
  const generator = opts.generator ?? defaultGenerator;
  const undirected = opts.forceUndirected ?? false;
  const taken = new Set<number>();
  for (let e = 0; e < row.length; e++) {
    const [a, b] = undirected && row[e]! > col[e]! ? [col[e]!, row[e]!] : [row[e]!, col[e]!];
    taken.add(a * n + b);
  }
  const population = undirected ? (n * (n - 1)) / 2 : n * (n - 1);
  const want = Math.min(opts.numNegSamples ?? row.length, Math.max(0, population - taken.size));
  const outRow: number[] = [];
  const outCol: number[] = [];
  // Rejection sampling while free pairs are plentiful; listing the free pairs once they are not.
  for (let tries = 0; outRow.length < want && tries < 20 * want + 100; tries++) {
    let a = generator.randomInt(n);
    let b = generator.randomInt(n);
    if (a === b) continue;
    if (undirected && a > b) [a, b] = [b, a];
    if (taken.has(a * n + b)) continue;
    taken.add(a * n + b);
    outRow.push(a);
    outCol.push(b);
  }
  if (outRow.length < want) {
    const free: number[] = [];
    for (let a = 0; a < n; a++) for (let b = undirected ? a + 1 : 0; b < n; b++) if (a !== b && !taken.has(a * n + b)) free.push(a * n + b);
    for (let k = free.length - 1; k > 0 && outRow.length < want; k--) {
      const j = generator.randomInt(k + 1);
      [free[k], free[j]] = [free[j]!, free[k]!];
    }
    for (const pair of free.slice(0, want - outRow.length)) {
      outRow.push(Math.floor(pair / n));
      outCol.push(pair % n);
    }
  }
  return undirected ? edgeTensor(joined(outRow, outCol), joined(outCol, outRow)) : edgeTensor(outRow, outCol);
}
