/**
 * tg.vision.detection against torchvision 0.28 and pycocotools (test/fixtures/vision-detection.json,
 * tools/make_detection_fixtures.py): anchors, box coders, the GIoU loss, masks → boxes, FCOS's
 * losses, gradients and detections with shared weights, and COCO's mAP.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, readFixture } from "../helpers.js";
import { fill, image } from "./hash-fill.js";

const { detection, ops } = tg.vision;
interface Boxes { boxes: number[][]; labels: number[] }
interface Fixture {
  anchors: { sizes: number[][]; aspectRatios: number[][]; image: [number, number]; features: [number, number][]; anchors: number[][] };
  coders: { gt: number[][]; proposals: number[][]; boxCoder: { weights: [number, number, number, number]; encoded: number[][]; decoded: number[][] }; linear: { encoded: number[][]; decoded: number[][] } };
  giouLoss: { boxes1: number[][]; boxes2: number[][]; loss: number[]; grad: number[][]; masks: number[][][]; masksToBoxes: number[][] };
  fcos: { numClasses: number; scoreThresh: number; keys: [string, number[]][]; input: number[]; targets: Boxes[]; losses: Record<string, number>; grads: Record<string, number[]>; gradNorms: Record<string, number>; detections: (Boxes & { scores: number[] })[] };
  map: { targets: Boxes[]; predictions: (Boxes & { scores: number[] })[]; categories: number[]; stats: Record<string, number>; perClass: [number, number][] }[];
}
const fx = readFixture<Fixture>("vision-detection.json");
const t = (rows: number[][], dtype: "float32" | "float64" = "float32") => tg.tensor(rows, { dtype });

test("AnchorGenerator gives torchvision's anchors (rounded bases, floored strides, ratio-major order)", () => {
  const a = fx.anchors;
  const gen = new detection.AnchorGenerator(a.sizes, a.aspectRatios);
  assert.deepEqual(gen.numAnchorsPerLocation(), [3 * 2, 1]);
  assert.deepEqual(gen.forward(a.image, a.features).tolist(), a.anchors);
});

test("BoxCoder and BoxLinearCoder encode and decode as torchvision's", () => {
  const c = fx.coders;
  const coder = new detection.BoxCoder(c.boxCoder.weights);
  const codes = coder.encode(t(c.gt), t(c.proposals));
  assertClose(codes, c.boxCoder.encoded.flat(), { atol: 1e-5, rtol: 1e-5 });
  assertClose(coder.decode(codes.mul(1.3), t(c.proposals)), c.boxCoder.decoded.flat(), { atol: 1e-4, rtol: 1e-5 });
  const linear = new detection.BoxLinearCoder(true);
  const lin = linear.encode(t(c.proposals), t(c.gt));
  assertClose(lin, c.linear.encoded.flat(), { atol: 1e-5, rtol: 1e-5 });
  assertClose(linear.decode(lin.mul(0.8), t(c.proposals)), c.linear.decoded.flat(), { atol: 1e-4, rtol: 1e-5 });
});

test("generalizedBoxIouLoss and its gradient, masksToBoxes: torchvision's", () => {
  const g = fx.giouLoss;
  const a = tg.tensor(g.boxes1, { dtype: "float64", requiresGrad: true });
  const loss = ops.generalizedBoxIouLoss(a, t(g.boxes2, "float64"));
  assertClose(loss, g.loss, { atol: 1e-12 });
  loss.sum().backward();
  assertClose(a.grad!, g.grad.flat(), { atol: 1e-12 });
  assert.throws(() => ops.generalizedBoxIouLoss(a, t(g.boxes2.slice(1), "float64")), /must pair up/);
  assert.deepEqual(ops.masksToBoxes(tg.tensor(g.masks, { dtype: "bool" })).tolist(), g.masksToBoxes);
  assert.throws(() => ops.masksToBoxes(tg.zeros([1, 3, 3])), /mask 0 is empty/);
});

test("FCOS (fcosSmall) with torchvision's names: losses, gradients and detections equal torchvision's", () => {
  const f = fx.fcos;
  const model = detection.fcosSmall(3, f.numClasses, { scoreThresh: f.scoreThresh });
  const state = model.stateDict();
  assert.deepEqual(Object.entries(state).map(([k, v]) => [k, [...v.shape]]), f.keys);
  const filled: tg.nn.StateDict = {};
  for (const [k, shape] of f.keys) filled[k] = k.endsWith("num_batches_tracked") ? state[k]! : fill(k, shape);
  model.loadStateDict(filled);
  const x = image(f.input).mul(0.5).add(0.5);
  const targets = f.targets.map((b) => ({ boxes: t(b.boxes), labels: tg.tensor(b.labels, { dtype: "int32" }), masks: tg.zeros([b.labels.length, 64, 64], { dtype: "bool" }) }));
  model.train();
  const losses = model.losses(x, targets);
  for (const [k, v] of Object.entries(f.losses)) assert.ok(Math.abs(losses[k as keyof typeof losses].item() - v) < 2e-4 * Math.max(1, Math.abs(v)), `${k}: ${losses[k as keyof typeof losses].item()} vs ${v}`);
  losses.classification.add(losses.bbox_regression).add(losses.bbox_ctrness).backward();
  const params = Object.fromEntries(model.namedParameters());
  for (const [k, g] of Object.entries(f.grads)) assertClose(params[k]!.grad!, g, { atol: 2e-4 * Math.max(...g.map(Math.abs)), rtol: 2e-3 });
  for (const [k, norm] of Object.entries(f.gradNorms)) {
    const got = params[k]!.grad!.square().sum().sqrt().item();
    assert.ok(Math.abs(got - norm) <= 3e-3 * norm + 1e-6, `grad norm of ${k}: ${got} vs ${norm}`);
  }
  model.eval();
  const detections = model.forward(x) as tg.vision.detection.Detection[];
  detections.forEach((d, n) => {
    const want = f.detections[n]!;
    assert.equal(d.scores.shape[0], want.scores.length);
    // The ten best: float32 through 14 layers moves near-equal scores' order, so compare the leaders.
    assertClose(d.scores.narrow(0, 0, 10), want.scores.slice(0, 10), { atol: 1e-4 });
    assertClose(d.boxes.narrow(0, 0, 10), want.boxes.slice(0, 10).flat(), { atol: 2e-3 });
    assert.deepEqual(d.labels.narrow(0, 0, 10).tolist(), want.labels.slice(0, 10));
  });
});

test("FCOS checks its inputs", () => {
  const model = detection.fcosSmall(1, 3);
  const target = { boxes: t([[1, 1, 1, 5]]), labels: tg.tensor([1], { dtype: "int32" }), masks: tg.zeros([1, 64, 64], { dtype: "bool" }) };
  assert.throws(() => model.forward(tg.zeros([1, 1, 64, 64])), /targets are required/);
  assert.throws(() => model.losses(tg.zeros([1, 1, 64, 64]), [target]), /box with no area/);
  assert.throws(() => model.losses(tg.zeros([2, 1, 64, 64]), [target]), /2 images but 1 targets/);
  assert.throws(() => model.losses(tg.zeros([1, 1, 64, 64]), [{ ...target, boxes: t([[1, 1, 9, 9]]), labels: tg.tensor([7], { dtype: "int32" }) }]), /label 7, outside the model's 3 classes/);
  assert.throws(() => new detection.FCOS(new detection.SmallBackbone(1), 3, { anchorGenerator: new detection.AnchorGenerator([[8, 16], [32]], [[1], [1]]) }), /one anchor per location/);
  // An image with no objects: every point is background, the box losses are zero and finite.
  const empty = { boxes: tg.zeros([0, 4]), labels: tg.zeros([0], { dtype: "int32" }), masks: tg.zeros([0, 64, 64], { dtype: "bool" }) };
  const losses = model.losses(tg.rand([1, 1, 64, 64]), [empty]);
  assert.ok(losses.classification.item() > 0 && losses.bbox_regression.item() === 0 && losses.bbox_ctrness.item() === 0);
});

test("meanAveragePrecision equals pycocotools' COCOeval (every summary value, AP and AR per class)", () => {
  const toBoxes = (b: Boxes) => ({ boxes: tg.tensor(b.boxes.length ? b.boxes : [], { shape: [b.boxes.length, 4] }), labels: tg.tensor(b.labels, { dtype: "int32" }) });
  for (const c of fx.map) {
    const got = detection.meanAveragePrecision(
      c.predictions.map((p) => ({ ...toBoxes(p), scores: tg.tensor(p.scores) })),
      c.targets.map(toBoxes),
      { classMetrics: true },
    );
    for (const [k, v] of Object.entries(c.stats)) assert.ok(Math.abs((got as unknown as Record<string, number>)[k]! - v) < 1e-6, `${k}: ${(got as unknown as Record<string, number>)[k]} vs ${v}`);
    c.categories.forEach((cat, i) => {
      const at = got.classes!.indexOf(cat);
      const [ap, ar] = at < 0 ? [-1, -1] : [got.mapPerClass![at]!, got.marPerClass![at]!];
      assert.ok(Math.abs(ap - c.perClass[i]![0]) < 1e-6 && Math.abs(ar - c.perClass[i]![1]) < 1e-6, `class ${cat}: ${ap}, ${ar} vs ${c.perClass[i]}`);
    });
  }
});

test("meanAveragePrecision: perfect detections score 1, none score 0, mismatched lists are an error", () => {
  const target = { boxes: t([[0, 0, 10, 10], [20, 20, 40, 50]]), labels: tg.tensor([1, 2], { dtype: "int32" }) };
  const perfect = detection.meanAveragePrecision([{ ...target, scores: tg.tensor([0.9, 0.8]) }], [target]);
  // COCOeval's precision is tp / (tp + fp + ε): a perfect score is 1 − 2⁻⁵³.
  assert.ok(Math.abs(perfect.map - 1) < 1e-12 && Math.abs(perfect.map50 - 1) < 1e-12);
  const none = detection.meanAveragePrecision([{ boxes: tg.zeros([0, 4]), labels: tg.zeros([0], { dtype: "int32" }), scores: tg.zeros([0]) }], [target]);
  assert.equal(none.map, 0);
  assert.throws(() => detection.meanAveragePrecision([], [target]), /0 predictions but 1 targets/);
});
