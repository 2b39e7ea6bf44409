/** Loss modules: hold the options, call the functional form (nn/losses.ts). */
import type { Tensor } from "../../ops/tensor.js";
import * as L from "../losses.js";
import * as M from "../losses-margin.js";
import { ctcLoss, type CtcOptions } from "../losses-ctc.js";
import { Module } from "../module.js";
import { Linear } from "./linear.js";
import { ShapeError, fmtShape } from "../../base/errors.js";

abstract class Loss<O> extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: O) {
    super();
  }
}

export class CrossEntropyLoss extends Loss<L.CrossEntropyOptions> {
  constructor(options: L.CrossEntropyOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, this.options);
  }
}

export class NLLLoss extends Loss<L.NllOptions> {
  constructor(options: L.NllOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, this.options);
  }
}

export class BCELoss extends Loss<L.WeightedOptions> {
  constructor(options: L.WeightedOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, this.options);
  }
}

export class BCEWithLogitsLoss extends Loss<L.WeightedOptions & { posWeight?: Tensor | null }> {
  constructor(options: L.WeightedOptions & { posWeight?: Tensor | null } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, this.options);
  }
}

type ReductionOnly = { reduction?: L.Reduction };

export class MSELoss extends Loss<ReductionOnly> {
  constructor(options: ReductionOnly = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.mseLoss(input, target, this.options);
  }
}

export class L1Loss extends Loss<ReductionOnly> {
  constructor(options: ReductionOnly = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.l1Loss(input, target, this.options);
  }
}

export class SmoothL1Loss extends Loss<ReductionOnly & { beta?: number }> {
  constructor(options: ReductionOnly & { beta?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, this.options);
  }
}

export class HuberLoss extends Loss<ReductionOnly & { delta?: number }> {
  constructor(options: ReductionOnly & { delta?: number } = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.huberLoss(input, target, this.options);
  }
}

type KlOptions = { reduction?: L.Reduction | "batchmean"; logTarget?: boolean };

export class KLDivLoss extends Loss<KlOptions> {
  constructor(options: KlOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return L.klDiv(input, target, this.options);
  }
}

/** Takes (x1, x2, y): forward's third argument is the ±1 label tensor. */
export class CosineEmbeddingLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  constructor(readonly options: { margin?: number; reduction?: L.Reduction } = {}) {
    super();
  }
  forward(x1: Tensor, x2: Tensor, y: Tensor): Tensor {
    return L.cosineEmbeddingLoss(x1, x2, y, this.options);
  }
}


/** A loss layer over a functional form that takes its inputs, then the options (named `name` for printing). */
function lossLayer<I extends Tensor[], O>(name: string, fn: (...args: [...I, O]) => Tensor): new (options?: O) => Module<I, Tensor> & { readonly options: O } {
  const Cls = class extends Module<I, Tensor> {
    constructor(readonly options: O = {} as O) {
      super();
    }
    forward(...inputs: I): Tensor {
      return fn(...inputs, this.options);
    }
  };
  Object.defineProperty(Cls, "name", { value: name });
  return Cls;
}

type Two = [input: Tensor, target: Tensor];
type Three = [a: Tensor, b: Tensor, c: Tensor];

export const MarginRankingLoss = lossLayer<Three, M.MarginOptions>("MarginRankingLoss", M.marginRankingLoss);
export const HingeEmbeddingLoss = lossLayer<Two, M.MarginOptions>("HingeEmbeddingLoss", M.hingeEmbeddingLoss);
export const SoftMarginLoss = lossLayer<Two, M.ReductionOption>("SoftMarginLoss", M.softMarginLoss);
export const MultiLabelSoftMarginLoss = lossLayer<Two, M.WeightOptions>("MultiLabelSoftMarginLoss", M.multilabelSoftMarginLoss);
export const MultiLabelMarginLoss = lossLayer<Two, M.ReductionOption>("MultiLabelMarginLoss", M.multilabelMarginLoss);
export const MultiMarginLoss = lossLayer<Two, M.MultiMarginOptions>("MultiMarginLoss", M.multiMarginLoss);
export const PoissonNLLLoss = lossLayer<Two, M.PoissonNllOptions>("PoissonNLLLoss", M.poissonNllLoss);
/** forward(input, target, var). */
export const GaussianNLLLoss = lossLayer<Three, M.GaussianNllOptions>("GaussianNLLLoss", M.gaussianNllLoss);
/** forward(anchor, positive, negative). */
export const TripletMarginLoss = lossLayer<Three, M.TripletMarginOptions>("TripletMarginLoss", M.tripletMarginLoss);
/** forward(anchor, positive, negative), with any distance function. */
export const TripletMarginWithDistanceLoss = lossLayer<Three, M.TripletDistanceOptions>("TripletMarginWithDistanceLoss", M.tripletMarginWithDistanceLoss);

/** forward(logProbs [T, N, C], targets, inputLengths, targetLengths). */
export class CTCLoss extends Module<[Tensor, Tensor, Tensor | readonly number[], Tensor | readonly number[]], Tensor> {
  constructor(readonly options: CtcOptions = {}) {
    super();
  }

  forward(logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[], targetLengths: Tensor | readonly number[]): Tensor {
    return ctcLoss(logProbs, targets, inputLengths, targetLengths, this.options);
  }
}

export interface LinearCrossEntropyLossOptions extends L.CrossEntropyOptions {
  /** Extra output dims: logits [N, C, …outFeatures] against targets [N, …outFeatures]. */
  outFeatures?: readonly number[];
  bias?: boolean;
}

/** A Linear layer and cross-entropy in one (PyTorch's LinearCrossEntropyLoss): forward(input [N, in], target). */
export class LinearCrossEntropyLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly linear: Linear;
  readonly outFeatures: readonly number[];

  constructor(readonly inFeatures: number, readonly numClasses: number, { outFeatures = [], bias = false, ...options }: LinearCrossEntropyLossOptions = {}) {
    super();
    if (options.weight && (options.weight.ndim !== 1 || options.weight.shape[0] !== numClasses)) {
      throw new ShapeError(`LinearCrossEntropyLoss: expected weight shape to be [${numClasses}], got ${fmtShape(options.weight.shape)}`);
    }
    this.outFeatures = [...outFeatures];
    this.linear = new Linear(inFeatures, outFeatures.reduce((a, b) => a * b, numClasses), { bias });
    if (options.weight) this.registerBuffer("weight", options.weight);
    this.options = options;
  }

  private readonly options: L.CrossEntropyOptions;

  forward(input: Tensor, target: Tensor): Tensor {
    const weight = this.linear.weight.reshape([this.numClasses, ...this.outFeatures, this.inFeatures]);
    const bias = this.linear.bias ? this.linear.bias.reshape([this.numClasses, ...this.outFeatures]) : null;
    return L.linearCrossEntropy(input, weight, target, { ...this.options, weight: this.getBuffer("weight"), linearBias: bias });
  }
}
