/**
 * MultiheadAttention with PyTorch's parameters (`in_proj_weight` [3E, E] and `in_proj_bias`, or
 * `q/k/v_proj_weight` when key/value dims differ; `out_proj`), masks and layouts.
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../core/errors.js";
import { isFloating } from "../../core/dtype.js";
import type { Tensor } from "../../core/tensor.js";
import { zeros } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { attentionWeights, lowerTriangle } from "../functional/attention.js";
import { linear } from "../functional/basic.js";
import { empty } from "../empty.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { Linear } from "./linear.js";
import { checkOptions, type OptionKind } from "../../core/options.js";

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  kdim?: number;
  vdim?: number;
  batchFirst?: boolean;
}

const MHA_OPTIONS: { readonly [K in keyof Required<MultiheadAttentionOptions>]: OptionKind } = { dropout: "number", bias: "boolean", kdim: "integer", vdim: "integer", batchFirst: "boolean" };

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

/** Turns a PyTorch-style mask (bool true = blocked, or additive float) into an additive float mask. */
function additive(mask: Tensor, like: Tensor, what: string): Tensor {
  if (mask.dtype === "bool") return where(mask, -Infinity, zeros([], { dtype: like.dtype }));
  if (isFloating(mask.dtype)) return mask.to(like.dtype);
  throw new DTypeError(`MultiheadAttention: ${what} must be bool or float, got ${mask.dtype}`);
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
  readonly out_proj: Linear;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    const { dropout = 0, bias = true, kdim, vdim, batchFirst = false } = checkOptions("MultiheadAttention", options, MHA_OPTIONS);
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
    this.out_proj = new Linear(embedDim, embedDim, { bias });
    this.resetParameters();
  }

  private p(name: string): Parameter | null {
    for (const [n, p] of this.namedParameters("", false)) if (n === name) return p;
    return null;
  }

  /** xavier_uniform on the projections, zero biases (PyTorch's _reset_parameters). */
  resetParameters(): void {
    for (const name of ["in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"]) {
      const w = this.p(name);
      if (w) init.xavierUniform_(w);
    }
    const b = this.p("in_proj_bias");
    if (b) init.zeros_(b);
    if (this.out_proj.bias) init.zeros_(this.out_proj.bias);
  }

  /** Projection weights and biases of q, k and v. */
  private projections(): [Tensor, Tensor | null][] {
    const E = this.embedDim;
    const packed = this.p("in_proj_weight");
    const bias = this.p("in_proj_bias");
    const ws = packed ? packed.chunk(3, 0) : [this.p("q_proj_weight")!, this.p("k_proj_weight")!, this.p("v_proj_weight")!];
    return ws.map((w, i) => [w, bias ? bias.narrow(0, i * E, E) : null]);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, opts: MhaForwardOptions = {}): [Tensor, Tensor | null] {
    checkOptions("MultiheadAttention.forward", opts, MHA_FORWARD);
    const { keyPaddingMask = null, needWeights = true, attnMask = null, averageAttnWeights = true, isCausal = false } = opts;
    const unbatched = query.ndim === 2;
    const toBatchFirst = (t: Tensor) => (unbatched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const [q0, k0, v0] = [toBatchFirst(query), toBatchFirst(key), toBatchFirst(value)]; // [N, L|S, ·]
    if (q0.ndim !== 3 || q0.shape[2] !== this.embedDim) {
      throw new ShapeError(`MultiheadAttention(${this.embedDim}, heads=${this.numHeads}) expected query with ${this.embedDim} features, got shape ${fmtShape(query.shape)}`);
    }
    if (k0.shape[2] !== this.kdim || v0.shape[2] !== this.vdim || k0.shape[1] !== v0.shape[1]) {
      throw new ShapeError(`MultiheadAttention: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must have ${this.kdim} and ${this.vdim} features and the same length`);
    }
    const [N, L] = q0.shape as [number, number];
    const S = k0.shape[1]!;
    const H = this.numHeads;
    const D = this.headDim;
    const [[wq, bq], [wk, bk], [wv, bv]] = this.projections() as [[Tensor, Tensor | null], [Tensor, Tensor | null], [Tensor, Tensor | null]];
    const heads = (t: Tensor, len: number) => t.reshape(N, len, H, D).transpose(1, 2); // [N, H, len, D]
    const q = heads(linear(q0, wq, bq), L);
    const k = heads(linear(k0, wk, bk), S);
    const v = heads(linear(v0, wv, bv), S);

    let mask: Tensor | null = null;
    if (attnMask) {
      const m = additive(attnMask, q, "attnMask");
      if (m.ndim === 2) mask = m; // [L, S]
      else if (m.ndim === 3) mask = m.reshape(N, H, L, S);
      else throw new ShapeError(`MultiheadAttention: attnMask must be [L, S] or [N·heads, L, S], got ${fmtShape(attnMask.shape)}`);
    } else if (isCausal) {
      mask = additive(lowerTriangle(L, S).logicalNot(), q, "attnMask");
    }
    if (keyPaddingMask) {
      const kpm = unbatched ? keyPaddingMask.unsqueeze(0) : keyPaddingMask;
      if (kpm.ndim !== 2 || kpm.shape[0] !== N || kpm.shape[1] !== S) {
        throw new ShapeError(`MultiheadAttention: keyPaddingMask must be [${N}, ${S}], got ${fmtShape(keyPaddingMask.shape)}`);
      }
      const add = additive(kpm, q, "keyPaddingMask").reshape(N, 1, 1, S);
      mask = mask ? mask.add(add) : add;
    }
    const [out, weights] = attentionWeights(q, k, v, { attnMask: mask, dropoutP: this.dropout, training: this.training });
    let attnOutput = this.out_proj.forward(out.transpose(1, 2).reshape(N, L, this.embedDim));
    attnOutput = unbatched ? attnOutput.squeeze(0) : this.batchFirst ? attnOutput : attnOutput.transpose(0, 1);
    if (!needWeights) return [attnOutput, null];
    let w = averageAttnWeights ? weights.mean(1) : weights;
    if (unbatched) w = w.squeeze(0);
    return [attnOutput, w];
  }

  override extraRepr(): string {
    return "";
  }

  override toString(): string {
    return `MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=${this.embedDim}, out_features=${this.embedDim}, bias=${this.out_proj.bias ? "True" : "False"})\n)`;
  }
}
