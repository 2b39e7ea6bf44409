/** Embedding: a lookup table of vectors, with paddingIdx and pre-trained vectors. */
import { checkOptions } from "../../core/options.js";
import { ShapeError, ValueError, fmtShape } from "../../core/errors.js";
import type { Tensor } from "../../core/tensor.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { empty } from "../empty.js";
import { embedding } from "../functional/basic.js";
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
