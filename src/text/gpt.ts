/**
 * GPT, nanoGPT's: token + learned position embeddings, pre-norm blocks of causal self-attention and
 * a GELU MLP, a final LayerNorm, and an output layer tied to the token embedding. Parameter names
 * are nanoGPT's (`transformer.h.0.attn.c_attn.weight`), which are also Hugging Face's GPT-2 names
 * (its Conv1D weights transposed; see gpt2-weights.ts).
 *
 * A KVCache lets generation feed one new position at a time: each layer keeps the keys and values
 * of the positions seen so far, so a new token costs one position's work (generate.ts).
 */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { arange } from "../ops/creation.js";
import { Module } from "../nn/module.js";
import { Dropout } from "../nn/layers/dropout.js";
import { Embedding } from "../nn/layers/embedding.js";
import { Linear } from "../nn/layers/linear.js";
import { LayerNorm } from "../nn/layers/norm.js";
import { ModuleDict, ModuleList } from "../nn/layers/container.js";
import { scaledDotProductAttention } from "../nn/functional/attention.js";
import { crossEntropy } from "../nn/losses.js";
import { gelu } from "../ops/composite/activations.js";
import * as init from "../nn/init.js";
import { noGrad } from "../ops/grad-mode.js";
import { tensor } from "../ops/creation.js";
import { KVCache } from "./kv-cache.js";
import { streamTokens, type GenerateOptions } from "./generate.js";

export interface GPTConfig {
  vocabSize: number;
  /** The longest context (position embeddings). */
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  dropout?: number;
  /** Biases in the Linear layers and LayerNorms (GPT-2: true; nanoGPT's default: false). */
  bias?: boolean;
  /** "none": exact GELU (nanoGPT); "tanh": GPT-2's gelu_new (Hugging Face checkpoints). */
  geluApproximate?: "none" | "tanh";
  layerNormEps?: number;
}

export type ResolvedGPTConfig = Required<GPTConfig>;

export function resolveConfig(c: GPTConfig): ResolvedGPTConfig {
  const full = { dropout: 0, bias: true, geluApproximate: "none" as const, layerNormEps: 1e-5, ...c };
  for (const key of ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd"] as const) {
    if (!Number.isInteger(full[key]) || full[key] < 1) throw new ValueError(`GPT: ${key} must be a positive integer, got ${full[key]}`);
  }
  if (full.nEmbd % full.nHead !== 0) throw new ValueError(`GPT: nEmbd (${full.nEmbd}) must be a multiple of nHead (${full.nHead})`);
  if (!(full.dropout >= 0 && full.dropout < 1)) throw new ValueError(`GPT: dropout must be in [0, 1), got ${full.dropout}`);
  return full;
}

export class CausalSelfAttention extends Module<[Tensor, KVCache | null, number], Tensor> {
  readonly c_attn: Linear;
  readonly c_proj: Linear;
  readonly attn_dropout: Dropout;
  readonly resid_dropout: Dropout;
  readonly nHead: number;
  readonly dropout: number;

  constructor(c: ResolvedGPTConfig) {
    super();
    this.c_attn = new Linear(c.nEmbd, 3 * c.nEmbd, { bias: c.bias });
    this.c_proj = new Linear(c.nEmbd, c.nEmbd, { bias: c.bias });
    this.attn_dropout = new Dropout(c.dropout);
    this.resid_dropout = new Dropout(c.dropout);
    this.nHead = c.nHead;
    this.dropout = c.dropout;
  }

