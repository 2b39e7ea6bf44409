/**
 * explain-mnist: why a CNN reads each digit as it does. A small ConvNet (ReLU modules, so guided
 * backprop can change their gradients) is trained on MNIST; then, for one test digit of each of the
 * first classes, saliency, integrated gradients, Grad-CAM, guided Grad-CAM and occlusion are drawn
 * side by side (an SVG grid, and a PNG per method for the first digit), and integrated gradients'
 * completeness is measured: Σ attributions − (F(x) − F(baseline)) at 10, 50 and 300 steps.
 *
 *   npx tsx examples/explain-mnist.ts [--epochs 2] [--digits 6] [--limit N] [--out explain-mnist]
 */
import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import * as tg from "tensorgrad";

const { nn, optim, data, explain, viz } = tg;
const { values: args } = parseArgs({
  options: {
    epochs: { type: "string", default: "2" },
    digits: { type: "string", default: "6" },
    limit: { type: "string" },
    seed: { type: "string", default: "0" },
    out: { type: "string", default: "explain-mnist" },
  },
});

tg.manualSeed(Number(args.seed));
const [MEAN, STD] = [0.1307, 0.3081];
const transform = data.transforms.normalize([MEAN], [STD]);
const cap = (ds: tg.data.Dataset<[tg.Tensor, number]>) => (args.limit ? new data.Subset(ds, Array.from({ length: Math.min(Number(args.limit), ds.length) }, (_, i) => i)) : ds);
const trainSet = cap(new data.EmbeddedMNIST({ train: true, transform }));
const testSet = new data.EmbeddedMNIST({ train: false, transform });

const model = new nn.Sequential(
  new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(8, 16, 3), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Linear(16 * 5 * 5, 64), new nn.ReLU(), new nn.Linear(64, 10),
);
const optimizer = new optim.Adam(model.parameters(), { lr: 2e-3 });
const criterion = new nn.CrossEntropyLoss();
for (let epoch = 1; epoch <= Number(args.epochs); epoch++) {
  model.train();
  for (const [images, labels] of new data.DataLoader(trainSet, { batchSize: 64, shuffle: true })) {
    tg.scope(() => {
      optimizer.zeroGrad();
      criterion.forward(model.forward(images), labels).backward();
      optimizer.step();
    });
  }
  model.eval();
  const correct = tg.noGrad(() => [...new data.DataLoader(testSet, { batchSize: 500 })].reduce((n, [x, y]) => n + model.forward(x).argmax(1).eq(y).sum().item(), 0));
  console.log(`epoch ${epoch}: test accuracy ${((100 * correct) / testSet.length).toFixed(2)}% (${trainSet.length} training images)`);
}

// One correctly classified test digit of each class 0, 1, 2, …
const wanted = Number(args.digits);
const picked: [tg.Tensor, number][] = [];
for (let i = 0; i < testSet.length && picked.length < wanted; i++) {
  const [x, y] = testSet.get(i);
  if (y === picked.length && tg.noGrad(() => model.forward(x.unsqueeze(0)).argmax(1).item()) === y) picked.push([x, y]);
}
const x = tg.stack(picked.map(([img]) => img), 0); // (D, 1, 28, 28), normalised
const target = picked.map(([, y]) => y);
const black = -MEAN / STD; // the baseline: a black image, in the normalised space

const conv2 = model.getSubmodule("3");
const maps: [string, tg.Tensor][] = [
  ["saliency", new explain.Saliency(model).attribute(x, { target })],
  ["integrated gradients", new explain.IntegratedGradients(model).attribute(x, { target, baselines: black, nSteps: 50 })],
  ["Grad-CAM", explain.interpolateAttribution(new explain.LayerGradCam(model, conv2).attribute(x, { target, reluAttributions: true }), [28, 28], "bilinear")],
  ["guided Grad-CAM", new explain.GuidedGradCam(model, conv2).attribute(x, { target })],
  ["occlusion", new explain.Occlusion(model).attribute(x, { target, slidingWindowShapes: [1, 4, 4], strides: [1, 2, 2], baselines: black, perturbationsPerEval: 32 })],
];

const pixels = (i: number) => x.select(0, i).mul(STD).add(MEAN); // (1, 28, 28) in [0, 1]
const panels = picked.flatMap((_, i) => [
  { image: pixels(i), title: `digit ${target[i]}` },
  ...maps.map(([name, attr]) => ({ image: pixels(i), heat: attr.select(0, i), title: name })),
]);
writeFileSync(`${args.out}.svg`, viz.heatmapsToSVG(panels, { columns: maps.length + 1, scale: 3 }));
for (const [name, attr] of maps) writeFileSync(`${args.out}-${name.replace(/ /g, "-").toLowerCase()}.png`, viz.heatmapToPNG({ image: pixels(0), heat: attr.select(0, 0) }, { scale: 8 }));
console.log(`wrote ${args.out}.svg (${picked.length} digits × ${maps.length} methods) and ${maps.length} PNGs of digit ${target[0]}`);

// Completeness: integrated gradients sum to F(x) − F(baseline) as the path integral converges.
const ig = new explain.IntegratedGradients(model);
console.log("integrated gradients' completeness, mean |Σ attributions − (F(x) − F(black))| over the digits:");
console.log("  steps   riemann_trapezoid   gausslegendre");
for (const nSteps of [10, 50, 300]) {
  const err = (method: tg.explain.ApproximationMethod) => {
    const [, delta] = ig.attribute(x, { target, baselines: black, nSteps, method, internalBatchSize: 600, returnConvergenceDelta: true });
    return (delta.abs().mean().item() as number).toExponential(2);
  };
  console.log(`  ${String(nSteps).padStart(5)}   ${err("riemann_trapezoid").padStart(17)}   ${err("gausslegendre").padStart(13)}`);
}
