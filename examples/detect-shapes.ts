/**
 * detect-shapes: object detection with FCOS (tg.vision.detection.fcosSmall: a small strided CNN,
 * a two-level feature pyramid, torchvision's FCOS head and losses) on 64×64 scenes: the procedural
 * shapes (circles, squares, triangles on textured backgrounds), or --scenes mnist / fashion, real
 * digits or garments pasted on a canvas. Trained with AdamW and a one-cycle schedule, the training
 * scenes flipped at random (digits are not: a flipped 2 is no digit); evaluated with COCO's mAP
 * (tg.vision.detection.meanAveragePrecision, pycocotools' numbers).
 *
 *   npx tsx examples/detect-shapes.ts [--scenes shapes|mnist|fashion] [--epochs 12] [--train 6000]
 *                                     [--test 1000] [--batch-size 32] [--lr 0.002] [--seed 0]
 *                                     [--save model.safetensors] [--svg detections.svg]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { vision, data, optim } = tg;
type Detection = tg.vision.detection.Detection;

const { values: args } = parseArgs({
  options: {
    scenes: { type: "string", default: "shapes" },
    epochs: { type: "string", default: "12" },
    train: { type: "string", default: "6000" },
    test: { type: "string", default: "1000" },
    "batch-size": { type: "string", default: "32" },
    lr: { type: "string", default: "0.002" },
    seed: { type: "string", default: "0" },
    save: { type: "string" },
    svg: { type: "string" },
  },
});

tg.manualSeed(Number(args.seed));
const scenes = (train: boolean): tg.vision.datasets.MnistScenes | tg.vision.datasets.Shapes => {
  const length = Number(train ? args.train : args.test);
  // Different seeds: the test scenes are new arrangements (and, for MNIST, new digits).
  const seed = Number(args.seed) * 2 + (train ? 0 : 1);
  const transforms = train && args.scenes === "shapes" ? vision.transforms.randomHorizontalFlip() : undefined;
  if (args.scenes === "shapes") return new vision.datasets.Shapes({ length, seed, transforms });
  const source = args.scenes === "fashion" ? new data.FashionMNIST({ train }) : new data.EmbeddedMNIST({ train });
  if (args.scenes !== "mnist" && args.scenes !== "fashion") throw new Error(`--scenes must be shapes, mnist or fashion, got '${args.scenes}'`);
  return new vision.datasets.MnistScenes(source, { length, seed, ...(args.scenes === "fashion" ? { objects: [1, 2] as [number, number], maskThreshold: 0.05 } : {}) });
};
const trainSet = scenes(true);
const testSet = scenes(false);
const channels = trainSet.get(0)[0].shape[0]!;
const loader = new data.DataLoader(trainSet, { batchSize: Number(args["batch-size"]), shuffle: true, collateFn: vision.datasets.collateDetection });

const model = vision.detection.fcosSmall(channels, trainSet.classes.length);
const optimizer = new optim.AdamW(model.parameters(), { lr: Number(args.lr), weightDecay: 1e-4 });
const epochs = Number(args.epochs);
const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, Number(args.lr), { totalSteps: epochs * loader.length });
console.log(`FCOS: ${model.parameters().reduce((n, p) => n + p.numel(), 0)} parameters; ${trainSet.length} training and ${testSet.length} test scenes of ${args.scenes}`);

/** Detections and targets for the whole test set, batch by batch. */
function evaluate(): { map: tg.vision.detection.MeanAveragePrecision; detections: Detection[] } {
  model.eval();
  const detections: Detection[] = [];
  const targets: tg.vision.datasets.DetectionTarget[] = [];
  const testLoader = new data.DataLoader(testSet, { batchSize: 100, collateFn: vision.datasets.collateDetection });
  for (const [images, batchTargets] of testLoader) {
    detections.push(...model.detect(images));
    targets.push(...batchTargets);
  }
  return { map: vision.detection.meanAveragePrecision(detections, targets), detections };
}

const started = performance.now();
for (let epoch = 1; epoch <= epochs; epoch++) {
  const epochStart = performance.now();
  model.train();
  const totals = { classification: 0, bbox_regression: 0, bbox_ctrness: 0 };
  for (const [images, targets] of loader) {
    tg.scope(() => {
      optimizer.zeroGrad();
      const losses = model.losses(images, targets);
      losses.classification.add(losses.bbox_regression).add(losses.bbox_ctrness).backward();
      optimizer.step();
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += losses[k].item() / loader.length;
    });
    scheduler.step();
  }
  const last = epoch === epochs || epoch % 4 === 0;
  const score = last ? evaluate().map : null;
  const shown = Object.entries(totals).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ");
  console.log(`epoch ${epoch}: ${shown}${score ? `; test mAP@0.5 ${score.map50.toFixed(3)}, mAP@[.5:.95] ${score.map.toFixed(3)}` : ""} (${((performance.now() - epochStart) / 1000).toFixed(1)} s)`);
}
const { map, detections } = evaluate();
console.log(`final test mAP@0.5 ${map.map50.toFixed(3)}, mAP@[.5:.95] ${map.map.toFixed(3)}, mAR@100 ${map.mar100.toFixed(3)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (args.save) {
  tg.io.saveSafetensors(args.save, model.stateDict());
  console.log(`saved the weights to ${args.save}`);
}
if (args.svg) {
  const panels = detections.slice(0, 12).map((d, i) => {
    const confident = d.scores.gt(0.3).sum().item();
    const names = (d.labels.tolist() as number[]).slice(0, confident).map((l) => testSet.classes[l]!);
    return { image: testSet.get(i)[0], boxes: d.boxes.narrow(0, 0, confident), labels: names, scores: (d.scores.tolist() as number[]).slice(0, confident), title: `test scene ${i}` };
  });
  writeFileSync(args.svg, tg.viz.detectionsToSVG(panels, { columns: 4 }));
  console.log(`wrote ${args.svg}`);
}
