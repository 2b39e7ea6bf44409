/**
 * The seed's CNN (Conv2d(1,6,3) → pool → Conv2d(6,16,3) → pool → 120 → 84 → 10) trained with Adam
 * on the embedded digits, batch 64, and a look inside it for one image: probabilities, every
 * layer's activations and a saliency map (tg.explain.Saliency). No messaging here, so the same
 * trainer runs in the page's worker and in Node (scripts/node-speed.ts).
 */
import * as tg from "tensorgrad";
import type { DigitSplit } from "../common/mnist-digits.js";
import type { LayerActivation } from "./protocol.js";

const { nn, optim } = tg;
const F = nn.functional;
const MEAN = 0.1307;
const STD = 0.3081;
export const BATCH = 64;

export class Net extends nn.Module<[tg.Tensor], tg.Tensor> {
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

/** Pixels in [0, 1] → standardised float32 images [n, 1, 28, 28], as torchvision's Normalize. */
function images(pixels: ArrayLike<number>, scale: number): tg.Tensor {
  const x = Float32Array.from(pixels, (v) => (v / scale - MEAN) / STD);
  return tg.tensor(x).reshape(x.length / 784, 1, 28, 28);
}

export class MnistTrainer {
  readonly model: Net;
  readonly optimizer: tg.optim.Adam;
  private readonly testX: tg.Tensor;
  private readonly testY: tg.Tensor;
  private order = new Int32Array(0);
  private cursor = 0;
  steps = 0;

  constructor(private readonly train: DigitSplit, test: DigitSplit, seed = 0) {
    tg.manualSeed(seed);
    this.model = new Net();
    this.optimizer = new optim.Adam(this.model.parameters(), { lr: 2e-3 });
    this.testX = tg.keep(images(test.pixels, 255));
    this.testY = tg.keep(tg.tensor(test.labels, { dtype: "int32" }));
  }

  get stepsPerEpoch(): number {
    return Math.floor(this.train.labels.length / BATCH);
  }

  /** One Adam step on the next batch of a shuffled epoch; returns the loss. */
  step(): number {
    const { train } = this;
    if (this.cursor + BATCH > this.order.length) {
      this.order = Int32Array.from(tg.randperm(train.labels.length).dataSync());
      this.cursor = 0;
    }
    const idx = this.order.subarray(this.cursor, this.cursor + BATCH);
    this.cursor += BATCH;
    const pixels = new Uint8Array(BATCH * 784);
    const labels = new Int32Array(BATCH);
    idx.forEach((i, k) => {
      pixels.set(train.pixels.subarray(i * 784, (i + 1) * 784), k * 784);
      labels[k] = train.labels[i]!;
    });
    this.steps++;
    return tg.scope(() => {
      this.optimizer.zeroGrad();
      const loss = F.crossEntropy(this.model.forward(images(pixels, 255)), tg.tensor(labels, { dtype: "int32" }));
      loss.backward();
      this.optimizer.step();
      return loss.item();
    });
  }

  testAccuracy(): number {
    const { testX, testY, model } = this;
    return tg.noGrad(() => tg.scope(() => {
      let correct = 0;
      for (let at = 0; at < testY.shape[0]!; at += 500) {
        const n = Math.min(500, testY.shape[0]! - at);
        correct += model.forward(testX.narrow(0, at, n)).argmax(1).eq(testY.narrow(0, at, n)).sum().item();
      }
      return correct / testY.shape[0]!;
    }));
  }

  /** The first layer's filters, [6, 1, 3, 3] flattened. */
  filters(): Float32Array {
    return this.model.conv1.weight.dataSync() as Float32Array;
  }

  /** What the network makes of one 28×28 image (values in [0, 1], white on black). */
  look(pixels: Float32Array): { probabilities: Float32Array; activations: LayerActivation[]; saliency: Float32Array } {
    const input = tg.keep(images(pixels, 1));
    const { probabilities, activations, predicted } = tg.noGrad(() => tg.scope(() => {
      const layers = this.model.layers(input);
      const logits = layers.at(-1)![1];
      const activations: LayerActivation[] = layers.map(([name, t]) => {
        const [, c, h, w] = t.ndim === 4 ? t.shape : [1, 1, 1, t.shape[1]!];
        return { name, channels: c!, height: h!, width: w!, values: t.dataSync() as Float32Array };
      });
      return { probabilities: logits.softmax(1).dataSync() as Float32Array, activations, predicted: logits.argmax(1).item() };
    }));
    const saliency = tg.scope(() => new tg.explain.Saliency(this.model).attribute(input, { target: predicted }).dataSync() as Float32Array);
    input.dispose();
    return { probabilities, activations, saliency };
  }
}
