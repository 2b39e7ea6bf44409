/**
 * tg.vision.models (and segmentation.UNet, against milesial/Pytorch-UNet's code) against torchvision 0.28 (test/fixtures/vision-models.json from
 * tools/make_vision_model_fixtures.py): the same state-dict names and shapes, and — with every
 * tensor filled from the generator's formula and loaded by name — the same logits in eval and in
 * train mode, and the same running statistics after the train-mode forward.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tg from "../../src/index.js";
import { assertClose, fullPassTest, readFixture } from "../helpers.js";
import { fill, image } from "./hash-fill.js";

interface Case {
  name: string;
  options: tg.vision.models.ResNetOptions & tg.vision.segmentation.UNetOptions & Partial<tg.vision.models.VisionTransformerOptions>;
  input: number[];
  keys: [string, number[]][];
  eval: number[];
  train: number[];
  runningStats: Record<string, number[]>;
}
const fx = readFixture<{ version: string; models: Case[] }>("vision-models.json");
type Build = (o: Case["options"]) => tg.nn.Module<[tg.Tensor], tg.Tensor>;
const zoo: Record<string, Build> = {
  ...(tg.vision.models as unknown as Record<string, Build>),
  unet: (o) => new tg.vision.segmentation.UNet(o.inChannels!, o.numClasses!, o),
  vit: (o) => new tg.vision.models.VisionTransformer(o as tg.vision.models.VisionTransformerOptions),
  // FCN's "out" and "aux", flattened side by side as the generator writes them.
  fcnResnet50: (o) => {
    const fcn = tg.vision.segmentation.fcnResnet50(o);
    const forward = fcn.forward.bind(fcn);
    const flat = (x: tg.Tensor) => {
      const { out, aux } = forward(x);
      return tg.cat([out.flatten(1), aux!.flatten(1)], 1);
    };
    return Object.assign(fcn, { forward: flat }) as unknown as tg.nn.Module<[tg.Tensor], tg.Tensor>;
  },
};

// ResNet-18, MobileNetV3-Small and the CIFAR ResNets on every pass; the deep and wide ones once (seconds each on wasm, minutes on the reference backend).
const EVERY_PASS = new Set(["resnet18", "mobilenetV3Small", "vit", "lenet5", "resnet20", "resnet32", "unet"]);
for (const c of fx.models) {
  (EVERY_PASS.has(c.name) ? test : fullPassTest)(`${c.name} ${JSON.stringify(c.options)}: torchvision's names and shapes, eval and train logits, running statistics`, () => {
    const model = zoo[c.name]!(c.options);
    const state = model.stateDict();
    assert.deepEqual(Object.entries(state).map(([k, t]) => [k, [...t.shape]]), c.keys);
    const filled: tg.nn.StateDict = {};
    for (const [k, shape] of c.keys) filled[k] = k.endsWith("num_batches_tracked") ? state[k]! : fill(k, shape);
    model.loadStateDict(filled);
    const x = image(c.input);
    // float32 through up to 101 layers: agreement to 0.3% of the largest logit (a wrong layer or name is off by far more).
    const close = (got: tg.Tensor, want: number[]) => assertClose(got, want, { atol: 3e-3 * Math.max(...want.map(Math.abs)), rtol: 1e-3 });
    tg.noGrad(() => {
      model.eval();
      close(model.forward(x), c.eval);
      model.train();
      close(model.forward(x), c.train);
    });
    const after = model.stateDict();
    for (const [k, v] of Object.entries(c.runningStats)) assertClose(after[k]!, v, { atol: 1e-4, rtol: 1e-3 });
  });
}

test("CifarResNet: depth 6n + 2 only; ResNet-20 has the paper's 0.27M parameters", () => {
  assert.throws(() => new tg.vision.models.CifarResNet(21), /depth must be 6n \+ 2/);
  const count = tg.vision.models.resnet20().parameters().reduce((n, p) => n + p.numel(), 0);
  assert.equal(count, 269722);
});

test("replaceStrideWithDilation keeps layer3 and layer4 at 1/8 of the input; BasicBlock ResNets refuse it", () => {
  const fcn = tg.vision.segmentation.fcnResnet50({ numClasses: 4, inChannels: 1 });
  fcn.eval();
  const { layer3, layer4 } = tg.noGrad(() => fcn.backbone.forward(tg.zeros([1, 1, 32, 32])));
  assert.deepEqual([layer3.shape, layer4.shape], [[1, 1024, 4, 4], [1, 2048, 4, 4]]);
  assert.deepEqual(tg.noGrad(() => fcn.forward(tg.zeros([1, 1, 32, 32]))).out.shape, [1, 4, 32, 32]);
  assert.throws(() => tg.vision.models.resnet18({ replaceStrideWithDilation: [false, true, true] }), /BasicBlock does not support dilation/);
});
