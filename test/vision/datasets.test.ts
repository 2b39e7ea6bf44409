/**
 * tg.vision.datasets and tg.vision.transforms: scenes are reproducible, boxes are the tight boxes of
 * the masks, masks are the real strokes; transforms move boxes and masks with the image; drawing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";

const { datasets, transforms, utils } = tg.vision;
const digits = new tg.data.EmbeddedMNIST({ train: false });

/** Each box equals its mask's tight box (exclusive ends) and no two masks share a pixel. */
function checkTarget([image, t]: tg.vision.datasets.DetectionSample, size: number): void {
  const [K, H, W] = t.masks.shape as [number, number, number];
  assert.deepEqual([H, W], [size, size]);
  assert.deepEqual(image.shape.slice(1), [size, size]);
  const masks = t.masks.dataSync();
  const boxes = t.boxes.tolist() as number[][];
  const covered = new Uint8Array(H * W);
  for (let k = 0; k < K; k++) {
    let [x1, y1, x2, y2] = [W, H, 0, 0];
    for (let i = 0; i < H * W; i++) {
      if (!masks[k * H * W + i]) continue;
      assert.equal(covered[i], 0, `pixel ${i} is in two masks`);
      covered[i] = 1;
      const [y, x] = [Math.floor(i / W), i % W];
      [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + 1), Math.max(y2, y + 1)];
    }
    assert.deepEqual(boxes[k], [x1, y1, x2, y2]);
  }
}

