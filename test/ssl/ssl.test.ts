/** tg.ssl's pieces: masking statistics, MAE masking, the queue, monitors, augmentations, the EMA, errors. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

const { ssl, nn } = tg;
const count = (t: tg.Tensor) => Number(t.sum().item());

describe("masked modelling", () => {
  test("maskTokens: 15% chosen; of those 80% [MASK], 10% random, 10% kept; labels −100 elsewhere; specials never chosen", () => {
    const n = 200, len = 250;
    const ids = tg.randint(5, 1000, [n, len], { dtype: "int32", generator: new tg.Generator(1) });
    const special = tg.zeros([n, len], { dtype: "bool" }).logicalOr(tg.arange(len, undefined, 1, { dtype: "int32" }).lt(10).unsqueeze(0).expand([n, len]));
    const { inputIds, labels } = ssl.maskTokens(ids, { vocabSize: 1000, maskTokenId: 3, specialTokensMask: special, generator: new tg.Generator(2) });
    const chosen = labels.ne(-100);
    const eligible = n * (len - 10);
    const share = count(chosen) / eligible;
    assert.ok(Math.abs(share - 0.15) < 0.005, `chosen share ${share}`);
    assert.equal(count(chosen.logicalAnd(special)), 0);
    assertClose(labels.where(chosen, 0), ids.where(chosen, 0).to("float32"));
    const masked = count(inputIds.eq(3).logicalAnd(chosen)) / count(chosen);
    const kept = count(inputIds.eq(ids).logicalAnd(chosen)) / count(chosen);
    const randomised = 1 - masked - kept;
    assert.ok(Math.abs(masked - 0.8) < 0.01 && Math.abs(kept - 0.1 - 0.1 / 1000) < 0.01 && Math.abs(randomised - 0.1) < 0.01, `${masked} ${kept} ${randomised}`);
    assert.equal(count(inputIds.ne(ids).logicalAnd(chosen.logicalNot())), 0, "unchosen tokens are untouched");
    // Cross-entropy ignores the −100 labels.
    const few = labels.narrow(0, 0, 2).reshape([-1]);
    const loss = tg.nn.functional.crossEntropy(tg.randn([few.shape[0]!, 1000]), few);
    assert.ok(Number.isFinite(loss.item()));
    assert.throws(() => ssl.maskTokens(ids.to("float32"), { vocabSize: 10, maskTokenId: 0 }), tg.DTypeError);
  });

  test("mlmLoss: the full cross-entropy with ignoreIndex −100, computed on the chosen positions only, with the same gradients", () => {
    const g = new tg.Generator(5);
    const hidden = tg.randn([3, 7, 4], { generator: g, dtype: "float64" }).requiresGrad_();
    const decoder = new nn.Linear(4, 11).double();
    const { labels } = ssl.maskTokens(tg.randint(0, 11, [3, 7], { dtype: "int32", generator: g }), { vocabSize: 11, maskTokenId: 0, mlmProbability: 0.4, generator: g });
    const full = tg.nn.functional.crossEntropy(decoder.forward(hidden).reshape([-1, 11]), labels.reshape([-1]), { ignoreIndex: -100 });
    const [gFull] = tg.grad(full, [hidden]);
    const loss = ssl.mlmLoss(hidden, labels, (h) => decoder.forward(h));
    const [gLoss] = tg.grad(loss, [hidden]);
    assert.ok(Math.abs(loss.item() - full.item()) < 1e-12);
    assertClose(gLoss!, gFull!, { atol: 1e-12 });
    assert.throws(() => ssl.mlmLoss(hidden, tg.full([3, 7], -100, { dtype: "int32" }), (h) => decoder.forward(h)), /no position is chosen/);
    assert.throws(() => ssl.mlmLoss(hidden, labels.narrow(1, 0, 6), (h) => decoder.forward(h)), tg.ShapeError);
  });

  test("randomMasking keeps 25% per example; the mask marks the rest in the original order; idsRestore undoes the shuffle", () => {
    const x = tg.arange(2 * 16 * 3).reshape([2, 16, 3]).to("float32");
    const { kept, mask, idsRestore } = ssl.randomMasking(x, 0.75, { generator: new tg.Generator(3) });
    assert.deepEqual(kept.shape, [2, 4, 3]);
    assertClose(mask.sum(1), [12, 12]);
    // Every kept token is a row of x whose mask entry is 0.
    const rows = (kept.tolist() as number[][][]).map((ex) => ex.map((tok) => tok[0]! / 3 % 16));
    rows.forEach((ex, i) => ex.forEach((pos) => assert.equal((mask.tolist() as number[][])[i]![pos], 0)));
    assert.deepEqual(idsRestore.shape, [2, 16]);
  });

  test("patchify and the loss on removed patches only", () => {
    const imgs = tg.arange(2 * 1 * 4 * 4).reshape([2, 1, 4, 4]).to("float32");
    const patches = ssl.patchify(imgs, 2);
    assert.deepEqual(patches.shape, [2, 4, 4]);
    assertClose(patches.select(0, 0).select(0, 1), [2, 3, 6, 7]);
    const mask = tg.tensor([[1, 0, 0, 0], [0, 0, 0, 1]]);
    const pred = patches.add(tg.tensor([[[1], [5], [5], [5]], [[5], [5], [5], [2]]]));
    assertClose(ssl.maskedPatchLoss(pred, patches, mask), [(1 + 4) / 2]);
    assert.throws(() => ssl.patchify(imgs, 3), /do not split/);
  });
});

describe("contrastive pieces", () => {
  test("MemoryQueue keeps the newest keys, normalised, wrapping around", () => {
    const q = new ssl.MemoryQueue(5);
    assert.equal(q.keys, null);
    q.enqueue(tg.tensor([[3, 4], [0, 2], [1, 0]]));
    assert.equal(q.length, 3);
    q.enqueue(tg.tensor([[0, -1], [2, 0], [0, 3]]));
    assert.equal(q.length, 5);
    // Rows 3 and 4 took the first two new keys; the third wrapped around to row 0.
    assertClose(q.keys!, [0, 1, 0, 1, 1, 0, 0, -1, 1, 0]);
    q.enqueue(tg.tensor(Array.from({ length: 7 }, (_, i) => [i + 1, 0])));
    assert.equal(q.length, 5);
    assert.throws(() => q.enqueue(tg.ones([2, 3])), /dim 3 in a queue of dim 2/);
  });

  test("NT-Xent is lowest when the views agree, and names bad shapes", () => {
    const z = tg.randn([8, 16]);
    const aligned = ssl.ntXentLoss(z, z.mul(2)).item() as number;
    const random = ssl.ntXentLoss(z, tg.randn([8, 16])).item() as number;
    assert.ok(aligned < random, `${aligned} vs ${random}`);
    assert.throws(() => ssl.ntXentLoss(z, tg.randn([7, 16])), tg.ShapeError);
    assert.throws(() => ssl.ntXentLoss(z, z, { temperature: 0 }), /temperature must be positive/);
  });

  test("heads: projection (with BatchNorm) and prediction MLPs", () => {
    const head = new ssl.ProjectionHead(8, 16, 4);
    assert.deepEqual(head.forward(tg.randn([5, 8])).shape, [5, 4]);
    assert.deepEqual(Object.keys(head.stateDict()).slice(0, 3), ["0.weight", "1.weight", "1.bias"]);
    assert.deepEqual(new ssl.PredictionHead(4, 8, 4, { batchNorm: false }).forward(tg.randn([2, 4])).shape, [2, 4]);
  });
});

describe("monitors", () => {
  test("k-NN and the linear probe separate well-separated classes", () => {
    const g = new tg.Generator(4);
    const centres = tg.randn([3, 8], { generator: g }).mul(4);
    const make = (n: number) => {
      const y = tg.randint(0, 3, [n], { dtype: "int32", generator: g });
      return { x: centres.indexSelect(0, y).add(tg.randn([n, 8], { generator: g })), y };
    };
    const train = make(150);
    const test = make(60);
    assert.ok(ssl.knnAccuracy(train.x, train.y, test.x, test.y, { k: 10 }) > 0.9);
    const { accuracy, classifier } = ssl.linearProbe(train.x, train.y, test.x, test.y, { epochs: 60, lr: 0.05, generator: g });
    assert.ok(accuracy > 0.9, `probe ${accuracy}`);
    assert.deepEqual(classifier.weight.shape, [3, 8]);
    assert.throws(() => ssl.knnPredict(train.x, [0, 1], test.x), /2 labels for 150 embeddings/);
  });
});

describe("augmentations and the EMA target", () => {
  test("simclrAugmentation gives two different views of the requested size; TwoViewDataset pairs them", () => {
    const base = new tg.data.TensorDataset(tg.rand([4, 3, 12, 12]), tg.tensor([0, 1, 2, 3], { dtype: "int32" }));
    const views = new ssl.TwoViewDataset(base as unknown as tg.data.Dataset<[tg.Tensor, number]>, ssl.simclrAugmentation({ size: 10, blur: true, generator: new tg.Generator(5) }));
    const [a, b] = views.get(0);
    assert.deepEqual(a.shape, [3, 10, 10]);
    assert.deepEqual(b.shape, [3, 10, 10]);
    assert.ok(count(a.sub(b).abs()) > 0);
    const gray = ssl.simclrAugmentation({ size: 8, channels: 1 })(tg.rand([1, 10, 10]));
    assert.deepEqual(gray.shape, [1, 8, 8]);
    assertClose(tg.data.transforms.solarize(tg.tensor([[[0.2, 0.6]]]), 0.5), [0.2, 0.4]);
  });

  test("ExponentialMovingAverage: first update copies, later ones move by 1 − decay; the target needs no gradients", () => {
    const online = new nn.Linear(2, 1);
    const ema = new tg.optim.swaUtils.ExponentialMovingAverage(new nn.Linear(2, 1), { decay: 0.9 });
    ema.updateParameters(online);
    assertClose(ema.module.weight, online.weight);
    const before = ema.module.weight.clone();
    tg.noGrad(() => online.weight.add_(1));
    ema.updateParameters(online);
    assertClose(ema.module.weight, before.add(0.1), { atol: 1e-6 });
    assert.equal(ema.module.weight.requiresGrad, false);
    assert.equal(ema.nAveraged, 2);
    assert.throws(() => ema.updateParameters(new nn.Linear(3, 1)), tg.ShapeError);
    // The decay can change between updates (BYOL's schedule).
    ema.decay = 0.5;
    const half = ema.module.weight.clone();
    tg.noGrad(() => online.weight.add_(1));
    ema.updateParameters(online);
    assertClose(ema.module.weight, half.add(online.weight).mul(0.5), { atol: 1e-6 });
    assert.throws(() => (ema.decay = 1.5), tg.ValueError);
  });
});

test("batchSimclrAugment: the identity crop reproduces the batch; flips mirror; crops resample; jitter stays in [0, 1]", () => {
  const images = tg.rand([3, 1, 6, 6], { generator: new tg.Generator(6) });
  const same = ssl.batchSimclrAugment(images, { size: 6, scale: [1, 1], ratio: [1, 1], flipProbability: 0, jitterProbability: 0 });
  assertClose(same, images, { atol: 1e-6 });
  const flipped = ssl.batchSimclrAugment(images, { size: 6, scale: [1, 1], ratio: [1, 1], flipProbability: 1, jitterProbability: 0 });
  assertClose(flipped, images.indexSelect(3, tg.tensor([5, 4, 3, 2, 1, 0], { dtype: "int32" })), { atol: 1e-6 });
  const views = ssl.batchSimclrAugment(images, { size: 4, strength: 1, generator: new tg.Generator(7) });
  assert.deepEqual(views.shape, [3, 1, 4, 4]);
  assert.ok(Number(views.min().item()) >= 0 && Number(views.max().item()) <= 1);
  // A constant image stays constant under any crop (the interpolation rows sum to 1).
  const flat = ssl.batchSimclrAugment(tg.full([2, 3, 8, 8], 0.5), { size: 5, jitterProbability: 0 });
  assertClose(flat, tg.full([2, 3, 5, 5], 0.5), { atol: 1e-6 });
  assert.throws(() => ssl.batchSimclrAugment(tg.rand([6, 6]), { size: 4 }), tg.ShapeError);
});

test("the Keras path: a pre-trained encoder as a frozen TorchModuleWrapper layer, then unfrozen", () => {
  tg.manualSeed(8);
  const encoder = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU());
  const wrapper = new tg.keras.TorchModuleWrapper(encoder, { inputShape: [6], trainable: false });
  const model = new tg.keras.Sequential([wrapper, new tg.keras.Dense(3, { activation: "softmax" })]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy" });
  const x = tg.randn([32, 6]);
  const y = tg.randint(0, 3, [32], { dtype: "int32" });
  const before = encoder.stateDict()["0.weight"]!.clone();
  assert.deepEqual(model.outputShape(), [3]);
  assert.match(model.summary({ write: () => undefined }), /Non-trainable params: 56/);
  model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  assertClose(encoder.stateDict()["0.weight"]!, before);
  wrapper.trainable = true;
  model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  assert.ok(count(encoder.stateDict()["0.weight"]!.sub(before).abs()) > 0, "unfrozen weights move");
  assert.throws(() => wrapper.getConfig(), /no JSON form/);
});

describe("pretrain: SimCLR, BYOL and SimSiam in one call", () => {
  /** Conv → ReLU → Flatten → Linear: (N, 1, 8, 8) → (N, 16). */
  const tinyEncoder = () => new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(256, 16));
  const images = () => tg.rand([48, 1, 8, 8], { generator: new tg.Generator(11) });

  for (const method of ssl.PRETRAIN_METHODS) {
    test(`${method}: epochs of steps that move the encoder, finite losses, the method's heads`, () => {
      tg.manualSeed(12);
      const encoder = tinyEncoder();
      const before = encoder.stateDict()["0.weight"]!.clone();
      const seen: number[] = [];
      const r = ssl.pretrain(encoder, images(), { method, featureDim: 16, epochs: 3, batchSize: 16, hiddenDim: 16, projectionDim: 8, targetEncoder: method === "byol" ? tinyEncoder() : undefined, generator: new tg.Generator(13), onEpoch: (e) => seen.push(e) });
      assert.equal(r.epochs, 3);
      assert.deepEqual(seen, [1, 2, 3]);
      assert.ok(r.losses.every(Number.isFinite), `${r.losses}`);
      assert.ok(count(encoder.stateDict()["0.weight"]!.sub(before).abs()) > 0);
      assert.equal(r.predictor === null, method === "simclr");
      if (method === "byol") {
        // The EMA decay rose to 1 by the last step; the target follows the online network without gradients.
        assert.ok(Math.abs(r.target!.decay - 1) < 1e-12);
        assert.ok([...r.target!.module.parameters()].every((p) => !p.requiresGrad));
        const online = encoder.stateDict()["0.weight"]!;
        const target = r.target!.module.stateDict()["0.0.weight"]!;
        assert.ok(count(online.sub(target).abs()) > 0, "the target lags the online encoder");
      } else assert.equal(r.target, null);
    });
  }

  test("bad settings are ValueErrors and ShapeErrors", () => {
    const encoder = tinyEncoder();
    assert.throws(() => ssl.pretrain(encoder, images(), { method: "byol", featureDim: 16, epochs: 1, batchSize: 16 }), /BYOL needs targetEncoder/);
    assert.throws(() => ssl.pretrain(encoder, images(), { featureDim: 16, batchSize: 16 }), /give epochs or minutes/);
    assert.throws(() => ssl.pretrain(encoder, images(), { featureDim: 16, epochs: 1, batchSize: 100 }), /batchSize must be an integer in \[2, 48\]/);
    assert.throws(() => ssl.pretrain(encoder, images(), { method: "moco" as "simclr", featureDim: 16, epochs: 1 }), tg.ValueError);
    assert.throws(() => ssl.pretrain(encoder, tg.rand([4, 8, 8]), { featureDim: 16, epochs: 1 }), tg.ShapeError);
  });
});
