/**
 * Float64 gradchecks for the recurrent cells and steps, attention, and whole sequence layers with
 * respect to their inputs (the modules converted with .double(), as PyTorch requires).
 */
import { describe, test } from "node:test";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { gruStep, lstmStep, rnnStep } from "../../src/nn/layers/rnn-cells.js";

const { nn } = tg;
const F = nn.functional;
tg.manualSeed(21);
const d = (...shape: number[]) => tg.randn(shape, { dtype: "float64" }).requiresGrad_();
const flat = (...ts: Tensor[]) => tg.cat(ts.map((t) => t.reshape(-1)));
const check = (fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]) => void tg.testing.gradcheck(fn, inputs);

describe("sequence gradchecks (float64)", () => {
  test("rnn, lstm and gru steps, weights included", () => {
    check((x, h, w) => rnnStep(x, h!, w!.t(), "tanh"), [d(2, 3), d(2, 3), d(3, 3)]);
    check((x, h, c, w) => flat(...lstmStep(x, h!, c!, w!.t())), [d(2, 8), d(2, 2), d(2, 2), d(8, 2)]);
    check((x, h, w, b) => gruStep(x, h!, w!.t(), b!), [d(2, 6), d(2, 2), d(6, 2), d(6)]);
  });

  test("cells", () => {
    const lstm = new nn.LSTMCell(3, 2).double();
    check((x, h, c) => flat(...lstm.forward(x, [h!, c!])), [d(2, 3), d(2, 2), d(2, 2)]);
    const gru = new nn.GRUCell(3, 2).double();
    check((x, h) => gru.forward(x, h), [d(2, 3), d(2, 2)]);
  });

  test("LSTM (2 layers, bidirectional), GRU with lengths", () => {
    const lstm = new nn.LSTM(2, 2, { numLayers: 2, bidirectional: true, batchFirst: true }).double();
    check((x) => {
      const [out, [h, c]] = lstm.forward(x);
      return flat(out as Tensor, h, c);
    }, [d(2, 3, 2)]);
    const gru = new nn.GRU(2, 3).double();
    check((x) => {
      const [out, h] = gru.forward(nn.packPaddedSequence(x, [3, 1]));
      return flat((out as tg.nn.PackedSequence).data, h);
    }, [d(3, 2, 2)]);
  });

  test("scaled dot-product attention with bool, float and causal masks", () => {
    const allow = tg.tensor([[true, false, true], [true, true, false]]);
    check((q, k, v) => F.scaledDotProductAttention(q, k!, v!, { attnMask: allow }), [d(2, 2, 4), d(2, 3, 4), d(2, 3, 5)]);
    check((q, k, v, m) => F.scaledDotProductAttention(q, k!, v!, { attnMask: m! }), [d(1, 3, 4), d(1, 3, 4), d(1, 3, 2), d(3, 3)]);
    check((q, k, v) => F.scaledDotProductAttention(q, k!, v!, { isCausal: true, scale: 0.3 }), [d(2, 3, 4), d(2, 3, 4), d(2, 3, 4)]);
  });

  test("MultiheadAttention and Transformer layers", () => {
    const mha = new nn.MultiheadAttention(4, 2, { batchFirst: true }).double();
    const kpm = tg.tensor([[false, false, true], [false, false, false]]);
    check((q, k, v) => {
      const [out, w] = mha.forward(q, k!, v!, { keyPaddingMask: kpm });
      return flat(out, w!);
    }, [d(2, 2, 4), d(2, 3, 4), d(2, 3, 4)]);
    const enc = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, batchFirst: true, normFirst: true }).double();
    check((x) => enc.forward(x, { isCausal: true }), [d(2, 3, 4)]);
    const dec = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }).double();
    check((t, m) => dec.forward(t, m!), [d(2, 1, 4), d(3, 1, 4)]);
  });

  test("positional encodings", () => {
    const sin = new nn.SinusoidalPositionalEncoding(6, { maxLen: 10, dropout: 0 });
    check((x) => sin.forward(x), [d(2, 4, 6)]);
    const learned = new nn.LearnedPositionalEmbedding(6, { maxLen: 10 }).double();
    check((x) => learned.forward(x), [d(2, 4, 6)]);
  });
});
