/**
 * APPNP (Klicpera et al.): K steps of personalised-PageRank propagation, x ← (1 − α)·Âx + α·h,
 * over the GCN-normalised graph; no weights of its own.
 */
import { ValueError } from "../../base/errors.js";
import { checkOptions } from "../../base/options.js";
import type { Tensor } from "../../ops/tensor.js";
import { dropout } from "../../nn/functional/basic.js";
import { checkEdgeIndexShape } from "../utils/edges.js";
import { gcnNorm } from "./gcn-conv.js";
import { MessagePassing, type MessageArgs } from "./message-passing.js";

export interface APPNPOptions {
  /** Dropout on the edge weights at each step (training only). */
  dropout?: number;
  cached?: boolean;
  addSelfLoops?: boolean;
  normalize?: boolean;
}

export class APPNP extends MessagePassing<[x: Tensor, edgeIndex: Tensor, edgeWeight?: Tensor | null]> {
  private readonly o: Required<APPNPOptions>;
  private cache: [Tensor, Tensor] | null = null;

  constructor(readonly K: number, readonly alpha: number, options: APPNPOptions = {}) {
    super({ aggr: "add" });
    checkOptions("APPNP", options, { dropout: "number", cached: "boolean", addSelfLoops: "boolean", normalize: "boolean" });
    if (!Number.isInteger(K) || K < 0) throw new ValueError(`APPNP: K must be a non-negative integer, got ${K}`);
    this.o = { dropout: 0, cached: false, addSelfLoops: true, normalize: true, ...options };
  }

  forward(x: Tensor, edgeIndex: Tensor, edgeWeight: Tensor | null = null): Tensor {
    checkEdgeIndexShape(edgeIndex, "APPNP");
    let ei = edgeIndex;
    let ew = edgeWeight;
    if (this.o.normalize) {
      if (this.cache) [ei, ew] = this.cache;
      else {
        [ei, ew] = gcnNorm(edgeIndex, edgeWeight, x.shape[0]!, { addSelfLoops: this.o.addSelfLoops, flow: this.flow, dtype: x.dtype });
        if (this.o.cached) this.cache = [ei, ew];
      }
    }
    const h = x;
    let out = x;
    for (let k = 0; k < this.K; k++) {
      const w = ew === null || this.o.dropout === 0 ? ew : dropout(ew, this.o.dropout, this.training);
      out = this.propagate(ei, { x: out, edgeWeight: w }).mul(1 - this.alpha).add(h.mul(this.alpha));
    }
    return out;
  }

  override message({ x_j, edgeWeight }: MessageArgs<{ x: Tensor; edgeWeight: Tensor | null }>): Tensor {
    return edgeWeight === null ? x_j : edgeWeight.view(-1, 1).mul(x_j);
  }

  override extraRepr(): string {
    return `K=${this.K}, alpha=${this.alpha}`;
  }
}
