/**
 * The estimator interface the in- and post-processing mitigations use (scikit-learn's fit /
 * predict / predict_proba with sample weights), and ModuleClassifier: any tensorgrad module that
 * maps features to one logit, trained full-batch with Adam on weighted binary cross-entropy.
 */
import type { Tensor } from "../ops/tensor.js";
import { enableGrad, noGrad } from "../ops/grad-mode.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { tensor } from "../ops/creation.js";
import { binaryCrossEntropyWithLogits } from "../nn/losses.js";
import type { Module } from "../nn/module.js";
import { Adam } from "../optim/optimizers.js";

export interface Classifier {
  /** Fits 0/1 labels, each example weighted (weights need not sum to anything in particular). */
  fit(x: Tensor, y: readonly number[], sampleWeight?: readonly number[]): void;
  /** 0/1 predictions. */
  predict(x: Tensor): number[];
  /** P(y = 1) per example (needed by ThresholdOptimizer when it is given a classifier). */
  predictProba?(x: Tensor): number[];
}

export interface ModuleClassifierOptions {
  epochs?: number;
  lr?: number;
  weightDecay?: number;
}

export class ModuleClassifier implements Classifier {
  model: Module | null = null;

  constructor(
    /** Makes a fresh, untrained model: (N, F) features → (N,) or (N, 1) logits. */
    private readonly makeModel: () => Module,
    private readonly options: ModuleClassifierOptions = {},
  ) {}

  fit(x: Tensor, y: readonly number[], sampleWeight?: readonly number[]): void {
    const { epochs = 200, lr = 0.05, weightDecay = 0 } = this.options;
    if (y.length !== x.shape[0]) throw new ShapeError(`ModuleClassifier.fit: ${y.length} labels for features of shape ${fmtShape(x.shape)}`);
    const model = this.makeModel().to(x.dtype);
    const target = tensor([...y], { dtype: x.dtype });
    const total = sampleWeight ? sampleWeight.reduce((a, b) => a + b, 0) : y.length;
    const weight = tensor(sampleWeight ? sampleWeight.map((w) => (w * y.length) / (total || 1)) : new Array<number>(y.length).fill(1), { dtype: x.dtype });
    const opt = new Adam(model.parameters(), { lr, weightDecay });
    model.train();
    enableGrad(() => {
      for (let e = 0; e < epochs; e++) {
        opt.zeroGrad();
        binaryCrossEntropyWithLogits(this.logits(model, x), target, { weight }).backward();
        opt.step();
      }
    });
    this.model = model.eval();
  }

  private logits(model: Module, x: Tensor): Tensor {
    const out = model.forward(x) as Tensor;
    if (out.numel() !== x.shape[0]) throw new ShapeError(`ModuleClassifier: the model gave shape ${fmtShape(out.shape)} for ${x.shape[0]} examples; it must give one logit each`);
    return out.reshape([x.shape[0]!]);
  }

  decisionFunction(x: Tensor): number[] {
    if (!this.model) throw new ValueError("ModuleClassifier: call fit before predicting");
    const model = this.model;
    return noGrad(() => Array.from(this.logits(model, x).dataSync(), Number));
  }

  predictProba(x: Tensor): number[] {
    return this.decisionFunction(x).map((z) => 1 / (1 + Math.exp(-z)));
  }

  predict(x: Tensor): number[] {
    return this.decisionFunction(x).map((z) => (z > 0 ? 1 : 0));
  }
}
