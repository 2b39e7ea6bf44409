/** geometric.nn — message passing layers, pooling, models and embeddings (PyG's torch_geometric.nn). */
export { MessagePassing, type MessagePassingOptions, type MessageArgs, type EdgeContext, type Aggregation, type Flow } from "./message-passing.js";
export { GCNConv, gcnNorm, type GCNConvOptions } from "./gcn-conv.js";
export { GATConv, GATv2Conv, type GATConvOptions, type GATv2ConvOptions } from "./gat-conv.js";
export { SAGEConv, type SAGEConvOptions } from "./sage-conv.js";
export { GINConv, GINEConv, type GINConvOptions, type GINEConvOptions } from "./gin-conv.js";
export { GraphConv, type GraphConvOptions } from "./graph-conv.js";
export { ChebConv, getLaplacian, type ChebConvOptions } from "./cheb-conv.js";
export { APPNP, type APPNPOptions } from "./appnp.js";
export { TransformerConv, type TransformerConvOptions } from "./transformer-conv.js";
export { globalAddPool, globalMeanPool, globalMaxPool, TopKPooling, type TopKPoolingOptions } from "./pool.js";
export { BasicGNN, GCN, GAT, GraphSAGE, GIN, type BasicGNNOptions } from "./models.js";
export { Node2Vec, type Node2VecOptions } from "./node2vec.js";
export { GAE, VGAE, InnerProductDecoder } from "./autoencoder.js";
