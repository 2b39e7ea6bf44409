/** BatchNorm1d/2d/3d (running statistics, momentum, eval mode), InstanceNorm1d/2d/3d, LayerNorm, GroupNorm, RMSNorm, LocalResponseNorm. */
import { checkOptions } from "../../base/options.js";
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { ones, zeros } from "../../ops/creation.js";
import { batchNorm, groupNorm, instanceNorm, layerNorm, localResponseNorm, crossMapLrn2d, rmsNorm } from "../functional/norm.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";

export interface BatchNormOptions {
  eps?: number;
  /** null: cumulative moving average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** PyTorch's _NormBase state: weight and bias when affine, running statistics buffers when tracked. */
function normState(m: Module, numFeatures: number, affine: boolean, track: boolean): [Parameter | null, Parameter | null] {
  if (track) {
    m.registerBuffer("running_mean", zeros([numFeatures]));
    m.registerBuffer("running_var", ones([numFeatures]));
    m.registerBuffer("num_batches_tracked", zeros([], { dtype: "int32" }));
  }
  return affine ? [new Parameter(ones([numFeatures])), new Parameter(zeros([numFeatures]))] : [null, null];
}

abstract class BatchNormBase extends Module<[Tensor], Tensor> {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly eps: number;
  /** The running statistics' update rate; null for a cumulative average (swaUtils.updateBn sets it so while it recomputes them). */
  momentum: number | null;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    checkOptions(new.target.name, options, { eps: "number", momentum: "number", affine: "boolean", trackRunningStats: "boolean" });
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = options;
    this.eps = eps;
    this.momentum = momentum;
    this.trackRunningStats = trackRunningStats;
    [this.weight, this.bias] = normState(this, numFeatures, affine, trackRunningStats);
  }

  protected abstract validDims: readonly number[];

  forward(x: Tensor): Tensor {
    if (!this.validDims.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${this.constructor.name}(${this.numFeatures}) expected a ${this.validDims.join("-D or ")}-D input with ${this.numFeatures} channels in dim 1, got shape ${fmtShape(x.shape)}`,
      );
    }
    const runningMean = this.getBuffer("running_mean");
    const runningVar = this.getBuffer("running_var");
    const tracked = this.getBuffer("num_batches_tracked");
    const useBatchStats = this.training || !runningMean;
    if (this.training && tracked) tracked.add_(1);
    // Training normalises by the batch and updates the running estimates; eval uses them (or the
    // batch's statistics when none are tracked).
    return batchNorm(x, runningMean, runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: this.momentum,
      eps: this.eps,
      // For a cumulative average: the count before this batch, a tensor (reading it would wait for a GPU).
      numBatchesTracked: tracked && this.momentum === null && useBatchStats ? tracked.sub(1) : 0,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight ? "True" : "False"}, track_running_stats=${this.trackRunningStats ? "True" : "False"}`;
  }
}

/** Over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormBase {
  protected validDims = [2, 3];
}

/** Over [N, C, H, W]. */
export class BatchNorm2d extends BatchNormBase {
  protected validDims = [4];
}

/** Over [N, C, D, H, W]. */
export class BatchNorm3d extends BatchNormBase {
  protected validDims = [5];
}

/**
 * Instance normalisation: each sample's channels by their own statistics. PyTorch's defaults:
 * no affine parameters and no running statistics (then evaluation uses the input's statistics too).
 */
abstract class InstanceNormBase extends Module<[Tensor], Tensor> {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly eps: number;
  readonly momentum: number;
  readonly trackRunningStats: boolean;
  /** The dims of a batched input; one fewer is an unbatched one. */
  protected abstract readonly batchedDims: number;

  constructor(
    readonly numFeatures: number,
    options: { eps?: number; momentum?: number; affine?: boolean; trackRunningStats?: boolean } = {},
  ) {
    super();
    checkOptions(new.target.name, options, { eps: "number", momentum: "number", affine: "boolean", trackRunningStats: "boolean" });
    const { eps = 1e-5, momentum = 0.1, affine = false, trackRunningStats = false } = options;
    this.eps = eps;
    this.momentum = momentum;
    this.trackRunningStats = trackRunningStats;
    [this.weight, this.bias] = normState(this, numFeatures, affine, trackRunningStats);
  }

