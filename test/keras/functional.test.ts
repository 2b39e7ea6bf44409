/** The functional API: residual and multi-input graphs, MultiHeadAttention, training and save/load. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../../src/index.js";

const { keras } = tg;

test("a residual MLP: Input → Dense → Add(skip) → Dense, trained with fit", () => {
  tg.manualSeed(3);
  const inp = keras.Input({ shape: [8], name: "features" });
  const h = new keras.Dense(8, { activation: "relu", name: "hidden" }).apply(inp);
  const skip = new keras.Add({ name: "skip" }).apply([inp, h]);
  const out = new keras.Dense(2, { activation: "softmax", name: "head" }).apply(skip);
  const model = new keras.Model({ inputs: inp, outputs: out, name: "residual" });
  assert.deepEqual(model.layers.map((l) => l.name), ["hidden", "skip", "head"]);
  assert.deepEqual(Object.keys(model.weights.stateDict()), ["hidden.weight", "hidden.bias", "head.weight", "head.bias"]);
  const x = tg.randn([64, 8]);
  const y = x.sum(1).gt(0).int();
  model.compile({ optimizer: keras.optimizers.adam({ learningRate: 0.02 }), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  const h2 = model.fit(x, y, { epochs: 15, batchSize: 16, verbose: 0 });
  assert.ok(h2.history.accuracy![14]! > 0.8);
  const text = model.summary({ write: () => 0 });
  assert.match(text, /\n skip \(Add\) +\(None, 8\) +0\n/);
});

test("several inputs with Concatenate, and self-attention with MultiHeadAttention", () => {
  const a = keras.Input({ shape: [3], name: "a" });
  const b = keras.Input({ shape: [5], name: "b" });
  const joined = new keras.Concatenate().apply([a, b]);
  const model = new keras.Model({ inputs: [a, b], outputs: new keras.Dense(1).apply(joined) });
  assert.deepEqual(model.outputShape(), [1]);
  assert.deepEqual(model.callMany([tg.ones([2, 3]), tg.ones([2, 5])])[0]!.shape, [2, 1]);

  const seq = keras.Input({ shape: [6, 16] });
  const attn = new keras.MultiHeadAttention(4, 8, { name: "mha" }).apply([seq, seq]);
  const pooled = new keras.GlobalAveragePooling1D().apply(new keras.LayerNormalization().apply(new keras.Add().apply([seq, attn])));
  const m = new keras.Model({ inputs: seq, outputs: new keras.Dense(3, { activation: "softmax" }).apply(pooled) });
  assert.deepEqual(m.predict(tg.randn([2, 6, 16])).shape, [2, 3]);
  assert.deepEqual(Object.keys(m.weights.stateDict()).filter((k) => k.startsWith("mha.")).sort(), [
    "mha.key.bias", "mha.key.weight", "mha.output.bias", "mha.output.weight", "mha.query.bias", "mha.query.weight", "mha.value.bias", "mha.value.weight",
  ]);
});

test("a functional model saves and loads with identical predictions", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-keras-"));
  try {
    const inp = keras.Input({ shape: [4], name: "x" });
    const h = new keras.Dense(4, { activation: "tanh", name: "d1" }).apply(inp);
    const out = new keras.Dense(3, { name: "d2" }).apply(new keras.Add({ name: "res" }).apply([inp, h]));
    const model = new keras.Model({ inputs: inp, outputs: out });
    model.compile({ loss: "mse" });
    model.save(path.join(dir, "m"));
    const back = keras.loadModel(path.join(dir, "m"));
    const x = tg.randn([5, 4]);
    assert.deepEqual(back.predict(x).tolist(), model.predict(x).tolist());
    assert.equal(back.constructor.name, "Model");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
