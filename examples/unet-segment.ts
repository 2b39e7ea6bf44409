/**
 * unet-segment: semantic segmentation with U-Net (tg.vision.segmentation.UNet, milesial's layout,
 * narrowed to --base channels, bilinear upsampling) on 64×64 MNIST scenes: every pixel is labelled
 * background or the digit whose stroke it belongs to (11 classes; --scenes fashion for garments,
 * shapes for the procedural shapes). The loss is milesial's: cross-entropy plus the multiclass Dice
 * loss; AdamW with a one-cycle schedule. Scored by per-class IoU and their mean over the confusion
 * matrix of every test pixel (torchvision's segmentation reference).
 *
 *   npx tsx examples/unet-segment.ts [--scenes mnist|fashion|shapes] [--epochs 8] [--train 4000]
 *                                    [--test 500] [--batch-size 16] [--lr 0.003] [--base 16] [--seed 0]
 *                                    [--save model.safetensors] [--svg masks.svg]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { vision, data, optim, nn } = tg;
const seg = vision.segmentation;

const { values: args } = parseArgs({
  options: {
    scenes: { type: "string", default: "mnist" },
    epochs: { type: "string", default: "8" },
    train: { type: "string", default: "4000" },
    test: { type: "string", default: "500" },
    "batch-size": { type: "string", default: "16" },
    lr: { type: "string", default: "0.003" },
    base: { type: "string", default: "16" },
    seed: { type: "string", default: "0" },
    save: { type: "string" },
    svg: { type: "string" },
  },
});

tg.manualSeed(Number(args.seed));
const scenes = (train: boolean): tg.vision.datasets.MnistScenes | tg.vision.datasets.Shapes => {
  const length = Number(train ? args.train : args.test);
  const seed = Number(args.seed) * 2 + (train ? 0 : 1);
  if (args.scenes === "shapes") return new vision.datasets.Shapes({ length, seed });
  if (args.scenes !== "mnist" && args.scenes !== "fashion") throw new Error(`--scenes must be mnist, fashion or shapes, got '${args.scenes}'`);
  const source = args.scenes === "fashion" ? new data.FashionMNIST({ train }) : new data.EmbeddedMNIST({ train });
  return new vision.datasets.MnistScenes(source, { length, seed, ...(args.scenes === "fashion" ? { objects: [1, 2] as [number, number], maskThreshold: 0.05 } : {}) });
};
const trainSet = scenes(true);
const testSet = scenes(false);
const numClasses = trainSet.classes.length;
const loader = new data.DataLoader(new vision.datasets.SemanticMaps(trainSet), { batchSize: Number(args["batch-size"]), shuffle: true });
const testLoader = new data.DataLoader(new vision.datasets.SemanticMaps(testSet), { batchSize: 50 });

const channels = trainSet.get(0)[0].shape[0]!;
const model = new seg.UNet(channels, numClasses, { bilinear: true, baseChannels: Number(args.base) });
const optimizer = new optim.AdamW(model.parameters(), { lr: Number(args.lr), weightDecay: 1e-4 });
const epochs = Number(args.epochs);
const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, Number(args.lr), { totalSteps: epochs * loader.length });
const criterion = new nn.CrossEntropyLoss();
console.log(`U-Net (base ${args.base}): ${model.parameters().reduce((n, p) => n + p.numel(), 0)} parameters; ${trainSet.length} training and ${testSet.length} test scenes of ${args.scenes}, ${numClasses} classes`);

function evaluate(): tg.vision.segmentation.SegmentationScores {
  model.eval();
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  tg.noGrad(() => {
    for (const [images, labels] of testLoader) {
      tg.scope(() => {
        const m = seg.confusionMatrix(model.forward(images).argmax(1), labels, numClasses);
        m.forEach((row, i) => row.forEach((v, j) => (confusion[i]![j]! += v)));
      });
    }
  });
  return seg.segmentationScores(confusion);
}

const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const epochStart = performance.now();
  model.train();
  let running = 0;
  for (const [images, labels] of loader) {
    running += tg.scope(() => {
      optimizer.zeroGrad();
      const logits = model.forward(images);
      const onehot = tg.oneHot(labels, numClasses).permute(0, 3, 1, 2);
      const loss = criterion.forward(logits, labels).add(seg.diceLoss(logits.softmax(1), onehot, { multiclass: true }));
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    scheduler.step();
  }
  const scores = epoch === epochs || epoch % 2 === 0 ? evaluate() : null;
  const shown = scores ? `; test mean IoU ${scores.meanIou.toFixed(3)}, pixel accuracy ${scores.pixelAccuracy.toFixed(4)}` : "";
  console.log(`epoch ${epoch}: loss ${(running / loader.length).toFixed(4)}${shown} (${((performance.now() - epochStart) / 1000).toFixed(1)} s)`);
}
const final = evaluate();
console.log(`per-class IoU: ${final.iou.map((v, c) => `${trainSet.classes[c]} ${v.toFixed(3)}`).join(", ")}`);
console.log(`final test mean IoU ${final.meanIou.toFixed(3)}, pixel accuracy ${final.pixelAccuracy.toFixed(4)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (args.save) {
  tg.io.saveSafetensors(args.save, model.stateDict());
  console.log(`saved the weights to ${args.save}`);
}
if (args.svg) {
  // Each test scene twice: the true masks, then the predicted ones, coloured by class.
  const colours = vision.utils.PALETTE;
  const panels = Array.from({ length: 6 }, (_, i) => {
    const [image, target] = testSet.get(i);
    const predicted = tg.noGrad(() => model.forward(image.unsqueeze(0)).argmax(1).squeeze(0));
    const classMasks = (map: tg.Tensor) => tg.stack(Array.from({ length: numClasses - 1 }, (_, c) => map.eq(c + 1)));
    const palette = Array.from({ length: numClasses - 1 }, (_, c) => colours[c % colours.length]!);
    const names = (target.labels.tolist() as number[]).map((l) => trainSet.classes[l]!);
    return [
      { image: vision.utils.drawSegmentationMasks(image, classMasks(vision.datasets.semanticMap(target)), { alpha: 0.6, colors: palette }), title: `truth: ${names.join(" ")}` },
      { image: vision.utils.drawSegmentationMasks(image, classMasks(predicted), { alpha: 0.6, colors: palette }), title: "U-Net" },
    ];
  }).flat();
  writeFileSync(args.svg, tg.viz.detectionsToSVG(panels, { columns: 4 }));
  console.log(`wrote ${args.svg}`);
}
