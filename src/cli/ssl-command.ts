/**
 * `tensorgrad ssl pretrain <simclr|byol|simsiam>` pre-trains a small convolutional encoder on the
 * training images of MNIST or Fashion-MNIST without their labels (a k-NN monitor, which does read
 * labels, is printed after each epoch) and saves it as one folder; `tensorgrad ssl finetune <dir>`
 * then trains classifiers on a few labels — a linear probe, and the whole network fine-tuned from
 * the probe's classifier (LP-FT) — and, with --scratch, the same network from scratch for comparison.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ValueError } from "../base/errors.js";
import { Generator, manualSeed } from "../base/rng.js";
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import { noGrad } from "../ops/grad-mode.js";
import { scope } from "../base/scope.js";
import { Module } from "../nn/module.js";
import { Sequential } from "../nn/layers/container.js";
import { Conv2d } from "../nn/layers/conv.js";
import { BatchNorm2d } from "../nn/layers/norm.js";
import { ReLU } from "../nn/layers/activation.js";
import { MaxPool2d } from "../nn/layers/pooling.js";
import { Linear } from "../nn/layers/linear.js";
import { crossEntropy } from "../nn/losses.js";
import { Adam } from "../optim/optimizers.js";
import { encodeSafetensors, parseSafetensors } from "../io/safetensors.js";
import { readableFolder, writeFolderAtomic } from "../io/atomic.js";
import { PRETRAIN_METHODS, pretrain, type PretrainMethod } from "../ssl/pretrain.js";
import { knnAccuracy, linearProbe } from "../ssl/monitors.js";
import { batchSimclrAugment } from "../ssl/batch-augment.js";
import { imageSplit, type DataChoice } from "./recipes.js";

export interface SslArgs {
  seed: number;
  data: DataChoice;
  minutes?: number;
  epochs?: number;
  batchSize: number;
  labels: number;
  scratch: boolean;
  save?: string;
}

const ENCODER_FILE = "encoder.safetensors";
const INFO_FILE = "pretrain.json";
const SAVED = new Set([ENCODER_FILE, INFO_FILE, "classifier.safetensors", "finetune.json"]);
const FEATURES = 64;

/** What `ssl pretrain --save` records beside the encoder. */
interface PretrainInfo {
  method: PretrainMethod;
  data: DataChoice;
  epochs: number;
  minutes: number;
  knn: number;
}

/** Three Conv-BN-ReLU blocks and global average pooling: (N, 1, 28, 28) → (N, 64), as examples/simclr-fashion.ts. */
class ConvEncoder extends Module<[Tensor], Tensor> {
  features = new Sequential(
    new Conv2d(1, 16, 3, { padding: 1 }), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
    new Conv2d(16, 32, 3, { padding: 1 }), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, FEATURES, 3, { padding: 1 }), new BatchNorm2d(FEATURES), new ReLU(),
  );
  forward(x: Tensor): Tensor {
    return this.features.forward(x).mean([2, 3]);
  }
}

export function runSsl(sub: string | undefined, positionals: string[], a: SslArgs): void {
  switch (sub) {
    case "pretrain":
      return pretrainCommand(positionals[0], a);
    case "finetune":
      return finetuneCommand(positionals[0], a);
    default:
      throw new ValueError(`ssl: use ssl pretrain <${PRETRAIN_METHODS.join("|")}> --save DIR | ssl finetune <dir> [--labels 600]`);
  }
}

/** Images (N, 1, 28, 28) in [0, 1] and labels of the chosen data's split. */
function split(choice: DataChoice, train: boolean): { x: Tensor; y: number[]; name: string } {
  const { dataset, name } = imageSplit(choice, train);
  const n = Math.min(choice.limit ?? dataset.length, dataset.length);
  return { x: dataset.images().narrow(0, 0, n), y: Array.from(dataset.labels.subarray(0, n)), name };
}

function embed(encoder: ConvEncoder, x: Tensor): Tensor {
  encoder.eval();
  const n = x.shape[0]!;
  return noGrad(() => cat(Array.from({ length: Math.ceil(n / 1000) }, (_, i) => scope(() => encoder.forward(x.narrow(0, i * 1000, Math.min(1000, n - i * 1000))))), 0));
}

