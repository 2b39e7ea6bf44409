/**
 * gpt-bpe: the same small GPT as gpt-char.ts, on byte-level BPE tokens instead of characters. A
 * GPT-2-style tokenizer (byte-level, GPT-2's pre-tokenizer, `<|endoftext|>` special) is trained on
 * the training part of the text with --vocab tokens, saved as Hugging Face's tokenizer.json beside
 * the model, and the GPT sees 64 tokens (about 200 characters) at a time. Moby-Dick by default, or
 * any --data FILE.
 *
 *   npx tsx examples/gpt-bpe.ts [--data FILE] [--vocab 1024] [--iters 2000] [--eval-interval 250]
 *                               [--seed 1337] [--tokens 200] [--temperature 0.8] [--top-k 200] [--save DIR]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    vocab: { type: "string", default: "1024" },
    iters: { type: "string", default: "2000" },
    "eval-interval": { type: "string", default: "250" },
    "eval-iters": { type: "string", default: "20" },
    seed: { type: "string", default: "1337" },
    tokens: { type: "string", default: "200" },
    temperature: { type: "string", default: "0.8" },
    "top-k": { type: "string", default: "200" },
    save: { type: "string" },
  },
});
const text = args.data ? readFileSync(args.data, "utf8") : new tg.data.MobyDick().text;
// The tokenizer learns from the training part only, so validation text is unseen by it too.
const cut = Math.floor(text.length * 0.9);
const t0 = performance.now();
const tokenizer = tg.data.text.BPETokenizer.train(text.slice(0, cut), { vocabSize: Number(args.vocab), specialTokens: ["<|endoftext|>"] });
const train = Int32Array.from(tokenizer.encode(text.slice(0, cut)));
const val = Int32Array.from(tokenizer.encode(text.slice(cut)));
const seconds = (performance.now() - t0) / 1000;
console.log(`${args.data ?? "Moby-Dick"}: ${text.length.toLocaleString("en")} characters → ${(train.length + val.length).toLocaleString("en")} tokens of a ${tokenizer.vocabSize}-token vocabulary (${(text.length / (train.length + val.length)).toFixed(2)} characters a token; trained and encoded in ${seconds.toFixed(1)} s)`);

tg.manualSeed(Number(args.seed));
const model = new tg.text.GPT({ vocabSize: tokenizer.vocabSize, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, bias: false, dropout: 0 });
console.log(`${(model.numParams() / 1e6).toFixed(2)}M parameters`);
const iters = Number(args.iters);
const result = tg.text.trainLanguageModel(model, { train, val }, {
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
