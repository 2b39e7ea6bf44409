/**
 * tg.keras: the seed's TensorFlow programs written line for line (the MLP on MNIST, the LSTM text
 * classifier), fit on tensors and on a DataLoader, callbacks, progress output, summary, save/load.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as tg from "../../src/index.js";

const { keras, data } = tg;

/** 600 real digits as [N, 28, 28] images and labels. */
function digits(n: number, train = true): [tg.Tensor, tg.Tensor] {
  const ds = new data.EmbeddedMNIST({ train });
  return [ds.images().narrow(0, 0, n).reshape(n, 28, 28), ds.targets().narrow(0, 0, n)];
}

const silent = { verbose: 0 as const };
const withDir = (fn: (dir: string) => void) => () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tg-keras-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe("the seed's Keras programs", () => {
  test("B.1: Flatten → Dense(128, relu) → Dropout → Dense(10, softmax) learns MNIST digits", () => {
    tg.manualSeed(0);
    const [xTrain, yTrain] = digits(600);
    const [xTest, yTest] = digits(200, false);
    const model = new keras.Sequential([
      new keras.Flatten({ inputShape: [28, 28] }),
      new keras.Dense(128, { activation: "relu" }),
      new keras.Dropout(0.2),
      new keras.Dense(10, { activation: "softmax" }),
    ]);
    model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    const history = model.fit(xTrain, yTrain, { epochs: 4, batchSize: 32, validationSplit: 0.2, ...silent });
    assert.deepEqual(Object.keys(history.history), ["loss", "accuracy", "val_loss", "val_accuracy"]);
    assert.ok(history.history.loss![3]! < history.history.loss![0]!);
    const result = model.evaluate(xTest, yTest, { returnDict: true });
    assert.ok(result.accuracy! > 0.75, `test accuracy ${result.accuracy}`);
    assert.deepEqual(model.predict(xTest.narrow(0, 0, 5)).shape, [5, 10]);
  });

  test("B.3: Embedding → LSTM(32) → Dense(1, sigmoid) on real e-mails", () => {
    tg.manualSeed(1);
    const mails = new data.SpamAssassin({ train: true });
    const n = 64;
    const tokenize = data.text.basicEnglishTokenizer;
    const texts = mails.texts.slice(0, n).map(tokenize);
    const vocab = data.text.Vocab.build(texts, { maxSize: 500 });
    const x = data.text.padSequences(texts.map((t) => vocab.lookupIndices(t)), { maxlen: 20 });
    const y = tg.tensor(mails.labels.slice(0, n));
    const model = new keras.Sequential([
      new keras.Embedding(500, 16, { inputShape: [20] }),
      new keras.LSTM(32),
      new keras.Dense(1, { activation: "sigmoid" }),
    ]);
    model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy", "precision", "recall", "auc"] });
    const h = model.fit(x, y, { epochs: 3, batchSize: 16, ...silent });
    assert.ok(h.history.loss![2]! < h.history.loss![0]!);
    for (const k of ["accuracy", "precision", "recall", "auc"]) assert.ok(h.history[k]![2]! >= 0 && h.history[k]![2]! <= 1, k);
    assert.deepEqual(model.predict(x.narrow(0, 0, 3)).shape, [3, 1]);
  });
});

