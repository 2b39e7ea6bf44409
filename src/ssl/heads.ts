/** The small MLPs self-supervised methods put on top of an encoder. */
import { Sequential } from "../nn/layers/container.js";
import { Linear } from "../nn/layers/linear.js";
import { BatchNorm1d } from "../nn/layers/norm.js";
import { ReLU } from "../nn/layers/activation.js";
import type { Module } from "../nn/module.js";

/**
 * SimCLR's projection head g(·): Linear → (BatchNorm) → ReLU → Linear; the contrastive loss is
 * taken on its output, and the encoder's output before it is the representation kept afterwards.
 */
export class ProjectionHead extends Sequential {
  constructor(inDim: number, hiddenDim: number, outDim: number, { batchNorm = true }: { batchNorm?: boolean } = {}) {
    const layers: Module[] = [new Linear(inDim, hiddenDim, { bias: !batchNorm })];
    if (batchNorm) layers.push(new BatchNorm1d(hiddenDim));
    layers.push(new ReLU(), new Linear(hiddenDim, outDim));
    super(...layers);
  }
}

/** BYOL's and SimSiam's predictor q(·): the same MLP shape, on the online branch only. */
export class PredictionHead extends ProjectionHead {}
