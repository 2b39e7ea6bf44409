/** Loss modules: hold the options, call the functional form (nn/losses.ts). */
import type { Tensor } from "../../core/tensor.js";
import * as L from "../losses.js";
import { Module } from "../module.js";

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
