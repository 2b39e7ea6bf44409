/** Self loops: add them (with a fill value for edge attributes), add the missing ones, remove them. */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { full } from "../../ops/creation.js";
import { indexSelect } from "../../ops/indexing.js";
import { cat, expand, reshape } from "../../ops/movement.js";
import { scatter, type ScatterReduce } from "../scatter.js";
import { edgeArrays, edgeTensor, joined, maybeNumNodes, positions } from "./edges.js";

/** What a new loop's attribute is: a number, a tensor (one attribute row), or a reduction of the node's incoming attributes. */
export type FillValue = number | Tensor | ScatterReduce;

export type WithAttr = [edgeIndex: Tensor, edgeAttr: Tensor | null];

function loopAttr(edgeAttr: Tensor, col: Tensor, n: number, fill: FillValue): Tensor {
  const rest = edgeAttr.shape.slice(1);
  if (typeof fill === "number") return full([n, ...rest], fill, { dtype: edgeAttr.dtype });
  if (typeof fill === "string") return scatter(edgeAttr, col, { dim: 0, dimSize: n, reduce: fill });
  return expand(reshape(fill, [1, ...rest]), [n, ...rest]);
}

/** Edges without their self loops (and the matching attribute rows). */
export function removeSelfLoops(edgeIndex: Tensor, edgeAttr: Tensor | null = null): WithAttr {
  const { row, col } = edgeArrays(edgeIndex, "removeSelfLoops");
  const kept: number[] = [];
  for (let e = 0; e < row.length; e++) if (row[e] !== col[e]) kept.push(e);
  const at = positions(kept);
  return [edgeTensor(kept.map((e) => row[e]!), kept.map((e) => col[e]!)), edgeAttr && indexSelect(edgeAttr, 0, at)];
}

export function containsSelfLoops(edgeIndex: Tensor): boolean {
  const { row, col } = edgeArrays(edgeIndex, "containsSelfLoops");
  return row.some((r, e) => r === col[e]);
}

export interface SelfLoopOptions {
  fillValue?: FillValue;
  numNodes?: number | null;
}

/** A loop i → i appended for every node (PyG appends them after the existing edges). */
export function addSelfLoops(edgeIndex: Tensor, edgeAttr: Tensor | null = null, opts: SelfLoopOptions = {}): WithAttr {
  const n = maybeNumNodes(edgeIndex, opts.numNodes, "addSelfLoops");
  const { row, col } = edgeArrays(edgeIndex, "addSelfLoops", n);
  const loops = Int32Array.from({ length: n }, (_, i) => i);
  const out = edgeTensor(joined(row, loops), joined(col, loops));
  if (edgeAttr === null) return [out, null];
  return [out, cat([edgeAttr, loopAttr(edgeAttr, edgeIndex.select(0, 1), n, opts.fillValue ?? 1)], 0)];
}

/**
 * Loops for the nodes that have none; existing loops keep their attribute (GCN's normalisation uses
 * this, so a weighted self loop is never doubled).
 */
export function addRemainingSelfLoops(edgeIndex: Tensor, edgeAttr: Tensor | null = null, opts: SelfLoopOptions = {}): WithAttr {
  const n = maybeNumNodes(edgeIndex, opts.numNodes, "addRemainingSelfLoops");
  const { row, col } = edgeArrays(edgeIndex, "addRemainingSelfLoops", n);
  const kept: number[] = [];
  const existing = new Int32Array(n).fill(-1);
  for (let e = 0; e < row.length; e++) {
    if (row[e] !== col[e]) kept.push(e);
    else existing[row[e]!] = e;
  }
  const loops = Int32Array.from({ length: n }, (_, i) => i);
  const out = edgeTensor(joined(kept.map((e) => row[e]!), loops), joined(kept.map((e) => col[e]!), loops));
  if (edgeAttr === null) return [out, null];
  if (typeof opts.fillValue === "string") throw new ValueError("addRemainingSelfLoops: fillValue must be a number or a tensor");
  let attr = loopAttr(edgeAttr, edgeIndex.select(0, 1), n, opts.fillValue ?? 1);
  const had = [...existing.keys()].filter((i) => existing[i]! >= 0);
  if (had.length > 0) {
    // Nodes that had a loop keep its attribute: pick each loop row from the old attributes or the fill.
    const pick = Int32Array.from({ length: n }, (_, i) => (existing[i]! >= 0 ? existing[i]! : edgeAttr.shape[0]! + i));
    attr = indexSelect(cat([edgeAttr, attr], 0), 0, positions(pick));
  }
  return [out, cat([indexSelect(edgeAttr, 0, positions(kept)), attr], 0)];
}
