/** Between edge lists and dense layouts: batched adjacency matrices, padded node batches, adjacency lists. */
import { IndexError, ValueError } from "../../base/errors.js";
import { checkOptions } from "../../base/options.js";
import type { Tensor } from "../../ops/tensor.js";
import { full, tensor, zeros } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { scatterAdd } from "../../ops/indexing.js";
import { expand, reshape } from "../../ops/movement.js";
import { edgeArrays, edgeTensor, maybeNumNodes } from "./edges.js";

/** Per node: its graph, its position within the graph, and the per-graph node counts. */
function layout(batch: Tensor | null, numNodes: number, op: string): { graph: Int32Array; local: Int32Array; counts: number[] } {
  const graph = batch === null ? new Int32Array(numNodes) : (batch.contiguous().dataSync() as Int32Array);
  if (batch !== null && (batch.dtype !== "int32" || batch.ndim !== 1)) throw new ValueError(`${op}: batch must be a 1-D int32 tensor`);
  const counts: number[] = [];
  const local = new Int32Array(graph.length);
  for (let v = 0; v < graph.length; v++) {
    const g = graph[v]!;
    if (g < 0 || (v > 0 && g < graph[v - 1]!)) throw new IndexError(`${op}: batch must be sorted and non-negative (node ${v} has graph ${g})`);
    while (counts.length <= g) counts.push(0);
    local[v] = counts[g]!++;
  }
  return { graph, local, counts };
}

export interface ToDenseAdjOptions {
  batch?: Tensor | null;
  edgeAttr?: Tensor | null;
  maxNumNodes?: number | null;
}

/** [B, N, N] adjacency matrices (edge attributes summed where given, else counts of edges), N the largest graph. */
export function toDenseAdj(edgeIndex: Tensor, opts: ToDenseAdjOptions = {}): Tensor {
  checkOptions("toDenseAdj", opts, { batch: "any", edgeAttr: "any", maxNumNodes: "any" });
  const batch = opts.batch ?? null;
  const numNodes = batch ? batch.shape[0]! : maybeNumNodes(edgeIndex, null, "toDenseAdj");
  const { row, col } = edgeArrays(edgeIndex, "toDenseAdj", numNodes);
  const { graph, local, counts } = layout(batch, numNodes, "toDenseAdj");
  const n = opts.maxNumNodes ?? Math.max(0, ...counts);
  const B = Math.max(counts.length, 1);
  const kept: number[] = [];
  const at: number[] = [];
  for (let e = 0; e < row.length; e++) {
    if (local[row[e]!]! < n && local[col[e]!]! < n) {
      kept.push(e);
      at.push((graph[row[e]!]! * n + local[row[e]!]!) * n + local[col[e]!]!);
    }
  }
  const attr = opts.edgeAttr ?? null;
  const rest = attr ? attr.shape.slice(1) : [];
  const values = attr ? (kept.length === row.length ? attr : attr.indexSelect(0, tensor(Int32Array.from(kept), { dtype: "int32" }))) : full([kept.length], 1);
  const index = expand(reshape(tensor(Int32Array.from(at), { dtype: "int32" }), [at.length, ...rest.map(() => 1)]), [at.length, ...rest]);
  return scatterAdd(zeros([B * n * n, ...rest], { dtype: values.dtype }), 0, index, values).reshape([B, n, n, ...rest]);
}

export interface ToDenseBatchOptions {
  fillValue?: number;
  maxNumNodes?: number | null;
}

/** Node features [ΣN, F] as a padded [B, N, F] batch and its [B, N] mask of real nodes. */
export function toDenseBatch(x: Tensor, batch: Tensor | null = null, opts: ToDenseBatchOptions = {}): [out: Tensor, mask: Tensor] {
  checkOptions("toDenseBatch", opts, { fillValue: "number", maxNumNodes: "any" });
  const { graph, local, counts } = layout(batch, x.shape[0]!, "toDenseBatch");
  const n = opts.maxNumNodes ?? Math.max(0, ...counts);
  const B = Math.max(counts.length, 1);
  const rest = x.shape.slice(1);
  const slots = new Int32Array(x.shape[0]!);
  const mask = new Uint8Array(B * n);
  for (let v = 0; v < slots.length; v++) {
    if (local[v]! >= n) throw new IndexError(`toDenseBatch: graph ${graph[v]} has more than maxNumNodes = ${n} nodes`);
    slots[v] = graph[v]! * n + local[v]!;
    mask[slots[v]!] = 1;
  }
  const index = expand(reshape(tensor(slots, { dtype: "int32" }), [slots.length, ...rest.map(() => 1)]), x.shape);
  const dense = scatterAdd(zeros([B * n, ...rest], { dtype: x.dtype }), 0, index, x);
  const m = tensor(mask, { dtype: "bool", shape: [B, n] });
  const fill = opts.fillValue ?? 0;
  const out = fill === 0 ? dense : where(reshape(m, [B * n, ...rest.map(() => 1)]), dense, fill);
  return [out.reshape([B, n, ...rest]), m];
}

/** An edge index from adjacency lists: adjacency[i] holds the nodes i points to. */
export function fromAdjacencyList(adjacency: readonly (readonly number[])[]): Tensor {
  const row: number[] = [];
  const col: number[] = [];
  adjacency.forEach((targets, i) => {
    for (const j of targets) {
      if (!Number.isInteger(j) || j < 0 || j >= adjacency.length) throw new IndexError(`fromAdjacencyList: node ${i} points to ${j}, outside 0…${adjacency.length - 1}`);
      row.push(i);
      col.push(j);
    }
  });
  return edgeTensor(row, col);
}

/** Adjacency lists from an edge index: out[i] holds the targets of i's edges, in edge order. */
export function toAdjacencyList(edgeIndex: Tensor, numNodes?: number | null): number[][] {
  const n = maybeNumNodes(edgeIndex, numNodes, "toAdjacencyList");
  const { row, col } = edgeArrays(edgeIndex, "toAdjacencyList", n);
  const out = Array.from({ length: n }, (): number[] => []);
  row.forEach((r, e) => out[r]!.push(col[e]!));
  return out;
}
