/**
 * The vision recipes of `tensorgrad train`: ResNet-20 on Fashion-MNIST, FCOS detection and U-Net
 * segmentation on MNIST scenes (the settings of examples/resnet-fashion.ts, detect-shapes.ts and
 * unet-segment.ts). Each trains in an explicit loop, prints its test score after every epoch it
 * evaluates, and with --save writes the weights and the recipe as one folder, atomically, which
 * `tensorgrad eval DIR` reads back to score the model again.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { noGrad } from "../ops/grad-mode.js";
import { manualSeed } from "../base/rng.js";
import { scope } from "../base/scope.js";
import type { Tensor } from "../ops/tensor.js";
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
import { encodeSafetensors, loadSafetensors } from "../io/safetensors.js";
import { readableFolder, writeFolderAtomic } from "../io/atomic.js";
import { CifarResNet } from "../vision/models/resnet.js";
import { MnistScenes } from "../vision/datasets/mnist-scenes.js";
import { SemanticMaps, collateDetection, type DetectionTarget } from "../vision/datasets/target.js";
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

/** A recipe's test: its score (accuracy, mAP@0.5 or mean IoU), the other numbers, and a line to print. */
interface Scored {
  score: number;
  values: Record<string, number>;
  line: string;
}

/** What a vision recipe is made of; train and eval put the pieces together. */
interface Parts {
  model: Module;
  optimizer: Optimizer<{ lr: number }>;
  /** Shuffled training batches (built when first read: eval needs only the test split). */
  readonly loader: Iterable<unknown> & { readonly length: number };
  loss: (batch: unknown) => Tensor;
  test: () => Scored;
  /** Test after these epochs (and after the last). */
  testEvery: number;
}

export interface VisionRecipe {
  describe: string;
  defaults: { epochs: number; lr: number; batchSize: number };
  /** The model, its optimizer and data for a run (the test split alone is read when training is not wanted). */
  parts(run: VisionRun): Parts;
}

const capped = <T>(ds: Dataset<T>, limit?: number): Dataset<T> => (limit && limit < ds.length ? new Subset(ds, Array.from({ length: limit }, (_, i) => i)) : ds);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** MNIST scenes of 1–3 digits on a 64×64 canvas: the training scenes from the training digits, the test scenes from the others. */
const mnistScenes = (train: boolean, length: number, seed: number) => new MnistScenes(new EmbeddedMNIST({ train }), { length, seed: seed * 2 + (train ? 0 : 1) });

function resnetParts(run: VisionRun): Parts {
  const norm = normalize([0.286], [0.353]);
  const load = (train: boolean, transform: Transform) => capped(run.data ? new MNIST({ root: run.data, train, transform }) : new FashionMNIST({ train, transform }), run.limit);
  const testSet = load(false, norm);
  const model = new CifarResNet(20, { inChannels: 1, numClasses: 10 });
  const params = model.parameters();
  return {
    model,
    optimizer: new SGD([{ params: params.filter((p) => p.dim() > 1), weightDecay: 5e-4 }, { params: params.filter((p) => p.dim() <= 1), weightDecay: 0 }], { lr: run.lr, momentum: 0.9, nesterov: true }),
    get loader() {
      return new DataLoader(load(true, compose([randomCrop(28, { padding: 2 }), randomHorizontalFlip(), norm])), { batchSize: run.batchSize, shuffle: true });
    },
    loss: (batch) => {
      const [x, y] = batch as [Tensor, Tensor];
      return crossEntropy(model.forward(x), y);
    },
    test: () => {
      let correct = 0;
      noGrad(() => {
        for (const [x, y] of new DataLoader(testSet, { batchSize: 500 })) correct += scope(() => model.forward(x).argmax(1).eq(y).sum().item());
      });
      const accuracy = correct / testSet.length;
      return { score: accuracy, values: { accuracy }, line: `test accuracy ${(100 * accuracy).toFixed(2)}%` };
    },
    testEvery: 1,
  };
}

function detectorParts(run: VisionRun): Parts {
  const testSet = mnistScenes(false, Math.min(run.limit ?? 1000, 1000), run.seed);
  const model = fcosSmall(1, testSet.classes.length);
  return {
    model,
    optimizer: new AdamW(model.parameters(), { lr: run.lr, weightDecay: 1e-4 }),
    get loader() {
      return new DataLoader(mnistScenes(true, run.limit ?? 6000, run.seed), { batchSize: run.batchSize, shuffle: true, collateFn: collateDetection });
    },
    loss: (batch) => {
      const [images, targets] = batch as [Tensor, DetectionTarget[]];
      const l = model.losses(images, targets);
      return l.classification.add(l.bbox_regression).add(l.bbox_ctrness);
    },
    test: () => {
      const detections: Detection[] = [];
      const targets: DetectionTarget[] = [];
      for (const [images, t] of new DataLoader(testSet, { batchSize: 100, collateFn: collateDetection })) {
        detections.push(...model.detect(images));
        targets.push(...t);
      }
      const m = meanAveragePrecision(detections, targets);
      return { score: m.map50, values: { map50: m.map50, map: m.map, mar100: m.mar100 }, line: `test mAP@0.5 ${m.map50.toFixed(3)}, mAP@[.5:.95] ${m.map.toFixed(3)}` };
    },
    testEvery: 4,
  };
}

