/**
 * The file formats of byte-level BPE, as text (no file system here, so browsers can use them too):
 * GPT-2's vocab.json + merges.txt, and Hugging Face's tokenizer.json for BPE models with a
 * ByteLevel pre-tokenizer (GPT-2, RoBERTa, and the Split+ByteLevel sequences of later models).
 * Anything else is a FormatError naming the file and the part that is not supported.
 */
import { FormatError } from "../../base/errors.js";
import type { BPEOptions } from "./bpe.js";
import { GPT2_SPLIT_PATTERN } from "./byte-level.js";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** A literal string as a regular expression that matches exactly it (valid with the u flag). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseJson(text: string, file: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new FormatError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
}

/** vocab.json: an object of token → non-negative integer id. */
export function parseVocabJson(text: string, file = "vocab.json"): Map<string, number> {
  const obj = parseJson(text, file);
  if (!isObject(obj)) throw new FormatError(`${file}: expected an object of token → id`);
  return vocabFromObject(obj, file);
}

function vocabFromObject(obj: JsonObject, file: string): Map<string, number> {
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(obj)) {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0) throw new FormatError(`${file}: token ${JSON.stringify(token)} has id ${JSON.stringify(id)}; ids are non-negative integers`);
    vocab.set(token, id);
  }
  return vocab;
}

/** merges.txt: an optional `#version` line, then one merge per line, its two tokens separated by a space. */
export function parseMergesTxt(text: string, file = "merges.txt"): [string, string][] {
  const merges: [string, string][] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "" || (i === 0 && line.startsWith("#version"))) return;
    const parts = line.split(" ");
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new FormatError(`${file}: line ${i + 1} is not two tokens separated by one space: ${JSON.stringify(line.slice(0, 80))}`);
    merges.push([parts[0], parts[1]]);
  });
  return merges;
}

export function mergesTxt(merges: readonly (readonly [string, string])[]): string {
  return `#version: 0.2\n${merges.map(([a, b]) => `${a} ${b}`).join("\n")}\n`;
}

/** Vocabulary entries in id order, as a JSON object. */
export function vocabJson(vocab: ReadonlyMap<string, number>): string {
  const sorted = [...vocab.entries()].sort((x, y) => x[1] - y[1]);
  return JSON.stringify(Object.fromEntries(sorted));
}

/** Hugging Face's tokenizer.json → the options of a BPETokenizer. */
export function parseTokenizerJson(text: string, file = "tokenizer.json"): BPEOptions {
  const root = parseJson(text, file);
  if (!isObject(root) || !isObject(root.model)) throw new FormatError(`${file}: expected an object with a "model"`);
  const model = root.model;
  if (model.type !== undefined && model.type !== "BPE") throw new FormatError(`${file}: the model is ${JSON.stringify(model.type)}; only BPE models are supported`);
  for (const key of ["continuing_subword_prefix", "end_of_word_suffix"] as const) {
    if (model[key] != null && model[key] !== "") throw new FormatError(`${file}: model.${key} is set (${JSON.stringify(model[key])}); only byte-level BPE is supported`);
  }
  if (model.byte_fallback === true) throw new FormatError(`${file}: model.byte_fallback is not supported (it is for BPE without a byte-level alphabet)`);
  if (model.dropout != null) throw new FormatError(`${file}: model.dropout is ${JSON.stringify(model.dropout)}; BPE dropout is not supported`);
  if (!isObject(model.vocab)) throw new FormatError(`${file}: model.vocab must be an object of token → id`);
  if (!Array.isArray(model.merges)) throw new FormatError(`${file}: model.merges must be an array`);
  const vocab = vocabFromObject(model.vocab, file);
  const merges = model.merges.map((m, i): [string, string] => {
    const pair = typeof m === "string" ? m.split(" ") : m;
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      throw new FormatError(`${file}: model.merges[${i}] is not a pair of tokens: ${JSON.stringify(m)?.slice(0, 80)}`);
    }
    return [pair[0], pair[1]];
  });
  const addedTokens = (Array.isArray(root.added_tokens) ? root.added_tokens : []).map((t, i) => {
    if (!isObject(t) || typeof t.content !== "string" || typeof t.id !== "number") throw new FormatError(`${file}: added_tokens[${i}] needs a string "content" and a numeric "id"`);
    return { content: t.content, id: t.id, special: t.special === true };
  });
  return { vocab, merges, addedTokens, ...preTokenizer(root.pre_tokenizer ?? null, file), ignoreMerges: model.ignore_merges === true, normalizer: validNormalizer(root.normalizer ?? null, file) };
}

