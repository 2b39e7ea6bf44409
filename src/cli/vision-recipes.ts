/**
 * The vision recipes of `tensorgrad train`: ResNet-20 on Fashion-MNIST, FCOS detection and U-Net
 * segmentation on MNIST scenes (the settings of examples/resnet-fashion.ts, detect-shapes.ts and
 * unet-segment.ts). Each trains in an explicit loop, prints its test score after every epoch it
 * evaluates, and with --save writes the weights and the recipe as one folder, atomically.
 */
import { noGrad } from "../autograd/grad-mode.js";
import { manualSeed } from "../core/rng.js";
import { scope } from "../core/scope.js";
import type { Tensor } from "../core/tensor.js";
import { ValueError } from "../core/errors.js";
import type { Module } from "../nn/module.js";
import { crossEntropy } from "../nn/losses.js";
import { oneHot } from "../ops/indexing.js";
import { AdamW, SGD } from "../optim/optimizers.js";
import type { Optimizer } from "../optim/optimizer.js";
import { OneCycleLR } from "../optim/schedulers/one-cycle.js";
import { DataLoader } from "../data/dataloader.js";
import { Subset, type Dataset } from "../data/dataset.js";
import { EmbeddedMNIST } from "../data/datasets/embedded-mnist.js";
import { FashionMNIST, MNIST } from "../data/datasets/mnist.js";
import { compose, normalize, randomCrop, randomHorizontalFlip, type Transform } from "../data/transforms/transforms.js";
import { encodeSafetensors } from "../io/safetensors.js";
import { writeFolderAtomic } from "../io/atomic.js";
import { CifarResNet } from "../vision/models/resnet.js";
import { MnistScenes } from "../vision/datasets/mnist-scenes.js";
import { SemanticMaps, collateDetection } from "../vision/datasets/target.js";
import { fcosSmall } from "../vision/detection/small.js";
import { meanAveragePrecision } from "../vision/detection/map.js";
import type { Detection } from "../vision/detection/fcos.js";
import { UNet } from "../vision/segmentation/unet.js";
import { diceLoss } from "../vision/segmentation/losses.js";
import { confusionMatrix, segmentationScores } from "../vision/segmentation/metrics.js";

export interface VisionRun {
  epochs: number;
  lr: number;
  batchSize: number;
  seed: number;
  /** At most this many training (and test) samples: a quick run. */
  limit?: number;
  /** resnet20-fashion: MNIST-format IDX files instead of Debian's Fashion-MNIST. */
  data?: string;
  save?: string;
}

export interface VisionRecipe {
  describe: string;
  defaults: { epochs: number; lr: number; batchSize: number };
  /** Trains, prints progress, returns the final test score (accuracy, mAP@0.5 or mean IoU). */
  train(run: VisionRun): number;
}

const capped = <T>(ds: Dataset<T>, limit?: number): Dataset<T> => (limit && limit < ds.length ? new Subset(ds, Array.from({ length: limit }, (_, i) => i)) : ds);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Runs `epochs` of one-cycle training: step(batch) returns the loss; evaluate(epoch) a score line or null. */
function fit<T, B>(loader: DataLoader<T, B>, optimizer: Optimizer<{ lr: number }>, run: VisionRun, model: Module, step: (batch: B) => Tensor, evaluate: (epoch: number) => string | null): void {
  const scheduler = new OneCycleLR(optimizer, run.lr, { totalSteps: run.epochs * loader.length });
  for (let epoch = 1; epoch <= run.epochs; epoch++) {
    const started = performance.now();
    model.train();
    let total = 0;
    for (const batch of loader) {
      total += scope(() => {
        optimizer.zeroGrad();
        const loss = step(batch);
        loss.backward();
        optimizer.step();
        return loss.item();
      });
      scheduler.step();
    }
    model.eval();
    const score = evaluate(epoch);
    console.log(`epoch ${epoch}: loss ${(total / loader.length).toFixed(4)}${score ? `, ${score}` : ""} (${seconds(started)})`);
  }
}

function save(run: VisionRun, recipe: string, model: Module, score: Record<string, number>): void {
  if (!run.save) return;
  const info = { recipe, epochs: run.epochs, lr: run.lr, batchSize: run.batchSize, seed: run.seed, ...(run.limit ? { limit: run.limit } : {}), test: score };
  writeFolderAtomic(run.save, { "model.safetensors": encodeSafetensors(model.stateDict()), "recipe.json": [new TextEncoder().encode(`${JSON.stringify(info)}\n`)] }, (names) => names.every((n) => n === "model.safetensors" || n === "recipe.json"));
  console.log(`saved the weights and recipe.json to ${run.save}`);
}

/** MNIST scenes of 1–3 digits on a 64×64 canvas: the training scenes from the training digits, the test scenes from the others. */
const mnistScenes = (train: boolean, length: number, seed: number) => new MnistScenes(new EmbeddedMNIST({ train }), { length, seed: seed * 2 + (train ? 0 : 1) });

