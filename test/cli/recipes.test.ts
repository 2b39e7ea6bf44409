/** The CLI recipes' training extras: augmented channels-last batches and the one-cycle callback. */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as tg from "../../src/index.js";
import { OneCycle, RECIPES, augmentedImages } from "../../src/cli/recipes.js";

test("augmentedImages: shuffled channels-last batches, each image drawn through the transform, --limit kept", () => {
  let calls = 0;
  const loader = augmentedImages({ limit: 40 }, (img) => (calls++, img.mul(0)), 16);
  assert.equal(loader.length, 3);
  const [x, y] = [...loader][0]!;
  assert.deepEqual(x.shape, [16, 28, 28, 1]);
  assert.deepEqual(y.shape, [16]);
  assert.equal(x.abs().sum().item(), 0); // every image went through the transform
  assert.equal(calls, 40);
});

test("OneCycle: a Keras fit's learning rates are OneCycleLR's, batch by batch", () => {
  tg.manualSeed(0);
  const model = new tg.keras.Sequential([new tg.keras.Dense(2, { inputShape: [3] })]);
  model.compile({ optimizer: "adam", loss: "mse" });
  const x = tg.randn([20, 3]);
  const y = tg.randn([20, 2]);
  const seen: number[] = [];
  const record = new tg.keras.LambdaCallback({ onTrainBatchEnd: () => seen.push(model.getLearningRate()) });
  const steps = 3 * 4; // 3 epochs of 4 batches of 5
  model.fit(x, y, { epochs: 3, batchSize: 5, verbose: 0, callbacks: [record, new OneCycle(model, 0.01, steps)] });
  // The learning rate each step used (recorded before OneCycle stepped), against the scheduler alone.
  const opt = new tg.optim.Adam([tg.zeros([1], { requiresGrad: true })]);
  const alone = new tg.optim.lrScheduler.OneCycleLR(opt, 0.01, { totalSteps: steps });
  const expected: number[] = [];
  for (let i = 0; i < steps; i++) {
    expected.push(opt.paramGroups[0]!.lr);
    if (i < steps - 1) alone.step();
  }
  assert.equal(seen.length, steps);
  seen.forEach((lr, i) => assert.ok(Math.abs(lr - expected[i]!) < 1e-12, `step ${i}: ${lr} vs ${expected[i]}`));
});

test("convnet-keras trains with examples/cnn-mnist.ts's recipe; the other recipes keep plain Adam for 5 epochs", () => {
  const { training } = RECIPES["convnet-keras"]!;
  assert.equal(training.epochs, 10);
  assert.equal(training.lr, 0.003);
  assert.ok(training.augment && training.oneCycle);
  for (const name of ["mlp-mnist", "cnn-keras", "lstm-text", "transformer"]) assert.deepEqual(RECIPES[name]!.training, { epochs: 5, lr: 0.001 });
});
