/**
 * Byte-level BPE, GPT-2's tokenizer: text → pre-tokenized words → byte symbols → merges by rank.
 * Reads and writes GPT-2's vocab.json + merges.txt pair and Hugging Face's tokenizer.json, and
 * trains its own (bpe-trainer.ts). Any text round-trips exactly: encode never fails on Unicode,
 * and decode(encode(s)) === s.
 */
import { DataError, FormatError, IndexError, ValueError } from "../../base/errors.js";
import { requireNode } from "../../base/node.js";
import { readableFolder, writeFileAtomic, writeFolderAtomic } from "../../io/atomic.js";
import { compileNormalizer, escapeRegExp, mergesTxt, parseMergesTxt, parseTokenizerJson, parseVocabJson, tokenizerJson, vocabJson, type Json } from "./bpe-formats.js";
import { GPT2_SPLIT_PATTERN, fromByteSymbols, toByteSymbols } from "./byte-level.js";
import { trainBPE, type BPETrainOptions } from "./bpe-trainer.js";
import type { Tokenizer } from "./tokenizer-types.js";

export interface AddedToken {
  content: string;
  id: number;
  /** Special tokens can be left out of decode's output (`skipSpecialTokens`). */
  special: boolean;
}

export interface BPEOptions {
  /** Token → id, as GPT-2's vocab.json. */
  vocab: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** Merges in priority order, as the lines of merges.txt. */
  merges: readonly (readonly [string, string])[];
  /** Tokens matched whole in the text before pre-tokenizing (`<|endoftext|>`). */
  addedTokens?: readonly { content: string; id?: number; special?: boolean }[];
  /** Put a space before text that does not start with one, so a first word encodes as inside a sentence. */
  addPrefixSpace?: boolean;
  /** The pre-tokenizer's regular expression (GPT-2's by default); null keeps the text whole. */
  splitPattern?: string | null;
  /** A word that is itself in the vocabulary is one token, whatever the merges say (Llama 3's tokenizers). */
  ignoreMerges?: boolean;
  /** tokenizer.json's normalizer, applied to text first (Unicode normal forms, lowercasing); none by default. */
  normalizer?: Json;
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}

const PAIR = 2 ** 21;
const CACHE_LIMIT = 1 << 16;

export class BPETokenizer implements Tokenizer {
  readonly vocab: ReadonlyMap<string, number>;
  readonly merges: readonly (readonly [string, string])[];
  readonly addedTokens: readonly AddedToken[];
  readonly addPrefixSpace: boolean;
  readonly splitPattern: string | null;
  readonly ignoreMerges: boolean;
  readonly normalizer: Json;
  private readonly normalize: ((text: string) => string) | null;
  private readonly idToToken: (string | undefined)[] = [];
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, AddedToken>();
  /** Merge rank by pair of ids, and the id each merge makes. */
  private readonly ranks = new Map<number, number>();
  private readonly mergedIds: number[] = [];
  private readonly split: RegExp | null;
  private readonly addedSplit: RegExp | null;
  private readonly cache = new Map<string, number[]>();