describe("fit", () => {
  const build = () => {
    const m = new keras.Sequential([new keras.Dense(8, { activation: "tanh", inputShape: [4] }), new keras.Dense(3, { activation: "softmax" })]);
    m.compile({ optimizer: keras.optimizers.sgd({ learningRate: 0.1 }), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    return m;
  };
  const toy = () => {
    const x = tg.randn([40, 4], { generator: new tg.Generator(9) });
    return [x, x.narrow(1, 0, 3).argmax(1)] as const;
  };

  test("on a DataLoader and on tensors gives the same History for the same seed", () => {
    const [x, y] = toy();
    tg.manualSeed(5);
    const a = build().fit(x, y, { epochs: 3, batchSize: 8, ...silent });
    tg.manualSeed(5);
    const m = build();
    const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 8, shuffle: true });
    const b = m.fit(loader, { epochs: 3, ...silent });
    assert.deepEqual(b.history, a.history);
  });

  test("one-hot targets, classWeight, validationData and initialEpoch", () => {
    const [x, y] = toy();
    const m = new keras.Sequential([new keras.Dense(3, { activation: "softmax", inputShape: [4] })]);
    m.compile({ optimizer: "sgd", loss: "categorical_crossentropy", metrics: ["accuracy", "top_k_categorical_accuracy"] });
    const h = m.fit(x, data.text.toCategorical(y, 3), { epochs: 3, initialEpoch: 1, classWeight: { 0: 2, 1: 1, 2: 1 }, validationData: [x, data.text.toCategorical(y, 3)], ...silent });
    assert.deepEqual(h.epoch, [1, 2]);
    assert.equal(h.history.top_k_categorical_accuracy![0], 1); // with 3 classes the top 5 always hit
    assert.ok("val_loss" in h.history);
  });

  test("callbacks: EarlyStopping (restoring the best weights), LearningRateScheduler, CSVLogger, TerminateOnNaN, custom", withDir((dir) => {
    const [x, y] = toy();
    const m = build();
    const seen: number[] = [];
    const log = path.join(dir, "log.csv");
    const h = m.fit(x, y, {
      epochs: 30,
      batchSize: 40,
      validationData: [x.neg(), y], // a validation set it cannot improve on for long
      callbacks: [
        new keras.EarlyStopping({ monitor: "val_loss", patience: 2, restoreBestWeights: true }),
        new keras.LearningRateScheduler((epoch) => 0.1 / (1 + epoch)),
        new keras.CSVLogger(log),
        new keras.LambdaCallback({ onEpochEnd: (e) => void seen.push(e) }),
      ],
      ...silent,
    });
    assert.ok(h.epoch.length < 30);
    assert.deepEqual(seen, h.epoch);
    assert.equal(m.getLearningRate(), 0.1 / h.epoch.length);
    const csv = readFileSync(log, "utf8").trim().split("\n");
    assert.equal(csv[0], "epoch,accuracy,loss,val_accuracy,val_loss");
    assert.equal(csv.length, h.epoch.length + 1);
    const nan = build();
    nan.compile({ optimizer: keras.optimizers.sgd({ learningRate: 1e30 }), loss: "mse" });
    const hn = nan.fit(x, tg.full([40, 3], 1e30), { epochs: 5, batchSize: 40, callbacks: [new keras.TerminateOnNaN()], ...silent });
    assert.ok(hn.epoch.length < 5);
  }));

  test("ModelCheckpoint keeps the best model; ReduceLROnPlateau lowers the rate on a plateau", withDir((dir) => {
    const [x, y] = toy();
    const m = build();
    const file = path.join(dir, "best");
    const saved: number[] = [];
    m.fit(x, y, {
      epochs: 6,
      batchSize: 40,
      validationData: [x, y],
      callbacks: [
        new keras.ModelCheckpoint(file, { monitor: "val_loss", saveBestOnly: true }),
        new keras.LambdaCallback({ onEpochEnd: () => void (existsSync(path.join(file, "model.json")) && saved.push(1)) }),
      ],
      ...silent,
    });
    assert.ok(saved.length > 0);
    const best = keras.loadModel(file);
    assert.deepEqual(best.predict(x).shape, [40, 3]);
    const flat = build();
    flat.fit(x, y, { epochs: 4, batchSize: 40, validationData: [x.mul(0), y], callbacks: [new keras.ReduceLROnPlateau({ monitor: "val_loss", patience: 1, factor: 0.5, minDelta: 10 })], ...silent });
    assert.ok(flat.getLearningRate() < 0.1);
  }));

  test("progress: a bar on a terminal, plain lines otherwise", () => {
    const [x, y] = toy();
    const lines: string[] = [];
    build().fit(x, y, { epochs: 2, batchSize: 10, output: { write: (s: string) => lines.push(s), isTTY: false } });
    assert.equal(lines[0], "Epoch 1/2\n");
    assert.match(lines[1]!, /^4\/4 - \d.*ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}\n$/);
    const tty: string[] = [];
    build().fit(x, y, { epochs: 1, batchSize: 10, output: { write: (s: string) => tty.push(s), isTTY: true } });
    assert.ok(tty.some((s) => /\r\d\/4 \[=*>?\.*\] - ETA: /.test(s)));
    assert.match(tty[tty.length - 1]!, /\r4\/4 \[={30}\] - .* - loss: /);
  });

  test("clear errors before compile and on mismatched data", () => {
    const m = new keras.Sequential([new keras.Dense(2, { inputShape: [3] })]);
    assert.throws(() => m.evaluate(tg.zeros([2, 3]), tg.zeros([2, 2])), /call compile/);
    m.compile({ loss: "mse" });
    assert.throws(() => m.fit(tg.zeros([4, 3]), tg.zeros([3, 2]), silent), /x has 4 samples but y has 3/);
    assert.throws(() => m.compile({ loss: "nope" }), /unknown loss 'nope'/);
    assert.throws(() => new keras.Sequential([new keras.Dense(2, { name: "a" }), new keras.Dense(2, { name: "a" })]), /already in the model/);
  });
});

