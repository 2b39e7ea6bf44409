/**
 * resnet-fashion: He et al.'s CIFAR ResNet-20 (0.27M parameters, tg.vision.models.resnet20) on
 * Fashion-MNIST, in the paper's recipe shortened to 5 epochs: SGD with Nesterov momentum 0.9 and
 * weight decay 5e-4 (not on batch-norm and bias parameters), batch 128, the one-cycle policy
 * peaking at --lr, and each training image padded by 2, randomly cropped back to 28×28 and
 * flipped left–right every time it is seen.
 *
 * Reads Debian's Fashion-MNIST (`sh tools/system-deps.sh`) or IDX files in --data DIR; saves the
 * weights with --save and an SVG of test images with their predicted labels with --svg.
 *
 *   npx tsx examples/resnet-fashion.ts [--epochs 5] [--batch-size 128] [--lr 0.2] [--depth 20]
 *                                      [--seed 0] [--data DIR] [--limit N] [--save m.safetensors] [--svg out.svg]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tg from "tensorgrad";

const { nn, optim, data } = tg;

const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "5" },
    "batch-size": { type: "string", default: "128" },
    lr: { type: "string", default: "0.2" },
    depth: { type: "string", default: "20" },
    seed: { type: "string", default: "0" },
    data: { type: "string" },
    limit: { type: "string" },
    save: { type: "string" },
    svg: { type: "string" },
  },
});

const CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
tg.manualSeed(Number(args.seed));
const normalize = data.transforms.normalize([0.286], [0.353]);
const augment = data.transforms.compose([data.transforms.randomCrop(28, { padding: 2 }), data.transforms.randomHorizontalFlip(), normalize]);
const load = (train: boolean, transform: tg.data.transforms.Transform) =>
  args.data ? new data.MNIST({ root: args.data, train, transform }) : new data.FashionMNIST({ train, transform });
const limit = <T>(ds: tg.data.Dataset<T>) =>
  args.limit ? new data.Subset(ds, Array.from({ length: Math.min(Number(args.limit), ds.length) }, (_, i) => i)) : ds;
const trainSet = limit(load(true, augment));
const testSet = limit(load(false, normalize));
const trainLoader = new data.DataLoader(trainSet, { batchSize: Number(args["batch-size"]), shuffle: true });
const testLoader = new data.DataLoader(testSet, { batchSize: 500 });

const model = new tg.vision.models.CifarResNet(Number(args.depth), { inChannels: 1, numClasses: 10 });
// Weight decay on the convolution and linear weights only, as is usual for batch-norm networks.
const decayed = model.parameters().filter((p) => p.dim() > 1);
const plain = model.parameters().filter((p) => p.dim() <= 1);
const optimizer = new optim.SGD(
  [
    { params: decayed, weightDecay: 5e-4 },
    { params: plain, weightDecay: 0 },
  ],
  { lr: Number(args.lr), momentum: 0.9, nesterov: true },
);
const epochs = Number(args.epochs);
const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, Number(args.lr), { totalSteps: epochs * trainLoader.length });
const criterion = new nn.CrossEntropyLoss();
console.log(`ResNet-${args.depth}: ${model.parameters().reduce((n, p) => n + p.numel(), 0)} parameters; ${trainSet.length} training and ${testSet.length} test images`);

const started = performance.now();
let accuracy = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  const epochStart = performance.now();
  model.train();
  let running = 0;
  let batches = 0;
  for (const [images, labels] of trainLoader) {
    running += tg.scope(() => {
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(images), labels);
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    scheduler.step();
    images.dispose();
    labels.dispose();
    batches++;
  }
  model.eval();
  let correct = 0;
  tg.noGrad(() => {
    for (const [images, labels] of testLoader) correct += tg.scope(() => model.forward(images).argmax(1).eq(labels).sum().item());
  });
  accuracy = correct / testSet.length;
  const seconds = ((performance.now() - epochStart) / 1000).toFixed(1);
  console.log(`epoch ${epoch}: loss ${(running / batches).toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}% (${seconds} s)`);
}
console.log(`final test accuracy ${(100 * accuracy).toFixed(2)}% in ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (args.save) {
  tg.io.saveSafetensors(args.save, model.stateDict());
  console.log(`saved the weights to ${args.save}`);
}
if (args.svg) {
  // The first test images with their predicted labels (✗ marks a mistake).
  const shown = Math.min(30, testSet.length);
  const [images, labels] = tg.data.defaultCollate(Array.from({ length: shown }, (_, i) => testSet.get(i))) as [tg.Tensor, tg.Tensor];
  const predicted = tg.noGrad(() => model.forward(images).argmax(1).tolist() as number[]);
  const truth = labels.tolist() as number[];
  const titles = predicted.map((p, i) => (p === truth[i] ? CLASSES[p]! : `✗ ${CLASSES[p]}`));
  writeFileSync(args.svg, tg.viz.imagesToSVG(images.select(1, 0).tolist() as number[][][], { columns: 10, titles, scale: 3 }));
  console.log(`wrote ${args.svg}`);
}
