/**
 * TransformerConv (Shi et al.): multi-head dot-product attention over a node's incoming edges,
 * α_ij = softmax_j((W₃x_i)ᵀ(W₄x_j + W₆e_ij)/√d), x'_i = W₁x_i + Σ_j α_ij (W₂x_j + W₆e_ij), with an
 * optional learnt gate β between the skip and the attention output.
 */
import { checkOptions } from "../../base/options.js";
import { Tensor } from "../../ops/tensor.js";
import { dropout } from "../../nn/functional/basic.js";
import { Linear } from "../../nn/layers/linear.js";
import { cat } from "../../ops/movement.js";
import { softmax } from "../scatter.js";
import { checkEdgeIndexShape } from "../utils/edges.js";
import { MessagePassing, type MessageArgs } from "./message-passing.js";

export interface TransformerConvOptions {
  heads?: number;
  concat?: boolean;
  /** Gate the skip connection: x' = β·W₁x_i + (1 − β)·attention, β learnt per node. */
  beta?: boolean;
  dropout?: number;
  edgeDim?: number | null;
  bias?: boolean;
  rootWeight?: boolean;
}

type Args = { query: Tensor; key: Tensor; value: Tensor; edgeAttr: Tensor | null };

export class TransformerConv extends MessagePassing<[x: Tensor | [Tensor, Tensor], edgeIndex: Tensor, edgeAttr?: Tensor | null]> {
  readonly linKey: Linear;
  readonly linQuery: Linear;
  readonly linValue: Linear;
  readonly linEdge: Linear | null = null;
  readonly linSkip: Linear | null = null;
  readonly linBeta: Linear | null = null;
  readonly heads: number;
  private readonly o: Required<Omit<TransformerConvOptions, "edgeDim">> & { edgeDim: number | null };

  constructor(readonly inChannels: number | [number, number], readonly outChannels: number, options: TransformerConvOptions = {}) {
    super({ aggr: "add", nodeDim: 0 });
    checkOptions("TransformerConv", options, { heads: "integer", concat: "boolean", beta: "boolean", dropout: "number", edgeDim: "any", bias: "boolean", rootWeight: "boolean" });
    this.o = { heads: 1, concat: true, beta: false, dropout: 0, edgeDim: null, bias: true, rootWeight: true, ...options };
    const { heads, concat, bias } = this.o;
    this.heads = heads;
    const [inSrc, inDst] = typeof inChannels === "number" ? [inChannels, inChannels] : inChannels;
    const hc = heads * outChannels;
    this.linKey = this.registerModule("lin_key", new Linear(inSrc, hc, { bias }));
    this.linQuery = this.registerModule("lin_query", new Linear(inDst, hc, { bias }));
    this.linValue = this.registerModule("lin_value", new Linear(inSrc, hc, { bias }));
    if (this.o.edgeDim !== null) this.linEdge = this.registerModule("lin_edge", new Linear(this.o.edgeDim, hc, { bias: false }));
    const total = concat ? hc : outChannels;
    if (this.o.rootWeight) {
      this.linSkip = this.registerModule("lin_skip", new Linear(inDst, total, { bias }));
      if (this.o.beta) this.linBeta = this.registerModule("lin_beta", new Linear(3 * total, 1, { bias: false }));
    }
  }

  forward(x: Tensor | [Tensor, Tensor], edgeIndex: Tensor, edgeAttr: Tensor | null = null): Tensor {
    checkEdgeIndexShape(edgeIndex, "TransformerConv");
    const H = this.heads;
    const C = this.outChannels;
    const [src, dst] = x instanceof Tensor ? [x, x] : x;
    const args: Args = {
      query: this.linQuery.forward(dst).view(-1, H, C),
      key: this.linKey.forward(src).view(-1, H, C),
      value: this.linValue.forward(src).view(-1, H, C),
      edgeAttr,
    };
    let out = this.propagate(edgeIndex, args, [src.shape[0]!, dst.shape[0]!]);
    out = this.o.concat ? out.reshape([-1, H * C]) : out.mean(1);
    if (!this.linSkip) return out;
    const skip = this.linSkip.forward(dst);
    if (!this.linBeta) return out.add(skip);
    const b = this.linBeta.forward(cat([out, skip, out.sub(skip)], -1)).sigmoid();
    return b.mul(skip).add(b.neg().add(1).mul(out));
  }

  override message(args: MessageArgs<Args>): Tensor {
    const H = this.heads;
    const C = this.outChannels;
    const edge = args.edgeAttr !== null && this.linEdge ? this.linEdge.forward(args.edgeAttr).view(-1, H, C) : null;
    const key = edge ? args.key_j.add(edge) : args.key_j;
    let alpha = args.query_i.mul(key).sum(-1).div(Math.sqrt(C));
    alpha = dropout(softmax(alpha, args.index, { numNodes: args.size_i }), this.o.dropout, this.training);
    const value = edge ? args.value_j.add(edge) : args.value_j;
    return value.mul(alpha.view(-1, H, 1));
  }

  override extraRepr(): string {
    return `${String(this.inChannels)}, ${this.outChannels}, heads=${this.heads}`;
  }
}
