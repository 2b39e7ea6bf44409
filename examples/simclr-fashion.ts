/**
 * simclr-fashion: self-supervised pre-training pays off when labels are few. A small CNN encoder is
 * pre-trained with SimCLR (two augmented views per image, NT-Xent on a projection head) on the 60,000
 * Fashion-MNIST training images without their labels; then, with only --labels of them labelled
 * (600 = 1% by default, 60 per class; a list such as 600,6000 reuses one pre-training):
 *   - a linear probe on the frozen pre-trained features,
 *   - fine-tuning the whole network from the probe's classifier (LP-FT), the encoder with a 10×
 *     smaller learning rate than the head (discriminative fine-tuning with parameter groups),
 *   - the same network trained from scratch on the same labels, the same way,
 * are compared on the 10,000 test images. The pre-trained encoder is checkpointed (safetensors)
 * between the phases, and the test images' embeddings before and after pre-training are drawn
 * (PCA to 2-D, coloured by class) as SVGs.
 *
 *   npx tsx examples/simclr-fashion.ts [--labels 600 (or a list: 600,6000)] [--minutes 15 | --epochs N]
 *                                      [--seed 0] [--batch-size 256] [--finetune-epochs (default: ~36,000
 *                                      labelled images seen)] [--limit N] [--out simclr-fashion]
 *                                      [--encoder FILE (a saved pre-trained encoder: skip pre-training)]
 */
import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import * as tg from "tensorgrad";

const { nn, optim, data, ssl, viz, cluster } = tg;
const { values: args } = parseArgs({
  options: {
    labels: { type: "string", default: "600" },
    minutes: { type: "string", default: "15" },
    epochs: { type: "string" },
    seed: { type: "string", default: "0" },
    "batch-size": { type: "string", default: "256" },
    "finetune-epochs": { type: "string" },
    limit: { type: "string" },
    encoder: { type: "string" },
    out: { type: "string", default: "simclr-fashion" },
  },
});
const seed = Number(args.seed);
tg.manualSeed(seed);
const generator = new tg.Generator(seed);

/** Conv-BN-ReLU blocks and global average pooling: (N, 1, 28, 28) → (N, 64) features. */
class Encoder extends nn.Module<[tg.Tensor], tg.Tensor> {
  features = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.BatchNorm2d(64), new nn.ReLU(),
  );
  forward(x: tg.Tensor): tg.Tensor {
    return this.features.forward(x).mean([2, 3]);
  }
}
const DIM = 64;

const trainSet = new data.FashionMNIST({ train: true });
const testSet = new data.FashionMNIST({ train: false });
const cap = (n: number) => (args.limit ? Math.min(n, Number(args.limit)) : n);
const xTrain = trainSet.images().narrow(0, 0, cap(trainSet.length));
const yTrain = Array.from(trainSet.labels.subarray(0, xTrain.shape[0]!));
const xTest = testSet.images().narrow(0, 0, cap(testSet.length));
const yTest = Array.from(testSet.labels.subarray(0, xTest.shape[0]!));
const N = xTrain.shape[0]!;

/** Embeddings of many images, in eval mode, batch by batch. */
function embed(encoder: Encoder, x: tg.Tensor): tg.Tensor {
  encoder.eval();
  return tg.noGrad(() => tg.cat(Array.from({ length: Math.ceil(x.shape[0]! / 1000) }, (_, i) => tg.scope(() => encoder.forward(x.narrow(0, i * 1000, Math.min(1000, x.shape[0]! - i * 1000))))), 0));
}

/** Test accuracy of encoder + head. */
function accuracy(encoder: Encoder, head: tg.nn.Linear): number {
  const logits = tg.noGrad(() => head.forward(embed(encoder, xTest)));
  const pred = Array.from(logits.argmax(1).dataSync(), Number);
  return pred.filter((p, i) => p === yTest[i]).length / yTest.length;
}