test("MnistScenes: reproducible scenes of real digits, masks = strokes above the threshold, tight boxes, labels = digit + 1", () => {
  const ds = new datasets.MnistScenes(digits, { length: 20, seed: 3 });
  assert.equal(ds.length, 20);
  assert.deepEqual(ds.classes, ["background", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  let objects = 0;
  for (let i = 0; i < ds.length; i++) {
    const sample = ds.get(i);
    checkTarget(sample, 64);
    const [image, t] = sample;
    const pixels = image.dataSync();
    const masks = t.masks.dataSync();
    for (let k = 0; k < t.labels.shape[0]!; k++) {
      for (let p = 0; p < 64 * 64; p++) if (masks[k * 4096 + p]) assert.ok(pixels[p]! > 0.5);
    }
    assert.ok((t.labels.tolist() as number[]).every((l) => l >= 1 && l <= 10));
    objects += t.labels.shape[0]!;
  }
  assert.ok(objects >= 20 && objects <= 60, `${objects} objects in 20 scenes of 1–3`);
  assert.deepEqual(ds.get(7)[0].tolist(), new datasets.MnistScenes(digits, { length: 20, seed: 3 }).get(7)[0].tolist());
  assert.notDeepEqual(ds.get(7)[0].tolist(), new datasets.MnistScenes(digits, { length: 20, seed: 4 }).get(7)[0].tolist());
  const big = new datasets.MnistScenes(digits, { length: 3, size: 96, objects: [4, 4], scale: [1.2, 1.5] });
  checkTarget(big.get(0), 96);
  assert.throws(() => new datasets.MnistScenes(digits, { size: 20 }), /size must be an integer ≥ the largest object \(28 px\)/);
  assert.throws(() => new datasets.MnistScenes(digits, { objects: [3, 1] }), /objects must be/);
  assert.throws(() => ds.get(20), /index 20/);
});

test("Shapes: coloured circles, squares and triangles with exact masks and boxes", () => {
  const ds = new datasets.Shapes({ length: 12, seed: 1 });
  assert.deepEqual(ds.classes, ["background", "circle", "square", "triangle"]);
  for (let i = 0; i < ds.length; i++) {
    const sample = ds.get(i);
    checkTarget(sample, 64);
    assert.equal(sample[0].shape[0], 3);
    const [image, t] = sample;
    const labels = t.labels.tolist() as number[];
    const boxes = t.boxes.tolist() as number[][];
    labels.forEach((l, k) => {
      const [x1, y1, x2, y2] = boxes[k]!;
      const area = t.masks.select(0, k).to("float32").sum().item();
      // A square fills its box; a circle π/4 of it; a triangle about half.
      const fill = area / ((x2! - x1!) * (y2! - y1!));
      const expected = [0, 0.785, 1, 0.5][l]!;
      assert.ok(Math.abs(fill - expected) < 0.12, `class ${l}: fills ${fill.toFixed(2)} of its box`);
    });
    assert.ok(image.min().item() >= 0 && image.max().item() <= 1);
  }
  assert.throws(() => new datasets.Shapes({ shapeSize: [2, 10] }), /shapeSize must be/);
  assert.throws(() => new datasets.Shapes({ length: 2.5 }), /length must be a non-negative integer, got 2\.5/);
});

test("transforms move boxes and masks with the image; objects cut away are dropped", () => {
  const sample = new datasets.MnistScenes(digits, { length: 5, seed: 0, objects: [3, 3] }).get(2);
  const [image, target] = sample;
  const [fi, ft] = transforms.hflip(image, target);
  checkTarget([fi, ft], 64);
  const [bi, bt] = transforms.hflip(fi, ft);
  assert.deepEqual(bi.tolist(), image.tolist());
  assert.deepEqual(bt.boxes.tolist(), target.boxes.tolist());
  assert.deepEqual(bt.masks.tolist(), target.masks.tolist());
  assert.notDeepEqual(ft.boxes.tolist(), target.boxes.tolist());
  const [ri, rt] = transforms.resize([32, 32])(image, target);
  assert.deepEqual(ri.shape, [1, 32, 32]);
  // Each kept object's box is halved (an object whose strokes vanish at half size is dropped).
  const halved = (target.boxes.div(2).tolist() as number[][]).map((b) => b.join());
  assert.ok(rt.boxes.shape[0]! >= 1 && (rt.boxes.tolist() as number[][]).every((b) => halved.includes(b.join())));
  const [ci, ct] = transforms.crop(0, 0, 40, 40)(image, target);
  assert.deepEqual(ci.shape, [1, 40, 40]);
  for (const [x1, y1, x2, y2] of ct.boxes.tolist() as number[][]) assert.ok(x1! >= 0 && y1! >= 0 && x2! <= 40 && y2! <= 40 && x2! - x1! >= 1);
  assert.ok(ct.labels.shape[0]! <= 3);
  const [, st] = transforms.affine(0, [5, 3], 1, 0)(image, target);
  const moved = (target.boxes.tolist() as number[][]).map(([a, b, c, d]) => [a! + 5, b! + 3, c! + 5, d! + 3]).filter(([, , c, d]) => c! <= 64 && d! <= 64);
  assert.deepEqual(st.boxes.tolist(), moved);
  const [ai, at] = transforms.randomAffine({ degrees: 30, scale: [0.8, 1.1], generator: new tg.Generator(5) })(image, target);
  checkTarget([ai, at], 64);
  const composed = transforms.compose([transforms.randomHorizontalFlip(1), transforms.randomCrop([48, 48])]);
  checkTarget(composed(image, target), 48);
  assert.throws(() => transforms.randomCrop([80, 80])(image, target), /larger than the image 64×64/);
});

test("semanticMap, SemanticMaps and collateDetection", () => {
  const scenes = new datasets.MnistScenes(digits, { length: 4, seed: 2 });
  const [image, target] = scenes.get(1);
  const map = datasets.semanticMap(target);
  assert.deepEqual(map.shape, [64, 64]);
  assert.equal(map.gt(0).sum().item(), target.masks.to("int32").sum().item());
  const pairs = new datasets.SemanticMaps(scenes);
  assert.deepEqual(pairs.get(1)[1].tolist(), map.tolist());
  assert.deepEqual(pairs.get(1)[0].tolist(), image.tolist());
  const [images, targets] = datasets.collateDetection([scenes.get(0), scenes.get(1)]);
  assert.deepEqual(images.shape, [2, 1, 64, 64]);
  assert.equal(targets.length, 2);
});

test("drawSegmentationMasks blends class colours; detectionsToSVG embeds PNGs and draws tagged boxes", () => {
  const img = tg.zeros([1, 4, 4]);
  const masks = tg.zeros([1, 4, 4], { dtype: "bool" }).logicalOr(tg.tensor([[[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]], { dtype: "bool" }));
  const drawn = utils.drawSegmentationMasks(img, masks, { alpha: 1, colors: [[1, 0.5, 0]] });
  assert.deepEqual(drawn.shape, [3, 4, 4]);
  assert.deepEqual([0, 1, 2].map((c) => drawn.select(0, c).select(0, 0).select(0, 0).item()), [1, 0.5, 0]);
  assert.equal(drawn.select(0, 0).select(0, 1).select(0, 1).item(), 0);
  assert.throws(() => utils.drawSegmentationMasks(img, tg.zeros([1, 3, 4], { dtype: "bool" })), /masks must be \[K, 4, 4\]/);
  const svg = tg.viz.detectionsToSVG([{ image: drawn, boxes: tg.tensor([[0, 0, 2, 3]]), labels: ["a<b"], scores: [0.875], title: "one" }]);
  assert.match(svg, /<image [^>]*href="data:image\/png;base64,iVBORw0KGgo/);
  assert.match(svg, /a&lt;b 0\.88/);
  assert.match(svg, /<rect x="6" y="22" width="8" height="12"/);
});
