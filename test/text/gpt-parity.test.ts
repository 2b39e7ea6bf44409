/**
 * tg.text's GPT against nanoGPT's model on PyTorch (float64: a Block and two small GPTs, logits, loss
 * and every gradient) and against a tiny Hugging Face GPT-2 checkpoint (logits and a greedy
 * continuation); the KV cache against the uncached path. Fixtures: tools/make_gpt_fixtures.py.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../../src/index.js";
import { assertClose, readFixture, type Encoded } from "../helpers.js";

const { text } = tg;
const f64 = (e: Encoded) => tg.tensor(e.data.map((v) => v ?? NaN), { dtype: "float64", shape: e.shape });
const ids = (rows: number[][]) => tg.tensor(rows, { dtype: "int32" });
interface Config { vocab_size: number; block_size: number; n_layer: number; n_head: number; n_embd: number; bias: boolean }
interface Case { config: Config; state: Record<string, Encoded>; grads: Record<string, Encoded> }
interface Fixture {
  block: Case & { x: Encoded; y: Encoded; upstream: Encoded };
  gpt: Case & { idx: number[][]; targets: number[][]; logits: Encoded; loss: number };
  gptNoBias: Case & { idx: number[][]; targets: number[][]; logits: Encoded; loss: number };
}
const fx = readFixture<Fixture>("gpt.json");
const tight = { atol: 1e-10, rtol: 1e-8 };
const gptConfig = (c: Config): tg.text.GPTConfig => ({ vocabSize: c.vocab_size, blockSize: c.block_size, nLayer: c.n_layer, nHead: c.n_head, nEmbd: c.n_embd, bias: c.bias });
const loadState = (m: tg.nn.Module, state: Record<string, Encoded>) => m.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, f64(v)])));

describe("GPT matches nanoGPT on PyTorch (float64)", () => {
  test("a Block: output and the gradients of its input and every parameter", () => {
    const c = text.resolveConfig(gptConfig(fx.block.config));
    const block = new text.Block(c).to("float64");
    loadState(block, fx.block.state);
    const x = f64(fx.block.x).requiresGrad_(true);
    const y = block.forward(x);
    assertClose(y, f64(fx.block.y), tight);
    y.mul(f64(fx.block.upstream)).sum().backward();
    assertClose(x.grad!, f64(fx.block.grads.x!), tight);
    for (const [name, p] of block.namedParameters()) assertClose(p.grad!, f64(fx.block.grads[name]!), tight);
  });

  for (const key of ["gpt", "gptNoBias"] as const) {
    test(`a small GPT (${key === "gpt" ? "with" : "without"} biases): logits, loss with ignored targets, and every gradient (tied weights once)`, () => {
      const cs = fx[key];
      const model = new text.GPT(gptConfig(cs.config)).to("float64") as tg.text.GPT;
      loadState(model, cs.state);
      assert.deepEqual(Object.keys(model.stateDict()).sort(), Object.keys(cs.state).sort());
      const { logits, loss } = model.forward(ids(cs.idx), { targets: ids(cs.targets) });
      assertClose(logits, f64(cs.logits), tight);
      assertClose([loss!.item()], [cs.loss], tight);
      loss!.backward();
      const named = [...model.namedParameters()];
      assert.deepEqual(named.map(([n]) => n).sort(), Object.keys(cs.grads).sort());
      for (const [name, p] of named) assertClose(p.grad!, f64(cs.grads[name]!), tight);
    });
  }
});

describe("Hugging Face GPT-2 checkpoints", () => {
  const dir = new URL("../fixtures/gpt2-tiny", import.meta.url).pathname;
  const expected = readFixture<{ idx: number[][]; logits: Encoded; prompt: number[]; greedy: number[] }>("gpt2-tiny/expected.json");

  test("loadGPT2 reads config.json + model.safetensors and gives transformers' logits", () => {
    const model = text.loadGPT2(dir);
    assert.equal(model.config.geluApproximate, "tanh");
    assertClose(model.forward(ids(expected.idx)).logits, tg.tensor(expected.logits.data as number[], { shape: expected.logits.shape }), { atol: 2e-5, rtol: 1e-4 });
  });

  test("greedy generation (temperature 0) gives transformers' greedy tokens, with and without the KV cache", () => {
    const model = text.loadGPT2(dir);
    assert.deepEqual(text.generate(model, expected.prompt, { maxNewTokens: 12, temperature: 0 }), expected.greedy);
    assert.deepEqual(text.generate(model, expected.prompt, { maxNewTokens: 12, temperature: 0, useCache: false }), expected.greedy);
  });

  test("saveGPT2 writes a folder loadGPT2 reads back to the same logits", () => {
    const tmp = mkdtempSync(path.join(tmpdir(), "tg-gpt2-"));
    try {
      const model = text.loadGPT2(dir);
      text.saveGPT2(model, path.join(tmp, "copy"));
      const back = text.loadGPT2(path.join(tmp, "copy"));
      assertClose(back.forward(ids(expected.idx)).logits, model.forward(ids(expected.idx)).logits, { atol: 0, rtol: 0 });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe("generation", () => {
  tg.manualSeed(3);
  const model = new text.GPT({ vocabSize: 17, blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 16 });
  // Wider weights than the initialisation, so that the greedy path is not one repeated token.
  tg.noGrad(() => model.parameters().forEach((p) => p.add_(tg.randnLike(p).mul(0.5))));

  test("the KV cache gives exactly the uncached tokens at temperature 0, also past the block size (cropped)", () => {
    for (const n of [5, 30]) {
      const cached = text.generate(model, [1, 2, 3, 4], { maxNewTokens: n, temperature: 0 });
      assert.deepEqual(cached, text.generate(model, [1, 2, 3, 4], { maxNewTokens: n, temperature: 0, useCache: false }));
      assert.equal(cached.length, 4 + n);
    }
  });

  test("the cache's logits equal a full forward's at every position", () => {
    const seq = [5, 1, 7, 2, 9, 3, 3, 8];
    const full = model.forward(ids([seq])).logits;
    const cache = new text.KVCache(2);
    const parts = [model.forward(ids([seq.slice(0, 3)]), { cache }).logits, model.forward(ids([seq.slice(3, 4)]), { cache }).logits, model.forward(ids([seq.slice(4)]), { cache }).logits];
    assertClose(tg.cat(parts, 1), full, { atol: 1e-5, rtol: 1e-5 });
    assert.equal(cache.length, 8);
  });

  test("sampling: seeded draws repeat, topK 1 is greedy, topK beyond the vocabulary is the whole vocabulary, topP keeps the nucleus", () => {
    const draw = (opts: tg.text.SampleOptions) => text.generate(model, [1], { maxNewTokens: 10, ...opts });
    assert.deepEqual(draw({ generator: new tg.Generator(7) }), draw({ generator: new tg.Generator(7) }));
    assert.deepEqual(draw({ topK: 1, generator: new tg.Generator(1) }), draw({ temperature: 0 }));
    assert.deepEqual(draw({ topK: 1000, generator: new tg.Generator(5) }), draw({ generator: new tg.Generator(5) }));
    assert.deepEqual(draw({ topP: 1e-9, generator: new tg.Generator(2) }), draw({ temperature: 0 }));
    const logits = [0, Math.log(3), Math.log(6)]; // probabilities 0.1, 0.3, 0.6
    const seen = new Set<number>();
    const g = new tg.Generator(0);
    for (let i = 0; i < 200; i++) seen.add(text.sampleToken(logits, { topP: 0.85, generator: g }));
    assert.deepEqual([...seen].sort(), [1, 2]);
  });

  test("bad input: tokens outside the vocabulary, an empty prompt, a too-long forward, bad sampling options", () => {
    assert.throws(() => text.generate(model, [1, 17], { maxNewTokens: 1 }), (e: Error) => e instanceof tg.IndexError && /prompt token 1 is 17, outside the vocabulary \[0, 17\)/.test(e.message));
    assert.throws(() => text.generate(model, [], { maxNewTokens: 1 }), tg.ValueError);
    assert.throws(() => model.forward(ids([Array.from({ length: 13 }, () => 0)])), (e: Error) => e instanceof tg.ShapeError && /length 13; the block size is only 12/.test(e.message));
    assert.throws(() => model.forward(ids([[16, 17]])), tg.IndexError);
    assert.throws(() => text.sampleToken([0, 1], { topK: 0 }), /topK must be a positive integer/);
    assert.throws(() => text.sampleToken([0, 1], { topP: 1.5 }), /topP must be in \(0, 1\]/);
    assert.throws(() => text.sampleToken([0, 1], { temperature: -1 }), /temperature must be ≥ 0/);
    // A prompt longer than the block size is cropped to its last blockSize tokens, as nanoGPT.
    const long = Array.from({ length: 20 }, (_, i) => i % 17);
    assert.deepEqual(text.generate(model, long, { maxNewTokens: 3, temperature: 0 }).slice(20), text.generate(model, long.slice(-12), { maxNewTokens: 3, temperature: 0 }).slice(12));
  });
});