// ---- 1. SimCLR pre-training on the unlabelled images --------------------------------------------
const encoder = new Encoder();
const projection = new ssl.ProjectionHead(DIM, 128, 64);
const untrainedEmbedding = embed(new Encoder(), xTest.narrow(0, 0, Math.min(2000, xTest.shape[0]!)));
const opt = new optim.Adam([...encoder.parameters(), ...projection.parameters()], { lr: 1e-3, weightDecay: 1e-6 });
const batchSize = Number(args["batch-size"]);
const budget = Number(args.minutes) * 60_000;
const maxEpochs = args.epochs ? Number(args.epochs) : Infinity;
const started = performance.now();
const augment = (x: tg.Tensor) => ssl.batchSimclrAugment(x, { size: 28, scale: [0.2, 1], strength: 0.5, generator });
let epoch = 0;
if (args.encoder) {
  // A checkpoint of an earlier pre-training: the downstream phases only.
  encoder.loadStateDict(tg.io.loadSafetensors(args.encoder));
  console.log(`loaded the pre-trained encoder from ${args.encoder}`);
} else console.log(`SimCLR pre-training on ${N} unlabelled images (batch ${batchSize}, τ = 0.5), ${args.epochs ? `${maxEpochs} epochs` : `${args.minutes} minutes`}`);
while (!args.encoder && epoch < maxEpochs && performance.now() - started < budget) {
  epoch++;
  encoder.train();
  projection.train();
  const order = tg.tensor(Array.from(generator.permutation(N)), { dtype: "int32" });
  let total = 0, steps = 0;
  for (let s = 0; s + batchSize <= N && performance.now() - started < budget; s += batchSize) {
    total += tg.scope(() => {
      const x = xTrain.indexSelect(0, order.narrow(0, s, batchSize));
      const views = encoder.forward(tg.cat([augment(x), augment(x)], 0)); // both views through BatchNorm together
      const z = projection.forward(views);
      const loss = ssl.ntXentLoss(z.narrow(0, 0, batchSize), z.narrow(0, batchSize, batchSize), { temperature: 0.5 });
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item() as number;
    });
    steps++;
  }
  const monitorN = Math.min(5000, N);
  const knn = ssl.knnAccuracy(embed(encoder, xTrain.narrow(0, 0, monitorN)), yTrain.slice(0, monitorN), embed(encoder, xTest.narrow(0, 0, Math.min(2000, xTest.shape[0]!))), yTest.slice(0, 2000), { k: 20 });
  console.log(`epoch ${epoch}: NT-Xent ${(total / Math.max(1, steps)).toFixed(4)}, k-NN monitor ${(100 * knn).toFixed(1)}% (${((performance.now() - started) / 60_000).toFixed(1)} min)`);
}
const pretrainMinutes = (performance.now() - started) / 60_000;
const checkpoint = args.encoder ?? `${args.out}-encoder.safetensors`;
if (!args.encoder) {
  tg.io.saveSafetensors(checkpoint, encoder.stateDict());
  console.log(`pre-trained for ${epoch} epochs in ${pretrainMinutes.toFixed(1)} minutes; encoder saved to ${checkpoint}`);
}

// ---- 2–3. For each label budget: linear probe, fine-tuning, and training from scratch -------------
/**
 * Supervised training on the labelled images (small crops and flips as augmentation). With
 * `keepStatistics` the encoder's BatchNorm layers keep the running statistics of pre-training (eval
 * mode): 600 images in batches of 64 would otherwise overwrite them with noisier ones.
 */
function train(enc: Encoder, head: tg.nn.Linear, xLab: tg.Tensor, yLab: tg.Tensor, { encoderLr, keepStatistics, epochs }: { encoderLr: number; keepStatistics: boolean; epochs: number }): void {
  const optimizer = new optim.Adam([{ params: enc.parameters(), lr: encoderLr }, { params: head.parameters() }], { lr: 1e-3 });
  const n = xLab.shape[0]!;
  for (let e = 0; e < epochs; e++) {
    enc.train(!keepStatistics);
    const order = tg.tensor(Array.from(generator.permutation(n)), { dtype: "int32" });
    for (let s = 0; s < n; s += 64) {
      tg.scope(() => {
        const idx = order.narrow(0, s, Math.min(64, n - s));
        const x = ssl.batchSimclrAugment(xLab.indexSelect(0, idx), { size: 28, scale: [0.7, 1], jitterProbability: 0, generator });
        optimizer.zeroGrad();
        tg.nn.functional.crossEntropy(head.forward(enc.forward(x)), yLab.indexSelect(0, idx)).backward();
        optimizer.step();
      });
    }
  }
}

