/**
 * The encoder–decoder Transformer for sequence to sequence, as PyTorch's "Language translation with
 * nn.Transformer" tutorial builds it: token embeddings scaled by √d, sinusoidal positions,
 * nn.Transformer with padding masks on both sides and a causal mask on the target, and a linear
 * generator over the target vocabulary. Decoding (beam-search.ts) feeds the whole prefix each step.
 */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { zeros } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { Module } from "../nn/module.js";
import { Embedding } from "../nn/layers/embedding.js";
import { Linear } from "../nn/layers/linear.js";
import { SinusoidalPositionalEncoding } from "../nn/layers/positional.js";
import { Transformer } from "../nn/layers/transformer.js";
import type { StepDecoder } from "./beam-search.js";

export interface Seq2SeqTransformerConfig {
  srcVocabSize: number;
  tgtVocabSize: number;
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  dimFeedforward?: number;
  dropout?: number;
  /** Positions the model can read (source and target each). */
  maxLen?: number;
  padIdx?: number;
}

export interface TransformerEncoded {
  /** [B, S, d] */
  memory: Tensor;
  /** [B, S] bool, true at padding. */
  pad: Tensor;
}

export class Seq2SeqTransformer extends Module<[Tensor, Tensor], Tensor> implements StepDecoder<TransformerEncoded, Tensor> {
  readonly config: Required<Seq2SeqTransformerConfig>;
  readonly src_tok_emb: Embedding;
  readonly tgt_tok_emb: Embedding;
  readonly positional_encoding: SinusoidalPositionalEncoding;
  readonly transformer: Transformer;
  readonly generator: Linear;

  constructor(config: Seq2SeqTransformerConfig) {
    super();
    const c = (this.config = { dModel: 128, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 512, dropout: 0.1, maxLen: 512, padIdx: 0, ...config });
    for (const key of ["srcVocabSize", "tgtVocabSize", "dModel", "nhead"] as const) {
      if (!(Number.isInteger(c[key]) && c[key] >= 1)) throw new ValueError(`Seq2SeqTransformer: ${key} must be a positive integer, got ${c[key]}`);
    }
    this.src_tok_emb = new Embedding(c.srcVocabSize, c.dModel);
    this.tgt_tok_emb = new Embedding(c.tgtVocabSize, c.dModel);
    this.positional_encoding = new SinusoidalPositionalEncoding(c.dModel, { maxLen: c.maxLen, dropout: c.dropout, batchFirst: true });
    this.transformer = new Transformer({ dModel: c.dModel, nhead: c.nhead, numEncoderLayers: c.numEncoderLayers, numDecoderLayers: c.numDecoderLayers, dimFeedforward: c.dimFeedforward, dropout: c.dropout, batchFirst: true });
    this.generator = new Linear(c.dModel, c.tgtVocabSize);
  }

  private embed(table: Embedding, ids: Tensor): Tensor {
    return this.positional_encoding.forward(table.forward(ids).mul(Math.sqrt(this.config.dModel)));
  }

  encode(src: Tensor): TransformerEncoded {
    if (src.ndim !== 2) throw new ShapeError(`Seq2SeqTransformer: src must be [B, S] token ids, got ${fmtShape(src.shape)}`);
    const pad = src.eq(this.config.padIdx);
    return { memory: this.transformer.encoder.forward(this.embed(this.src_tok_emb, src), { srcKeyPaddingMask: pad }), pad };
  }

  /** The decoder over a target prefix tgt [B, T] → hidden states [B, T, d] (position t sees 0…t). */
  decode(tgt: Tensor, enc: TransformerEncoded): Tensor {
    const T = tgt.shape[1]!;
    return this.transformer.decoder.forward(this.embed(this.tgt_tok_emb, tgt), enc.memory, {
      tgtMask: Transformer.generateSquareSubsequentMask(T, { device: tgt.backend }),
      tgtKeyPaddingMask: tgt.eq(this.config.padIdx),
      memoryKeyPaddingMask: enc.pad,
    });
  }

  /** Teacher forcing: src [B, S] and tgtIn [B, T] (starting with BOS) → logits [B, T, V]. */
  forward(src: Tensor, tgtIn: Tensor): Tensor {
    if (tgtIn.ndim !== 2 || tgtIn.shape[0] !== src.shape[0]) throw new ShapeError(`Seq2SeqTransformer: tgtIn must be [B, T] with B = ${src.shape[0]}, got ${fmtShape(tgtIn.shape)}`);
    return this.generator.forward(this.decode(tgtIn, this.encode(src)));
  }

  // ---- StepDecoder: the state is the prefix of tokens fed so far, [B, t] ----

  begin(src: Tensor): { enc: TransformerEncoded; state: Tensor } {
    return { enc: this.encode(src), state: zeros([src.shape[0]!, 0], { dtype: "int32" }) };
  }

  step(prev: Tensor, prefix: Tensor, enc: TransformerEncoded): { logits: Tensor; state: Tensor; weights: null } {
    const tokens = cat([prefix, prev.reshape(-1, 1)], 1);
    const hidden = this.decode(tokens, enc);
    return { logits: this.generator.forward(hidden.select(1, tokens.shape[1]! - 1)), state: tokens, weights: null };
  }

  selectRows(prefix: Tensor, rows: Tensor): Tensor {
    return prefix.indexSelect(0, rows);
  }

  repeat(enc: TransformerEncoded, k: number): TransformerEncoded {
    return { memory: enc.memory.expand(k, -1, -1), pad: enc.pad.expand(k, -1) };
  }
}
