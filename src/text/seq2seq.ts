/**
 * An encoder–decoder of recurrent networks with attention, as PyTorch's "translation with a
 * sequence to sequence network and attention" tutorial builds it: an embedding and a GRU (or LSTM)
 * read the source; a decoder cell writes the target one token at a time from the previous token,
 * its state and a context vector — the encoder's outputs weighted by attention:
 *   - Bahdanau (additive): score = vᵀ tanh(W·s + U·h) with the decoder's previous state s, and the
 *     context fed into the cell beside the token;
 *   - Luong (multiplicative, "dot" or "general"): score = hᵀ·s or hᵀ·W·s with the decoder's new
 *     state, then an attentional state tanh(W_c[context; s]) that predicts the token and is fed to
 *     the next step ("input feeding");
 *   - none: the encoder's last state only (Sutskever et al.).
 * Training uses teacher forcing (forward); decoding is greedy or beam search (beam-search.ts).
 */
import { ValueError, ShapeError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { zeros } from "../ops/creation.js";
import { cat, stack } from "../ops/movement.js";
import { where } from "../ops/elementwise.js";
import { Module } from "../nn/module.js";
import { Dropout } from "../nn/layers/dropout.js";
import { Embedding } from "../nn/layers/embedding.js";
import { Linear } from "../nn/layers/linear.js";
import { GRU, LSTM } from "../nn/layers/rnn.js";
import { GRUCell, LSTMCell } from "../nn/layers/rnn-cells.js";
import type { StepDecoder } from "./beam-search.js";

export type AttentionKind = "bahdanau" | "luong-dot" | "luong-general" | "none";

/** Additive attention: scores vᵀ tanh(W·query + U·keys) over the source positions. */
export class BahdanauAttention extends Module<[Tensor, Tensor, Tensor | null], [Tensor, Tensor]> {
  readonly Wa: Linear;
  readonly Ua: Linear;
  readonly Va: Linear;

  constructor(hiddenSize: number) {
    super();
    this.Wa = new Linear(hiddenSize, hiddenSize);
    this.Ua = new Linear(hiddenSize, hiddenSize);
    this.Va = new Linear(hiddenSize, 1);
  }

  /** query [B, H], keys [B, S, H], pad [B, S] (true where there is no token) → [context [B, H], weights [B, S]]. */
  forward(query: Tensor, keys: Tensor, pad: Tensor | null = null): [Tensor, Tensor] {
    const scores = this.Va.forward(this.Wa.forward(query).unsqueeze(1).add(this.Ua.forward(keys)).tanh()).squeeze(2); // (B, S)
    return attend(scores, keys, pad);
  }
}

/** Multiplicative attention: scores keys·query ("dot") or keys·W·query ("general"). */
export class LuongAttention extends Module<[Tensor, Tensor, Tensor | null], [Tensor, Tensor]> {
  readonly Wa: Linear | null;

  constructor(hiddenSize: number, readonly method: "dot" | "general" = "general") {
    super();
    this.Wa = method === "general" ? new Linear(hiddenSize, hiddenSize, { bias: false }) : null;
  }

  forward(query: Tensor, keys: Tensor, pad: Tensor | null = null): [Tensor, Tensor] {
    const q = this.Wa ? this.Wa.forward(query) : query;
    const scores = keys.matmul(q.unsqueeze(2)).squeeze(2); // (B, S)
    return attend(scores, keys, pad);
  }
}

/** softmax over the source positions (padding excluded), and the weighted sum of the keys. */
function attend(scores: Tensor, keys: Tensor, pad: Tensor | null): [Tensor, Tensor] {
  const weights = (pad ? where(pad, -Infinity, scores) : scores).softmax(-1);
  return [weights.unsqueeze(1).matmul(keys).squeeze(1), weights];
}

export interface Seq2SeqConfig {
  srcVocabSize: number;
  tgtVocabSize: number;
  hiddenSize: number;
  /** Embedding width (default hiddenSize). */
  embedDim?: number;
  cell?: "gru" | "lstm";
  attention?: AttentionKind;
  dropout?: number;
  /** The padding token of both vocabularies: masked out of attention (default 0). */
  padIdx?: number;
}

/** The decoder's recurrent state: h (and c for an LSTM), plus Luong's attentional state for input feeding. */
export interface DecoderState {
  h: Tensor;
  c: Tensor | null;
  feed: Tensor | null;
}

export interface Encoded {
  /** [B, S, H] */
  outputs: Tensor;
  /** [B, S] bool, true at padding. */
  pad: Tensor;
  state: DecoderState;
}

export interface StepResult {
  /** [B, V] */
  logits: Tensor;
  state: DecoderState;
  /** [B, S], or null without attention. */
  weights: Tensor | null;
}

export class Seq2SeqRNN extends Module<[Tensor, Tensor], Tensor> implements StepDecoder<Encoded, DecoderState> {
  readonly config: Required<Seq2SeqConfig>;
  readonly src_embedding: Embedding;
  readonly encoder: GRU | LSTM;
  readonly tgt_embedding: Embedding;
  readonly decoder: GRUCell | LSTMCell;
  readonly attention: BahdanauAttention | LuongAttention | null;
  /** Luong's W_c: [context; state] → the attentional state. */
  readonly combine: Linear | null;
  readonly out: Linear;
  readonly dropout: Dropout;

  constructor(config: Seq2SeqConfig) {
    super();
    const c = (this.config = { embedDim: config.hiddenSize, cell: "gru" as const, attention: "bahdanau" as const, dropout: 0, padIdx: 0, ...config });
    for (const key of ["srcVocabSize", "tgtVocabSize", "hiddenSize", "embedDim"] as const) {
      if (!(Number.isInteger(c[key]) && c[key] >= 1)) throw new ValueError(`Seq2SeqRNN: ${key} must be a positive integer, got ${c[key]}`);
    }
    const [H, E] = [c.hiddenSize, c.embedDim];
    this.src_embedding = new Embedding(c.srcVocabSize, E, { paddingIdx: c.padIdx });
    this.encoder = c.cell === "lstm" ? new LSTM(E, H, { batchFirst: true }) : new GRU(E, H, { batchFirst: true });
    this.tgt_embedding = new Embedding(c.tgtVocabSize, E, { paddingIdx: c.padIdx });
    const luong = c.attention === "luong-dot" || c.attention === "luong-general";
    // Bahdanau feeds the context beside the token; Luong feeds the previous attentional state.
    const input = c.attention === "none" ? E : E + H;
    this.decoder = c.cell === "lstm" ? new LSTMCell(input, H) : new GRUCell(input, H);
    this.attention = c.attention === "bahdanau" ? new BahdanauAttention(H) : luong ? new LuongAttention(H, c.attention === "luong-dot" ? "dot" : "general") : null;
    this.combine = luong ? new Linear(2 * H, H, { bias: false }) : null;
    this.out = new Linear(c.attention === "bahdanau" ? 2 * H : H, c.tgtVocabSize);
    this.dropout = new Dropout(c.dropout);
  }

  /** src [B, S] token ids → the encoder's outputs, the padding mask and the decoder's first state. */
  encode(src: Tensor): Encoded {
    if (src.ndim !== 2) throw new ShapeError(`Seq2SeqRNN: src must be [B, S] token ids, got ${fmtShape(src.shape)}`);
    const pad = src.eq(this.config.padIdx);
    const [outputs, last] = this.encoder.forward(this.dropout.forward(this.src_embedding.forward(src))) as [Tensor, Tensor | [Tensor, Tensor]];
    const [h, c] = Array.isArray(last) ? [last[0].squeeze(0), last[1].squeeze(0)] : [last.squeeze(0), null];
    const feed = this.combine ? zeros([src.shape[0]!, this.config.hiddenSize]) : null;
    return { outputs, pad, state: { h, c, feed } };
  }

  begin(src: Tensor): { enc: Encoded; state: DecoderState } {
    const enc = this.encode(src);
    return { enc, state: enc.state };
  }

  selectRows(state: DecoderState, rows: Tensor): DecoderState {
    return { h: state.h.indexSelect(0, rows), c: state.c?.indexSelect(0, rows) ?? null, feed: state.feed?.indexSelect(0, rows) ?? null };
  }

  repeat(enc: Encoded, k: number): Encoded {
    return { outputs: enc.outputs.expand(k, -1, -1), pad: enc.pad.expand(k, -1), state: enc.state };
  }

  /** One decoder step from the previous tokens prev [B]. */
  step(prev: Tensor, state: DecoderState, enc: Encoded): StepResult {
    const emb = this.dropout.forward(this.tgt_embedding.forward(prev)); // (B, E)
    const kind = this.config.attention;
    const cellStep = (x: Tensor): [Tensor, Tensor | null] => {
      if (this.decoder instanceof LSTMCell) {
        const [h, c] = this.decoder.forward(x, [state.h, state.c!]);
        return [h, c];
      }
      return [this.decoder.forward(x, state.h), null];
    };
    if (kind === "none") {
      const [h, c] = cellStep(emb);
      return { logits: this.out.forward(this.dropout.forward(h)), state: { h, c, feed: null }, weights: null };
    }
    if (kind === "bahdanau") {
      const [context, weights] = this.attention!.forward(state.h, enc.outputs, enc.pad);
      const [h, c] = cellStep(cat([emb, context], 1));
      return { logits: this.out.forward(this.dropout.forward(cat([h, context], 1))), state: { h, c, feed: null }, weights };
    }
    const [h, c] = cellStep(cat([emb, state.feed!], 1));
    const [context, weights] = this.attention!.forward(h, enc.outputs, enc.pad);
    const feed = this.combine!.forward(cat([context, h], 1)).tanh();
    return { logits: this.out.forward(this.dropout.forward(feed)), state: { h, c, feed }, weights };
  }

  /** Teacher forcing: src [B, S] and the target's inputs tgtIn [B, T] (it starts with BOS) → logits [B, T, V]. */
  forward(src: Tensor, tgtIn: Tensor): Tensor {
    if (tgtIn.ndim !== 2 || tgtIn.shape[0] !== src.shape[0]) throw new ShapeError(`Seq2SeqRNN: tgtIn must be [B, T] with B = ${src.shape[0]}, got ${fmtShape(tgtIn.shape)}`);
    const enc = this.encode(src);
    let state = enc.state;
    const logits: Tensor[] = [];
    for (let t = 0; t < tgtIn.shape[1]!; t++) {
      const r = this.step(tgtIn.select(1, t), state, enc);
      logits.push(r.logits);
      state = r.state;
    }
    return stack(logits, 1);
  }
}