for (const budget of args.labels!.split(",").map(Number)) {
  const perClass = Math.max(1, Math.floor(budget / 10));
  const chosen: number[] = [];
  const taken = new Array<number>(10).fill(0);
  for (const i of generator.permutation(N)) if (taken[yTrain[i]!]! < perClass) (taken[yTrain[i]!]!++, chosen.push(i));
  const xLab = xTrain.indexSelect(0, tg.tensor(chosen, { dtype: "int32" }));
  const yLab = tg.tensor(chosen.map((i) => yTrain[i]!), { dtype: "int32" });
  // The same number of optimisation steps for every budget: about 36,000 labelled images seen.
  const epochs = args["finetune-epochs"] ? Number(args["finetune-epochs"]) : Math.max(5, Math.round(36_000 / chosen.length));
  console.log(`${chosen.length} labelled images (${perClass} per class), ${epochs} epochs of supervised training`);

  const probe = ssl.linearProbe(embed(encoder, xLab), yLab, embed(encoder, xTest), yTest, { epochs: 200, lr: 1e-2, batchSize: 128, generator });
  console.log(`  linear probe on the frozen pre-trained encoder: ${(100 * probe.accuracy).toFixed(2)}%`);

  const fineTuned = new Encoder();
  fineTuned.loadStateDict(tg.io.loadSafetensors(checkpoint)); // the checkpoint between the phases
  // LP-FT (Kumar et al. 2022): start from the linear probe's classifier, so the first gradients do
  // not scramble the pre-trained features; the encoder learns 10× slower than the head.
  const fineHead = new nn.Linear(DIM, 10);
  fineHead.loadStateDict(probe.classifier.stateDict());
  train(fineTuned, fineHead, xLab, yLab, { encoderLr: 1e-4, keepStatistics: true, epochs });
  const fineAcc = accuracy(fineTuned, fineHead);
  console.log(`  fine-tuned (from the probe's head; encoder lr 1e-4, BatchNorm statistics kept): ${(100 * fineAcc).toFixed(2)}%`);

  tg.manualSeed(seed + 1000);
  const scratch = new Encoder();
  const scratchHead = new nn.Linear(DIM, 10);
  train(scratch, scratchHead, xLab, yLab, { encoderLr: 1e-3, keepStatistics: false, epochs });
  const scratchAcc = accuracy(scratch, scratchHead);
  console.log(`  from scratch on the same labels: ${(100 * scratchAcc).toFixed(2)}%`);
  console.log(`RESULT labels=${chosen.length} seed=${seed} probe=${(100 * probe.accuracy).toFixed(2)} finetune=${(100 * fineAcc).toFixed(2)} scratch=${(100 * scratchAcc).toFixed(2)} pretrain_epochs=${epoch} pretrain_minutes=${pretrainMinutes.toFixed(1)}`);
}

// ---- 4. Pictures: the test embeddings before and after pre-training ------------------------------
function pca2(x: tg.Tensor): [number, number][] {
  const centred = x.sub(x.mean(0, true));
  const cov = tg.noGrad(() => centred.t().matmul(centred)).dataSync();
  const { vectors } = cluster.symmetricEigen(Array.from(cov, Number), DIM);
  const top = tg.tensor(Array.from({ length: DIM }, (_, r) => [vectors[r * DIM + DIM - 1]!, vectors[r * DIM + DIM - 2]!]).flat(), { shape: [DIM, 2] });
  return centred.matmul(top).tolist() as [number, number][];
}
const CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
const shown = untrainedEmbedding.shape[0]!;
const classes = yTest.slice(0, shown);
writeFileSync(`${args.out}-untrained.svg`, viz.scatterToSVG(pca2(untrainedEmbedding), classes, { title: "Fashion-MNIST test images: untrained encoder (PCA)", classNames: CLASS_NAMES, width: 560 }));
writeFileSync(`${args.out}-pretrained.svg`, viz.scatterToSVG(pca2(embed(encoder, xTest.narrow(0, 0, shown))), classes, { title: `after SimCLR pre-training (${epoch} epochs, PCA)`, classNames: CLASS_NAMES, width: 560 }));
console.log(`wrote ${args.out}-untrained.svg and ${args.out}-pretrained.svg`);
