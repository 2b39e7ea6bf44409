/**
 * MultiheadAttention with PyTorch's parameters (`in_proj_weight` [3E, E] and `in_proj_bias`, or
 * `q/k/v_proj_weight` when key/value dims differ; `out_proj`), masks and layouts.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { multiHeadAttentionForward } from "../functional/multi-head-attention.js";
import { empty } from "../empty.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { Linear } from "./linear.js";
import { checkOptions, type OptionKind } from "../../base/options.js";

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  /** Learned bias rows appended to the keys and values (bias_k, bias_v). */
  addBiasKv?: boolean;
  /** A row of zeros appended to the keys and values. */
  addZeroAttn?: boolean;
  kdim?: number;
  vdim?: number;
  batchFirst?: boolean;
}

const MHA_OPTIONS: { readonly [K in keyof Required<MultiheadAttentionOptions>]: OptionKind } = {
  dropout: "number", bias: "boolean", addBiasKv: "boolean", addZeroAttn: "boolean", kdim: "integer", vdim: "integer", batchFirst: "boolean",
};

export interface MhaForwardOptions {
  /** [N, S]: true (or −inf) marks keys to ignore, such as padding. */
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  /** [L, S] or [N·heads, L, S]: bool true marks pairs that may NOT attend; float is added. */
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
  /** Without an attnMask, applies a causal mask. */
  isCausal?: boolean;
}


const MHA_FORWARD: { readonly [K in keyof Required<MhaForwardOptions>]: OptionKind } = {
  keyPaddingMask: "tensor", needWeights: "boolean", attnMask: "tensor", averageAttnWeights: "boolean", isCausal: "boolean",
};

export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MhaForwardOptions?], [Tensor, Tensor | null]> {
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;
  readonly out_proj: Linear;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    const { dropout = 0, bias = true, addBiasKv = false, addZeroAttn = false, kdim, vdim, batchFirst = false } = checkOptions("MultiheadAttention", options, MHA_OPTIONS);
    if (embedDim % numHeads !== 0) throw new ValueError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.kdim = kdim ?? embedDim;
    this.vdim = vdim ?? embedDim;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.registerParameter("in_proj_weight", new Parameter(empty([3 * embedDim, embedDim])));
    } else {
      this.registerParameter("q_proj_weight", new Parameter(empty([embedDim, embedDim])));
      this.registerParameter("k_proj_weight", new Parameter(empty([embedDim, this.kdim])));
      this.registerParameter("v_proj_weight", new Parameter(empty([embedDim, this.vdim])));
    }
    if (bias) this.registerParameter("in_proj_bias", new Parameter(empty([3 * embedDim])));
    if (addBiasKv) {
      this.registerParameter("bias_k", new Parameter(empty([1, 1, embedDim])));
      this.registerParameter("bias_v", new Parameter(empty([1, 1, embedDim])));
    }
    this.addZeroAttn = addZeroAttn;
    this.out_proj = new Linear(embedDim, embedDim, { bias });
    this.resetParameters();
  }

  /** xavier_uniform on the projections, zero biases (PyTorch's _reset_parameters). */
  resetParameters(): void {
    for (const name of ["in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"]) {
      const w = this.ownParameter(name);
      if (w) init.xavierUniform_(w);
    }
    const b = this.ownParameter("in_proj_bias");
    if (b) init.zeros_(b);
    if (this.out_proj.bias) init.zeros_(this.out_proj.bias);
    for (const name of ["bias_k", "bias_v"]) {
      const kv = this.ownParameter(name);
      if (kv) init.xavierNormal_(kv);
    }
  }

  forward(query: Tensor, key: Tensor, value: Tensor, opts: MhaForwardOptions = {}): [Tensor, Tensor | null] {
    checkOptions("MultiheadAttention.forward", opts, MHA_FORWARD);
    const { keyPaddingMask = null, needWeights = true, attnMask = null, averageAttnWeights = true, isCausal = false } = opts;
    const unbatched = query.ndim === 2;
    const timeMajor = (t: Tensor) => (this.batchFirst && !unbatched ? t.transpose(0, 1) : t);
    // One view for one tensor, so the projections see self-attention's input as one tensor.
    const views = new Map<Tensor, Tensor>();
    const [q, k, v] = [query, key, value].map((t) => views.get(t) ?? views.set(t, timeMajor(t)).get(t)!) as [Tensor, Tensor, Tensor];
    if (q.shape.at(-1) !== this.embedDim || (q.ndim !== 2 && q.ndim !== 3)) {
      throw new ShapeError(`MultiheadAttention(${this.embedDim}, heads=${this.numHeads}) expected query with ${this.embedDim} features, got shape ${fmtShape(query.shape)}`);
    }
    if (k.shape.at(-1) !== this.kdim || v.shape.at(-1) !== this.vdim || k.shape[0] !== v.shape[0]) {
      throw new ShapeError(`MultiheadAttention: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must have ${this.kdim} and ${this.vdim} features and the same length`);
    }
    const packed = this.ownParameter("in_proj_weight");
    const [output, weights] = multiHeadAttentionForward(
      q, k, v, this.embedDim, this.numHeads, packed, this.ownParameter("in_proj_bias"), this.ownParameter("bias_k"), this.ownParameter("bias_v"), this.addZeroAttn,
      this.dropout, this.out_proj.weight, this.out_proj.bias,
      {
        training: this.training, keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal,
        useSeparateProjWeight: !packed, qProjWeight: this.ownParameter("q_proj_weight"), kProjWeight: this.ownParameter("k_proj_weight"), vProjWeight: this.ownParameter("v_proj_weight"),
      },
    );
    return [this.batchFirst && !unbatched ? output.transpose(0, 1) : output, weights];
  }

  override extraRepr(): string {
    return "";
  }

  override toString(): string {
    return `MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=${this.embedDim}, out_features=${this.embedDim}, bias=${this.out_proj.bias ? "True" : "False"})\n)`;
  }
}
