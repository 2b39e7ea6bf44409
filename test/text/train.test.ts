/** Language-model training helpers (nanoGPT's batches, schedule and optimizer groups), and saving a model with its tokenizer. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../../src/index.js";

const { text } = tg;

test("learningRateAt is nanoGPT's get_lr: linear warm-up, cosine to minLr, then minLr", () => {
  const s = { lr: 1e-3, minLr: 1e-4, warmupIters: 100, lrDecayIters: 2000 };
  assert.equal(text.learningRateAt(0, s), 1e-3 / 101);
  assert.equal(text.learningRateAt(99, s), (1e-3 * 100) / 101);
  assert.equal(text.learningRateAt(100, s), 1e-3);
  assert.ok(Math.abs(text.learningRateAt(1050, s) - 5.5e-4) < 1e-12);
  assert.ok(Math.abs(text.learningRateAt(2000, s) - 1e-4) < 1e-15);
  assert.equal(text.learningRateAt(2500, s), 1e-4);
});

test("configureOptimizer decays matrices and embeddings only (the baby GPT's 18 and 9 tensors, as nanoGPT counts them)", () => {
  const model = new text.GPT({ vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, bias: false });
  const opt = text.configureOptimizer(model, { lr: 1e-3, weightDecay: 0.1 });
  const [decay, noDecay] = opt.paramGroups;
  // wte (tied to lm_head, counted once), wpe, and 4 matrices in each of 4 blocks; LayerNorm weights undecayed.
  assert.equal(decay!.params.length, 18);
  assert.equal(decay!.params.reduce((n, p) => n + p.numel(), 0), 65 * 128 + 64 * 128 + 4 * (128 * 384 + 128 * 128 + 2 * 128 * 512));
  assert.equal(noDecay!.params.length, 9);
  assert.equal(noDecay!.params.reduce((n, p) => n + p.numel(), 0), 1_152);
  assert.equal(decay!.weightDecay, 0.1);
  assert.equal(noDecay!.weightDecay, 0);
  assert.equal(model.numParams(), 795_904); // nanoGPT: "number of parameters: 0.80M" (position embeddings excluded)
});

test("lmBatch: windows of the stream and the same windows one token later", () => {
  const data = Int32Array.from({ length: 50 }, (_, i) => i);
  const { x, y } = text.lmBatch(data, 8, 5, new tg.Generator(1));
  assert.deepEqual(x.shape, [5, 8]);
  const xs = x.tolist() as number[][];
  const ys = y.tolist() as number[][];
  xs.forEach((row, b) => {
    row.forEach((v, t) => assert.equal(ys[b]![t], v + 1));
    assert.ok(row[0]! >= 0 && row[7]! <= 48);
  });
  assert.throws(() => text.lmBatch(data.subarray(0, 8), 8, 1), /8 tokens are too few for windows of 8/);
});

test("trainLanguageModel learns a repeating text, with gradient accumulation and evaluations on schedule", () => {
  tg.manualSeed(0);
  const tok = tg.data.text.CharTokenizer.fromText("abcdefgh");
  const ids = Int32Array.from(tok.encode("abcdefgh".repeat(40)));
  const model = new text.GPT({ vocabSize: tok.vocabSize, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16, bias: false });
  const seen: number[] = [];
  const result = text.trainLanguageModel(model, { train: ids, val: ids }, {
    maxIters: 60, batchSize: 4, gradientAccumulationSteps: 2, lr: 1e-2, warmupIters: 5, evalInterval: 25, evalIters: 2, generator: new tg.Generator(0),
    onEval: (iter) => seen.push(iter),
  });
  assert.deepEqual(seen, [0, 25, 50, 60]);
  const first = result.evals[0]!.losses.val!;
  const last = result.evals.at(-1)!.losses.val!;
  assert.ok(first > 1.5 && last < 0.3, `val loss ${first} → ${last}`);
  assert.ok(result.tokensPerSecond > 0);
  assert.deepEqual(text.generate(model, tok.encode("abc"), { maxNewTokens: 8, temperature: 0 }), tok.encode("abcdefghabc"));
});

test("saveLanguageModel / loadLanguageModel: the model and its tokenizer (characters or BPE) in one folder", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-lm-"));
  try {
    const chars = tg.data.text.CharTokenizer.fromText("hello world");
    const bpe = tg.data.text.BPETokenizer.train("hello world, hello there", { vocabSize: 262 });
    for (const [name, tok] of [["char", chars], ["bpe", bpe]] as const) {
      const model = new text.GPT({ vocabSize: tok.vocabSize, blockSize: 8, nLayer: 1, nHead: 1, nEmbd: 8 });
      text.saveLanguageModel(path.join(dir, name), model, tok, { note: name });
      const back = text.loadLanguageModel(path.join(dir, name));
      assert.equal(back.info.note, name);
      assert.deepEqual(back.tokenizer.encode("hello"), tok.encode("hello"));
      const x = tg.tensor([tok.encode("hello")], { dtype: "int32" });
      assert.deepEqual(back.model.forward(x).logits.tolist(), model.eval().forward(x).logits.tolist());
    }
    assert.deepEqual(readdirSync(path.join(dir, "bpe")).sort(), ["lm.json", "model.safetensors", "tokenizer.json"]);
    assert.throws(() => text.loadLanguageModel(path.join(dir, "missing")), (e: Error) => e instanceof tg.DataError && /lm\.json/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