function unetParts(run: VisionRun): Parts {
  const testSet = new SemanticMaps(mnistScenes(false, Math.min(run.limit ?? 500, 500), run.seed));
  const C = testSet.classes.length;
  const model = new UNet(1, C, { bilinear: true, baseChannels: 16 });
  return {
    model,
    optimizer: new AdamW(model.parameters(), { lr: run.lr, weightDecay: 1e-4 }),
    get loader() {
      return new DataLoader(new SemanticMaps(mnistScenes(true, run.limit ?? 4000, run.seed)), { batchSize: run.batchSize, shuffle: true });
    },
    loss: (batch) => {
      const [x, y] = batch as [Tensor, Tensor];
      const logits = model.forward(x);
      return crossEntropy(logits, y).add(diceLoss(logits.softmax(1), oneHot(y, C).permute(0, 3, 1, 2), { multiclass: true }));
    },
    test: () => {
      const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
      noGrad(() => {
        for (const [x, y] of new DataLoader(testSet, { batchSize: 50 })) {
          scope(() => confusionMatrix(model.forward(x).argmax(1), y, C).forEach((row, i) => row.forEach((v, j) => (confusion[i]![j]! += v))));
        }
      });
      const s = segmentationScores(confusion);
      return { score: s.meanIou, values: { meanIou: s.meanIou, pixelAccuracy: s.pixelAccuracy }, line: `test mean IoU ${s.meanIou.toFixed(3)}, pixel accuracy ${s.pixelAccuracy.toFixed(4)}` };
    },
    testEvery: 2,
  };
}

export const VISION_RECIPES: Record<string, VisionRecipe> = {
  "resnet20-fashion": {
    describe: "He et al.'s CIFAR ResNet-20 on Fashion-MNIST: SGD (Nesterov 0.9, weight decay 5e-4), one-cycle lr, pad-2 random crops and flips",
    defaults: { epochs: 5, lr: 0.2, batchSize: 128 },
    parts: resnetParts,
  },
  "detect-mnist": {
    describe: "FCOS (fcosSmall: strided CNN, 2-level FPN, torchvision's head and losses) on 64×64 MNIST scenes of 1–3 digits, AdamW with one-cycle lr; scored by COCO mAP",
    defaults: { epochs: 12, lr: 0.002, batchSize: 32 },
    parts: detectorParts,
  },
  "unet-mnist": {
    describe: "U-Net (milesial's layout, 16 base channels, bilinear) on 64×64 MNIST scenes, each pixel background or its digit (11 classes); cross-entropy + Dice, AdamW with one-cycle lr; scored by mean IoU",
    defaults: { epochs: 8, lr: 0.003, batchSize: 16 },
    parts: unetParts,
  },
};

const RECIPE_FILE = "recipe.json";
const WEIGHTS_FILE = "model.safetensors";

/** Trains a vision recipe with the one-cycle schedule, testing as the recipe says; saves weights and recipe as one folder. Returns the final score. */
export function trainVision(name: string, run: VisionRun): number {
  const recipe = VISION_RECIPES[name]!;
  manualSeed(run.seed);
  console.log(`${name}: ${recipe.describe}; ${run.epochs} epochs, lr ${run.lr}, batch ${run.batchSize}`);
  const { model, optimizer, loader, loss, test, testEvery } = recipe.parts(run);
  const scheduler = new OneCycleLR(optimizer, run.lr, { totalSteps: run.epochs * loader.length });
  let last: Scored | null = null;
  for (let epoch = 1; epoch <= run.epochs; epoch++) {
    const started = performance.now();
    model.train();
    let total = 0;
    for (const batch of loader) {
      total += scope(() => {
        optimizer.zeroGrad();
        const l = loss(batch);
        l.backward();
        optimizer.step();
        return l.item();
      });
      scheduler.step();
    }
    model.eval();
    last = epoch % testEvery === 0 || epoch === run.epochs ? test() : null;
    console.log(`epoch ${epoch}: loss ${(total / loader.length).toFixed(4)}${last ? `, ${last.line}` : ""} (${seconds(started)})`);
  }
  if (run.save) {
    const info = { recipe: name, epochs: run.epochs, lr: run.lr, batchSize: run.batchSize, seed: run.seed, ...(run.limit ? { limit: run.limit } : {}), ...(run.data ? { data: run.data } : {}), test: last?.values };
    const files = { [WEIGHTS_FILE]: encodeSafetensors(model.stateDict()), [RECIPE_FILE]: [new TextEncoder().encode(`${JSON.stringify(info)}\n`)] };
    writeFolderAtomic(run.save, files, (names) => names.every((n) => n === WEIGHTS_FILE || n === RECIPE_FILE));
    console.log(`saved the weights and ${RECIPE_FILE} to ${run.save}`);
  }
  return last?.score ?? NaN;
}

/** Whether a folder holds a saved vision recipe (weights and recipe.json naming one). */
export function isVisionFolder(dir: string): boolean {
  const file = path.join(readableFolder(dir), RECIPE_FILE);
  if (!existsSync(file) || !existsSync(path.join(readableFolder(dir), WEIGHTS_FILE))) return false;
  try {
    const { recipe } = JSON.parse(readFileSync(file, "utf8")) as { recipe?: unknown };
    return typeof recipe === "string" && Object.hasOwn(VISION_RECIPES, recipe); // own keys only, not "toString"
  } catch {
    return false;
  }
}

/** Loads a saved vision recipe's weights and prints its score on the test split it was trained beside. */
export function evalVision(dir: string): number {
  const folder = readableFolder(dir);
  const info = JSON.parse(readFileSync(path.join(folder, RECIPE_FILE), "utf8")) as VisionRun & { recipe: string };
  const recipe = VISION_RECIPES[info.recipe]!;
  const { model, test } = recipe.parts(info);
  model.loadStateDict(loadSafetensors(path.join(folder, WEIGHTS_FILE)));
  model.eval();
  const scored = test();
  console.log(`${info.recipe} (${dir}): ${scored.line}`);
  return scored.score;
}
