/** GCNConv (Kipf & Welling): x' = D̂^−½ Â D̂^−½ X W + b, Â = A + I, and the normalisation it uses. */
import type { DType } from "../../base/dtype.js";
import { checkOptions } from "../../base/options.js";
import type { Tensor } from "../../ops/tensor.js";
import { ones, zeros } from "../../ops/creation.js";
import { isnan, where } from "../../ops/elementwise.js";
import { Linear } from "../../nn/layers/linear.js";
import { Parameter } from "../../nn/parameter.js";
import { scatter } from "../scatter.js";
import { checkEdgeIndexShape } from "../utils/edges.js";
import { addRemainingSelfLoops } from "../utils/loops.js";
import { glorot_ } from "./inits.js";
import { MessagePassing, type Flow, type MessageArgs } from "./message-passing.js";

export interface GcnNormOptions {
  /** Self loops weigh 2 instead of 1 (Â = A + 2I). */
  improved?: boolean;
  addSelfLoops?: boolean;
  flow?: Flow;
  /** The weights' dtype when edgeWeight is not given (the node features'). */
  dtype?: DType;
}

/** Symmetric normalisation: each edge i → j weighted w·d_i^−½·d_j^−½ over in-degrees with self loops (PyG's gcn_norm). */
export function gcnNorm(edgeIndex: Tensor, edgeWeight: Tensor | null, numNodes: number, opts: GcnNormOptions = {}): [Tensor, Tensor] {
  const { improved = false, addSelfLoops = true, flow = "source_to_target", dtype = "float32" } = opts;
  let ei = edgeIndex;
  let ew = edgeWeight ?? ones([edgeIndex.shape[1]!], { dtype, device: edgeIndex.backend });
  if (addSelfLoops) [ei, ew] = addRemainingSelfLoops(ei, ew, { fillValue: improved ? 2 : 1, numNodes }) as [Tensor, Tensor];
  const row = ei.select(0, 0);
  const col = ei.select(0, 1);
  const deg = scatter(ew, flow === "source_to_target" ? col : row, { dim: 0, dimSize: numNodes, reduce: "sum" });
  const inv = deg.pow(-0.5);
  const d = where(inv.eq(Infinity).logicalOr(isnan(inv)), 0, inv);
  return [ei, d.indexSelect(0, row).mul(ew).mul(d.indexSelect(0, col))];
}

export interface GCNConvOptions {
  improved?: boolean;
  /** Keep the normalised graph of the first call (transductive training on one graph). */
  cached?: boolean;
  addSelfLoops?: boolean;
  normalize?: boolean;
  bias?: boolean;
}

export class GCNConv extends MessagePassing<[x: Tensor, edgeIndex: Tensor, edgeWeight?: Tensor | null]> {
  readonly lin: Linear;
  readonly bias: Parameter | null;
  private readonly opts: Required<GCNConvOptions>;
  private cache: [Tensor, Tensor] | null = null;

  constructor(readonly inChannels: number, readonly outChannels: number, options: GCNConvOptions = {}) {
    super({ aggr: "add" });
    checkOptions("GCNConv", options, { improved: "boolean", cached: "boolean", addSelfLoops: "boolean", normalize: "boolean", bias: "boolean" });
    this.opts = { improved: false, cached: false, addSelfLoops: true, normalize: true, bias: true, ...options };
    this.lin = new Linear(inChannels, outChannels, { bias: false });
    this.bias = this.opts.bias ? new Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    glorot_(this.lin.weight);
    this.bias?.detach().fill_(0);
    this.cache = null;
  }

  forward(x: Tensor, edgeIndex: Tensor, edgeWeight: Tensor | null = null): Tensor {
    checkEdgeIndexShape(edgeIndex, "GCNConv");
    let ei = edgeIndex;
    let ew = edgeWeight;
    if (this.opts.normalize) {
      if (this.cache) [ei, ew] = this.cache;
      else {
        [ei, ew] = gcnNorm(edgeIndex, edgeWeight, x.shape[0]!, { improved: this.opts.improved, addSelfLoops: this.opts.addSelfLoops, flow: this.flow, dtype: x.dtype });
        if (this.opts.cached) this.cache = [ei, ew];
      }
    }
    const out = this.propagate(ei, { x: this.lin.forward(x), edgeWeight: ew });
    return this.bias ? out.add(this.bias) : out;
  }

  override message({ x_j, edgeWeight }: MessageArgs<{ x: Tensor; edgeWeight: Tensor | null }>): Tensor {
    return edgeWeight === null ? x_j : edgeWeight.view(-1, 1).mul(x_j);
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}`;
  }
}