  /** x [B, T, C]; with a cache, the T positions follow its `length` earlier ones. */
  forward(x: Tensor, cache: KVCache | null = null, layer = 0): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const hs = C / this.nHead;
    const [q, k, v] = this.c_attn.forward(x).split(C, 2).map((t) => t.view(B, T, this.nHead, hs).transpose(1, 2)) as [Tensor, Tensor, Tensor]; // (B, nh, T, hs)
    const past = cache ? cache.length : 0;
    const [K, V] = cache ? cache.extend(layer, k, v) : [k, v];
    const dropoutP = this.training ? this.dropout : 0;
    let y: Tensor;
    if (past === 0) y = scaledDotProductAttention(q, K, V, { isCausal: true, dropoutP, training: this.training });
    else if (T === 1) y = scaledDotProductAttention(q, K, V, { dropoutP, training: this.training }); // the new position sees everything
    else {
      // Query i is position past + i: it sees keys 0 … past + i (the causal mask, bottom-right aligned).
      const mask = arange(past + T, undefined, 1, { dtype: "int32" }).unsqueeze(0).le(arange(past, past + T, 1, { dtype: "int32" }).unsqueeze(1));
      y = scaledDotProductAttention(q, K, V, { attnMask: mask, dropoutP, training: this.training });
    }
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble the heads side by side
    return this.resid_dropout.forward(this.c_proj.forward(y));
  }
}

export class MLP extends Module<[Tensor], Tensor> {
  readonly c_fc: Linear;
  readonly c_proj: Linear;
  readonly dropout: Dropout;
  readonly approximate: "none" | "tanh";

  constructor(c: ResolvedGPTConfig) {
    super();
    this.c_fc = new Linear(c.nEmbd, 4 * c.nEmbd, { bias: c.bias });
    this.c_proj = new Linear(4 * c.nEmbd, c.nEmbd, { bias: c.bias });
    this.dropout = new Dropout(c.dropout);
    this.approximate = c.geluApproximate;
  }

  forward(x: Tensor): Tensor {
    return this.dropout.forward(this.c_proj.forward(gelu(this.c_fc.forward(x), this.approximate)));
  }
}

export class Block extends Module<[Tensor, KVCache | null, number], Tensor> {
  readonly ln_1: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ln_2: LayerNorm;
  readonly mlp: MLP;

  constructor(c: ResolvedGPTConfig) {
    super();
    this.ln_1 = new LayerNorm(c.nEmbd, { bias: c.bias, eps: c.layerNormEps });
    this.attn = new CausalSelfAttention(c);
    this.ln_2 = new LayerNorm(c.nEmbd, { bias: c.bias, eps: c.layerNormEps });
    this.mlp = new MLP(c);
  }

  forward(x: Tensor, cache: KVCache | null = null, layer = 0): Tensor {
    x = x.add(this.attn.forward(this.ln_1.forward(x), cache, layer));
    return x.add(this.mlp.forward(this.ln_2.forward(x)));
  }
}

export interface GPTForwardOptions {
  /** Next-token ids [B, T]: the output then has the mean cross-entropy (ids of -1 are ignored, as nanoGPT). */
  targets?: Tensor | null;
  /** Continue from the positions in the cache, and add these to it. */
  cache?: KVCache | null;
  /** Logits for the last position only (generation: the output layer is the largest matmul). */
  lastOnly?: boolean;
}

export interface GPTOutput {
  /** [B, T, vocabSize], or [B, 1, vocabSize] with lastOnly. */
  logits: Tensor;
  loss: Tensor | null;
}

interface Transformer {
  wte: Embedding;
  wpe: Embedding;
  drop: Dropout;
  h: ModuleList<Block>;
  ln_f: LayerNorm;
}

export class GPT extends Module<[Tensor, GPTForwardOptions?], GPTOutput> {
  readonly config: ResolvedGPTConfig;
  readonly transformer: ModuleDict & Transformer;
  readonly lm_head: Linear;

  constructor(config: GPTConfig) {
    super();
    const c = (this.config = resolveConfig(config));
    const parts: Transformer = {
      wte: new Embedding(c.vocabSize, c.nEmbd),
      wpe: new Embedding(c.blockSize, c.nEmbd),
      drop: new Dropout(c.dropout),
      h: new ModuleList(Array.from({ length: c.nLayer }, () => new Block(c))),
      ln_f: new LayerNorm(c.nEmbd, { bias: c.bias, eps: c.layerNormEps }),
    };
    this.transformer = Object.assign(new ModuleDict(parts as unknown as Record<string, Module>), parts);
    this.lm_head = new Linear(c.nEmbd, c.vocabSize, { bias: false });
    // Weight tying: the output layer reads the token embedding (both names stay in the state dict, as in nanoGPT).
    (this.lm_head as { weight: Linear["weight"] }).weight = parts.wte.weight;
    this.resetParameters();
  }

