/**
 * Graph attention: GATConv (Veličković et al.: e_ij = LeakyReLU(aᵀ[W x_i ‖ W x_j]), softmax over a
 * node's incoming edges) and GATv2Conv (Brody et al.: e_ij = aᵀ LeakyReLU(W_r x_i + W_l x_j)).
 */
import { ValueError } from "../../base/errors.js";
import { checkOptions } from "../../base/options.js";
import { Tensor } from "../../ops/tensor.js";
import { empty } from "../../nn/empty.js";
import { dropout } from "../../nn/functional/basic.js";
import { leakyRelu } from "../../ops/composite/activations.js";
import { zeros } from "../../ops/creation.js";
import { Linear } from "../../nn/layers/linear.js";
import { Parameter } from "../../nn/parameter.js";
import { softmax } from "../scatter.js";
import { checkEdgeIndexShape } from "../utils/edges.js";
import { addSelfLoops, removeSelfLoops, type FillValue } from "../utils/loops.js";
import { glorot_ } from "./inits.js";
import { MessagePassing, type MessageArgs } from "./message-passing.js";

export interface GATConvOptions {
  heads?: number;
  /** Concatenate the heads (default) or average them. */
  concat?: boolean;
  negativeSlope?: number;
  /** Dropout on the attention coefficients (training only). */
  dropout?: number;
  addSelfLoops?: boolean;
  /** Edge feature size: edge attributes then take part in the attention. */
  edgeDim?: number | null;
  /** The self loops' edge attributes (default: the mean of the node's incoming ones). */
  fillValue?: FillValue;
  bias?: boolean;
  /** Add a linear projection of the input (a residual connection). */
  residual?: boolean;
}

const GAT_OPTIONS = {
  heads: "integer", concat: "boolean", negativeSlope: "number", dropout: "number", addSelfLoops: "boolean",
  edgeDim: "any", fillValue: "any", bias: "boolean", residual: "boolean",
} as const;

type GatInput = [x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor, edgeAttr?: Tensor | null];

/** Self loops replaced once (old ones removed, one per node added), edge attributes filled. */
function withLoops(edgeIndex: Tensor, edgeAttr: Tensor | null, numNodes: number, fillValue: FillValue): [Tensor, Tensor | null] {
  const [ei, ea] = removeSelfLoops(edgeIndex, edgeAttr);
  return addSelfLoops(ei, ea, { fillValue, numNodes });
}

function headsOut(out: Tensor, heads: number, channels: number, concat: boolean): Tensor {
  return concat ? out.reshape([-1, heads * channels]) : out.mean(1);
}

export class GATConv extends MessagePassing<GatInput> {
  readonly lin: Linear | null = null;
  readonly linSrc: Linear | null = null;
  readonly linDst: Linear | null = null;
  readonly attSrc: Parameter;
  readonly attDst: Parameter;
  readonly linEdge: Linear | null = null;
  readonly attEdge: Parameter | null = null;
  readonly res: Linear | null = null;
  readonly bias: Parameter | null;
  readonly heads: number;
  readonly concat: boolean;
  private readonly o: Required<Omit<GATConvOptions, "edgeDim">> & { edgeDim: number | null };

