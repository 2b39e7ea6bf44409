/** Induced subgraphs: of a node subset, and of the k-hop neighbourhood of some nodes. */
import { checkChoice, checkOptions } from "../../base/options.js";
import { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { indexSelect } from "../../ops/indexing.js";
import { edgeArrays, edgeTensor, maybeNumNodes, nodeList, positions } from "./edges.js";

export interface SubgraphOptions {
  /** Renumber the kept nodes 0…k−1 in the subset's order (default false). */
  relabelNodes?: boolean;
  numNodes?: number | null;
}

/**
 * The edges whose two ends are both in the subset (node indices or a bool mask): [edgeIndex,
 * edgeAttr, edgeMask], edgeMask marking the kept edges of the input.
 */
export function subgraph(
  subset: Tensor | readonly number[], edgeIndex: Tensor, edgeAttr: Tensor | null = null, opts: SubgraphOptions = {},
): [edgeIndex: Tensor, edgeAttr: Tensor | null, edgeMask: Tensor] {
  checkOptions("subgraph", opts, { relabelNodes: "boolean", numNodes: "any" });
  const n = subset instanceof Tensor && subset.dtype === "bool" ? subset.shape[0]! : maybeNumNodes(edgeIndex, opts.numNodes, "subgraph");
  const nodes = nodeList(subset, n, "subgraph");
  const { row, col } = edgeArrays(edgeIndex, "subgraph", n);
  const label = new Int32Array(n).fill(-1);
  nodes.forEach((v, i) => (label[v] = opts.relabelNodes ? i : v));
  const kept: number[] = [];
  const mask = new Uint8Array(row.length);
  for (let e = 0; e < row.length; e++) {
    if (label[row[e]!]! >= 0 && label[col[e]!]! >= 0) {
      kept.push(e);
      mask[e] = 1;
    }
  }
  return [
    edgeTensor(kept.map((e) => label[row[e]!]!), kept.map((e) => label[col[e]!]!)),
    edgeAttr && indexSelect(edgeAttr, 0, positions(kept)),
    tensor(mask, { dtype: "bool" }),
  ];
}

export interface KHopOptions extends SubgraphOptions {
  /** "source_to_target" (default): the nodes whose messages reach nodeIdx within k hops. */
  flow?: "source_to_target" | "target_to_source";
  /** Keep only the edges the hops followed, not every edge among the reached nodes (default false). */
  directed?: boolean;
}

/**
 * The k-hop neighbourhood of nodeIdx (PyG's k_hop_subgraph): [subset (sorted), edgeIndex,
 * mapping (where the nodeIdx nodes are in subset), edgeMask].
 */
export function kHopSubgraph(
  nodeIdx: number | readonly number[] | Tensor, numHops: number, edgeIndex: Tensor, opts: KHopOptions = {},
): [subset: Tensor, edgeIndex: Tensor, mapping: Tensor, edgeMask: Tensor] {
  checkOptions("kHopSubgraph", opts, { relabelNodes: "boolean", numNodes: "any", flow: "string", directed: "boolean" });
  const flow = checkChoice("kHopSubgraph", "flow", opts.flow ?? "source_to_target", ["source_to_target", "target_to_source"]);
  const n = maybeNumNodes(edgeIndex, opts.numNodes, "kHopSubgraph");
  const seeds = nodeList(typeof nodeIdx === "number" ? [nodeIdx] : nodeIdx, n, "kHopSubgraph");
  const { row: src, col: dst } = edgeArrays(edgeIndex, "kHopSubgraph", n);
  // Walk against the flow: from a node to the nodes whose messages it receives.
  const [from, to] = flow === "source_to_target" ? [dst, src] : [src, dst];
  const reached = new Uint8Array(n);
  const followed = new Uint8Array(from.length);
  seeds.forEach((v) => (reached[v] = 1));
  let frontier = new Uint8Array(reached);
  for (let hop = 0; hop < numHops; hop++) {
    const next = new Uint8Array(n);
    for (let e = 0; e < from.length; e++) {
      if (frontier[from[e]!]) {
        next[to[e]!] = 1;
        followed[e] = 1;
      }
    }
    next.forEach((m, v) => m && (reached[v] = 1));
    frontier = next;
  }
  const subset = [...reached.keys()].filter((v) => reached[v]);
  const label = new Int32Array(n).fill(-1);
  subset.forEach((v, i) => (label[v] = i));
  const mask = new Uint8Array(src.length);
  const kept: number[] = [];
  for (let e = 0; e < src.length; e++) {
    const inside = opts.directed ? followed[e] === 1 : reached[src[e]!] === 1 && reached[dst[e]!] === 1;
    if (inside) {
      mask[e] = 1;
      kept.push(e);
    }
  }
  const name = (v: number) => (opts.relabelNodes ? label[v]! : v);
  return [
    tensor(Int32Array.from(subset), { dtype: "int32" }),
    edgeTensor(kept.map((e) => name(src[e]!)), kept.map((e) => name(dst[e]!))),
    tensor(Int32Array.from(seeds, (v) => label[v]!), { dtype: "int32" }),
    tensor(mask, { dtype: "bool" }),
  ];
}
