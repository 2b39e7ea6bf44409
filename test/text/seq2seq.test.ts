/**
 * Seq2SeqRNN against the same architecture in PyTorch (float64; tools/make_seq2seq_fixtures.py):
 * Bahdanau, Luong (dot, general) and no attention, with a GRU and an LSTM — teacher-forced logits,
 * loss and every gradient, and greedy decoding's tokens and attention; beam search's behaviour.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, readFixture, type Encoded } from "../helpers.js";

const { text } = tg;
const f64 = (e: Encoded) => tg.tensor(e.data.map((v) => v ?? NaN), { dtype: "float64", shape: e.shape });
const ids = (rows: number[][]) => tg.tensor(rows, { dtype: "int32" });
interface Case {
  cell: "gru" | "lstm"; attention: tg.text.AttentionKind; state: Record<string, Encoded>; logits: Encoded; loss: number;
  grads: Record<string, Encoded>; greedy: { tokens: number[]; weights: Encoded | null }[];
}
const fx = readFixture<{ vocab: number; hidden: number; src: number[][]; tgtIn: number[][]; tgtOut: number[][]; cases: Case[] }>("seq2seq.json");
const tight = { atol: 1e-10, rtol: 1e-8 };

function build(c: Case): tg.text.Seq2SeqRNN {
  const model = new text.Seq2SeqRNN({ srcVocabSize: fx.vocab, tgtVocabSize: fx.vocab, hiddenSize: fx.hidden, cell: c.cell, attention: c.attention }).to("float64") as tg.text.Seq2SeqRNN;
  model.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, f64(v)])));
  return model;
}

describe("Seq2SeqRNN matches its PyTorch formulation (float64)", () => {
  for (const c of fx.cases) {
    test(`${c.cell}, ${c.attention} attention: logits, loss and every gradient; greedy tokens and attention`, () => {
      const model = build(c);
      const logits = model.forward(ids(fx.src), ids(fx.tgtIn));
      assertClose(logits, f64(c.logits), tight);
      const loss = tg.nn.functional.crossEntropy(logits.reshape(-1, fx.vocab), ids(fx.tgtOut).reshape(-1), { ignoreIndex: 0 });
      assertClose([loss.item()], [c.loss], tight);
      loss.backward();
      const named = [...model.namedParameters()];
      assert.deepEqual(named.map(([n]) => n).sort(), Object.keys(c.grads).sort());
      for (const [name, p] of named) assertClose(p.grad!, f64(c.grads[name]!), { ...tight, atol: 1e-9 });
      // Greedy steps from BOS: the same tokens, and attention that ignores the padding.
      const enc = model.encode(ids(fx.src));
      let state = enc.state;
      let prev = tg.full([3], 1, { dtype: "int32" });
      for (const step of c.greedy) {
        const r = tg.noGrad(() => model.step(prev, state, enc));
        prev = r.logits.argmax(1).int();
        assert.deepEqual(prev.tolist(), step.tokens);
        if (step.weights) assertClose(r.weights!, f64(step.weights), tight);
        state = r.state;
      }
    });
  }
});

describe("decoding", () => {
  tg.manualSeed(1);
  const model = new text.Seq2SeqRNN({ srcVocabSize: 12, tgtVocabSize: 12, hiddenSize: 16, attention: "luong-general" });
  tg.noGrad(() => model.parameters().forEach((p) => p.add_(tg.randnLike(p).mul(0.6))));
  const src = ids([[3, 4, 5, 6], [7, 8, 0, 0]]);

  test("greedyDecode stops at EOS, returns one attention row per token over the source", () => {
    const { tokens, attention } = text.greedyDecode(model, src, { maxLen: 6, bos: 1, eos: 2 });
    assert.equal(tokens.length, 2);
    tokens.forEach((t, b) => {
      assert.ok(t.length <= 6 && !t.includes(2));
      assert.equal(attention[b]!.length, t.length);
      attention[b]!.forEach((w) => assert.ok(Math.abs(w.reduce((a, v) => a + v, 0) - 1) < 1e-5));
    });
    // The second source is padded after two tokens: no attention there.
    attention[1]!.forEach((w) => assert.ok(w[2]! === 0 && w[3]! === 0));
  });

  test("beamSearch with one beam is greedy; wider beams never score worse by summed log-probability", () => {
    const greedy = text.greedyDecode(model, src, { maxLen: 6, bos: 1, eos: 2 }).tokens;
    assert.deepEqual(text.beamSearch(model, src, { maxLen: 6, bos: 1, eos: 2, beamSize: 1, lengthPenalty: 0 }).tokens, greedy);
    const narrow = text.beamSearch(model, src, { maxLen: 6, bos: 1, eos: 2, beamSize: 1, lengthPenalty: 0 });
    const wide = text.beamSearch(model, src, { maxLen: 6, bos: 1, eos: 2, beamSize: 6, lengthPenalty: 0 });
    wide.scores.forEach((s, i) => assert.ok(s >= narrow.scores[i]! - 1e-9, `row ${i}: ${s} < ${narrow.scores[i]}`));
  });

  test("bad input is a typed error", () => {
    assert.throws(() => text.greedyDecode(model, src, { maxLen: 0, bos: 1, eos: 2 }), /maxLen must be a positive integer/);
    assert.throws(() => text.beamSearch(model, src, { maxLen: 3, bos: 1, eos: 12 }), /eos 12 is outside the target vocabulary \[0, 12\)/);
    assert.throws(() => model.forward(ids([[3, 4]]), ids([[1], [1]])), tg.ShapeError);
    assert.throws(() => model.encode(tg.tensor([3, 4], { dtype: "int32" })), /src must be \[B, S\]/);
  });
});

describe("Seq2SeqTransformer", () => {
  tg.manualSeed(2);
  const model = new text.Seq2SeqTransformer({ srcVocabSize: 10, tgtVocabSize: 10, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32, dropout: 0 });
  model.eval();
  const src = ids([[3, 4, 5, 6], [7, 8, 0, 0]]);
  const tgtIn = ids([[1, 5, 6, 7], [1, 9, 3, 0]]);

  test("the target is causal: a position's logits do not see later tokens", () => {
    const a = model.forward(src, tgtIn);
    const b = model.forward(src, ids([[1, 5, 9, 9], [1, 9, 4, 4]]));
    assertClose(a.narrow(1, 0, 2), b.narrow(1, 0, 2), { atol: 1e-5 });
  });

  test("source padding is masked: more padding changes nothing", () => {
    const a = model.forward(ids([[7, 8, 0, 0]]), ids([[1, 9, 3]]));
    const b = model.forward(ids([[7, 8, 0, 0, 0, 0]]), ids([[1, 9, 3]]));
    assertClose(a, b, { atol: 1e-5 });
  });

  test("step-by-step decoding gives the teacher-forced logits; one beam is greedy", () => {
    const full = model.forward(src, tgtIn);
    const { enc, state } = model.begin(src);
    let prefix = state;
    for (let t = 0; t < 4; t++) {
      const r = model.step(tgtIn.select(1, t), prefix, enc);
      assertClose(r.logits, full.select(1, t), { atol: 1e-5 });
      prefix = r.state;
    }
    const greedy = text.greedyDecode(model, src, { maxLen: 5, bos: 1, eos: 2 }).tokens;
    assert.deepEqual(text.beamSearch(model, src, { maxLen: 5, bos: 1, eos: 2, beamSize: 1, lengthPenalty: 0 }).tokens, greedy);
  });

  test("teacher-forced training lowers the loss of a copy task (its learning runs are the example's)", () => {
    tg.manualSeed(0);
    const m = new text.Seq2SeqTransformer({ srcVocabSize: 8, tgtVocabSize: 8, dModel: 32, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64, dropout: 0 });
    const opt = new tg.optim.Adam(m.parameters(), { lr: 1e-3 });
    const g = new tg.Generator(0);
    const losses: number[] = [];
    for (let s = 0; s < 120; s++) {
      losses.push(tg.scope(() => {
        const rows = Array.from({ length: 32 }, () => Array.from({ length: 3 }, () => 3 + g.randomInt(5)));
        const logits = m.forward(ids(rows), ids(rows.map((r) => [1, ...r])));
        const loss = tg.nn.functional.crossEntropy(logits.reshape(-1, 8), ids(rows.map((r) => [...r, 2])).reshape(-1));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
      }));
    }
    assert.ok(losses[0]! > 2 && losses.at(-1)! < 1.2, `loss ${losses[0]} → ${losses.at(-1)}`);
  });
});