  constructor(readonly inChannels: number | [number, number], readonly outChannels: number, options: GATConvOptions = {}) {
    super({ aggr: "add", nodeDim: 0 });
    checkOptions("GATConv", options, GAT_OPTIONS);
    this.o = { heads: 1, concat: true, negativeSlope: 0.2, dropout: 0, addSelfLoops: true, edgeDim: null, fillValue: "mean", bias: true, residual: false, ...options };
    const { heads, concat } = this.o;
    this.heads = heads;
    this.concat = concat;
    const hc = heads * outChannels;
    if (typeof inChannels === "number") this.lin = this.registerModule("lin", new Linear(inChannels, hc, { bias: false }));
    else {
      this.linSrc = this.registerModule("lin_src", new Linear(inChannels[0], hc, { bias: false }));
      this.linDst = this.registerModule("lin_dst", new Linear(inChannels[1], hc, { bias: false }));
    }
    this.attSrc = this.registerParameter("att_src", new Parameter(empty([1, heads, outChannels])));
    this.attDst = this.registerParameter("att_dst", new Parameter(empty([1, heads, outChannels])));
    if (this.o.edgeDim !== null) {
      this.linEdge = this.registerModule("lin_edge", new Linear(this.o.edgeDim, hc, { bias: false }));
      this.attEdge = this.registerParameter("att_edge", new Parameter(empty([1, heads, outChannels])));
    }
    const total = concat ? hc : outChannels;
    if (this.o.residual) this.res = this.registerModule("res", new Linear(typeof inChannels === "number" ? inChannels : inChannels[1], total, { bias: false }));
    this.bias = this.o.bias ? this.registerParameter("bias", new Parameter(zeros([total]))) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    for (const lin of [this.lin, this.linSrc, this.linDst, this.linEdge, this.res]) if (lin) glorot_(lin.weight);
    for (const att of [this.attSrc, this.attDst, this.attEdge]) if (att) glorot_(att);
    this.bias?.detach().fill_(0);
  }

  forward(x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor, edgeAttr: Tensor | null = null): Tensor {
    checkEdgeIndexShape(edgeIndex, "GATConv");
    const H = this.heads;
    const C = this.outChannels;
    const [src, dst] = x instanceof Tensor ? [x, x] : x;
    const project = (t: Tensor, lin: Linear | null) => lin!.forward(t).view(-1, H, C);
    const xSrc = project(src, this.lin ?? this.linSrc);
    const xDst = dst === null ? null : dst === src && this.lin ? xSrc : project(dst, this.lin ?? this.linDst);
    const alphaSrc = xSrc.mul(this.attSrc).sum(-1);
    const alphaDst = xDst === null ? null : xDst.mul(this.attDst).sum(-1);
    let ei = edgeIndex;
    let ea = edgeAttr;
    if (this.o.addSelfLoops) [ei, ea] = withLoops(ei, ea, Math.min(src.shape[0]!, dst?.shape[0] ?? Infinity), this.o.fillValue);
    const alpha = this.edgeUpdater(ei, { alpha: [alphaSrc, alphaDst] as [Tensor, Tensor | null], edgeAttr: ea });
    const out = this.propagate(ei, { x: [xSrc, xDst] as [Tensor, Tensor | null], alpha });
    let y = headsOut(out, H, C, this.concat);
    if (this.res && dst) y = y.add(this.res.forward(dst));
    return this.bias ? y.add(this.bias) : y;
  }

  override edgeUpdate(args: MessageArgs<{ alpha: [Tensor, Tensor | null]; edgeAttr: Tensor | null }>): Tensor {
    const { index, dimSize } = args;
    let alpha = args.alpha[1] === null ? args.alpha_j : args.alpha_j.add(args.alpha_i);
    if (args.edgeAttr !== null && this.linEdge && this.attEdge) {
      const e = this.linEdge.forward(args.edgeAttr.ndim === 1 ? args.edgeAttr.view(-1, 1) : args.edgeAttr).view(-1, this.heads, this.outChannels);
      alpha = alpha.add(e.mul(this.attEdge).sum(-1));
    }
    alpha = softmax(leakyRelu(alpha, this.o.negativeSlope), index, { numNodes: dimSize });
    return dropout(alpha, this.o.dropout, this.training);
  }

  override message({ x_j, alpha }: MessageArgs<{ x: [Tensor, Tensor | null]; alpha: Tensor }>): Tensor {
    return alpha.unsqueeze(-1).mul(x_j);
  }

  override extraRepr(): string {
    return `${String(this.inChannels)}, ${this.outChannels}, heads=${this.heads}`;
  }
}

export interface GATv2ConvOptions extends GATConvOptions {
  /** One projection for both ends of an edge. */
  shareWeights?: boolean;
}

export class GATv2Conv extends MessagePassing<GatInput> {
  readonly linL: Linear;
  readonly linR: Linear;
  readonly att: Parameter;
  readonly linEdge: Linear | null = null;
  readonly res: Linear | null = null;
  readonly bias: Parameter | null;
  readonly heads: number;
  readonly concat: boolean;
  private readonly o: Required<Omit<GATv2ConvOptions, "edgeDim">> & { edgeDim: number | null };

