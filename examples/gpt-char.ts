/**
 * gpt-char: nanoGPT's "baby GPT" on characters — a 4-layer, 4-head, 128-wide GPT with a context of
 * 64 characters, trained to predict the next character of a text (Moby-Dick by default, or any
 * --data FILE such as the Shakespeare text), then sampled. The text is split 90/10 into training and
 * validation characters, as nanoGPT's prepare.py does; the settings are nanoGPT's for a CPU
 * (batch 12, 2,000 iterations, learning rate 1e-3 cosine-decayed to 1e-4 after 100 warm-up
 * iterations, AdamW β₂ 0.99, weight decay 0.1, gradient clipping at 1, no dropout).
 *
 *   npx tsx examples/gpt-char.ts [--data FILE] [--iters 2000] [--eval-interval 250] [--eval-iters 20]
 *                                [--seed 1337] [--tokens 500] [--temperature 0.8] [--top-k 200] [--save DIR]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    iters: { type: "string", default: "2000" },
    "eval-interval": { type: "string", default: "250" },
    "eval-iters": { type: "string", default: "20" },
    seed: { type: "string", default: "1337" },
    tokens: { type: "string", default: "500" },
    temperature: { type: "string", default: "0.8" },
    "top-k": { type: "string", default: "200" },
    save: { type: "string" },
  },
});
const text = args.data ? readFileSync(args.data, "utf8") : new tg.data.MobyDick().text;
const tokenizer = tg.data.text.CharTokenizer.fromText(text);
const ids = Int32Array.from(tokenizer.encode(text));
const n = Math.floor(ids.length * 0.9);
const splits = { train: ids.subarray(0, n), val: ids.subarray(n) };
console.log(`${args.data ?? "Moby-Dick"}: ${ids.length.toLocaleString("en")} characters, ${tokenizer.vocabSize} distinct; ${n.toLocaleString("en")} for training`);

tg.manualSeed(Number(args.seed));
const model = new tg.text.GPT({ vocabSize: tokenizer.vocabSize, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, bias: false, dropout: 0 });
console.log(`${(model.numParams() / 1e6).toFixed(2)}M parameters`);
const iters = Number(args.iters);
const result = tg.text.trainLanguageModel(model, splits, {
  maxIters: iters, batchSize: 12, lr: 1e-3, minLr: 1e-4, warmupIters: Math.min(100, iters), lrDecayIters: iters,
  betas: [0.9, 0.99], weightDecay: 0.1, gradClip: 1, evalInterval: Number(args["eval-interval"]), evalIters: Number(args["eval-iters"]),
  onEval: (iter, l, s) => console.log(`iter ${iter}: train loss ${l.train!.toFixed(4)}, val loss ${l.val!.toFixed(4)} (${s.toFixed(0)} s)`),
});
console.log(`${result.tokensPerSecond.toFixed(0)} training tokens/s`);

if (args.save) {
  tg.text.saveLanguageModel(args.save, model, tokenizer, { data: args.data ?? "Moby-Dick", iters, valLoss: result.evals.at(-1)!.losses.val });
  console.log(`saved to ${args.save} (sample with: npx tensorgrad sample ${args.save} --prompt "…")`);
}

const sample = tg.text.generate(model, tokenizer.encode("\n"), {
  maxNewTokens: Number(args.tokens), temperature: Number(args.temperature), topK: Number(args["top-k"]), generator: new tg.Generator(Number(args.seed)),
});
console.log(`--- a sample (temperature ${args.temperature}, top-k ${args["top-k"]}) ---${tokenizer.decode(sample)}`);
