/** The seed's models, as tensorgrad and as TensorFlow.js build them, for the benchmark suite. */
import * as tf from "@tensorflow/tfjs";
import * as tg from "tensorgrad";

const { nn } = tg;

/** The seed's PyTorch ConvNet: the one the examples train. */
export { ConvNet } from "../examples/seed-convnet.js";

/** The Keras MLP: Flatten → Dense(128, relu) → Dense(64, relu) → Dense(10). */
export function mlp(): tg.nn.Module<[tg.Tensor], tg.Tensor> {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 64), new nn.ReLU(), new nn.Linear(64, 10));
}

/** The seed LSTM classifier: Embedding(10000, 16) → LSTM(32) → Linear(1). */
export class LstmClassifier extends nn.Module<[tg.Tensor], tg.Tensor> {
  embedding = new nn.Embedding(10000, 16);
  lstm = new nn.LSTM(16, 32, { batchFirst: true });
  fc = new nn.Linear(32, 1);
  forward(ids: tg.Tensor): tg.Tensor {
    const [, [h]] = this.lstm.forward(this.embedding.forward(ids));
    return this.fc.forward(h.select(0, 0)).squeeze(1);
  }
}

/** The same classifier with a GRU. */
export class GruClassifier extends nn.Module<[tg.Tensor], tg.Tensor> {
  embedding = new nn.Embedding(10000, 16);
  gru = new nn.GRU(16, 32, { batchFirst: true });
  fc = new nn.Linear(32, 1);
  forward(ids: tg.Tensor): tg.Tensor {
    const [, h] = this.gru.forward(this.embedding.forward(ids));
    return this.fc.forward(h.select(0, 0)).squeeze(1);
  }
}

/** One Adam training step of a classifier on a fixed batch, each step in a scope (the hot-loop idiom). */
export function tgTrainStep(model: tg.nn.Module<[tg.Tensor], tg.Tensor>, x: tg.Tensor, y: tg.Tensor, loss = tg.nn.functional.crossEntropy): () => void {
  const opt = new tg.optim.Adam(model.parameters(), { lr: 1e-3 });
  return () =>
    tg.scope(() => {
      opt.zeroGrad();
      loss(model.forward(x), y).backward();
      opt.step();
    });
}

export function tfConvNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: "relu" }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: "relu" }),
      tf.layers.dense({ units: 84, activation: "relu" }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

export function tfMlp(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      tf.layers.dense({ units: 128, activation: "relu" }),
      tf.layers.dense({ units: 64, activation: "relu" }),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

/** One tfjs training step (Adam, softmax cross-entropy on logits) as trainOnBatch would run it. */
export function tfTrainStep(model: tf.Sequential, x: tf.Tensor, yOneHot: tf.Tensor): () => Promise<void> {
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp) });
  return async () => {
    await model.trainOnBatch(x, yOneHot);
  };
}
