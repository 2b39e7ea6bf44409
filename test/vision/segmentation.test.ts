/**
 * tg.vision.segmentation: the Dice loss against milesial/Pytorch-UNet's (test/fixtures/vision-ops.json,
 * tools/make_vision_fixtures.py), the confusion-matrix metrics by hand, a U-Net's gradients and
 * errors. (U-Net's parity with milesial's code is in models.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, readFixture } from "../helpers.js";

const seg = tg.vision.segmentation;
interface T { shape: number[]; data: number[] }
const fx = readFixture<{ dice: { logits: T; labels: T; cases: { multiclass: boolean; loss: number; grad: T; perImage: number }[] } }>("vision-ops.json").dice;

test("diceLoss (multiclass and binary) and its gradient equal milesial/Pytorch-UNet's", () => {
  const labels = tg.tensor(fx.labels.data, { shape: fx.labels.shape, dtype: "int32" });
  const onehot = tg.oneHot(labels, 3).permute(0, 3, 1, 2).to("float64");
  for (const c of fx.cases) {
    const x = tg.tensor(fx.logits.data, { shape: fx.logits.shape, dtype: "float64", requiresGrad: true });
    const probs = c.multiclass ? x.softmax(1) : x.select(1, 0).sigmoid();
    const target = c.multiclass ? onehot : onehot.select(1, 1);
    const loss = seg.diceLoss(probs, target, { multiclass: c.multiclass });
    assert.ok(Math.abs(loss.item() - c.loss) < 1e-12, `${c.multiclass}: ${loss.item()} vs ${c.loss}`);
    loss.backward();
    assertClose(x.grad!, tg.tensor(c.grad.data, { shape: c.grad.shape, dtype: "float64" }), { atol: 1e-12 });
    const perImage = c.multiclass ? seg.diceCoefficient(probs.detach().flatten(0, 1), target.flatten(0, 1)) : seg.diceCoefficient(probs.detach(), target);
    assert.ok(Math.abs(perImage.item() - c.perImage) < 1e-12);
  }
});

test("diceLoss checks its shapes", () => {
  assert.throws(() => seg.diceLoss(tg.zeros([2, 3, 4]), tg.zeros([2, 3, 5])), /same shape/);
  assert.throws(() => seg.diceLoss(tg.zeros([2, 4, 4]), tg.zeros([2, 4, 4]), { multiclass: true }), /multiclass expects probabilities \[N, C, H, W\]/);
});

test("confusionMatrix and segmentationScores: pixel accuracy, per-class IoU, mean over the classes that occur", () => {
  const target = tg.tensor([[0, 0, 1, 1], [0, 2, 2, -1]], { dtype: "int32" });
  const prediction = tg.tensor([[0, 1, 1, 1], [0, 2, 0, 3]], { dtype: "int32" });
  const m = seg.confusionMatrix(prediction, target, 4, { ignoreIndex: -1 });
  assert.deepEqual(m, [[2, 1, 0, 0], [0, 2, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]);
  const s = seg.segmentationScores(m);
  assert.equal(s.pixelAccuracy, 5 / 7);
  assert.deepEqual(s.iou.slice(0, 3), [2 / 4, 2 / 3, 1 / 2]);
  assert.ok(Number.isNaN(s.iou[3]!)); // in neither the target nor the prediction
  assert.equal(s.meanIou, (2 / 4 + 2 / 3 + 1 / 2) / 3);
  assert.deepEqual(s.classAccuracy.slice(0, 3), [2 / 3, 1, 1 / 2]);
  const one = (v: number) => tg.tensor([v], { dtype: "int32" });
  assert.throws(() => seg.confusionMatrix(one(3), one(0), 3), /pixel 0 has prediction 3, outside the 3 classes/);
  assert.throws(() => seg.confusionMatrix(one(0), one(-2), 3), /pixel 0 has target -2/);
  assert.throws(() => seg.confusionMatrix(prediction.float(), target, 4), /prediction must hold int32 class indices, got float32/);
});

test("a small U-Net trains: gradients reach every parameter and the loss falls on a fixed batch", () => {
  tg.manualSeed(0);
  const net = new seg.UNet(1, 2, { baseChannels: 4, bilinear: true });
  const x = tg.rand([2, 1, 16, 16]);
  const y = x.gt(0.5).int().squeeze(1); // segment the bright pixels
  const opt = new tg.optim.Adam(net.parameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let i = 0; i < 15; i++) {
    opt.zeroGrad();
    const loss = tg.nn.functional.crossEntropy(net.forward(x), y);
    loss.backward();
    if (i === 0) for (const [name, p] of Object.entries(net.namedParameters())) assert.ok(p.grad && p.grad.abs().sum().item() > 0, `${name} has no gradient`);
    opt.step();
    losses.push(loss.item());
  }
  assert.ok(losses[14]! < 0.75 * losses[0]!, `loss ${losses[0]} → ${losses[14]}`);
});
