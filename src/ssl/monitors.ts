/**
 * How good a representation is, measured the usual two ways during and after pre-training: a
 * weighted k-nearest-neighbour classifier on the embeddings (Wu et al. 2018, as SimCLR and DINO
 * monitor), and a linear probe — a linear classifier trained on frozen embeddings.
 */
import type { Tensor } from "../ops/tensor.js";
import { enableGrad, noGrad } from "../ops/grad-mode.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import { tensor } from "../ops/creation.js";
import { normalize } from "../nn/functional/similarity.js";
import { crossEntropy } from "../nn/losses.js";
import { Linear } from "../nn/layers/linear.js";
import { Adam } from "../optim/optimizers.js";

function labelsOf(labels: Tensor | readonly number[]): number[] {
  return Array.isArray(labels) ? [...labels] : Array.from((labels as Tensor).dataSync(), Number);
}

export interface KnnOptions {
  k?: number;
  /** Votes are weighted by exp(cosine similarity / temperature) (default 0.07). */
  temperature?: number;
  numClasses?: number;
}

/** Each query's class by a weighted vote of its k most cosine-similar training embeddings. */
export function knnPredict(trainEmbeddings: Tensor, trainLabels: Tensor | readonly number[], queries: Tensor, { k = 20, temperature = 0.07, numClasses }: KnnOptions = {}): number[] {
  const labels = labelsOf(trainLabels);
  if (trainEmbeddings.ndim !== 2 || queries.ndim !== 2 || trainEmbeddings.shape[1] !== queries.shape[1]) {
    throw new ShapeError(`knnPredict: embeddings ${fmtShape(trainEmbeddings.shape)} and queries ${fmtShape(queries.shape)} must be (M, D) and (N, D)`);
  }
  if (labels.length !== trainEmbeddings.shape[0]) throw new ShapeError(`knnPredict: ${labels.length} labels for ${trainEmbeddings.shape[0]} embeddings`);
  const classes = numClasses ?? Math.max(...labels) + 1;
  const kk = Math.min(k, labels.length);
  return noGrad(() => {
    const sim = normalize(queries, { dim: 1 }).matmul(normalize(trainEmbeddings, { dim: 1 }).t()); // (N, M)
    const [values, indices] = sim.topk(kk, 1);
    const weights = values.div(temperature).exp().tolist() as number[][];
    const idx = indices.tolist() as number[][];
    return idx.map((row, i) => {
      const votes = new Array<number>(classes).fill(0);
      row.forEach((j, r) => (votes[labels[j]!]! += weights[i]![r]!));
      return votes.indexOf(Math.max(...votes));
    });
  });
}

export function knnAccuracy(trainEmbeddings: Tensor, trainLabels: Tensor | readonly number[], testEmbeddings: Tensor, testLabels: Tensor | readonly number[], options: KnnOptions = {}): number {
  const predicted = knnPredict(trainEmbeddings, trainLabels, testEmbeddings, options);
  const truth = labelsOf(testLabels);
  return predicted.filter((p, i) => p === truth[i]).length / truth.length;
}

export interface LinearProbeOptions {
  epochs?: number;
  lr?: number;
  batchSize?: number;
  weightDecay?: number;
  numClasses?: number;
  generator?: Generator;
}

/** Trains a linear classifier on frozen embeddings (Adam, cross-entropy); returns it and its test accuracy. */
export function linearProbe(trainEmbeddings: Tensor, trainLabels: Tensor | readonly number[], testEmbeddings: Tensor, testLabels: Tensor | readonly number[], o: LinearProbeOptions = {}): { classifier: Linear; accuracy: number } {
  const { epochs = 100, lr = 1e-2, batchSize = 256, weightDecay = 0, generator = defaultGenerator } = o;
  const y = labelsOf(trainLabels);
  const yt = labelsOf(testLabels);
  if (y.length !== trainEmbeddings.shape[0] || yt.length !== testEmbeddings.shape[0]) throw new ShapeError("linearProbe: one label per embedding");
  if (!Number.isInteger(epochs) || epochs < 1) throw new ValueError(`linearProbe: epochs must be a positive integer, got ${epochs}`);
  const classes = o.numClasses ?? Math.max(...y, ...yt) + 1;
  const x = trainEmbeddings.detach();
  const classifier = new Linear(x.shape[1]!, classes).to(x.dtype);
  const opt = new Adam(classifier.parameters(), { lr, weightDecay });
  const target = tensor(y, { dtype: "int32" });
  const n = y.length;
  enableGrad(() => {
    for (let e = 0; e < epochs; e++) {
      const order = tensor(Array.from(generator.permutation(n)), { dtype: "int32" });
      for (let s = 0; s < n; s += batchSize) {
        const idx = order.narrow(0, s, Math.min(batchSize, n - s));
        opt.zeroGrad();
        crossEntropy(classifier.forward(x.indexSelect(0, idx)), target.indexSelect(0, idx)).backward();
        opt.step();
      }
    }
  });
  const predicted = noGrad(() => Array.from(classifier.forward(testEmbeddings.detach()).argmax(1).dataSync(), Number));
  return { classifier, accuracy: predicted.filter((p, i) => p === yt[i]).length / yt.length };
}
