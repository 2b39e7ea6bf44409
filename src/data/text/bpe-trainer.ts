/**
 * Learning byte-level BPE merges from a corpus, as Hugging Face's BpeTrainer does: count the
 * pre-tokenized words, then repeatedly merge the most frequent adjacent pair (ties: the pair of
 * smallest ids) until the vocabulary has `vocabSize` tokens or no pair is seen `minFrequency` times.
 * Ids: special tokens first, then the 256 byte symbols by code point, then merges in order.
 */
import { ValueError } from "../../base/errors.js";
import { heappop, heappush } from "../../base/heap.js";
import { BYTE_ALPHABET, GPT2_SPLIT_PATTERN, toByteSymbols } from "./byte-level.js";

export interface BPETrainOptions {
  /** Tokens in the final vocabulary, special tokens and the 256 byte symbols included. */
  vocabSize: number;
  /** A pair seen fewer times than this is never merged (Hugging Face's ByteLevelBPETokenizer uses 2). */
  minFrequency?: number;
  /** Tokens that get the first ids and are never split (e.g. `<|endoftext|>`). */
  specialTokens?: readonly string[];
  /** The pre-tokenizer's pattern (GPT-2's by default). */
  splitPattern?: string;
}

export interface BPEModel {
  vocab: Map<string, number>;
  merges: [string, string][];
}

// A pair of ids as one number: vocabularies stay far below 2^21 tokens.
const PAIR = 2 ** 21;
const pairKey = (a: number, b: number) => a * PAIR + b;

interface Entry {
  key: number;
  count: number;
}
// The heap's top is the largest count, then the smallest pair.
const before = (x: Entry, y: Entry) => x.count > y.count || (x.count === y.count && x.key < y.key);

/** Words of the corpus as byte-symbol strings, with their counts. */
export function countWords(texts: Iterable<string>, splitPattern = GPT2_SPLIT_PATTERN): Map<string, number> {
  const split = new RegExp(splitPattern, "gu");
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const m of text.matchAll(split)) {
      const w = toByteSymbols(m[0]);
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return counts;
}

export function trainBPE(texts: Iterable<string>, { vocabSize, minFrequency = 2, specialTokens = [], splitPattern }: BPETrainOptions): BPEModel {
  const base = specialTokens.length + BYTE_ALPHABET.length;
  if (!Number.isInteger(vocabSize) || vocabSize < base || vocabSize >= PAIR) {
    throw new ValueError(`trainBPE: vocabSize must be an integer from ${base} (the special tokens and 256 byte symbols) to ${PAIR - 1}, got ${vocabSize}`);
  }
  const tokens: string[] = [];
  const vocab = new Map<string, number>();
  const add = (t: string) => {
    if (!vocab.has(t)) {
      vocab.set(t, tokens.length);
      tokens.push(t);
    }
    return vocab.get(t)!;
  };
  for (const t of specialTokens) add(t);
  for (const c of BYTE_ALPHABET) add(c);

  const wordCounts = countWords(texts, splitPattern);
  const words: number[][] = [];
  const freqs: number[] = [];
  for (const [w, n] of wordCounts) {
    words.push([...w].map((c) => vocab.get(c)!));
    freqs.push(n);
  }

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const count = (wi: number, sign: 1 | -1, delta: Map<number, number> | null) => {
    const w = words[wi]!;
    const n = freqs[wi]! * sign;
    for (let i = 0; i + 1 < w.length; i++) {
      const k = pairKey(w[i]!, w[i + 1]!);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + n);
      if (delta) delta.set(k, (delta.get(k) ?? 0) + n);
      if (sign > 0) {
        let s = pairWords.get(k);
        if (!s) pairWords.set(k, (s = new Set()));
        s.add(wi);
      }
    }
  };
  for (let wi = 0; wi < words.length; wi++) count(wi, 1, null);

  const heap: Entry[] = [];
  for (const [key, c] of pairCounts) heappush(heap, { key, count: c }, before);

  const merges: [string, string][] = [];
  while (tokens.length < vocabSize && heap.length) {
    const top = heappop(heap, before);
    const current = pairCounts.get(top.key) ?? 0;
    if (current !== top.count) {
      // Counts only fall for pairs already queued; re-queue at the true count (lazy update).
      if (current > 0) heappush(heap, { key: top.key, count: current }, before);
      continue;
    }
    if (current < 1 || current < minFrequency) break;
    const a = Math.floor(top.key / PAIR);
    const b = top.key % PAIR;
    merges.push([tokens[a]!, tokens[b]!]);
    const merged = add(tokens[a]! + tokens[b]!);
    const delta = new Map<number, number>();
    for (const wi of pairWords.get(top.key) ?? []) {
      const w = words[wi]!;
      if (!hasPair(w, a, b)) continue;
      count(wi, -1, delta);
      words[wi] = mergePair(w, a, b, merged);
      count(wi, 1, delta);
    }
    pairCounts.delete(top.key);
    for (const [key, d] of delta) if (d > 0 && key !== top.key) heappush(heap, { key, count: pairCounts.get(key)! }, before);
  }
  return { vocab, merges };
}

function hasPair(w: readonly number[], a: number, b: number): boolean {
  for (let i = 0; i + 1 < w.length; i++) if (w[i] === a && w[i + 1] === b) return true;
  return false;
}

/** Replaces each (a, b), left to right and not overlapping, by `merged`. */
export function mergePair(w: readonly number[], a: number, b: number, merged: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) {
    if (i + 1 < w.length && w[i] === a && w[i + 1] === b) {
      out.push(merged);
      i++;
    } else out.push(w[i]!);
  }
  return out;
}