  forward(x: Tensor): Tensor {
    const d = this.batchedDims;
    if (x.ndim === d - 1) return this.forward(x.unsqueeze(0)).squeeze(0);
    const channels = x.shape[1];
    if (x.ndim !== d || ((this.weight || this.trackRunningStats) && channels !== this.numFeatures)) {
      throw new ShapeError(`${this.constructor.name}(${this.numFeatures}) expected a ${d}-D input [N, C, …] (or ${d - 1}-D unbatched) with ${this.numFeatures} channels, got shape ${fmtShape(x.shape)}`);
    }
    return instanceNorm(x, {
      runningMean: this.getBuffer("running_mean"),
      runningVar: this.getBuffer("running_var"),
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight ? "True" : "False"}, track_running_stats=${this.trackRunningStats ? "True" : "False"}`;
  }
}

/** Over [N, C, L] or [C, L]. */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly batchedDims = 3;
}

/** Over [N, C, H, W] or [C, H, W]. */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly batchedDims = 4;
}

/** Over [N, C, D, H, W] or [C, D, H, W]. */
export class InstanceNorm3d extends InstanceNormBase {
  protected readonly batchedDims = 5;
}

/** AlexNet's local response normalisation across `size` neighbouring channels. */
export class LocalResponseNorm extends Module<[Tensor], Tensor> {
  constructor(readonly size: number, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, { alpha: this.alpha, beta: this.beta, k: this.k });
  }
  override extraRepr(): string {
    return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`;
  }
}

/** Lua Torch's cross-channel LRN on [N, C, H, W] (PyTorch keeps it as CrossMapLRN2d; see crossMapLrn2d for its window). */
export class CrossMapLRN2d extends Module<[Tensor], Tensor> {
  constructor(readonly size: number, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return crossMapLrn2d(x, this.size, this.alpha, this.beta, this.k);
  }
  override extraRepr(): string {
    return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`;
  }
}

export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  bias?: boolean;
}

export class LayerNorm extends Module<[Tensor], Tensor> {
  readonly normalizedShape: number[];
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    checkOptions("LayerNorm", options, { eps: "number", elementwiseAffine: "boolean", bias: "boolean" });
    const { eps = 1e-5, elementwiseAffine = true, bias = true } = options;
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = eps;
    this.weight = elementwiseAffine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = elementwiseAffine && bias ? new Parameter(zeros(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(", ")},), eps=${this.eps}, elementwise_affine=${this.weight ? "True" : "False"}`;
  }
}

export class GroupNorm extends Module<[Tensor], Tensor> {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly eps: number;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: { eps?: number; affine?: boolean } = {},
  ) {
    super();
    checkOptions("GroupNorm", options, { eps: "number", affine: "boolean" });
    const { eps = 1e-5, affine = true } = options;
    if (numChannels % numGroups !== 0) throw new ValueError(`GroupNorm: ${numChannels} channels are not divisible into ${numGroups} groups`);
    this.eps = eps;
    this.weight = affine ? new Parameter(ones([numChannels])) : null;
    this.bias = affine ? new Parameter(zeros([numChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.shape[1] !== this.numChannels) {
      throw new ShapeError(`GroupNorm(${this.numGroups}, ${this.numChannels}) expected ${this.numChannels} channels in dim 1, got shape ${fmtShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight ? "True" : "False"}`;
  }
}

/** RMSNorm over the trailing normalizedShape dims, with a learned scale (no shift). */
export class RMSNorm extends Module<[Tensor], Tensor> {
  readonly normalizedShape: number[];
  readonly weight: Parameter | null;
  readonly eps: number | null;

  constructor(normalizedShape: number | readonly number[], options: { eps?: number | null; elementwiseAffine?: boolean } = {}) {
    super();
    checkOptions("RMSNorm", options, { eps: "number", elementwiseAffine: "boolean" });
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = options.eps ?? null;
    this.weight = options.elementwiseAffine === false ? null : new Parameter(ones(this.normalizedShape));
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(", ")},), eps=${this.eps ?? "None"}, elementwise_affine=${this.weight ? "True" : "False"}`;
  }
}
