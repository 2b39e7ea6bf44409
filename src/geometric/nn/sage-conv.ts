/** SAGEConv (Hamilton et al.): x'_i = W₁ x_i + W₂ · aggr_{j→i} x_j, aggregated by mean (default) or max. */
import { checkOptions } from "../../base/options.js";
import { Tensor } from "../../ops/tensor.js";
import { maximum } from "../../ops/elementwise.js";
import { Linear } from "../../nn/layers/linear.js";
import { checkEdgeIndexShape } from "../utils/edges.js";
import { MessagePassing, type Aggregation } from "./message-passing.js";

export interface SAGEConvOptions {
  aggr?: Aggregation;
  /** L2-normalise the output rows. */
  normalize?: boolean;
  /** Add the node's own transformed features (default true). */
  rootWeight?: boolean;
  /** Project neighbours through a ReLU layer before aggregating (GraphSAGE's pooling variant). */
  project?: boolean;
  bias?: boolean;
}

/** Rows scaled to unit L2 norm (PyTorch's F.normalize with eps 1e-12). */
export function l2Normalize(x: Tensor, eps = 1e-12): Tensor {
  return x.div(maximum(x.square().sum(-1, true).sqrt(), eps));
}

export class SAGEConv extends MessagePassing<[x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor]> {
  readonly lin: Linear | null = null;
  readonly linL: Linear;
  readonly linR: Linear | null = null;
  private readonly o: Required<Omit<SAGEConvOptions, "aggr">>;

  constructor(readonly inChannels: number | [number, number], readonly outChannels: number, options: SAGEConvOptions = {}) {
    super({ aggr: options.aggr ?? "mean" });
    checkOptions("SAGEConv", options, { aggr: "string", normalize: "boolean", rootWeight: "boolean", project: "boolean", bias: "boolean" });
    this.o = { normalize: false, rootWeight: true, project: false, bias: true, ...options };
    const [inL, inR] = typeof inChannels === "number" ? [inChannels, inChannels] : inChannels;
    if (this.o.project) this.lin = this.registerModule("lin", new Linear(inL, inL, { bias: true }));
    this.linL = this.registerModule("lin_l", new Linear(inL, outChannels, { bias: this.o.bias }));
    if (this.o.rootWeight) this.linR = this.registerModule("lin_r", new Linear(inR, outChannels, { bias: false }));
  }

  forward(x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor): Tensor {
    checkEdgeIndexShape(edgeIndex, "SAGEConv");
    let [src, dst] = x instanceof Tensor ? [x, x] : x;
    if (this.lin) src = this.lin.forward(src).relu();
    let out = this.linL.forward(this.propagate(edgeIndex, { x: [src, dst] as [Tensor, Tensor | null] }));
    if (this.linR && dst) out = out.add(this.linR.forward(dst));
    return this.o.normalize ? l2Normalize(out) : out;
  }

  override extraRepr(): string {
    return `${String(this.inChannels)}, ${this.outChannels}, aggr=${this.aggr}`;
  }
}