describe("layers, summary, save and load", () => {
  test("a channels-last CNN infers its shapes; summary prints Keras' table", () => {
    const m = new keras.Sequential([
      new keras.Conv2D(8, 3, { activation: "relu", inputShape: [28, 28, 1], name: "conv" }),
      new keras.MaxPooling2D(2, { name: "pool" }),
      new keras.BatchNormalization({ name: "bn" }),
      new keras.Conv2D(4, 3, { padding: "same", name: "conv2" }),
      new keras.GlobalAveragePooling2D({ name: "gap" }),
      new keras.Dense(10, { activation: "softmax", name: "out" }),
    ], { name: "cnn" });
    assert.deepEqual(m.outputShape(), [10]);
    const out: string[] = [];
    const text = m.summary({ write: (s: string) => out.push(s) });
    assert.match(text, /^Model: "cnn"/);
    assert.match(text, /\n conv \(Conv2D\) +\(None, 26, 26, 8\) +80\n/);
    assert.match(text, /\n pool \(MaxPooling2D\) +\(None, 13, 13, 8\) +0\n/);
    assert.match(text, /\n bn \(BatchNormalization\) +\(None, 13, 13, 8\) +32\n/); // γ, β and the moving statistics
    assert.match(text, /Total params: 454\nTrainable params: 438\nNon-trainable params: 16\n/);
    assert.deepEqual(m.predict(tg.rand([2, 28, 28, 1])).shape, [2, 10]);
    assert.deepEqual(new keras.Sequential([new keras.AveragePooling2D(2, { padding: "same", inputShape: [5, 5, 2] })]).predict(tg.ones([1, 5, 5, 2])).tolist(), tg.ones([1, 3, 3, 2]).tolist());
  });

  test("recurrent layers: returnSequences and Bidirectional", () => {
    const m = new keras.Sequential([
      new keras.Embedding(50, 8, { inputShape: [6] }),
      new keras.Bidirectional(new keras.GRU(5, { returnSequences: true })),
      new keras.SimpleRNN(4),
      new keras.Reshape([2, 2]),
      new keras.LayerNormalization(),
      new keras.Flatten(),
    ]);
    assert.deepEqual(m.outputShape(), [4]);
    assert.deepEqual(m.predict(tg.randint(0, 50, [3, 6])).shape, [3, 4]);
    const lstm = new keras.LSTM(3);
    lstm.build([5, 2]);
    // Keras' unit_forget_bias: the forget gate's bias starts at 1.
    const bias = Object.fromEntries(lstm.module!.namedParameters()).bias_ih_l0!;
    assert.deepEqual(bias.tolist(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  test("save → loadModel → predict round-trips exactly; a truncated weights file fails clearly", withDir((dir) => {
    tg.manualSeed(2);
    const m = new keras.Sequential([new keras.Dense(6, { activation: "relu", inputShape: [4] }), new keras.BatchNormalization(), new keras.Dense(2, { activation: "softmax" })]);
    m.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    const x = tg.randn([16, 4]);
    m.fit(x, tg.randint(0, 2, [16]), { epochs: 2, batchSize: 8, ...silent });
    const target = path.join(dir, "model");
    m.save(target);
    const back = keras.loadModel(target);
    assert.deepEqual(back.predict(x).tolist(), m.predict(x).tolist());
    assert.deepEqual(back.layers.map((l) => l.constructor.name), ["Dense", "BatchNormalization", "Dense"]);
    // The same model from bytes in memory (a browser's picked files): the folder's files by name,
    // and a .keras archive; a missing file is named.
    const files = { "model.json": readFileSync(path.join(target, "model.json")), "model.safetensors": readFileSync(path.join(target, "model.safetensors")) };
    assert.deepEqual(keras.loadModel(files).predict(x).tolist(), m.predict(x).tolist());
    m.save(path.join(dir, "m.keras"));
    assert.deepEqual(keras.loadModel(new Uint8Array(readFileSync(path.join(dir, "m.keras")))).predict(x).tolist(), m.predict(x).tolist());
    assert.throws(() => keras.loadModel({ "model.json": files["model.json"] }), (e: unknown) => e instanceof tg.FormatError && /no model\.safetensors/.test((e as Error).message));
    assert.throws(() => keras.loadModel(new Uint8Array([1, 2, 3])), (e: unknown) => e instanceof tg.TensorgradError && /\.keras archive/.test((e as Error).message));
    const weights = path.join(target, "model.safetensors");
    writeFileSync(weights, readFileSync(weights).subarray(0, 100));
    assert.throws(() => keras.loadModel(target), (e: unknown) => e instanceof tg.FormatError && /model\.safetensors: truncated/.test((e as Error).message));
    assert.ok(existsSync(path.join(target, "model.json")));
  }));
});
