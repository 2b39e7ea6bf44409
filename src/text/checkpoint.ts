/**
 * A trained language model as one folder: model.safetensors (the GPT's state dict, nanoGPT's
 * names), lm.json (its config, how to rebuild its tokenizer, and what the caller records), and for
 * BPE tokenizers their tokenizer.json. The folder is written whole or not at all, so a model and
 * its tokenizer can never disagree.
 */
import { DataError, FormatError } from "../base/errors.js";
import { requireNode } from "../base/node.js";
import { readableFolder, writeFolderAtomic } from "../io/atomic.js";
import { encodeSafetensors, readSafetensors } from "../io/safetensors.js";
import { BPETokenizer } from "../data/text/bpe.js";
import { CharTokenizer } from "../data/text/char-tokenizer.js";
import type { Tokenizer } from "../data/text/tokenizer-types.js";
import { GPT, type GPTConfig } from "./gpt.js";
import { checkConfigAgainstWeights } from "./gpt2-weights.js";

const FILES = new Set(["model.safetensors", "lm.json", "tokenizer.json"]);

interface LMInfo {
  format: "tensorgrad-lm";
  config: GPTConfig;
  tokenizer: { kind: "char"; chars: string[] } | { kind: "bpe"; file: "tokenizer.json" };
  info: Record<string, unknown>;
}

/** Writes model + tokenizer (+ `info`, any JSON) as the folder `dir`, replacing an earlier save. */
export function saveLanguageModel(dir: string, model: GPT, tokenizer: CharTokenizer | BPETokenizer, info: Record<string, unknown> = {}): void {
  const enc = new TextEncoder();
  const files: Record<string, Uint8Array[]> = { "model.safetensors": encodeSafetensors(model.stateDict()) };
  let tok: LMInfo["tokenizer"];
  if (tokenizer instanceof CharTokenizer) tok = { kind: "char", chars: [...tokenizer.chars] };
  else {
    tok = { kind: "bpe", file: "tokenizer.json" };
    files["tokenizer.json"] = [enc.encode(tokenizer.toJSON())];
  }
  const lm: LMInfo = { format: "tensorgrad-lm", config: model.config, tokenizer: tok, info };
  files["lm.json"] = [enc.encode(`${JSON.stringify(lm, null, 2)}\n`)];
  writeFolderAtomic(dir, files, (names) => names.every((n) => FILES.has(n)));
}

/** Reads a folder written by saveLanguageModel: the GPT (eval mode), its tokenizer, and the recorded info. */
export function loadLanguageModel(dir: string): { model: GPT; tokenizer: Tokenizer; info: Record<string, unknown> } {
  const fs = requireNode("node:fs", "loadLanguageModel");
  const path = requireNode("node:path", "loadLanguageModel");
  const folder = readableFolder(dir);
  const lmFile = path.join(folder, "lm.json");
  let lm: LMInfo;
  try {
    lm = JSON.parse(fs.readFileSync(lmFile, "utf8")) as LMInfo;
  } catch (e) {
    throw new DataError(`loadLanguageModel: cannot read ${lmFile} (${(e as Error).message}); is ${dir} a folder saved by saveLanguageModel?`);
  }
  if (lm?.format !== "tensorgrad-lm" || typeof lm.config !== "object" || typeof lm.tokenizer !== "object") throw new FormatError(`${lmFile}: not a tensorgrad language model description`);
  const tokenizer = lm.tokenizer.kind === "char" && Array.isArray(lm.tokenizer.chars) ? new CharTokenizer(lm.tokenizer.chars)
    : lm.tokenizer.kind === "bpe" ? BPETokenizer.fromFile(path.join(folder, "tokenizer.json"))
    : null;
  if (!tokenizer) throw new FormatError(`${lmFile}: unknown tokenizer ${JSON.stringify(lm.tokenizer).slice(0, 80)}`);
  const state = readSafetensors(path.join(folder, "model.safetensors")).tensors;
  checkConfigAgainstWeights(lm.config, state, lmFile);
  const model = new GPT(lm.config);
  if (tokenizer.vocabSize > model.config.vocabSize) throw new FormatError(`${lmFile}: the tokenizer has ${tokenizer.vocabSize} tokens, the model only ${model.config.vocabSize}`);
  model.loadStateDict(state);
  model.eval();
  return { model, tokenizer, info: lm.info ?? {} };
}