function pretrainCommand(method: string | undefined, a: SslArgs): void {
  if (!method || !PRETRAIN_METHODS.includes(method as PretrainMethod)) throw new ValueError(`ssl pretrain: name a method (${PRETRAIN_METHODS.join(", ")})`);
  if (a.minutes === undefined && a.epochs === undefined) throw new ValueError("ssl pretrain: give --minutes M or --epochs N");
  manualSeed(a.seed);
  const generator = new Generator(a.seed);
  const train = split(a.data, true);
  const test = split(a.data, false);
  const monitor = (enc: ConvEncoder) => {
    const [m, t] = [Math.min(5000, train.x.shape[0]!), Math.min(2000, test.x.shape[0]!)];
    return knnAccuracy(embed(enc, train.x.narrow(0, 0, m)), train.y.slice(0, m), embed(enc, test.x.narrow(0, 0, t)), test.y.slice(0, t), { k: 20 });
  };
  const encoder = new ConvEncoder();
  console.log(`${method} pre-training on ${train.x.shape[0]} ${train.name} training images without their labels (batch ${a.batchSize}); k-NN monitor of the untrained encoder ${(100 * monitor(encoder)).toFixed(1)}%`);
  let knn = 0;
  const r = pretrain(encoder, train.x, {
    method: method as PretrainMethod, featureDim: FEATURES, batchSize: Math.min(a.batchSize, train.x.shape[0]!), generator,
    ...(a.epochs !== undefined ? { epochs: a.epochs } : {}), ...(a.minutes !== undefined ? { minutes: a.minutes } : {}),
    ...(method === "byol" ? { targetEncoder: new ConvEncoder() } : {}),
    onEpoch: (epoch, loss, minutes) => {
      knn = monitor(encoder);
      console.log(`epoch ${epoch}: loss ${loss.toFixed(4)}, k-NN monitor ${(100 * knn).toFixed(1)}% (${minutes.toFixed(1)} min)`);
    },
  });
  console.log(`pre-trained for ${r.epochs} epoch${r.epochs === 1 ? "" : "s"} in ${r.minutes.toFixed(1)} minutes`);
  if (a.save) {
    const info: PretrainInfo = { method: method as PretrainMethod, data: a.data, epochs: r.epochs, minutes: r.minutes, knn };
    writeFolderAtomic(a.save, { [ENCODER_FILE]: encodeSafetensors(encoder.stateDict()), [INFO_FILE]: [new TextEncoder().encode(`${JSON.stringify(info)}\n`)] }, (names) => names.every((n) => SAVED.has(n)));
    console.log(`saved the encoder to ${a.save} (ssl finetune ${a.save} --labels 600 trains classifiers on it)`);
  }
}

function readPretrained(dir: string | undefined): { encoder: ConvEncoder; info: PretrainInfo } {
  if (!dir) throw new ValueError("ssl finetune: give the folder of a pre-trained encoder (ssl pretrain … --save DIR)");
  const folder = readableFolder(dir);
  const [file, infoFile] = [path.join(folder, ENCODER_FILE), path.join(folder, INFO_FILE)];
  if (!existsSync(file) || !existsSync(infoFile)) throw new ValueError(`ssl finetune: ${dir} holds no ${ENCODER_FILE} and ${INFO_FILE} (save them with ssl pretrain … --save DIR)`);
  let info: PretrainInfo;
  try {
    info = JSON.parse(readFileSync(infoFile, "utf8")) as PretrainInfo;
    if (!PRETRAIN_METHODS.includes(info.method) || typeof info.data !== "object" || info.data === null) throw new Error("unexpected fields");
  } catch (e) {
    throw new ValueError(`ssl finetune: ${infoFile} is damaged (${(e as Error).message}); pre-train again`);
  }
  const encoder = new ConvEncoder();
  encoder.loadStateDict(parseSafetensors(readFileSync(file), file).tensors);
  return { encoder, info };
}

