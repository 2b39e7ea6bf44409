/**
 * Keras metrics by name, accumulated over an epoch: accuracy (binary, categorical or sparse,
 * chosen from the loss and output shape as Keras does), precision, recall, AUC (exact ROC area over
 * the epoch's predictions) and top-k accuracy.
 */
import { ValueError } from "../base/errors.js";
import type { AnyTypedArray } from "../base/dtype.js";
import type { Tensor } from "../ops/tensor.js";
import { cat, stack } from "../ops/movement.js";

export interface Metric {
  readonly name: string;
  reset(): void;
  update(yTrue: Tensor, yPred: Tensor): void;
  result(): number;
  /**
   * Optional: the batch's contribution as a 1-D tensor, and how to fold its numbers in once read.
   * fit and evaluate read these together with the loss, one transfer per step (a GPU round trip);
   * a metric with only update() is updated directly, which needs a synchronous device.
   */
  batchStats?(yTrue: Tensor, yPred: Tensor): BatchStats;
}

export type BatchStats = [stats: Tensor, fold: (values: AnyTypedArray) => void];

/**
 * A step's loss and every metric's batch statistics packed into one 1-D tensor, to be read at once,
 * and the function that folds the numbers read into the metrics and returns the loss. Metrics
 * without batchStats() are updated here directly.
 */
export function packBatch(loss: Tensor, metrics: readonly Metric[], yTrue: Tensor, yPred: Tensor): [Tensor, (values: AnyTypedArray) => number] {
  const parts = [loss.detach().reshape(1)];
  const folds: (() => void)[] = [];
  let read: AnyTypedArray = new Float64Array(0);
  for (const m of metrics) {
    if (!m.batchStats) {
      m.update(yTrue, yPred);
      continue;
    }
    const [stats, fold] = m.batchStats(yTrue, yPred);
    const at = parts.reduce((n, p) => n + p.numel(), 0);
    const end = at + stats.numel();
    parts.push(stats.reshape(-1).to(loss.dtype));
    folds.push(() => fold(read.subarray(at, end)));
  }
  return [cat(parts), (values) => {
    read = values;
    for (const f of folds) f();
    return values[0]!;
  }];
}

/** The built-in metrics: update() is batchStats() read at once. */
abstract class StatsMetric implements Metric {
  abstract readonly name: string;
  abstract reset(): void;
  abstract result(): number;
  abstract batchStats(yTrue: Tensor, yPred: Tensor): BatchStats;
  update(yTrue: Tensor, yPred: Tensor) {
    const [stats, fold] = this.batchStats(yTrue, yPred);
    fold(stats.dataSync());
  }
}

/** A metric that is a mean of per-sample values. */
class MeanMetric extends StatsMetric {
  private total = 0;
  private count = 0;
  constructor(readonly name: string, private readonly values: (yTrue: Tensor, yPred: Tensor) => Tensor) {
    super();
  }
  reset() {
    this.total = 0;
    this.count = 0;
  }
  batchStats(yTrue: Tensor, yPred: Tensor): BatchStats {
    const v = this.values(yTrue, yPred);
    const n = v.numel();
    return [v.sum().reshape(1), ([sum]) => {
      this.total += sum!;
      this.count += n;
    }];
  }
  result() {
    return this.count ? this.total / this.count : 0;
  }
}

const sparseIdx = (y: Tensor) => y.reshape(-1).int();
const binaryAcc = (y: Tensor, p: Tensor) => p.reshape(-1).gt(0.5).float().eq(y.reshape(-1).float()).float();
const sparseAcc = (y: Tensor, p: Tensor) => p.reshape(-1, p.shape[p.ndim - 1]!).argmax(1).eq(sparseIdx(y)).float();
const categoricalAcc = (y: Tensor, p: Tensor) => p.argmax(-1).eq(y.argmax(-1)).float().reshape(-1);

function topK(k: number, sparse: boolean) {
  return (y: Tensor, p: Tensor) => {
    const flat = p.reshape(-1, p.shape[p.ndim - 1]!);
    const target = sparse ? sparseIdx(y) : y.reshape(-1, p.shape[p.ndim - 1]!).argmax(1);
    const score = flat.gather(1, target.unsqueeze(1)); // [N, 1]
    // In the top k when fewer than k classes score higher.
    return flat.gt(score).sum(1).lt(k).float();
  };
}