  constructor({ vocab, merges, addedTokens = [], addPrefixSpace = false, splitPattern = GPT2_SPLIT_PATTERN, ignoreMerges = false, normalizer = null }: BPEOptions) {
    const entries = vocab instanceof Map ? [...vocab.entries()] : Object.entries(vocab);
    this.vocab = new Map(entries);
    for (const [token, id] of entries) {
      if (!Number.isInteger(id) || id < 0 || id >= PAIR) throw new ValueError(`BPETokenizer: token '${token}' has id ${id}; ids are integers from 0 to ${PAIR - 1}`);
      if (this.idToToken[id] !== undefined) throw new ValueError(`BPETokenizer: id ${id} is given to both '${this.idToToken[id]}' and '${token}'`);
      this.idToToken[id] = token;
    }
    const added: AddedToken[] = [];
    let nextId = this.idToToken.length;
    for (const t of addedTokens) {
      const id = t.id ?? this.vocab.get(t.content) ?? nextId++;
      const known = this.idToToken[id];
      if (known !== undefined && known !== t.content) throw new ValueError(`BPETokenizer: added token '${t.content}' has id ${id}, which is '${known}' in the vocabulary`);
      this.idToToken[id] = t.content;
      nextId = Math.max(nextId, id + 1);
      const token = { content: t.content, id, special: t.special ?? true };
      added.push(token);
      this.addedById.set(id, token);
      this.addedByContent.set(t.content, token);
    }
    this.addedTokens = added;
    this.merges = merges.map(([a, b]) => [a, b] as const);
    merges.forEach(([a, b], rank) => {
      const ia = this.vocab.get(a);
      const ib = this.vocab.get(b);
      const merged = this.vocab.get(a + b);
      if (ia === undefined || ib === undefined || merged === undefined) {
        const missing = ia === undefined ? a : ib === undefined ? b : a + b;
        throw new ValueError(`BPETokenizer: merge ${rank} ('${a}' '${b}') needs '${missing}', which is not in the vocabulary`);
      }
      const key = ia * PAIR + ib;
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
      this.mergedIds[rank] = merged;
    });
    this.addPrefixSpace = addPrefixSpace;
    this.splitPattern = splitPattern;
    this.ignoreMerges = ignoreMerges;
    this.normalizer = normalizer;
    this.normalize = compileNormalizer(normalizer);
    this.split = splitPattern === null ? null : compilePattern(splitPattern);
    const contents = added.map((t) => t.content).filter((c) => c.length > 0).sort((x, y) => y.length - x.length);
    this.addedSplit = contents.length ? new RegExp(contents.map(escapeRegExp).join("|"), "gu") : null;
  }

  /** Learns merges from texts (see trainBPE); `specialTokens` become added tokens. */
  static train(texts: string | Iterable<string>, options: BPETrainOptions): BPETokenizer {
    const { vocab, merges } = trainBPE(typeof texts === "string" ? [texts] : texts, options);
    const specials = (options.specialTokens ?? []).map((content) => ({ content, special: true }));
    return new BPETokenizer({ vocab, merges, addedTokens: specials, splitPattern: options.splitPattern ?? GPT2_SPLIT_PATTERN });
  }

  /** Hugging Face's tokenizer.json, as text (see bpe-formats.ts for what is supported). */
  static fromJSON(text: string, file?: string): BPETokenizer {
    return new BPETokenizer(parseTokenizerJson(text, file));
  }

  /** Reads a tokenizer.json file, or the one in a folder (as `tokenizers.Tokenizer.from_file`). */
  static fromFile(path: string): BPETokenizer {
    const fs = requireNode("node:fs", "BPETokenizer.fromFile");
    let file = path;
    if (fs.existsSync(path) && fs.statSync(path).isDirectory()) file = requireNode("node:path", "BPETokenizer.fromFile").join(readableFolder(path), "tokenizer.json");
    return BPETokenizer.fromJSON(readText(file, "BPETokenizer.fromFile"), file);
  }

  /**
   * GPT-2's vocab.json and merges.txt. `<|endoftext|>`, when the vocabulary has it, is a special
   * token matched whole in text (as GPT-2's tokenizers treat it) unless `specialTokens` says otherwise.
   */
  static fromVocabMerges(vocabFile: string, mergesFile: string, { specialTokens, addPrefixSpace = false }: { specialTokens?: readonly string[]; addPrefixSpace?: boolean } = {}): BPETokenizer {
    const vocab = parseVocabJson(readText(vocabFile, "BPETokenizer.fromVocabMerges"), vocabFile);
    const merges = parseMergesTxt(readText(mergesFile, "BPETokenizer.fromVocabMerges"), mergesFile);
    const specials = specialTokens ?? ["<|endoftext|>"].filter((t) => vocab.has(t));
    return new BPETokenizer({ vocab, merges, addPrefixSpace, addedTokens: specials.map((content) => ({ content, special: true })) });
  }

  /** Hugging Face's tokenizer.json for this tokenizer. */
  toJSON(): string {
    return tokenizerJson(this);
  }

  /** Writes tokenizer.json (atomically: a reader sees the old file or the whole new one). */
  save(file: string): void {
    writeFileAtomic(file, [new TextEncoder().encode(this.toJSON())]);
  }

  /**
   * Writes GPT-2's pair, vocab.json and merges.txt, as the folder `dir`: both are replaced together
   * or not at all, so the folder may hold only those two files.
   */
  saveModel(dir: string): void {
    const enc = new TextEncoder();
    const names = new Set(["vocab.json", "merges.txt"]);
    writeFolderAtomic(dir, { "vocab.json": [enc.encode(vocabJson(this.vocab))], "merges.txt": [enc.encode(mergesTxt(this.merges))] }, (present) => present.every((n) => names.has(n)));
  }