  constructor(readonly inChannels: number | [number, number], readonly outChannels: number, options: GATv2ConvOptions = {}) {
    super({ aggr: "add", nodeDim: 0 });
    checkOptions("GATv2Conv", options, { ...GAT_OPTIONS, shareWeights: "boolean" });
    this.o = { heads: 1, concat: true, negativeSlope: 0.2, dropout: 0, addSelfLoops: true, edgeDim: null, fillValue: "mean", bias: true, residual: false, shareWeights: false, ...options };
    const { heads, concat, bias } = this.o;
    this.heads = heads;
    this.concat = concat;
    const hc = heads * outChannels;
    const [inL, inR] = typeof inChannels === "number" ? [inChannels, inChannels] : inChannels;
    this.linL = this.registerModule("lin_l", new Linear(inL, hc, { bias }));
    if (this.o.shareWeights && inL !== inR) throw new ValueError("GATv2Conv: shareWeights needs the same input size at both ends");
    this.linR = this.o.shareWeights ? this.linL : this.registerModule("lin_r", new Linear(inR, hc, { bias }));
    this.att = this.registerParameter("att", new Parameter(empty([1, heads, outChannels])));
    if (this.o.edgeDim !== null) this.linEdge = this.registerModule("lin_edge", new Linear(this.o.edgeDim, hc, { bias: false }));
    const total = concat ? hc : outChannels;
    if (this.o.residual) this.res = this.registerModule("res", new Linear(inR, total, { bias: false }));
    this.bias = bias ? this.registerParameter("bias", new Parameter(zeros([total]))) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    for (const lin of [this.linL, this.linR, this.linEdge, this.res]) {
      if (!lin) continue;
      glorot_(lin.weight);
      lin.bias?.detach().fill_(0);
    }
    glorot_(this.att);
    this.bias?.detach().fill_(0);
  }

  forward(x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor, edgeAttr: Tensor | null = null): Tensor {
    checkEdgeIndexShape(edgeIndex, "GATv2Conv");
    const H = this.heads;
    const C = this.outChannels;
    const [src, dst] = x instanceof Tensor ? [x, x] : x;
    const xL = this.linL.forward(src).view(-1, H, C);
    const xR = dst === null ? null : this.o.shareWeights && dst === src ? xL : this.linR.forward(dst).view(-1, H, C);
    let ei = edgeIndex;
    let ea = edgeAttr;
    if (this.o.addSelfLoops) [ei, ea] = withLoops(ei, ea, Math.min(src.shape[0]!, dst?.shape[0] ?? Infinity), this.o.fillValue);
    const pair = [xL, xR] as [Tensor, Tensor | null];
    const alpha = this.edgeUpdater(ei, { x: pair, edgeAttr: ea });
    const out = this.propagate(ei, { x: pair, alpha });
    let y = headsOut(out, H, C, this.concat);
    if (this.res && dst) y = y.add(this.res.forward(dst));
    return this.bias ? y.add(this.bias) : y;
  }

  override edgeUpdate(args: MessageArgs<{ x: [Tensor, Tensor | null]; edgeAttr: Tensor | null }>): Tensor {
    let z = args.x[1] === null ? args.x_j : args.x_i.add(args.x_j);
    if (args.edgeAttr !== null && this.linEdge) {
      z = z.add(this.linEdge.forward(args.edgeAttr.ndim === 1 ? args.edgeAttr.view(-1, 1) : args.edgeAttr).view(-1, this.heads, this.outChannels));
    }
    const alpha = softmax(leakyRelu(z, this.o.negativeSlope).mul(this.att).sum(-1), args.index, { numNodes: args.dimSize });
    return dropout(alpha, this.o.dropout, this.training);
  }

  override message({ x_j, alpha }: MessageArgs<{ x: [Tensor, Tensor | null]; alpha: Tensor }>): Tensor {
    return x_j.mul(alpha.unsqueeze(-1));
  }

  override extraRepr(): string {
    return `${String(this.inChannels)}, ${this.outChannels}, heads=${this.heads}`;
  }
}
