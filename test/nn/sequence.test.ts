/** Sequence-model details the parity fixtures do not pin down: masks, encodings, lengths, errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

const { nn } = tg;

test("square subsequent mask and sinusoidal encodings", () => {
  assert.deepEqual(nn.Transformer.generateSquareSubsequentMask(3).tolist(), [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
  const pe = new nn.SinusoidalPositionalEncoding(4, { maxLen: 8, dropout: 0 });
  const out = pe.forward(tg.zeros([1, 3, 4])).select(0, 0);
  assertClose(out.select(0, 1), [Math.sin(1), Math.cos(1), Math.sin(1 / 100), Math.cos(1 / 100)]);
  assert.deepEqual(Object.keys(pe.stateDict()), []); // a non-persistent buffer
});

test("padded steps do not change an LSTM's final state", () => {
  tg.manualSeed(1);
  const lstm = new nn.LSTM(2, 3, { batchFirst: true });
  const x = tg.randn([1, 4, 2]);
  const [, [hShort]] = lstm.forward(x.narrow(1, 0, 2));
  const padded = tg.cat([x.narrow(1, 0, 2), tg.full([1, 2, 2], 9)], 1);
  const [out, [hPacked]] = lstm.forward(nn.packPaddedSequence(padded, [2], { batchFirst: true }));
  assertClose(hPacked, hShort.dataSync());
  const [unpacked] = nn.padPackedSequence(out as tg.nn.PackedSequence, { batchFirst: true });
  assert.deepEqual(unpacked.narrow(1, 2, 2).abs().sum().item(), 0);
});

test("MultiheadAttention: unbatched input and needWeights false", () => {
  const mha = new nn.MultiheadAttention(4, 2);
  const [out, w] = mha.forward(tg.randn([3, 4]), tg.randn([5, 4]), tg.randn([5, 4]));
  assert.deepEqual(out.shape, [3, 4]);
  assert.deepEqual(w!.shape, [3, 5]);
  assertClose(w!.sum(-1), [1, 1, 1]);
  assert.equal(mha.forward(tg.randn([3, 1, 4]), tg.randn([5, 1, 4]), tg.randn([5, 1, 4]), { needWeights: false })[1], null);
  assert.deepEqual(Object.keys(mha.stateDict()), ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]);
});

test("errors name the layer and the expected shapes", () => {
  assert.throws(() => new nn.LSTM(3, 4).forward(tg.zeros([5, 2, 2])), /LSTM\(3, 4\) expected input features 3, got shape \[5, 2, 2\]/);
  assert.throws(() => new nn.GRU(3, 4, { numLayers: 2 }).forward(tg.zeros([5, 2, 3]), tg.zeros([1, 2, 4])), /expected hidden state of shape \[2, 2, 4\]/);
  assert.throws(() => nn.packPaddedSequence(tg.zeros([4, 2, 3]), [2, 3]), /sorted in decreasing order/);
  assert.throws(() => nn.packPaddedSequence(tg.zeros([4, 2, 3]), [5, 3]), /lengths must be integers in 1\.\.4/);
  assert.throws(() => new nn.MultiheadAttention(6, 4), /embedDim \(6\) must be divisible by numHeads \(4\)/);
  assert.throws(() => new nn.MultiheadAttention(4, 2).forward(tg.zeros([3, 1, 5]), tg.zeros([3, 1, 4]), tg.zeros([3, 1, 4])), /expected query with 4 features/);
  assert.throws(() => new nn.LSTMCell(3, 4).forward(tg.zeros([2, 5])), /LSTMCell\(3, 4\) expected input \[N, 3\]/);
});

test("TransformerEncoder clones its layer (same weights, separate parameters)", () => {
  const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 });
  const enc = new nn.TransformerEncoder(layer, 2);
  const [a, b] = [...enc.layers];
  assert.notEqual(a!.linear1.weight, b!.linear1.weight);
  assert.deepEqual(a!.linear1.weight.tolist(), layer.linear1.weight.tolist());
  assert.equal(enc.parameters().length, 2 * layer.parameters().length);
});

test("a Transformer layer's feed-forward dropout(relu(·)), fused on wasm, gives the two ops' numbers, draws and gradients", () => {
  const previous = tg.getBackend().name;
  for (const backend of ["wasm", "js"]) {
    tg.setBackend(backend);
    const run = (hooked: boolean, decoder: boolean) => {
      tg.manualSeed(5);
      const layer = decoder ? new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 24 }) : new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 24 });
      // A hook on the dropout module makes the layer call relu and the module one after the other.
      if (hooked) layer.dropout.registerForwardHook(() => undefined);
      const x = tg.randn([5, 3, 8]);
      const y = decoder ? (layer as tg.nn.TransformerDecoderLayer).forward(x, tg.randn([4, 3, 8])) : (layer as tg.nn.TransformerEncoderLayer).forward(x);
      y.square().mean().backward();
      return [y, ...layer.parameters().map((p) => p.grad!)].map((t) => [...t.dataSync()]);
    };
    for (const decoder of [false, true]) assert.deepEqual(run(false, decoder), run(true, decoder), `${backend}, ${decoder ? "decoder" : "encoder"}`);
  }
  tg.setBackend(previous);
});
