/** geometric.utils — edge-index utilities (PyG's torch_geometric.utils). */
export { maybeNumNodes } from "./edges.js";
export { addSelfLoops, addRemainingSelfLoops, removeSelfLoops, containsSelfLoops, type FillValue, type SelfLoopOptions } from "./loops.js";
export { degree, coalesce, toUndirected, isUndirected, type CoalesceOptions } from "./structure.js";
export { subgraph, kHopSubgraph, type SubgraphOptions, type KHopOptions } from "./subgraph.js";
export { dropoutEdge, negativeSampling, type DropoutEdgeOptions, type NegativeSamplingOptions } from "./sampling.js";
export { toDenseAdj, toDenseBatch, fromAdjacencyList, toAdjacencyList } from "./dense.js";
export { spmm, type CooMatrix, type CsrMatrix } from "./spmm.js";
export { scatter, softmax } from "../scatter.js";
