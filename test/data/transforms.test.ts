/** Vision transforms on hand-computed small images. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose } from "../helpers.js";

const T = tg.data.transforms;
const img3 = () => tg.arange(1, 10).reshape(1, 3, 3); // [[1,2,3],[4,5,6],[7,8,9]]

test("toTensor and normalize", () => {
  const t = T.toTensor(Uint8Array.from([0, 255, 51, 102, 0, 0, 0, 0, 0, 0, 0, 255]), 2, 2, 3);
  assert.deepEqual(t.shape, [3, 2, 2]);
  assertClose(t.select(0, 0), [0, 0.4, 0, 0]);
  assertClose(t.select(0, 2).select(0, 1).select(0, 1), [1]); // blue of pixel (1, 1)
  assertClose(T.normalize([0.5], [0.5])(tg.tensor([[[0, 1]]])), [-1, 1]);
  assert.throws(() => T.normalize([0.1, 0.2], [1, 1])(tg.zeros([3, 2, 2])), /2 means for 3 channels/);
});

test("flips and crops", () => {
  assert.deepEqual(T.hflip(img3()).tolist(), [[[3, 2, 1], [6, 5, 4], [9, 8, 7]]]);
  assert.deepEqual(T.centerCrop(1)(img3()).tolist(), [[[5]]]);
  assert.deepEqual(T.crop(img3(), 1, 0, 2, 2).tolist(), [[[4, 5], [7, 8]]]);
  assert.deepEqual((T.randomCrop(5, { padding: 1 })(img3()).tolist() as number[][][])[0]![0], [0, 0, 0, 0, 0]);
  assert.throws(() => T.crop(img3(), 2, 2, 2, 2), /does not fit an image of 3×3/);
  assert.deepEqual(T.randomHorizontalFlip(1)(img3()).tolist(), T.hflip(img3()).tolist());
  assert.deepEqual(T.randomHorizontalFlip(0)(img3()).tolist(), img3().tolist());
});

test("affine: rotation is counter-clockwise, translation in pixels, identity is exact", () => {
  assertClose(T.affine(img3(), 90, [0, 0], 1, 0), [3, 6, 9, 2, 5, 8, 1, 4, 7], { atol: 1e-5 });
  assertClose(T.affine(img3(), 0, [1, 0], 1, 0), [0, 1, 2, 0, 4, 5, 0, 7, 8], { atol: 1e-5 });
  assertClose(T.affine(img3(), 0, [0, 0], 1, 0), img3().dataSync(), { atol: 1e-6 });
  assertClose(T.affine(img3(), 0, [0, 0], 1, 0, 0).sum(), [45], { atol: 1e-4 });
  assertClose(T.randomRotation([180, 180])(img3()), [9, 8, 7, 6, 5, 4, 3, 2, 1], { atol: 1e-5 });
});

test("resize is bilinear with half-pixel centres (PyTorch's align_corners=False)", () => {
  const out = T.resize([4, 4])(tg.tensor([[[0, 1], [2, 3]]]));
  assertClose(out.select(1, 0).select(0, 0), [0, 0.25, 0.75, 1]);
  assertClose(out.select(1, 3).select(0, 0), [2, 2.25, 2.75, 3]);
  assert.deepEqual(T.resize(2)(tg.zeros([1, 4, 8])).shape, [1, 2, 4]);
  assert.deepEqual(T.randomResizedCrop(5, { generator: new tg.Generator(0) })(tg.rand([3, 12, 10])).shape, [3, 5, 5]);
});

test("colour: brightness, contrast, saturation, hue, grayscale", () => {
  const red = tg.tensor([[[1]], [[0]], [[0]]]);
  assertClose(T.adjustBrightness(tg.full([1, 1, 2], 0.6), 2), [1, 1]);
  assertClose(T.rgbToGrayscale(red), [0.2989]);
  assertClose(T.adjustHue(red, 0.5), [0, 1, 1], { atol: 1e-6 }); // red → cyan
  assertClose(T.adjustHue(red, 1 / 3), [0, 1, 0], { atol: 1e-6 }); // red → green
  const rgb = tg.rand([3, 4, 4], { generator: new tg.Generator(3) });
  assertClose(T.hsvToRgb(T.rgbToHsv(rgb)), rgb.dataSync(), { atol: 1e-5 });
  assertClose(T.adjustSaturation(rgb, 0).select(0, 0), T.rgbToGrayscale(rgb).select(0, 0).dataSync(), { atol: 1e-6 });
  const c = T.adjustContrast(tg.tensor([[[0.2, 0.8]]]), 0);
  assertClose(c, [0.5, 0.5]);
  assert.deepEqual(T.grayscale(3)(rgb).shape, [3, 4, 4]);
  const jitter = T.colorJitter({ brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.1, generator: new tg.Generator(1) });
  const out = jitter(rgb);
  assert.ok(out.min().item() >= 0 && out.max().item() <= 1);
  assert.throws(() => T.colorJitter({ hue: 0.7 }), /hue must be in \[0, 0\.5\]/);
});

test("randomErasing and compose are seeded", () => {
  const erase = T.randomErasing({ p: 1, value: 0, generator: new tg.Generator(2) });
  const out = erase(tg.ones([1, 10, 10]));
  const zeros = out.eq(0).sum().item();
  assert.ok(zeros > 0 && zeros < 100);
  const pipeline = (seed: number) => T.compose([T.randomRotation(30, { generator: new tg.Generator(seed) }), T.normalize([0.5], [0.5])]);
  assert.deepEqual(pipeline(4)(img3()).tolist(), pipeline(4)(img3()).tolist());
});