  /**
   * nanoGPT's initialisation: N(0, 0.02) for Linear and Embedding weights, zero biases, and the
   * residual projections (`c_proj`) at 0.02/√(2·nLayer), since each block adds two of them.
   */
  resetParameters(): void {
    noGrad(() => {
      for (const [name, m] of this.namedModules()) {
        if (m instanceof Linear) {
          init.normal_(m.weight, 0, name.endsWith("c_proj") ? 0.02 / Math.sqrt(2 * this.config.nLayer) : 0.02);
          if (m.bias) m.bias.zero_();
        } else if (m instanceof Embedding && m !== this.transformer.wte) init.normal_(m.weight, 0, 0.02);
      }
    });
  }

  /** Parameters, optionally without the position embedding (nanoGPT's get_num_params). */
  numParams(nonEmbedding = true): number {
    const total = this.parameters().reduce((s, p) => s + p.numel(), 0);
    return nonEmbedding ? total - this.transformer.wpe.weight.numel() : total;
  }

  /** idx [B, T] int32 token ids. */
  forward(idx: Tensor, { targets = null, cache = null, lastOnly = false }: GPTForwardOptions = {}): GPTOutput {
    if (idx.ndim !== 2) throw new ShapeError(`GPT: idx must be [B, T] token ids, got shape ${fmtShape(idx.shape)}`);
    const T = idx.shape[1]!;
    const past = cache ? cache.length : 0;
    if (past + T > this.config.blockSize) {
      throw new ShapeError(`GPT: cannot forward ${past ? `${T} positions after ${past} cached ones` : `a sequence of length ${T}`}; the block size is only ${this.config.blockSize}`);
    }
    const pos = arange(past, past + T, 1, { dtype: "int32" });
    const { wte, wpe, drop, h, ln_f } = this.transformer;
    let x = drop.forward(wte.forward(idx).add(wpe.forward(pos))); // (B, T, C)
    [...h].forEach((block, i) => (x = block.forward(x, cache, i)));
    if (cache) cache.length += T;
    x = ln_f.forward(x);
    if (lastOnly) x = x.narrow(1, T - 1, 1);
    const logits = this.lm_head.forward(x);
    let loss: Tensor | null = null;
    if (targets) {
      if (lastOnly) throw new ValueError("GPT: targets need the logits of every position; drop lastOnly");
      loss = crossEntropy(logits.reshape(-1, logits.shape[2]!), targets.reshape(-1), { ignoreIndex: -1 });
    }
    return { logits, loss };
  }

  /**
   * nanoGPT's generate: idx [B, T] continued by `maxNewTokens` sampled tokens → [B, T + maxNewTokens]
   * (rows are sampled one after another). See streamTokens for one token at a time.
   */
  generate(idx: Tensor, options: GenerateOptions): Tensor {
    if (idx.ndim !== 2) throw new ShapeError(`GPT.generate: idx must be [B, T] token ids, got shape ${fmtShape(idx.shape)}`);
    const rows = idx.tolist() as number[][];
    return tensor(rows.map((row) => [...row, ...streamTokens(this, row, options)]), { dtype: "int32" });
  }

  /** Shrinks the context (and position table) to a smaller block size, as nanoGPT's crop_block_size. */
  cropBlockSize(blockSize: number): void {
    if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > this.config.blockSize) throw new ValueError(`GPT.cropBlockSize: ${blockSize} must be from 1 to ${this.config.blockSize}`);
    const wpe = this.transformer.wpe;
    const cropped = Embedding.fromPretrained(wpe.weight.detach().narrow(0, 0, blockSize).clone(), { freeze: false });
    this.transformer.set("wpe", cropped);
    this.transformer.wpe = cropped;
    (this.config as { blockSize: number }).blockSize = blockSize;
  }

  override extraRepr(): string {
    const c = this.config;
    return `vocab_size=${c.vocabSize}, block_size=${c.blockSize}, n_layer=${c.nLayer}, n_head=${c.nHead}, n_embd=${c.nEmbd}`;
  }
}
