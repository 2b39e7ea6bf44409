/**
 * Recurrent layers, cells, attention and Transformer layers against PyTorch
 * (test/fixtures/seq.json from tools/make_seq_fixtures.py): PyTorch's state dicts load by name —
 * including a 2-layer bidirectional LSTM's — and outputs and every gradient match.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { assertClose, decode, readFixture, type Encoded } from "../helpers.js";

const { nn } = tg;

interface Case {
  state: Record<string, Encoded>;
  inputs: Encoded[];
  output: Encoded;
  u: Encoded;
  inputGrads: (Encoded | null)[];
  paramGrads: Record<string, Encoded>;
}

const flat = (...ts: Tensor[]) => tg.cat(ts.map((t) => t.reshape(-1)));
const kpm = () => tg.tensor([[false, false, false, false, false], [false, false, false, true, true]]);
/** MHA's bool convention: true marks a blocked pair (key j after query i). */
const causalBool = (n: number) => tg.arange(n).unsqueeze(1).lt(tg.arange(n).unsqueeze(0));
const square = (n: number) => nn.Transformer.generateSquareSubsequentMask(n);

type Run = (m: tg.nn.Module, ...xs: Tensor[]) => Tensor;
const lstmOut: Run = (m, x, h, c) => {
  const [out, [hn, cn]] = (m as tg.nn.LSTM).forward(x!, h ? [h, c!] : undefined);
  return flat(out as Tensor, hn, cn);
};
const rnnOut: Run = (m, x, h) => {
  const [out, hn] = (m as tg.nn.GRU).forward(x!, h);
  return flat(out as Tensor, hn);
};
const packed = (lengths: number[], enforceSorted = true): Run => (m, x) => {
  const rnn = m as tg.nn.LSTM | tg.nn.GRU;
  const seq = nn.packPaddedSequence(x!, lengths, { batchFirst: rnn.batchFirst, enforceSorted });
  const [out, state] = (rnn as tg.nn.LSTM).forward(seq);
  const [padded] = nn.padPackedSequence(out as tg.nn.PackedSequence, { batchFirst: rnn.batchFirst });
  return flat(padded, ...(Array.isArray(state) ? state : [state as Tensor]));
};

const CASES: Record<string, [() => tg.nn.Module, Run]> = {
  lstm_2layer_bidirectional_batch_first: [() => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }), lstmOut],
  lstm_unbatched: [() => new nn.LSTM(3, 4), lstmOut],
  gru_2layer_bidirectional: [() => new nn.GRU(3, 4, { numLayers: 2, bidirectional: true }), rnnOut],
  rnn_relu_nobias_h0: [() => new nn.RNN(3, 4, { numLayers: 2, nonlinearity: "relu", bias: false }), rnnOut],
  rnn_tanh: [() => new nn.RNN(3, 4), rnnOut],
  lstm_packed_bidirectional: [() => new nn.LSTM(3, 4, { bidirectional: true, batchFirst: true }), packed([5, 3, 2])],
  gru_packed_unsorted: [() => new nn.GRU(3, 4, { numLayers: 2, batchFirst: true }), packed([2, 5, 3], false)],
  rnn_cell: [() => new nn.RNNCell(3, 4), (m, x, h) => (m as tg.nn.RNNCell).forward(x!, h)],
  lstm_cell: [() => new nn.LSTMCell(3, 4), (m, x, h, c) => flat(...(m as tg.nn.LSTMCell).forward(x!, [h!, c!]))],
  gru_cell: [() => new nn.GRUCell(3, 4), (m, x, h) => (m as tg.nn.GRUCell).forward(x!, h)],
  mha_cross: [() => new nn.MultiheadAttention(8, 2), (m, q, k, v) => {
    const [out, w] = (m as tg.nn.MultiheadAttention).forward(q!, k!, v!);
    return flat(out, w!);
  }],
  mha_batch_first_causal_padding: [() => new nn.MultiheadAttention(8, 2, { batchFirst: true }), (m, x) => {
    const [out, w] = (m as tg.nn.MultiheadAttention).forward(x!, x!, x!, { attnMask: causalBool(5), keyPaddingMask: kpm(), averageAttnWeights: false });
    return flat(out, w!);
  }],
  mha_kdim_vdim_float_mask: [() => new nn.MultiheadAttention(8, 4, { kdim: 6, vdim: 5, batchFirst: true }), (m, q, k, v) => {
    const mask = tg.tensor([[0, -1, 0.5, 0]]).expand(3, 4);
    const [out, w] = (m as tg.nn.MultiheadAttention).forward(q!, k!, v!, { attnMask: mask });
    return flat(out, w!);
  }],
  mha_bias_kv_zero_attn_padding: [() => new nn.MultiheadAttention(8, 2, { addBiasKv: true, addZeroAttn: true, batchFirst: true }), (m, q, k, v) => {
    const [out, w] = (m as tg.nn.MultiheadAttention).forward(q!, k!, v!, { keyPaddingMask: kpm(), attnMask: causalBool(5).narrow(0, 0, 3), averageAttnWeights: false });
    return flat(out, w!);
  }],
  encoder_layer_post_norm: [() => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), (m, x) =>
    (m as tg.nn.TransformerEncoderLayer).forward(x!, { srcKeyPaddingMask: kpm() })],
  encoder_layer_pre_norm_gelu: [() => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation: "gelu", batchFirst: true, normFirst: true }), (m, x) =>
    (m as tg.nn.TransformerEncoderLayer).forward(x!, { srcMask: square(5) })],
  decoder_layer_post_norm: [() => new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), (m, t, mem) =>
    (m as tg.nn.TransformerDecoderLayer).forward(t!, mem!, { tgtMask: square(4), memoryKeyPaddingMask: kpm() })],
  decoder_layer_pre_norm: [() => new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, normFirst: true }), (m, t, mem) =>
    (m as tg.nn.TransformerDecoderLayer).forward(t!, mem!)],
  encoder_stack_with_norm: [() => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }), 2, { norm: new nn.LayerNorm(8) }), (m, x) =>
    (m as tg.nn.TransformerEncoder).forward(x!)],
  transformer_small: [() => new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0, batchFirst: true }), (m, s, t) =>
    (m as tg.nn.Transformer).forward(s!, t!, { tgtMask: square(4) })],
};

const tol = { atol: 3e-5, rtol: 3e-4 };
const fixture = readFixture<{ cases: Record<string, Case> }>("seq.json");

describe("sequence models match PyTorch", () => {
  test("every fixture case has a model here and vice versa", () => assert.deepEqual(Object.keys(CASES).sort(), Object.keys(fixture.cases).sort()));

  for (const [name, c] of Object.entries(fixture.cases)) {
    test(name, () => {
      const [make, run] = CASES[name]!;
      const m = make();
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state), "state dict keys and order");
      m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
      const xs = c.inputs.map((e) => decode(e).requiresGrad_());
      const y = run(m, ...xs);
      assertClose(y, decode(c.output).dataSync(), { ...tol, shape: c.output.shape });
      y.mul(decode(c.u)).sum().backward();
      c.inputGrads.forEach((g, i) => g && assertClose(xs[i]!.grad!, decode(g).dataSync(), { ...tol, shape: g.shape }));
      const params = Object.fromEntries(m.namedParameters());
      assert.deepEqual(Object.keys(params).sort(), Object.keys(c.paramGrads).sort());
      for (const [k, g] of Object.entries(c.paramGrads)) assertClose(params[k]!.grad!, decode(g).dataSync(), { ...tol, shape: g.shape });
    });
  }
});
