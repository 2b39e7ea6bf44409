/** GraphConv (Morris et al.): x'_i = W₁ x_i + W₂ · aggr_{j→i} (e_ji · x_j). */
import { checkOptions } from "../../base/options.js";
import { Tensor } from "../../ops/tensor.js";
import { Linear } from "../../nn/layers/linear.js";
import { checkEdgeIndexShape } from "../utils/edges.js";
import { MessagePassing, type Aggregation, type MessageArgs } from "./message-passing.js";

export interface GraphConvOptions {
  aggr?: Aggregation;
  bias?: boolean;
}

export class GraphConv extends MessagePassing<[x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor, edgeWeight?: Tensor | null]> {
  readonly linRel: Linear;
  readonly linRoot: Linear;

  constructor(readonly inChannels: number | [number, number], readonly outChannels: number, options: GraphConvOptions = {}) {
    super({ aggr: options.aggr ?? "add" });
    checkOptions("GraphConv", options, { aggr: "string", bias: "boolean" });
    const [inL, inR] = typeof inChannels === "number" ? [inChannels, inChannels] : inChannels;
    this.linRel = this.registerModule("lin_rel", new Linear(inL, outChannels, { bias: options.bias ?? true }));
    this.linRoot = this.registerModule("lin_root", new Linear(inR, outChannels, { bias: false }));
  }

  forward(x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor, edgeWeight: Tensor | null = null): Tensor {
    checkEdgeIndexShape(edgeIndex, "GraphConv");
    const [src, dst] = x instanceof Tensor ? [x, x] : x;
    const out = this.linRel.forward(this.propagate(edgeIndex, { x: [src, dst] as [Tensor, Tensor | null], edgeWeight }));
    return dst ? out.add(this.linRoot.forward(dst)) : out;
  }

  override message({ x_j, edgeWeight }: MessageArgs<{ x: [Tensor, Tensor | null]; edgeWeight: Tensor | null }>): Tensor {
    return edgeWeight === null ? x_j : edgeWeight.view(-1, 1).mul(x_j);
  }
}
