/**
 * A vocabulary: tokens ↔ indices, built from token streams by frequency (ties broken
 * alphabetically, specials first), as torchtext's build_vocab_from_iterator.
 */
import { ValueError } from "../../base/errors.js";

export interface VocabOptions {
  /** The most tokens to keep, specials included. */
  maxSize?: number;
  minFreq?: number;
  specials?: readonly string[];
  /** Specials at the start (default) or at the end. */
  specialFirst?: boolean;
  /** The token that unknown words map to (default "<unk>" when it is among the specials). */
  unkToken?: string | null;
}

export class Vocab {
  private readonly index = new Map<string, number>();
  private defaultIdx: number | null = null;

  constructor(readonly itos: readonly string[]) {
    itos.forEach((t, i) => {
      if (this.index.has(t)) throw new ValueError(`Vocab: token '${t}' appears twice`);
      this.index.set(t, i);
    });
  }

  static build(tokenStreams: Iterable<Iterable<string>>, { maxSize, minFreq = 1, specials = ["<unk>", "<pad>"], specialFirst = true, unkToken }: VocabOptions = {}): Vocab {
    const counts = new Map<string, number>();
    for (const tokens of tokenStreams) for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    const specialSet = new Set(specials);
    let words = [...counts.entries()]
      .filter(([t, c]) => c >= minFreq && !specialSet.has(t))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([t]) => t);
    if (maxSize !== undefined) words = words.slice(0, Math.max(0, maxSize - specials.length));
    const vocab = new Vocab(specialFirst ? [...specials, ...words] : [...words, ...specials]);
    const unk = unkToken === undefined ? (specialSet.has("<unk>") ? "<unk>" : null) : unkToken;
    if (unk !== null) vocab.setDefaultIndex(vocab.get(unk));
    return vocab;
  }

  get length(): number {
    return this.itos.length;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  /** The index for unknown tokens (null: unknown tokens are an error). */
  setDefaultIndex(i: number | null): void {
    this.defaultIdx = i;
  }

  get(token: string): number {
    const i = this.index.get(token);
    if (i !== undefined) return i;
    if (this.defaultIdx === null) throw new ValueError(`Vocab: token '${token}' is not in the vocabulary and no default index is set`);
    return this.defaultIdx;
  }

  lookupIndices(tokens: Iterable<string>): number[] {
    return [...tokens].map((t) => this.get(t));
  }

  lookupTokens(indices: Iterable<number>): string[] {
    return [...indices].map((i) => {
      const t = this.itos[i];
      if (t === undefined) throw new ValueError(`Vocab: index ${i} is out of range for ${this.length} tokens`);
      return t;
    });
  }
}
