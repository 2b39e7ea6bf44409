/**
 * Sampling from a GPT: temperature, top-k and nucleus (top-p) filtering, with a KV cache so each
 * new token costs one position's work. Once the text outgrows the block size the context is
 * cropped to the last `blockSize` tokens, as nanoGPT does, and each step is a full forward over
 * that window (positions are absolute, so cached keys would no longer line up).
 */
import { noGrad } from "../ops/grad-mode.js";
import { IndexError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { defaultGenerator, type Generator as Rng } from "../base/rng.js";
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import type { GPT } from "./gpt.js";
import { KVCache } from "./kv-cache.js";

export interface SampleOptions {
  /** 0 picks the most likely token (greedy); default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (clamped to the vocabulary). */
  topK?: number | null;
  /** Keep the most likely tokens until their probability reaches p (nucleus sampling). */
  topP?: number | null;
  generator?: Rng;
}

export interface GenerateOptions extends SampleOptions {
  maxNewTokens: number;
  /** Reuse keys and values of earlier positions (default true); false recomputes the whole context each step. */
  useCache?: boolean;
}

/** Picks one token id from a row of logits. */
export function sampleToken(logits: ArrayLike<number>, { temperature = 1, topK = null, topP = null, generator = defaultGenerator }: SampleOptions = {}): number {
  const V = logits.length;
  if (!(temperature >= 0)) throw new ValueError(`sample: temperature must be ≥ 0, got ${temperature}`);
  if (topK !== null && !(Number.isInteger(topK) && topK >= 1)) throw new ValueError(`sample: topK must be a positive integer, got ${topK}`);
  if (topP !== null && !(topP > 0 && topP <= 1)) throw new ValueError(`sample: topP must be in (0, 1], got ${topP}`);
  if (temperature === 0) return argmax(logits);
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
  // nanoGPT keeps every token at least as likely as the k-th (ties included).
  let keep = V;
  if (topK !== null && topK < V) {
    const kth = logits[order[topK - 1]!]!;
    keep = topK;
    while (keep < V && logits[order[keep]!] === kth) keep++;
  }
  const top = logits[order[0]!]!;
  const weights = new Float64Array(keep);
  let total = 0;
  for (let r = 0; r < keep; r++) total += weights[r] = Math.exp((logits[order[r]!]! - top) / temperature);
  if (topP !== null && topP < 1) {
    // The smallest prefix of the sorted tokens whose probability reaches p (at least one token).
    let mass = 0;
    let n = 0;
    while (n < keep && mass < topP * total) mass += weights[n++]!;
    keep = n;
    total = mass;
  }
  let u = generator.random() * total;
  for (let r = 0; r < keep; r++) {
    u -= weights[r]!;
    if (u < 0) return order[r]!;
  }
  return order[keep - 1]!;
}

function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}

/** Token ids as a [1, T] prompt, checked against the vocabulary. */
function promptIds(model: GPT, prompt: readonly number[] | Tensor): number[] {
  const ids = Array.isArray(prompt) ? [...(prompt as readonly number[])] : promptFromTensor(prompt as Tensor);
  if (ids.length === 0) throw new ValueError("generate: the prompt is empty; give at least one token (e.g. a newline or <|endoftext|>)");
  const V = model.config.vocabSize;
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new IndexError(`generate: prompt token ${i} is ${id}, outside the vocabulary [0, ${V})`);
  });
  return ids;
}

function promptFromTensor(t: Tensor): number[] {
  if (!(t.ndim === 1 || (t.ndim === 2 && t.shape[0] === 1))) throw new ShapeError(`generate: a prompt tensor must be [T] or [1, T], got ${fmtShape(t.shape)}; use generate() for batches`);
  return Array.from(t.reshape(-1).dataSync(), Number);
}

/**
 * Yields new tokens one at a time (for streaming to a terminal or a page). The model is put in eval
 * mode and left there.
 */
export function* streamTokens(model: GPT, prompt: readonly number[] | Tensor, { maxNewTokens, useCache = true, ...sample }: GenerateOptions): Generator<number> {
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 0)) throw new ValueError(`generate: maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
  const ids = promptIds(model, prompt);
  const block = model.config.blockSize;
  model.eval();
  let cache: KVCache | null = null;
  for (let n = 0; n < maxNewTokens; n++) {
    const logits = noGrad(() => {
      // With room left in the block, feed only what the cache has not seen.
      if (useCache && ids.length <= block) {
        if (!cache) cache = new KVCache(model.config.nLayer);
        const fresh = ids.slice(cache.length);
        return model.forward(tensor([fresh], { dtype: "int32" }), { cache, lastOnly: true }).logits;
      }
      cache = null;
      return model.forward(tensor([ids.slice(-block)], { dtype: "int32" }), { lastOnly: true }).logits;
    });
    const next = sampleToken(logits.dataSync() as Float32Array, sample);
    ids.push(next);
    yield next;
  }
}

/** nanoGPT's generate for one prompt: the prompt followed by `maxNewTokens` new tokens. */
export function generate(model: GPT, prompt: readonly number[] | Tensor, options: GenerateOptions): number[] {
  const ids = promptIds(model, prompt);
  return [...ids, ...streamTokens(model, ids, options)];
}
