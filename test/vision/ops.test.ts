/** tg.vision.ops against torchvision 0.28 (test/fixtures/vision-ops.json, tools/make_vision_fixtures.py), gradients, errors. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, readFixture } from "../helpers.js";

const { ops } = tg.vision;
interface T { shape: number[]; data: number[] }
interface Fixture {
  boxes: {
    boxes1: T; boxes2: T; area: T; iou: T; giou: T; diou: T;
    convert: { in: tg.vision.ops.BoxFormat; out: tg.vision.ops.BoxFormat; result: T }[];
    clip: { size: [number, number]; result: T };
    small: { min: number; result: number[] };
  };
  nms: { boxes: T; scores: T; classes: number[]; cases: { threshold: number; keep: number[]; batched: number[] }[] };
  roi: {
    input: T; rois: T; listForm: T;
    cases: { kind: "align" | "pool"; outputSize: number | [number, number]; options: { spatial_scale: number; sampling_ratio?: number; aligned?: boolean }; output: T; weights: T; grad: T }[];
  };
  focal: { inputs: T; targets: T; cases: { options: { alpha?: number; gamma?: number; reduction?: "none" | "mean" | "sum" }; loss: T; grad: T }[] };
}
const fx = readFixture<Fixture>("vision-ops.json");
const f64 = (t: T, requiresGrad = false) => tg.tensor(t.data, { shape: t.shape, dtype: "float64", requiresGrad });
const f32 = (t: T) => tg.tensor(t.data, { shape: t.shape, dtype: "float32" });
const ints = (t: tg.Tensor) => Array.from(t.dataSync());

describe("boxes", () => {
  const b1 = f64(fx.boxes.boxes1);
  const b2 = f64(fx.boxes.boxes2);
  test("boxArea, boxIou, generalizedBoxIou, distanceBoxIou equal torchvision's", () => {
    assertClose(ops.boxArea(b1), f64(fx.boxes.area), { atol: 1e-12 });
    assertClose(ops.boxIou(b1, b2), f64(fx.boxes.iou), { atol: 1e-12 });
    assertClose(ops.generalizedBoxIou(b1, b2), f64(fx.boxes.giou), { atol: 1e-12 });
    assertClose(ops.distanceBoxIou(b1, b2), f64(fx.boxes.diou), { atol: 1e-12 });
  });
  test("boxConvert between every pair of formats; clipBoxesToImage; removeSmallBoxes", () => {
    for (const c of fx.boxes.convert) assertClose(ops.boxConvert(b1, c.in, c.out), f64(c.result), { atol: 1e-12 });
    assertClose(ops.clipBoxesToImage(b1.sub(3), fx.boxes.clip.size), f64(fx.boxes.clip.result), { atol: 1e-12 });
    assert.deepEqual(ints(ops.removeSmallBoxes(b1, fx.boxes.small.min)), fx.boxes.small.result);
  });
  test("the IoUs' gradients (float64 gradcheck)", () => {
    const a = b1.narrow(0, 0, 3).detach().requiresGrad_();
    const b = b2.narrow(0, 1, 3).detach().requiresGrad_(); // no identical pair: IoU's kinks stay away
    for (const fn of [ops.boxIou, ops.generalizedBoxIou, ops.distanceBoxIou]) tg.testing.gradcheck((x, y) => fn(x!, y!), [a, b]);
    tg.testing.gradcheck((x) => ops.boxConvert(x!, "xyxy", "cxcywh"), [a]);
  });
  test("bad boxes are typed errors naming the shape or dtype", () => {
    assert.throws(() => ops.boxIou(tg.zeros([3, 5]), tg.zeros([2, 4])), /boxIou: boxes1 must have shape \[N, 4\], got \[3, 5\]/);
    assert.throws(() => ops.boxIou(tg.zeros([3, 4], { dtype: "int32" }), tg.zeros([2, 4])), /boxes1 must be a floating tensor, got int32/);
    assert.throws(() => ops.boxConvert(tg.zeros([2, 4]), "xyxy", "xyzw" as tg.vision.ops.BoxFormat), /unknown box format 'xyzw'/);
  });
});

describe("nms", () => {
  const boxes = f32(fx.nms.boxes);
  const scores = f32(fx.nms.scores);
  const classes = tg.tensor(fx.nms.classes, { dtype: "int32" });
  test("nms and batchedNms keep torchvision's boxes, in its order", () => {
    for (const c of fx.nms.cases) {
      assert.deepEqual(ints(ops.nms(boxes, scores, c.threshold)), c.keep, `nms at ${c.threshold}`);
      assert.deepEqual(ints(ops.batchedNms(boxes, scores, classes, c.threshold)), c.batched, `batchedNms at ${c.threshold}`);
    }
  });
  test("batchedNms is nms per class, merged by decreasing score", () => {
    const perClass = [0, 1, 2, 3].flatMap((k) => {
      const members = fx.nms.classes.flatMap((c, i) => (c === k ? [i] : []));
      const index = tg.tensor(members, { dtype: "int32" });
      return ints(ops.nms(boxes.indexSelect(0, index), scores.indexSelect(0, index), 0.5)).map((j) => members[j]!);
    });
    const s = fx.nms.scores.data;
    assert.deepEqual(ints(ops.batchedNms(boxes, scores, classes, 0.5)), perClass.sort((i, j) => s[j]! - s[i]!));
  });
  test("no boxes keep nothing; bad scores are errors naming the index or shape", () => {
    assert.deepEqual(ints(ops.nms(tg.zeros([0, 4]), tg.zeros([0]), 0.5)), []);
    assert.throws(() => ops.nms(boxes, scores.narrow(0, 0, 5), 0.5), /nms: scores must have shape \[300\]/);
    assert.throws(() => ops.nms(tg.zeros([2, 4]), tg.tensor([0.5, NaN]), 0.5), /nms: score 1 is NaN/);
    assert.throws(() => ops.batchedNms(tg.zeros([2, 4]), tg.tensor([0.5, 0.2]), tg.tensor([0, 1]), 0.5), /idxs must be an int32 tensor, got float32/);
  });
});

describe("RoI pooling", () => {
  const rois = f64(fx.roi.rois);
  for (const c of fx.roi.cases) {
    test(`roi${c.kind === "align" ? "Align" : "Pool"} ${JSON.stringify(c.outputSize)} ${JSON.stringify(c.options)}: output and the input's gradient equal torchvision's`, () => {
      const x = f64(fx.roi.input, true);
      const o = c.options;
      const out =
        c.kind === "align"
          ? ops.roiAlign(x, rois, c.outputSize, { spatialScale: o.spatial_scale, samplingRatio: o.sampling_ratio!, aligned: o.aligned! })
          : ops.roiPool(x, rois, c.outputSize, { spatialScale: o.spatial_scale });
      assertClose(out, f64(c.output), { atol: 1e-10 });
      out.mul(f64(c.weights)).sum().backward();
      assertClose(x.grad!, f64(c.grad), { atol: 1e-10 });
    });
  }
  test("boxes as one [L, 4] tensor per image give the same as the [K, 5] form", () => {
    const r = fx.roi.rois.data;
    const perImage = [0, 1].map((i) => {
      const rows = [];
      for (let k = 0; k < r.length / 5; k++) if (r[5 * k] === i) rows.push(r.slice(5 * k + 1, 5 * k + 5));
      return tg.tensor(rows, { dtype: "float64" });
    });
    assertClose(ops.roiAlign(f64(fx.roi.input), perImage, 3), f64(fx.roi.listForm), { atol: 1e-10 });
  });
  test("boxes that name a missing image, or the wrong shapes, are typed errors", () => {
    const x = tg.zeros([1, 2, 5, 5]);
    assert.throws(() => ops.roiAlign(x, tg.tensor([[1, 0, 0, 2, 2]]), 2), /roiAlign: box 0 names image 1, but the input holds 1 images/);
    assert.throws(() => ops.roiPool(x, tg.tensor([[0, 0, 2, 2]]), 2), /roiPool: boxes must be \[K, 5\]/);
    assert.throws(() => ops.roiAlign(tg.zeros([2, 5, 5]), tg.tensor([[0, 0, 0, 2, 2]]), 2), /input must be \[N, C, H, W\], got \[2, 5, 5\]/);
    assert.throws(() => ops.roiAlign(x, tg.tensor([[0, 0, 0, 2, 2]]), 0), /outputSize must be positive integers/);
  });
});

test("sigmoidFocalLoss and its gradient equal torchvision's", () => {
  const targets = f64(fx.focal.targets);
  for (const c of fx.focal.cases) {
    const x = f64(fx.focal.inputs, true);
    const loss = ops.sigmoidFocalLoss(x, targets, c.options);
    assertClose(loss, f64(c.loss), { atol: 1e-12 });
    loss.sum().backward();
    assertClose(x.grad!, f64(c.grad), { atol: 1e-12 });
  }
});