/** Binary counts of predictions thresholded at 0.5. */
class ConfusionMetric extends StatsMetric {
  private tp = 0;
  private fp = 0;
  private fn = 0;
  constructor(readonly name: "precision" | "recall") {
    super();
  }
  reset() {
    this.tp = this.fp = this.fn = 0;
  }
  batchStats(yTrue: Tensor, yPred: Tensor): BatchStats {
    const p = yPred.reshape(-1).gt(0.5);
    const y = yTrue.reshape(-1).gt(0.5);
    const counts = stack([p.logicalAnd(y).sum(), p.logicalAnd(y.logicalNot()).sum(), p.logicalNot().logicalAnd(y).sum()]);
    return [counts, ([tp, fp, fn]) => {
      this.tp += tp!;
      this.fp += fp!;
      this.fn += fn!;
    }];
  }
  result() {
    const d = this.name === "precision" ? this.tp + this.fp : this.tp + this.fn;
    return d ? this.tp / d : 0;
  }
}

/** Area under the ROC curve over all predictions of the epoch (ties counted half). */
class AUC extends StatsMetric {
  readonly name = "auc";
  private scores: number[] = [];
  private labels: number[] = [];
  reset() {
    this.scores = [];
    this.labels = [];
  }
  batchStats(yTrue: Tensor, yPred: Tensor): BatchStats {
    const scores = yPred.reshape(-1);
    const n = scores.numel();
    // Labels as 0/1 in the scores' dtype, so both travel in one tensor.
    return [cat([scores, yTrue.reshape(-1).gt(0.5).to(scores.dtype)]), (values) => {
      for (let i = 0; i < n; i++) {
        this.scores.push(values[i]!);
        this.labels.push(values[n + i]!);
      }
    }];
  }
  result() {
    const order = this.scores.map((s, i) => [s, this.labels[i]!] as const).sort((a, b) => a[0] - b[0]);
    const pos = this.labels.filter((l) => l === 1).length;
    const neg = this.labels.length - pos;
    if (!pos || !neg) return 0;
    // Mann–Whitney U with average ranks for ties.
    let rankSum = 0;
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j < order.length && order[j]![0] === order[i]![0]) j++;
      const avgRank = (i + 1 + j) / 2;
      for (let k = i; k < j; k++) if (order[k]![1] === 1) rankSum += avgRank;
      i = j;
    }
    return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
  }
}

export type MetricSpec = string | Metric;

/** Resolves Keras metric names; `accuracy` follows the loss and output shape. */
export function getMetric(spec: MetricSpec, lossName: string, outputWidth: number): Metric {
  if (typeof spec !== "string") return spec;
  switch (spec) {
    case "accuracy":
    case "acc": {
      const kind = lossName.startsWith("sparse") ? sparseAcc : lossName.startsWith("binary") || outputWidth === 1 ? binaryAcc : categoricalAcc;
      return new MeanMetric("accuracy", kind);
    }
    case "binary_accuracy":
      return new MeanMetric(spec, binaryAcc);
    case "categorical_accuracy":
      return new MeanMetric(spec, categoricalAcc);
    case "sparse_categorical_accuracy":
      return new MeanMetric(spec, sparseAcc);
    case "top_k_categorical_accuracy":
      return new MeanMetric(spec, topK(5, lossName.startsWith("sparse")));
    case "sparse_top_k_categorical_accuracy":
      return new MeanMetric(spec, topK(5, true));
    case "precision":
    case "recall":
      return new ConfusionMetric(spec);
    case "auc":
      return new AUC();
    case "mse":
    case "mae":
      return new MeanMetric(spec, (y, p) => {
        const d = p.sub(y.reshape(p.shape as number[]));
        return (spec === "mse" ? d.square() : d.abs()).reshape(-1);
      });
    default:
      throw new ValueError(`unknown metric '${spec}'`);
  }
}
