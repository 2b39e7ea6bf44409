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

/**
 * One training step of a Transformer encoder layer written from tfjs ops (tfjs has no such layer):
 * PyTorch's post-norm TransformerEncoderLayer with ReLU and a packed q/k/v projection, on
 * [B, T, d] tokens, dropout p where PyTorch's layer has it (attention weights, after attention,
 * after the activation, after the feed-forward), Adam on the output's mean square.
 */
export function tfTransformerStep(B: number, T: number, d: number, H: number, F: number, p: number): () => Promise<void> {
  const weight = (i: number, o: number) => tf.variable(tf.randomNormal([i, o], 0, Math.sqrt(1 / i)));
  const vector = (n: number, v: number) => tf.variable(tf.fill([n], v));
  const [wQkv, bQkv, wO, bO, w1, b1, w2, b2] = [weight(d, 3 * d), vector(3 * d, 0), weight(d, d), vector(d, 0), weight(d, F), vector(F, 0), weight(F, d), vector(d, 0)];
  const [g1, beta1, g2, beta2] = [vector(d, 1), vector(d, 0), vector(d, 1), vector(d, 0)];
  const norm = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(1e-5))).mul(g).add(b);
  };
  const drop = (x: tf.Tensor): tf.Tensor => (p > 0 ? tf.dropout(x, p) : x);
  const tokens = tf.randomNormal([B * T, d]);
  const forward = () => {
    const qkv = tokens.matMul(wQkv).add(bQkv).reshape([B, T, 3, H, d / H]).transpose([2, 0, 3, 1, 4]);
    const [q, k, v] = tf.unstack(qkv);
    const attention = drop(tf.softmax(tf.matMul(q!.mul(1 / Math.sqrt(d / H)), k!, false, true)));
    const heads = tf.matMul(attention, v!).transpose([0, 2, 1, 3]).reshape([B * T, d]);
    const h = norm(tokens.add(drop(heads.matMul(wO).add(bO))), g1, beta1);
    const f = drop(drop(tf.relu(h.matMul(w1).add(b1))).matMul(w2).add(b2));
    return norm(h.add(f), g2, beta2);
  };
  const adam = tf.train.adam(1e-3);
  return async () => {
    const loss = adam.minimize(() => forward().square().mean() as tf.Scalar, true)!;
    await loss.data();
    loss.dispose();
  };
}