  /** Ids: one more than the largest (holes included), as Hugging Face's get_vocab_size(with_added_tokens=True). */
  get vocabSize(): number {
    return this.idToToken.length;
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token) ?? this.addedByContent.get(token)?.id;
  }

  idToTokenString(id: number): string {
    const t = Number.isInteger(id) ? this.idToToken[id] : undefined;
    if (t === undefined) throw new IndexError(`BPETokenizer: id ${id} is not in the vocabulary (size ${this.vocabSize})`);
    return t;
  }

  encode(text: string): number[] {
    if (this.normalize) text = this.normalize(text);
    const ids: number[] = [];
    let from = 0;
    if (this.addedSplit) {
      this.addedSplit.lastIndex = 0;
      for (const m of text.matchAll(this.addedSplit)) {
        this.encodeOrdinary(text.slice(from, m.index), ids);
        ids.push(this.addedByContent.get(m[0])!.id);
        from = m.index + m[0].length;
      }
    }
    this.encodeOrdinary(text.slice(from), ids);
    return ids;
  }

  /** Text with no added tokens in it: each pre-tokenized word through BPE. */
  private encodeOrdinary(text: string, out: number[]): void {
    if (!text) return;
    if (this.addPrefixSpace && !text.startsWith(" ")) text = ` ${text}`;
    if (!this.split) {
      this.encodeWord(text, out);
      return;
    }
    for (const m of text.matchAll(this.split)) this.encodeWord(m[0], out);
  }

  private encodeWord(word: string, out: number[]): void {
    let ids = this.cache.get(word);
    if (!ids) {
      ids = this.bpe(toByteSymbols(word));
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, ids);
    }
    for (const id of ids) out.push(id);
  }

  /** GPT-2's loop: merge the lowest-ranked adjacent pair everywhere it occurs, until none is left. */
  private bpe(symbols: string): number[] {
    if (this.ignoreMerges) {
      const whole = this.vocab.get(symbols);
      if (whole !== undefined) return [whole];
    }
    let w: number[] = [];
    for (const c of symbols) {
      const id = this.vocab.get(c);
      if (id === undefined) throw new DataError(`BPETokenizer: the byte symbol '${c}' is not in the vocabulary; a byte-level vocabulary holds all 256`);
      w.push(id);
    }
    while (w.length > 1) {
      let best = Infinity;
      for (let i = 0; i + 1 < w.length; i++) {
        const r = this.ranks.get(w[i]! * PAIR + w[i + 1]!);
        if (r !== undefined && r < best) best = r;
      }
      if (best === Infinity) break;
      const [a, b] = this.merges[best]!;
      const ia = this.vocab.get(a)!;
      const ib = this.vocab.get(b)!;
      const next: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === ia && w[i + 1] === ib) {
          next.push(this.mergedIds[best]!);
          i++;
        } else next.push(w[i]!);
      }
      w = next;
    }
    return w;
  }

  decode(ids: Iterable<number>, { skipSpecialTokens = false }: DecodeOptions = {}): string {
    let out = "";
    let run = "";
    for (const id of ids) {
      const added = this.addedById.get(id);
      if (added) {
        out += fromByteSymbols(run);
        run = "";
        if (!(skipSpecialTokens && added.special)) out += added.content;
      } else run += this.idToTokenString(id);
    }
    return out + fromByteSymbols(run);
  }
}

function readText(file: string, what: string): string {
  const fs = requireNode("node:fs", what);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new DataError(`${what}: cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError(`${what}: ${file} is not valid UTF-8`);
  }
}

/**
 * `(?i:…)` groups (Llama 3's contractions) as character classes: JavaScript has the syntax only
 * from V8 12.5 (Node 23), and the groups these patterns use hold plain letters.
 */
function withoutCaseGroups(pattern: string): string {
  return pattern.replace(/\(\?i:((?:[^()[\]\\])*)\)/g, (_, body: string) => `(?:${body.replace(/[a-zA-Z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)})`);
}

function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(withoutCaseGroups(pattern), "gu");
  } catch (e) {
    throw new ValueError(`BPETokenizer: the split pattern ${JSON.stringify(pattern)} is not a JavaScript regular expression: ${(e as Error).message}`);
  }
}
