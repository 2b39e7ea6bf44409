/** Keras' MultiHeadAttention layer (PyTorch's attention maths, Keras' projections and initialisers). */
import type { OptionSpec } from "../../base/options.js";
import { ShapeError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../../nn/module.js";
import { Linear } from "../../nn/layers/linear.js";
import { ModuleDict } from "../../nn/layers/container.js";
import * as init from "../../nn/init.js";
import { scaledDotProductAttention } from "../../nn/functional/attention.js";
import { MergeLayer, type LayerOptions, type Shape } from "../layer.js";

export interface MultiHeadAttentionOptions extends LayerOptions {
  valueDim?: number;
  dropout?: number;
  useBias?: boolean;
}

/**
 * Keras' MultiHeadAttention: called on [query, value] or [query, value, key] of shape [N, T, E];
 * per-head projections of keyDim (and valueDim), then an output projection back to the query's
 * feature size. Returns the attention output only.
 */
export class MultiHeadAttention extends MergeLayer {
  static override readonly options: OptionSpec = { valueDim: "integer", dropout: "number", useBias: "boolean" };
  constructor(readonly numHeads: number, readonly keyDim: number, readonly opts: MultiHeadAttentionOptions = {}) {
    super(opts);
  }
  protected buildMulti(shapes: Shape[]): Module {
    const [q, v, k = v] = shapes as [Shape, Shape, Shape?];
    const dim = (s: Shape, what: string) => {
      const d = s[s.length - 1];
      if (typeof d !== "number") throw new ShapeError(`MultiHeadAttention: the ${what}'s feature size must be known`);
      return d;
    };
    const H = this.numHeads;
    const bias = { bias: this.opts.useBias ?? true };
    const vd = this.opts.valueDim ?? this.keyDim;
    const m = new ModuleDict({
      query: new Linear(dim(q, "query"), H * this.keyDim, bias),
      key: new Linear(dim(k!, "key"), H * this.keyDim, bias),
      value: new Linear(dim(v, "value"), H * vd, bias),
      output: new Linear(H * vd, dim(q, "query"), bias),
    });
    for (const [, lin] of m) {
      init.xavierUniform_((lin as Linear).weight);
      if ((lin as Linear).bias) init.zeros_((lin as Linear).bias!);
    }
    return m;
  }
  computeOutputShapeMulti(shapes: Shape[]): Shape {
    return shapes[0]!;
  }
  protected callMulti(xs: readonly Tensor[], training: boolean): Tensor {
    const [query, value, key = value] = xs as [Tensor, Tensor, Tensor?];
    const m = this.module as ModuleDict<Linear>;
    const H = this.numHeads;
    const heads = (t: Tensor) => t.reshape(t.shape[0]!, t.shape[1]!, H, -1).transpose(1, 2); // [N, H, T, d]
    const q = heads(m.get("query")!.forward(query));
    const k = heads(m.get("key")!.forward(key!));
    const v = heads(m.get("value")!.forward(value!));
    const out = scaledDotProductAttention(q, k, v, { dropoutP: this.opts.dropout ?? 0, training }); // fused where the backend has it
    return m.get("output")!.forward(out.transpose(1, 2).reshape(query.shape[0]!, query.shape[1]!, -1));
  }
  getConfig() {
    return { numHeads: this.numHeads, keyDim: this.keyDim, ...this.opts, name: this.name };
  }
}
