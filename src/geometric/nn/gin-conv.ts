/**
 * GINConv (Xu et al.): x'_i = h((1 + ε)·x_i + Σ_{j→i} x_j), h a user network; GINEConv adds edge
 * features inside the sum, Σ ReLU(x_j + e_ji).
 */
import { ValueError } from "../../base/errors.js";
import { checkOptions } from "../../base/options.js";
import { Tensor } from "../../ops/tensor.js";
import { full } from "../../ops/creation.js";
import { Linear } from "../../nn/layers/linear.js";
import { Module } from "../../nn/module.js";
import { Parameter } from "../../nn/parameter.js";
import { checkEdgeIndexShape } from "../utils/edges.js";
import { MessagePassing, type MessageArgs } from "./message-passing.js";

export interface GINConvOptions {
  eps?: number;
  /** Learn ε (a parameter) instead of keeping it fixed (a buffer). */
  trainEps?: boolean;
}

type Net = Module<[Tensor], Tensor>;
type GinInput = [x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor];

/** ε registered under PyG's name: a parameter when trained, a buffer otherwise. */
function registerEps(m: Module, eps: number, train: boolean): Tensor {
  const t = full([1], eps);
  return train ? m.registerParameter("eps", new Parameter(t)) : m.registerBuffer("eps", t);
}

export class GINConv extends MessagePassing<GinInput> {
  readonly eps: Tensor;

  constructor(readonly nn: Net, options: GINConvOptions = {}) {
    super({ aggr: "add" });
    checkOptions("GINConv", options, { eps: "number", trainEps: "boolean" });
    this.registerModule("nn", nn);
    this.eps = registerEps(this, options.eps ?? 0, options.trainEps ?? false);
  }

  forward(x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor): Tensor {
    checkEdgeIndexShape(edgeIndex, "GINConv");
    const [src, dst] = x instanceof Tensor ? [x, x] : x;
    let out = this.propagate(edgeIndex, { x: [src, dst] as [Tensor, Tensor | null] });
    if (dst) out = out.add(dst.mul(this.currentEps().add(1)));
    return this.nn.forward(out);
  }

  private currentEps(): Tensor {
    return this.getBuffer("eps") ?? this.eps;
  }
}

export interface GINEConvOptions extends GINConvOptions {
  /** Edge feature size when it differs from the node feature size (a Linear maps it). */
  edgeDim?: number | null;
}

export class GINEConv extends MessagePassing<[x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor, edgeAttr: Tensor]> {
  readonly eps: Tensor;
  readonly lin: Linear | null = null;

  constructor(readonly nn: Net, options: GINEConvOptions = {}) {
    super({ aggr: "add" });
    checkOptions("GINEConv", options, { eps: "number", trainEps: "boolean", edgeDim: "any" });
    this.registerModule("nn", nn);
    this.eps = registerEps(this, options.eps ?? 0, options.trainEps ?? false);
    if (options.edgeDim !== undefined && options.edgeDim !== null) {
      const first = [...nn.modules()].find((m): m is Linear => m instanceof Linear);
      if (!first) throw new ValueError("GINEConv: edgeDim needs nn to contain a Linear layer (its input size is the node feature size)");
      this.lin = this.registerModule("lin", new Linear(options.edgeDim, first.inFeatures));
    }
  }

  forward(x: Tensor | [Tensor, Tensor | null], edgeIndex: Tensor, edgeAttr: Tensor): Tensor {
    checkEdgeIndexShape(edgeIndex, "GINEConv");
    const [src, dst] = x instanceof Tensor ? [x, x] : x;
    let out = this.propagate(edgeIndex, { x: [src, dst] as [Tensor, Tensor | null], edgeAttr });
    if (dst) out = out.add(dst.mul((this.getBuffer("eps") ?? this.eps).add(1)));
    return this.nn.forward(out);
  }

  override message({ x_j, edgeAttr }: MessageArgs<{ x: [Tensor, Tensor | null]; edgeAttr: Tensor }>): Tensor {
    const e = this.lin ? this.lin.forward(edgeAttr) : edgeAttr;
    if (e.shape[e.ndim - 1] !== x_j.shape[x_j.ndim - 1]) {
      throw new ValueError(`GINEConv: node and edge feature sizes differ (${x_j.shape[x_j.ndim - 1]} vs ${e.shape[e.ndim - 1]}); set edgeDim`);
    }
    return x_j.add(e).relu();
  }
}