/** The ByteLevel pre-tokenizer alone, or a Split by a regular expression followed by it. */
function preTokenizer(p: Json, file: string): { splitPattern: string | null; addPrefixSpace: boolean } {
  if (!isObject(p)) throw new FormatError(`${file}: pre_tokenizer must be ByteLevel for a byte-level BPE, got ${JSON.stringify(p)}`);
  if (p.type === "ByteLevel") return { splitPattern: p.use_regex === false ? null : GPT2_SPLIT_PATTERN, addPrefixSpace: p.add_prefix_space === true };
  if (p.type === "Sequence" && Array.isArray(p.pretokenizers) && p.pretokenizers.length === 2) {
    const [split, byteLevel] = p.pretokenizers;
    if (isObject(split) && split.type === "Split" && isObject(split.pattern) && split.behavior === "Isolated" && split.invert !== true && isObject(byteLevel) && byteLevel.type === "ByteLevel" && byteLevel.use_regex === false) {
      const { Regex: regex, String: literal } = split.pattern;
      const pattern = typeof regex === "string" ? regex : typeof literal === "string" ? escapeRegExp(literal) : null;
      if (pattern !== null) return { splitPattern: pattern, addPrefixSpace: byteLevel.add_prefix_space === true };
    }
  }
  throw new FormatError(`${file}: the pre_tokenizer ${JSON.stringify(p).slice(0, 120)} is not supported; expected ByteLevel, or a Sequence of an isolating Split and ByteLevel without its regex`);
}

const NORMAL_FORMS = new Set(["NFC", "NFD", "NFKC", "NFKD"]);

/** A tokenizer.json normalizer that compileNormalizer accepts (checked here, so the error names the file). */
function validNormalizer(n: Json, file: string): Json {
  compileNormalizer(n, file);
  return n;
}

/** A tokenizer.json normalizer as a function (null: none). */
export function compileNormalizer(n: Json, file = "normalizer"): ((text: string) => string) | null {
  if (n === null) return null;
  if (isObject(n)) {
    if (typeof n.type === "string" && NORMAL_FORMS.has(n.type)) {
      const form = n.type;
      return (s) => s.normalize(form);
    }
    if (n.type === "Lowercase") return (s) => s.toLowerCase();
    if (n.type === "Sequence" && Array.isArray(n.normalizers)) {
      const steps = n.normalizers.map((m) => compileNormalizer(m, file)).filter((f) => f !== null);
      return (s) => steps.reduce((acc, f) => f(acc), s);
    }
  }
  throw new FormatError(`${file}: the normalizer ${JSON.stringify(n).slice(0, 120)} is not supported (NFC, NFD, NFKC, NFKD, Lowercase and Sequences of them are)`);
}

/** A BPETokenizer's settings as Hugging Face's tokenizer.json (readable by `tokenizers.Tokenizer.from_file`). */
export function tokenizerJson(opts: {
  vocab: ReadonlyMap<string, number>;
  merges: readonly (readonly [string, string])[];
  addedTokens: readonly { content: string; id: number; special: boolean }[];
  addPrefixSpace: boolean;
  splitPattern: string | null;
  ignoreMerges: boolean;
  normalizer: Json;
}): string {
  const byteLevel = (useRegex: boolean) => ({ type: "ByteLevel", add_prefix_space: opts.addPrefixSpace, trim_offsets: true, use_regex: useRegex });
  const pre = opts.splitPattern === null ? byteLevel(false)
    : opts.splitPattern === GPT2_SPLIT_PATTERN ? byteLevel(true)
    : { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: opts.splitPattern }, behavior: "Isolated", invert: false }, byteLevel(false)] };
  const json = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: opts.addedTokens.map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.special })),
    normalizer: opts.normalizer,
    pre_tokenizer: pre,
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: opts.ignoreMerges,
      vocab: Object.fromEntries([...opts.vocab.entries()].sort((x, y) => x[1] - y[1])),
      merges: opts.merges.map(([a, b]) => [a, b]),
    },
  };
  return JSON.stringify(json);
}