/** Supervised training (small crops as augmentation); `keepStatistics` leaves BatchNorm in eval mode. */
function supervised(enc: ConvEncoder, head: Linear, x: Tensor, y: Tensor, encoderLr: number, keepStatistics: boolean, epochs: number, generator: Generator): void {
  const opt = new Adam([{ params: enc.parameters(), lr: encoderLr }, { params: head.parameters() }], { lr: 1e-3 });
  const n = x.shape[0]!;
  for (let e = 0; e < epochs; e++) {
    enc.train(!keepStatistics);
    const order = tensor(Array.from(generator.permutation(n)), { dtype: "int32" });
    for (let s = 0; s < n; s += 64) {
      scope(() => {
        const idx = order.narrow(0, s, Math.min(64, n - s));
        const xb = batchSimclrAugment(x.indexSelect(0, idx), { size: 28, scale: [0.7, 1], jitterProbability: 0, generator });
        opt.zeroGrad();
        crossEntropy(head.forward(enc.forward(xb)), y.indexSelect(0, idx)).backward();
        opt.step();
      });
    }
  }
}

function finetuneCommand(dir: string | undefined, a: SslArgs): void {
  const { encoder, info } = readPretrained(dir);
  manualSeed(a.seed);
  const generator = new Generator(a.seed);
  const train = split(info.data, true);
  const test = split(info.data, false);
  const classes = Math.max(...train.y) + 1;
  const perClass = Math.max(1, Math.floor(a.labels / classes));
  const chosen: number[] = [];
  const taken = new Array<number>(classes).fill(0);
  for (const i of generator.permutation(train.y.length)) if (taken[train.y[i]!]! < perClass) (taken[train.y[i]!]!++, chosen.push(i));
  const index = tensor(chosen, { dtype: "int32" });
  const xLab = train.x.indexSelect(0, index);
  const yLab = tensor(chosen.map((i) => train.y[i]!), { dtype: "int32" });
  // The same number of steps for every label budget: about 36,000 labelled images seen.
  const epochs = a.epochs ?? Math.max(5, Math.round(36_000 / chosen.length));
  console.log(`${info.method} encoder (${info.epochs} epochs on ${train.name}); ${chosen.length} labelled images (${perClass} per class), ${epochs} epochs of supervised training`);
  const accuracy = (enc: ConvEncoder, head: Linear) => {
    const pred = noGrad(() => head.forward(embed(enc, test.x))).argmax(1).dataSync();
    return test.y.filter((y, i) => Number(pred[i]) === y).length / test.y.length;
  };
  const probe = linearProbe(embed(encoder, xLab), yLab, embed(encoder, test.x), test.y, { epochs: 200, lr: 1e-2, batchSize: 128, generator });
  console.log(`linear probe on the frozen encoder: test accuracy ${(100 * probe.accuracy).toFixed(2)}%`);
  const head = new Linear(FEATURES, classes);
  head.loadStateDict(probe.classifier.stateDict());
  supervised(encoder, head, xLab, yLab, 1e-4, true, epochs, generator);
  const fine = accuracy(encoder, head);
  console.log(`fine-tuned from the probe's classifier (encoder lr 1e-4, head 1e-3): test accuracy ${(100 * fine).toFixed(2)}%`);
  let scratch: number | undefined;
  if (a.scratch) {
    const fresh = new ConvEncoder();
    const freshHead = new Linear(FEATURES, classes);
    supervised(fresh, freshHead, xLab, yLab, 1e-3, false, epochs, generator);
    scratch = accuracy(fresh, freshHead);
    console.log(`the same network from scratch on the same labels: test accuracy ${(100 * scratch).toFixed(2)}%`);
  }
  if (a.save) {
    const state = { ...prefixed(encoder.stateDict(), "encoder."), ...prefixed(head.stateDict(), "head.") };
    const result = { labels: chosen.length, epochs, probe: probe.accuracy, finetune: fine, ...(scratch === undefined ? {} : { scratch }), pretrained: info };
    writeFolderAtomic(a.save, { "classifier.safetensors": encodeSafetensors(state), "finetune.json": [new TextEncoder().encode(`${JSON.stringify(result)}\n`)] }, (names) => names.every((n) => SAVED.has(n)));
    console.log(`saved the fine-tuned classifier to ${a.save}`);
  }
}

const prefixed = (state: Record<string, Tensor>, prefix: string) => Object.fromEntries(Object.entries(state).map(([k, v]) => [prefix + k, v]));
