/** Degrees, coalescing (sorted, duplicates merged), and making edges undirected. */
import { checkOptions } from "../../base/options.js";
import type { DType } from "../../base/dtype.js";
import type { Tensor } from "../../ops/tensor.js";
import { zeros } from "../../ops/creation.js";
import { indexSelect } from "../../ops/indexing.js";
import { cat } from "../../ops/movement.js";
import { scatter, checkGroupIndex, sizeFromIndex, type ScatterReduce } from "../scatter.js";
import { edgeArrays, edgeTensor, joined, maybeNumNodes, positions } from "./edges.js";
import type { WithAttr } from "./loops.js";

/** How many entries of a 1-D index name each node (PyG's degree): pass edgeIndex[1] for in-degrees. */
export function degree(index: Tensor, numNodes?: number | null, dtype: DType = "float32"): Tensor {
  checkGroupIndex(index, index.shape[0] ?? 0, "degree");
  const n = numNodes ?? sizeFromIndex(index);
  return zeros([n], { dtype }).scatterAdd(0, index, zeros([index.numel()], { dtype }).add(1));
}

export interface CoalesceOptions {
  numNodes?: number | null;
  /** How attributes of duplicate edges combine (default "sum"). */
  reduce?: ScatterReduce;
  /** Sort by (row, col) (default) or by (col, row). */
  sortByRow?: boolean;
}

/** Edges sorted, each pair once; duplicates' attributes reduced. */
export function coalesce(edgeIndex: Tensor, opts?: CoalesceOptions): Tensor;
export function coalesce(edgeIndex: Tensor, edgeAttr: Tensor | null, opts?: CoalesceOptions): WithAttr;
export function coalesce(edgeIndex: Tensor, a?: Tensor | null | CoalesceOptions, b?: CoalesceOptions): Tensor | WithAttr {
  const withAttr = a === null || (a !== undefined && "dtype" in a);
  const edgeAttr = withAttr ? (a as Tensor | null) : null;
  const opts = (withAttr ? b : (a as CoalesceOptions | undefined)) ?? {};
  checkOptions("coalesce", opts, { numNodes: "any", reduce: "string", sortByRow: "boolean" });
  const n = maybeNumNodes(edgeIndex, opts.numNodes, "coalesce");
  const { row, col } = edgeArrays(edgeIndex, "coalesce", n);
  const [major, minor] = opts.sortByRow === false ? [col, row] : [row, col];
  const order = Array.from({ length: row.length }, (_, e) => e).sort((p, q) => major[p]! - major[q]! || minor[p]! - minor[q]! || p - q);
  const group = new Int32Array(row.length);
  const firsts: number[] = [];
  for (const e of order) {
    const last = firsts[firsts.length - 1];
    if (last === undefined || major[last] !== major[e] || minor[last] !== minor[e]) firsts.push(e);
    group[e] = firsts.length - 1;
  }
  const out = edgeTensor(firsts.map((e) => row[e]!), firsts.map((e) => col[e]!));
  if (!withAttr) return out;
  if (edgeAttr === null) return [out, null];
  const merged = firsts.length === row.length
    ? indexSelect(edgeAttr, 0, positions(firsts))
    : scatter(edgeAttr, positions(group), { dim: 0, dimSize: firsts.length, reduce: opts.reduce ?? "sum" });
  return [out, merged];
}

export interface UndirectedOptions {
  numNodes?: number | null;
  reduce?: ScatterReduce;
}

/** Every edge i → j also as j → i, coalesced (attributes of merged duplicates reduced, "add" by default). */
export function toUndirected(edgeIndex: Tensor, opts?: UndirectedOptions): Tensor;
export function toUndirected(edgeIndex: Tensor, edgeAttr: Tensor | null, opts?: UndirectedOptions): WithAttr;
export function toUndirected(edgeIndex: Tensor, a?: Tensor | null | UndirectedOptions, b?: UndirectedOptions): Tensor | WithAttr {
  const withAttr = a === null || (a !== undefined && "dtype" in a);
  const edgeAttr = withAttr ? (a as Tensor | null) : null;
  const opts = (withAttr ? b : (a as UndirectedOptions | undefined)) ?? {};
  const { row, col } = edgeArrays(edgeIndex, "toUndirected");
  const both = edgeTensor(joined(row, col), joined(col, row));
  const reduce = opts.reduce === "add" || opts.reduce === undefined ? "sum" : opts.reduce;
  if (!withAttr) return coalesce(both, { numNodes: opts.numNodes ?? null });
  return coalesce(both, edgeAttr && cat([edgeAttr, edgeAttr], 0), { numNodes: opts.numNodes ?? null, reduce });
}

/** Whether every edge i → j has its j → i (with equal attributes, when given). */
export function isUndirected(edgeIndex: Tensor, edgeAttr: Tensor | null = null, numNodes?: number | null): boolean {
  const n = maybeNumNodes(edgeIndex, numNodes, "isUndirected");
  const [ei, attr] = coalesce(edgeIndex, edgeAttr, { numNodes: n });
  const { row, col } = edgeArrays(ei, "isUndirected");
  const [eiT, attrT] = coalesce(edgeTensor(col, row), attr, { numNodes: n });
  const same = (x: Tensor, y: Tensor) => {
    const [p, q] = [x.dataSync(), y.dataSync()];
    return p.length === q.length && p.every((v, i) => v === q[i]);
  };
  return same(ei, eiT) && (attr === null || attrT === null || same(attr, attrT));
}
