/**
 * Keras' names where Keras users look for them (the seed's programs B.1, B.3 and 12.1 use these):
 * keras.layers.*, keras.datasets.*.loadData(), keras.utils, keras.preprocessing.sequence,
 * Embedding's inputLength, evaluate's Keras return forms, and the one-file .keras format.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../../src/index.js";

const { keras } = tg;
const silent = { write: () => true, isTTY: false };

test("keras.datasets.mnist.loadData() gives [[xTrain, yTrain], [xTest, yTest]] with pixels 0…255", () => {
  const [[xTrain, yTrain], [xTest, yTest]] = keras.datasets.mnist.loadData();
  assert.deepEqual(xTrain.shape, [7996, 28, 28]);
  assert.deepEqual(yTrain.shape, [7996]);
  assert.deepEqual(xTest.shape, [2004, 28, 28]);
  assert.deepEqual(yTest.shape, [2004]);
  assert.equal(xTrain.max().item(), 255);
  const [[seqs, labels]] = keras.datasets.imdb.loadData({ path: new URL("../fixtures/imdb_mini.npz", import.meta.url).pathname, numWords: 20 });
  assert.equal(seqs.length, labels.length);
  assert.throws(() => keras.datasets.imdb.loadData(), /give \{path\} of a local imdb\.npz/);
});

test("keras.layers, keras.utils.toCategorical, padSequences, Embedding({inputLength}), evaluate's forms, verbose 2", () => {
  tg.manualSeed(0);
  const model = new keras.Sequential([
    new keras.layers.Embedding(20, 4, { inputLength: 5 }),
    new keras.layers.Flatten(),
    new keras.layers.Dense(3, { activation: "softmax" }),
  ]);
  assert.ok(model.built, "inputLength sets the input shape");
  model.compile({ optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"] });
  const x = keras.preprocessing.sequence.padSequences([[1, 2], [3, 4, 5, 6, 7, 8], [9]], { maxlen: 5 });
  assert.deepEqual(x.shape, [3, 5]);
  assert.deepEqual(keras.utils.padSequences([[1]], { maxlen: 2 }).tolist(), [[0, 1]]);
  const y = keras.utils.toCategorical([0, 2, 1], 3);
  assert.deepEqual(y.tolist(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.equal(y.dtype, "float32");
  assert.throws(() => keras.utils.toCategorical(tg.tensor([0.5])), /whole numbers/);
  model.fit(x, y, { epochs: 1, verbose: 2, output: silent });
  const list = model.evaluate(x, y, { verbose: 2, output: silent });
  assert.ok(Array.isArray(list) && list.length === 2, "[loss, accuracy]");
  const dict = model.evaluate(x, y, { returnDict: true });
  assert.deepEqual(Object.keys(dict), ["loss", "accuracy"]);
  assert.equal(dict.loss, (list as number[])[0]);
  const plain = new keras.Sequential([new keras.layers.Dense(1, { inputShape: [2] })]);
  plain.compile({ optimizer: "sgd", loss: "mse" });
  assert.equal(typeof plain.evaluate(tg.ones([2, 2]), tg.ones([2, 1])), "number", "no metrics: the loss alone");
});

test('model.save("m.keras") writes one file that loadModel reads back', () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-keras-"));
  try {
    tg.manualSeed(1);
    const model = new keras.Sequential([new keras.layers.Dense(4, { inputShape: [3], activation: "relu" }), new keras.layers.Dense(2)], { name: "one_file" });
    model.compile({ optimizer: "adam", loss: "mse" });
    const file = path.join(dir, "m.keras");
    model.save(file);
    assert.deepEqual(readdirSync(dir), ["m.keras"]);
    const back = keras.loadModel(file);
    assert.equal(back.name, "one_file");
    const x = tg.randn([5, 3]);
    assert.deepEqual(back.predict(x).tolist(), model.predict(x).tolist());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
