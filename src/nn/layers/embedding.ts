/** Embedding: a lookup table of vectors, with paddingIdx and pre-trained vectors; EmbeddingBag: bags of ids reduced to one vector. */
import { checkOptions } from "../../base/options.js";
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { noGrad } from "../../ops/grad-mode.js";
import { empty } from "../empty.js";
import { embedding } from "../functional/basic.js";
import { embeddingBag, type BagMode } from "../functional/embedding-bag.js";
import * as init from "../init.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

export interface EmbeddingOptions {
  paddingIdx?: number | null;
}

export class Embedding extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    const { paddingIdx = null } = checkOptions("Embedding", options, { paddingIdx: "integer" });
    super();
    if (paddingIdx !== null && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) {
      throw new ValueError(`Embedding: paddingIdx ${paddingIdx} must be within num_embeddings (${numEmbeddings})`);
    }
    this.paddingIdx = paddingIdx !== null && paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /** N(0, 1), with the padding row zeroed (PyTorch's default). */
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).zero_());
  }

  /** A layer holding the given [num, dim] vectors; frozen (no gradient) unless freeze is false. */
  static fromPretrained(embeddings: Tensor, { freeze = true, paddingIdx = null }: { freeze?: boolean } & EmbeddingOptions = {}): Embedding {
    if (embeddings.ndim !== 2) throw new ShapeError(`Embedding.fromPretrained: embeddings must be 2-D [num, dim], got ${fmtShape(embeddings.shape)}`);
    const layer = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, { paddingIdx });
    noGrad(() => layer.weight.copy_(embeddings));
    layer.weight.requiresGrad = !freeze;
    return layer;
  }

  forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight, this.paddingIdx);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ""}`;
  }
}

export interface EmbeddingBagLayerOptions {
  mode?: BagMode;
  paddingIdx?: number | null;
  includeLastOffset?: boolean;
}

/** forward(input, offsets?, perSampleWeights?): [bags, embeddingDim], each bag's rows summed, averaged (the default) or maxed. */
export class EmbeddingBag extends Module<[Tensor, (Tensor | null)?, (Tensor | null)?], Tensor> {
  readonly weight: Parameter;
  readonly mode: BagMode;
  readonly paddingIdx: number | null;
  readonly includeLastOffset: boolean;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: EmbeddingBagLayerOptions = {}) {
    const opts = checkOptions("EmbeddingBag", options, { mode: ["sum", "mean", "max"], paddingIdx: "integer", includeLastOffset: "boolean" });
    super();
    this.mode = opts.mode ?? "mean";
    const p = opts.paddingIdx ?? null;
    if (p !== null && (p >= numEmbeddings || p < -numEmbeddings)) throw new ValueError(`EmbeddingBag: paddingIdx ${p} must be within num_embeddings (${numEmbeddings})`);
    this.paddingIdx = p !== null && p < 0 ? p + numEmbeddings : p;
    this.includeLastOffset = opts.includeLastOffset ?? false;
    this.weight = new Parameter(empty([numEmbeddings, embeddingDim]));
    init.normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).zero_());
  }

  forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return embeddingBag(input, this.weight, { offsets, perSampleWeights, mode: this.mode, paddingIdx: this.paddingIdx, includeLastOffset: this.includeLastOffset });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode='${this.mode}'${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ""}`;
  }
}
