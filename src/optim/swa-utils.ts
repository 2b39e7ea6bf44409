/**
 * torch.optim.swa_utils: a running average of a model's weights — the exponential moving average
 * that BYOL's and MoCo's target networks follow, or SWA's equal-weight average.
 *
 * PyTorch's AveragedModel deep-copies the model; TypeScript cannot copy a module generically, so the
 * averaged copy is passed in (a second instance of the same architecture). Its parameters are
 * overwritten with the model's at the first update and never require gradients.
 */
import { noGrad } from "../ops/grad-mode.js";
import { ShapeError, ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import type { Module } from "../nn/module.js";
import { LRScheduler, type AnyOptimizer } from "./schedulers/scheduler.js";

/** How a parameter moves toward the model's: get_ema_multi_avg_fn(decay) or SWA's running mean. */
export type Averaging = { ema: number } | "swa";

export interface AveragedModelOptions {
  /** Default: SWA's equal-weight average; `{ema: decay}` for an exponential moving average. */
  averaging?: Averaging;
  /** Average the buffers too (BatchNorm's running statistics), as PyTorch's use_buffers=True; default: copy them. */
  useBuffers?: boolean;
}

export class AveragedModel<M extends Module = Module> {
  /** How many updates have been averaged (PyTorch's n_averaged). */
  nAveraged = 0;
  protected averaging: Averaging;
  private readonly useBuffers: boolean;

  constructor(
    /** The averaged copy: an instance of the model's architecture. */
    readonly module: M,
    { averaging = "swa", useBuffers = false }: AveragedModelOptions = {},
  ) {
    if (averaging !== "swa" && !(averaging.ema >= 0 && averaging.ema <= 1)) throw new ValueError(`AveragedModel: the EMA decay must be in [0, 1], got ${averaging.ema}`);
    this.averaging = averaging;
    this.useBuffers = useBuffers;
    module.requiresGrad_(false);
  }

  /** Moves the averaged weights toward `model`'s (the first call copies them). */
  updateParameters(model: Module): void {
    const own = this.module.stateDict();
    const theirs = model.stateDict();
    const params = new Set([...this.module.namedParameters()].map(([k]) => k));
    noGrad(() => {
      for (const [key, avg] of Object.entries(own)) {
        const cur = theirs[key];
        if (!cur) throw new ShapeError(`AveragedModel: the model has no '${key}'`);
        if (avg.shape.join() !== cur.shape.join()) throw new ShapeError(`AveragedModel: '${key}' is [${avg.shape}] here and [${cur.shape}] in the model`);
        const averaged = params.has(key) || this.useBuffers;
        if (this.nAveraged === 0 || !averaged || !isFloat(avg)) avg.copy_(cur);
        else if (this.averaging === "swa") avg.add_(cur.sub(avg).div(this.nAveraged + 1));
        else avg.copy_(avg.add(cur.sub(avg).mul(1 - this.averaging.ema))); // ema.lerp_(current, 1 − decay)
      }
    });
    this.nAveraged++;
  }
}

const isFloat = (t: Tensor) => t.dtype === "float32" || t.dtype === "float64";

/** An AveragedModel with an exponential moving average: target ← decay·target + (1 − decay)·online. */
export class ExponentialMovingAverage<M extends Module = Module> extends AveragedModel<M> {
  constructor(module: M, { decay = 0.999, useBuffers = false }: { decay?: number; useBuffers?: boolean } = {}) {
    super(module, { averaging: { ema: decay }, useBuffers });
  }

  /** The decay of the next updates (BYOL raises it toward 1 during training). */
  get decay(): number {
    return (this.averaging as { ema: number }).ema;
  }

  set decay(decay: number) {
    if (!(decay >= 0 && decay <= 1)) throw new ValueError(`ExponentialMovingAverage: the decay must be in [0, 1], got ${decay}`);
    this.averaging = { ema: decay };
  }
}

/**
 * SWALR: anneals each group's learning rate from its value at construction to swaLr over
 * annealEpochs epochs ("cos" or "linear"), then holds it — the schedule SWA runs while averaging.
 */
export class SWALR extends LRScheduler {
  private readonly swaLrs: number[];
  private readonly startLrs: number[];

  constructor(
    optimizer: AnyOptimizer,
    swaLr: number | readonly number[],
    readonly annealEpochs = 10,
    readonly annealStrategy: "cos" | "linear" = "cos",
    lastEpoch = -1,
  ) {
    const groups = optimizer.paramGroups as { lr: number }[];
    const startLrs = groups.map((g) => g.lr);
    super(optimizer, lastEpoch);
    const lrs = typeof swaLr === "number" ? groups.map(() => swaLr) : [...swaLr];
    if (lrs.length !== groups.length) throw new ValueError(`SWALR: ${lrs.length} swaLr values for ${groups.length} parameter groups`);
    if (!(Number.isInteger(annealEpochs) && annealEpochs >= 0)) throw new ValueError(`SWALR: annealEpochs must be a non-negative integer, got ${annealEpochs}`);
    if (annealStrategy !== "cos" && annealStrategy !== "linear") throw new ValueError(`SWALR: annealStrategy must be 'cos' or 'linear', got '${String(annealStrategy)}'`);
    this.swaLrs = lrs;
    this.startLrs = startLrs;
    this.initialStep();
  }

  protected lrAt(epoch: number, _base: number, group: number): number {
    const step = this.annealEpochs === 0 ? Math.max(1, epoch) : epoch;
    const t = Math.max(0, Math.min(1, step / Math.max(1, this.annealEpochs)));
    const alpha = this.annealStrategy === "cos" ? (1 - Math.cos(Math.PI * t)) / 2 : t;
    return this.swaLrs[group]! * alpha + this.startLrs[group]! * (1 - alpha);
  }
}

/**
 * Recomputes every BatchNorm's running statistics for `model` (typically the averaged one) with
 * one pass over the data: the statistics are reset and averaged cumulatively over all batches
 * (momentum null), as torch.optim.swa_utils.update_bn. Each batch is a tensor or a list whose first
 * element is the input.
 */
export function updateBn(loader: Iterable<Tensor | readonly Tensor[]>, model: Module): void {
  const norms = [...model.modules()].filter((m) => m.getBuffer("running_mean") !== null && "momentum" in m) as (Module & { momentum: number | null })[];
  if (norms.length === 0) return;
  const saved = norms.map((m) => m.momentum);
  const wasTraining = model.training;
  noGrad(() => {
    for (const m of norms) {
      m.getBuffer("running_mean")!.zero_();
      m.getBuffer("running_var")!.fill_(1);
      m.getBuffer("num_batches_tracked")?.zero_();
      m.momentum = null;
    }
    model.train();
    try {
      for (const batch of loader) (model.forward as (x: Tensor) => unknown)(Array.isArray(batch) ? (batch as readonly Tensor[])[0]! : (batch as Tensor));
    } finally {
      norms.forEach((m, i) => (m.momentum = saved[i]!));
      model.train(wasTraining);
    }
  });
}