function trainResnet(run: VisionRun): number {
  const norm = normalize([0.286], [0.353]);
  const load = (train: boolean, transform: Transform) => capped(run.data ? new MNIST({ root: run.data, train, transform }) : new FashionMNIST({ train, transform }), run.limit);
  const trainSet = load(true, compose([randomCrop(28, { padding: 2 }), randomHorizontalFlip(), norm]));
  const testSet = load(false, norm);
  const model = new CifarResNet(20, { inChannels: 1, numClasses: 10 });
  const params = model.parameters();
  const optimizer = new SGD([{ params: params.filter((p) => p.dim() > 1), weightDecay: 5e-4 }, { params: params.filter((p) => p.dim() <= 1), weightDecay: 0 }], { lr: run.lr, momentum: 0.9, nesterov: true });
  let accuracy = 0;
  const testLoader = new DataLoader(testSet, { batchSize: 500 });
  fit(new DataLoader(trainSet, { batchSize: run.batchSize, shuffle: true }), optimizer, run, model, ([x, y]) => crossEntropy(model.forward(x), y), () => {
    let correct = 0;
    noGrad(() => {
      for (const [x, y] of testLoader) correct += scope(() => model.forward(x).argmax(1).eq(y).sum().item());
    });
    accuracy = correct / testSet.length;
    return `test accuracy ${(100 * accuracy).toFixed(2)}%`;
  });
  save(run, "resnet20-fashion", model, { accuracy });
  return accuracy;
}

function trainDetector(run: VisionRun): number {
  const trainSet = mnistScenes(true, run.limit ?? 6000, run.seed);
  const testSet = mnistScenes(false, Math.min(run.limit ?? 1000, 1000), run.seed);
  const model = fcosSmall(1, trainSet.classes.length);
  const optimizer = new AdamW(model.parameters(), { lr: run.lr, weightDecay: 1e-4 });
  let map50 = 0;
  fit(new DataLoader(trainSet, { batchSize: run.batchSize, shuffle: true, collateFn: collateDetection }), optimizer, run, model, ([images, targets]) => {
    const l = model.losses(images, targets);
    return l.classification.add(l.bbox_regression).add(l.bbox_ctrness);
  }, (epoch) => {
    if (epoch % 4 !== 0 && epoch !== run.epochs) return null;
    const detections: Detection[] = [];
    const targets = [];
    for (const [images, t] of new DataLoader(testSet, { batchSize: 100, collateFn: collateDetection })) {
      detections.push(...model.detect(images));
      targets.push(...t);
    }
    const m = meanAveragePrecision(detections, targets);
    map50 = m.map50;
    return `test mAP@0.5 ${m.map50.toFixed(3)}, mAP@[.5:.95] ${m.map.toFixed(3)}`;
  });
  save(run, "detect-mnist", model, { map50 });
  return map50;
}

function trainUnet(run: VisionRun): number {
  const trainSet = new SemanticMaps(mnistScenes(true, run.limit ?? 4000, run.seed));
  const testSet = new SemanticMaps(mnistScenes(false, Math.min(run.limit ?? 500, 500), run.seed));
  const C = trainSet.classes.length;
  const model = new UNet(1, C, { bilinear: true, baseChannels: 16 });
  const optimizer = new AdamW(model.parameters(), { lr: run.lr, weightDecay: 1e-4 });
  let meanIou = 0;
  fit(new DataLoader(trainSet, { batchSize: run.batchSize, shuffle: true }), optimizer, run, model, ([x, y]) => {
    const logits = model.forward(x);
    return crossEntropy(logits, y).add(diceLoss(logits.softmax(1), oneHot(y, C).permute(0, 3, 1, 2), { multiclass: true }));
  }, (epoch) => {
    if (epoch % 2 !== 0 && epoch !== run.epochs) return null;
    const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
    noGrad(() => {
      for (const [x, y] of new DataLoader(testSet, { batchSize: 50 })) {
        scope(() => confusionMatrix(model.forward(x).argmax(1), y, C).forEach((row, i) => row.forEach((v, j) => (confusion[i]![j]! += v))));
      }
    });
    const s = segmentationScores(confusion);
    meanIou = s.meanIou;
    return `test mean IoU ${s.meanIou.toFixed(3)}, pixel accuracy ${s.pixelAccuracy.toFixed(4)}`;
  });
  save(run, "unet-mnist", model, { meanIou });
  return meanIou;
}

export const VISION_RECIPES: Record<string, VisionRecipe> = {
  "resnet20-fashion": {
    describe: "He et al.'s CIFAR ResNet-20 on Fashion-MNIST: SGD (Nesterov 0.9, weight decay 5e-4), one-cycle lr, pad-2 random crops and flips",
    defaults: { epochs: 5, lr: 0.2, batchSize: 128 },
    train: trainResnet,
  },
  "detect-mnist": {
    describe: "FCOS (fcosSmall: strided CNN, 2-level FPN, torchvision's head and losses) on 64×64 MNIST scenes of 1–3 digits, AdamW with one-cycle lr; scored by COCO mAP",
    defaults: { epochs: 12, lr: 0.002, batchSize: 32 },
    train: trainDetector,
  },
  "unet-mnist": {
    describe: "U-Net (milesial's layout, 16 base channels, bilinear) on 64×64 MNIST scenes, each pixel background or its digit (11 classes); cross-entropy + Dice, AdamW with one-cycle lr; scored by mean IoU",
    defaults: { epochs: 8, lr: 0.003, batchSize: 16 },
    train: trainUnet,
  },
};

export function trainVision(name: string, run: VisionRun): number {
  const recipe = VISION_RECIPES[name] ?? (() => {
    throw new ValueError(`train: unknown vision recipe '${name}'`);
  })();
  manualSeed(run.seed);
  console.log(`${name}: ${recipe.describe}; ${run.epochs} epochs, lr ${run.lr}, batch ${run.batchSize}`);
  return recipe.train(run);
}
