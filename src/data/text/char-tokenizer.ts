/**
 * Character-level and word-level tokenizers: nanoGPT's `stoi`/`itos` over a text's characters, and
 * words through a Vocab (torchtext's basic_english splitting by default).
 */
import { DataError, IndexError } from "../../base/errors.js";
import type { Tokenizer } from "./tokenizer-types.js";
import { basicEnglishTokenizer } from "./tokenizer.js";
import { Vocab, type VocabOptions } from "./vocab.js";

const byCodePoint = (a: string, b: string) => a.codePointAt(0)! - b.codePointAt(0)!;

export class CharTokenizer implements Tokenizer {
  /** The characters (whole code points), id order. */
  readonly chars: readonly string[];
  private readonly ids = new Map<string, number>();

  constructor(chars: Iterable<string>) {
    this.chars = [...chars];
    this.chars.forEach((c, i) => {
      if (typeof c !== "string" || [...c].length !== 1) throw new DataError(`CharTokenizer: entry ${i} (${JSON.stringify(c)}) is not one character`);
      if (this.ids.has(c)) throw new DataError(`CharTokenizer: the character ${JSON.stringify(c)} appears twice`);
      this.ids.set(c, i);
    });
  }

  /** The sorted distinct characters of `text` (Python's `sorted(set(text))`: by code point). */
  static fromText(text: string): CharTokenizer {
    return new CharTokenizer([...new Set(text)].sort(byCodePoint));
  }

  get vocabSize(): number {
    return this.chars.length;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    let at = 0;
    for (const c of text) {
      const id = this.ids.get(c);
      if (id === undefined) throw new DataError(`CharTokenizer: the character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}) at offset ${at} is not in the vocabulary of ${this.chars.length} characters`);
      out.push(id);
      at += c.length;
    }
    return out;
  }

  decode(ids: Iterable<number>): string {
    let s = "";
    for (const id of ids) {
      const c = Number.isInteger(id) ? this.chars[id] : undefined;
      if (c === undefined) throw new IndexError(`CharTokenizer: id ${id} is out of range for ${this.chars.length} characters`);
      s += c;
    }
    return s;
  }
}

export interface WordTokenizerOptions extends VocabOptions {
  /** Splits a text into words (default: torchtext's basic_english). */
  tokenize?: (text: string) => string[];
}

/** Words ↔ ids through a Vocab; decode joins words with spaces (the splitting is not undone). */
export class WordTokenizer implements Tokenizer {
  constructor(readonly vocab: Vocab, readonly tokenize: (text: string) => string[] = basicEnglishTokenizer) {}

  /** A vocabulary of the words of `texts` (Vocab.build's options: maxSize, minFreq, specials). */
  static build(texts: Iterable<string>, { tokenize = basicEnglishTokenizer, ...vocabOptions }: WordTokenizerOptions = {}): WordTokenizer {
    const streams = (function* () {
      for (const t of texts) yield tokenize(t);
    })();
    return new WordTokenizer(Vocab.build(streams, vocabOptions), tokenize);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  encode(text: string): number[] {
    return this.vocab.lookupIndices(this.tokenize(text));
  }

  decode(ids: Iterable<number>): string {
    return this.vocab.lookupTokens(ids).join(" ");
  }
}
