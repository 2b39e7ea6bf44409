/** Reading and writing edge indices ([2, E] int32: row = source, col = target) with checked bounds. */
import { DTypeError, DeviceError, IndexError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";

export interface EdgeArrays {
  row: Int32Array;
  col: Int32Array;
}

/** Checks an edge index's dtype and shape (cheap: no values are read). */
export function checkEdgeIndexShape(edgeIndex: Tensor, op: string): void {
  if (edgeIndex.dtype !== "int32") throw new DTypeError(`${op}: edgeIndex must be an int32 tensor, got ${edgeIndex.dtype} (shape ${fmtShape(edgeIndex.shape)})`);
  if (edgeIndex.ndim !== 2 || edgeIndex.shape[0] !== 2) throw new ShapeError(`${op}: edgeIndex must have shape [2, numEdges], got ${fmtShape(edgeIndex.shape)}`);
}

/** The rows and columns of an edge index; every entry must lie in [0, numNodes) when numNodes is given. */
export function edgeArrays(edgeIndex: Tensor, op: string, numNodes?: number): EdgeArrays {
  checkEdgeIndexShape(edgeIndex, op);
  if (edgeIndex.backend.read) {
    throw new DeviceError(`${op}: the graph's structure (self loops, degrees, subgraphs) is computed from edgeIndex on the host, which cannot read a ${edgeIndex.backend.name} tensor; keep edgeIndex on the CPU (the layers and node features may live on the GPU: message passing moves the edges there)`);
  }
  const flat = edgeIndex.contiguous().dataSync() as Int32Array;
  const E = edgeIndex.shape[1]!;
  const out = { row: flat.slice(0, E), col: flat.slice(E, 2 * E) };
  for (const [name, values] of [["row", out.row], ["col", out.col]] as const) {
    for (let e = 0; e < E; e++) {
      const v = values[e]!;
      if (v < 0 || (numNodes !== undefined && v >= numNodes)) {
        throw new IndexError(`${op}: edgeIndex[${name === "row" ? 0 : 1}, ${e}] = ${v} is out of range for ${numNodes ?? "any number of"} nodes${v < 0 ? " (node indices are non-negative)" : ""}`);
      }
    }
  }
  return out;
}

/** A [2, E] int32 edge index from rows and columns. */
export function edgeTensor(row: ArrayLike<number>, col: ArrayLike<number>): Tensor {
  const flat = new Int32Array(row.length * 2);
  flat.set(row, 0);
  flat.set(col, row.length);
  return tensor(flat, { dtype: "int32", shape: [2, row.length] });
}

/** numNodes if given (checked), else max(edgeIndex) + 1 (PyG's maybe_num_nodes). */
export function maybeNumNodes(edgeIndex: Tensor, numNodes?: number | null, op = "maybeNumNodes"): number {
  if (numNodes !== undefined && numNodes !== null) {
    if (!Number.isSafeInteger(numNodes) || numNodes < 0) throw new ValueError(`${op}: numNodes must be a non-negative integer, got ${numNodes}`);
    return numNodes;
  }
  const { row, col } = edgeArrays(edgeIndex, op);
  let hi = -1;
  for (let e = 0; e < row.length; e++) hi = Math.max(hi, row[e]!, col[e]!);
  return hi + 1;
}

/** An int32 tensor of positions (for indexSelect on edge attributes). */
export const positions = (kept: readonly number[] | Int32Array): Tensor => tensor(Int32Array.from(kept), { dtype: "int32" });

/** Int32 arrays (or number lists) joined end to end, without spreading them into arguments. */
export function joined(...parts: ArrayLike<number>[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Node indices from an index list or tensor, or a bool mask; each checked against n. */
export function nodeList(subset: Tensor | readonly number[], n: number, op: string): number[] {
  let nodes: number[];
  if (subset instanceof Tensor && subset.dtype === "bool") {
    if (subset.ndim !== 1 || subset.shape[0] !== n) throw new IndexError(`${op}: a node mask must have shape [${n}], got [${subset.shape.join(", ")}]`);
    nodes = [...subset.dataSync()].flatMap((m, i) => (m ? [i] : []));
  } else {
    nodes = subset instanceof Tensor ? [...subset.dataSync()] : [...subset];
  }
  for (const v of nodes) if (!Number.isInteger(v) || v < 0 || v >= n) throw new IndexError(`${op}: node ${v} is out of range for ${n} nodes`);
  return nodes;
}
