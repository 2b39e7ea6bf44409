/**
 * Trains the seed's CNN (Conv2d(1,6,3) → pool → Conv2d(6,16,3) → pool → 120 → 84 → 10) on the
 * embedded digits with Adam, and looks inside it for a drawn digit: class probabilities, every
 * layer's activations and a saliency map (tg.explain.Saliency).
 */
import * as tg from "tensorgrad";
import { loadDigits, type DigitSplit } from "../common/mnist-digits.js";
import { reportErrors, trainingLoop } from "../common/worker-loop.js";
import type { FromWorker, LayerActivation, ToWorker } from "./protocol.js";

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
reportErrors(post);
const { nn, optim } = tg;
const F = nn.functional;
const MEAN = 0.1307;
const STD = 0.3081;
const BATCH = 64;

class Net extends nn.Module<[tg.Tensor], tg.Tensor> {
  conv1 = new nn.Conv2d(1, 6, 3);
  conv2 = new nn.Conv2d(6, 16, 3);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  forward(input: tg.Tensor): tg.Tensor {
    return this.layers(input).at(-1)![1];
  }

  /** Every stage's output, named, ending with the logits. */
  layers(input: tg.Tensor): [string, tg.Tensor][] {
    const out: [string, tg.Tensor][] = [];
    const add = (name: string, t: tg.Tensor) => (out.push([name, t]), t);
    let x = add("conv1 + relu", this.conv1.forward(input).relu());
    x = add("max pool", F.maxPool2d(x, 2));
    x = add("conv2 + relu", this.conv2.forward(x).relu());
    x = add("max pool", F.maxPool2d(x, 2));
    x = add("fc1 + relu", this.fc1.forward(x.flatten(1)).relu());
    x = add("fc2 + relu", this.fc2.forward(x).relu());
    add("fc3 (logits)", this.fc3.forward(x));
    return out;
  }
}

tg.manualSeed(0);
const model = new Net();
const optimizer = new optim.Adam(model.parameters(), { lr: 2e-3 });
let train: DigitSplit;
let testX: tg.Tensor;
let testY: tg.Tensor;
let order: Int32Array = new Int32Array(0);
let cursor = 0;
let step = 0;
let target = 0; // the step this run of training stops at
let lossSum = 0;
let lossCount = 0;
let lastEval = 0;

/** Bytes → standardised float32 images [n, 1, 28, 28], as torchvision's Normalize. */
function images(pixels: Uint8Array): tg.Tensor {
  const x = Float32Array.from(pixels, (v) => (v / 255 - MEAN) / STD);
  return tg.tensor(x).reshape(pixels.length / 784, 1, 28, 28);
}

function shuffle(n: number): Int32Array {
  const o = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [o[i], o[j]] = [o[j]!, o[i]!];
  }
  return o;
}

function testAccuracy(): number {
  return tg.noGrad(() => tg.scope(() => {
    let correct = 0;
    for (let at = 0; at < testY.shape[0]!; at += 500) {
      const n = Math.min(500, testY.shape[0]! - at);
      correct += model.forward(testX.narrow(0, at, n)).argmax(1).eq(testY.narrow(0, at, n)).sum().item();
    }
    return correct / testY.shape[0]!;
  }));
}

function postFilters(): void {
  const weights = model.conv1.weight.dataSync() as Float32Array;
  post({ type: "filters", weights, count: 6, size: 3 }, [weights.buffer]);
}

const stepsPerEpoch = () => Math.floor(train.labels.length / BATCH);
const loop = trainingLoop(
  () => {
    if (cursor + BATCH > order.length) {
      order = shuffle(train.labels.length);
      cursor = 0;
    }
    const idx = order.subarray(cursor, cursor + BATCH);
    cursor += BATCH;
    const pixels = new Uint8Array(BATCH * 784);
    const labels = new Int32Array(BATCH);
    idx.forEach((i, k) => {
      pixels.set(train.pixels.subarray(i * 784, (i + 1) * 784), k * 784);
      labels[k] = train.labels[i]!;
    });
    lossSum += tg.scope(() => {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(images(pixels)), tg.tensor(labels, { dtype: "int32" }));
      loss.backward();
      optimizer.step();
      return loss.item();
    });
    lossCount++;
    step++;
    if (step >= target) loop.pause();
  },
  (stepsPerSecond) => {
    const done = !loop.running;
    // The test accuracy every ~40 steps (2,000 images: about as long as 10 steps) and at the end.
    const testAcc = done || step - lastEval >= 40 ? testAccuracy() : undefined;
    if (testAcc !== undefined) lastEval = step;
    post({ type: "progress", step, epoch: step / stepsPerEpoch(), loss: lossSum / Math.max(lossCount, 1), stepsPerSecond, ...(testAcc !== undefined ? { testAccuracy: testAcc } : {}), done });
    lossSum = 0;
    lossCount = 0;
    postFilters();
  },
  100,
);

function look(pixels: Float32Array): void {
  const input = tg.keep(tg.tensor(Float32Array.from(pixels, (v) => (v - MEAN) / STD)).reshape(1, 1, 28, 28));
  const { probabilities, activations, predicted } = tg.noGrad(() => tg.scope(() => {
    const layers = model.layers(input);
    const logits = layers.at(-1)![1];
    const activations: LayerActivation[] = layers.map(([name, t]) => {
      const [, c, h, w] = t.ndim === 4 ? t.shape : [1, 1, 1, t.shape[1]!];
      return { name, channels: c!, height: h!, width: w!, values: t.dataSync() as Float32Array };
    });
    return { probabilities: logits.softmax(1).dataSync() as Float32Array, activations, predicted: logits.argmax(1).item() };
  }));
  const saliency = tg.scope(() => new tg.explain.Saliency(model).attribute(input, { target: predicted }).dataSync() as Float32Array);
  input.dispose();
  post({ type: "look", probabilities, activations, saliency }, [probabilities.buffer, saliency.buffer, ...activations.map((a) => a.values.buffer)]);
}

onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === "init") void init(m.dataUrl);
  else if (m.type === "train") {
    // A finished run trains for the epochs asked again, from where it is.
    if (step >= target) target = step + Math.round(m.epochs * stepsPerEpoch());
    optimizer.paramGroups[0]!.lr = m.lr;
    loop.start();
  } else if (m.type === "pause") loop.pause();
  else look(m.pixels);
};

async function init(dataUrl: string): Promise<void> {
  const digits = await loadDigits(dataUrl);
  train = digits.train;
  testX = tg.keep(images(digits.test.pixels));
  testY = tg.keep(tg.tensor(digits.test.labels, { dtype: "int32" }));
  postFilters();
  post({
    type: "ready", train: train.labels.length, test: digits.test.labels.length, mermaid: tg.viz.toMermaid(model),
    parameters: model.parameters().reduce((n, p) => n + p.numel(), 0), threads: tg.getNumThreads(),
  });
}
