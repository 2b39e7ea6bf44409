/**
 * `tensorgrad train gpt-char [--data FILE]` trains nanoGPT's baby GPT on the characters of a text
 * (Moby-Dick by default), printing the validation loss every 250 iterations and at the end, and
 * saves it with --save; `tensorgrad sample DIR --prompt "…" --tokens 200` continues a prompt,
 * printing each token as it is produced.
 */
import { readFileSync } from "node:fs";
import { DataError, ValueError } from "../base/errors.js";
import { Generator, manualSeed } from "../base/rng.js";
import { MobyDick } from "../data/datasets/text-corpora.js";
import { CharTokenizer } from "../data/text/char-tokenizer.js";
import { GPT } from "../text/gpt.js";
import { trainLanguageModel } from "../text/train.js";
import { streamTokens } from "../text/generate.js";
import { loadLanguageModel, saveLanguageModel } from "../text/checkpoint.js";

export interface TrainGptArgs {
  data?: string;
  iters: number;
  seed: number;
  save?: string;
}

/** nanoGPT's baby GPT settings for a CPU (config/train_shakespeare_char.py with its README's CPU overrides). */
export const BABY_GPT = { blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, batchSize: 12, lr: 1e-3, minLr: 1e-4, warmupIters: 100, beta2: 0.99, evalInterval: 250, evalIters: 20 };

export function trainGptChar({ data, iters, seed, save }: TrainGptArgs): void {
  let text: string;
  try {
    text = data ? readFileSync(data, "utf8") : new MobyDick().text;
  } catch (e) {
    throw new DataError(`train gpt-char: cannot read ${data}: ${(e as Error).message}`);
  }
  const tokenizer = CharTokenizer.fromText(text);
  const ids = Int32Array.from(tokenizer.encode(text));
  const n = Math.floor(ids.length * 0.9);
  if (n <= BABY_GPT.blockSize || ids.length - n <= BABY_GPT.blockSize) throw new ValueError(`train gpt-char: the text has ${ids.length} characters; it needs more than ${10 * (BABY_GPT.blockSize + 1)} for 90/10 splits of windows of ${BABY_GPT.blockSize}`);
  manualSeed(seed);
  const { blockSize, nLayer, nHead, nEmbd } = BABY_GPT;
  const model = new GPT({ vocabSize: tokenizer.vocabSize, blockSize, nLayer, nHead, nEmbd, bias: false, dropout: 0 });
  console.log(`gpt-char: a ${(model.numParams() / 1e6).toFixed(2)}M-parameter GPT on the ${tokenizer.vocabSize} characters of ${data ?? "Moby-Dick"} (${n} for training, ${ids.length - n} for validation), ${iters} iterations`);
  const result = trainLanguageModel(model, { train: ids.subarray(0, n), val: ids.subarray(n) }, {
    maxIters: iters, batchSize: BABY_GPT.batchSize, lr: BABY_GPT.lr, minLr: BABY_GPT.minLr, warmupIters: Math.min(BABY_GPT.warmupIters, iters), lrDecayIters: iters,
    betas: [0.9, BABY_GPT.beta2], evalInterval: BABY_GPT.evalInterval, evalIters: BABY_GPT.evalIters, generator: new Generator(seed),
    onEval: (iter, losses, seconds) => console.log(`iter ${iter}: train loss ${losses.train!.toFixed(4)}, val loss ${losses.val!.toFixed(4)} (${seconds.toFixed(0)} s)`),
  });
  const last = result.evals.at(-1)!;
  console.log(`val loss ${last.losses.val!.toFixed(4)} after ${iters} iterations (${result.tokensPerSecond.toFixed(0)} training tokens/s)`);
  if (save) {
    saveLanguageModel(save, model, tokenizer, { recipe: "gpt-char", data: data ?? "Moby-Dick", iters, seed, valLoss: last.losses.val });
    console.log(`saved to ${save}; sample it with: tensorgrad sample ${save} --prompt "…"`);
  }
}

export interface SampleArgs {
  prompt: string;
  tokens: number;
  temperature: number;
  topK: number | null;
  topP: number | null;
  seed: number;
}

/** Streams a continuation of the prompt to stdout, token by token. */
export function sampleCommand(dir: string, { prompt, tokens, temperature, topK, topP, seed }: SampleArgs): void {
  const { model, tokenizer } = loadLanguageModel(dir);
  const ids = tokenizer.encode(prompt || "\n");
  process.stdout.write(prompt);
  const produced: number[] = [];
  let shown = "";
  for (const id of streamTokens(model, ids, { maxNewTokens: tokens, temperature, topK, topP, generator: new Generator(seed) })) {
    produced.push(id);
    // A byte-level token may end inside a character: hold back a trailing U+FFFD until it completes.
    const text = tokenizer.decode(produced);
    const ready = text.endsWith("\uFFFD") ? text.slice(0, text.length - 1) : text;
    if (ready.length > shown.length && ready.startsWith(shown)) {
      process.stdout.write(ready.slice(shown.length));
      shown = ready;
    }
  }
  const final = tokenizer.decode(produced);
  process.stdout.write(`${final.slice(shown.length)}\n`);
}
