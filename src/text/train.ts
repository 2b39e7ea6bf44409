/**
 * Training a language model as nanoGPT's train.py does: random windows of a token stream as
 * batches, AdamW with weight decay on matrices only, a linear warm-up then cosine decay of the
 * learning rate, gradient accumulation and clipping, and the mean loss of a few batches of each
 * split every `evalInterval` iterations.
 */
import { noGrad } from "../ops/grad-mode.js";
import { ValueError } from "../base/errors.js";
import { defaultGenerator, type Generator as Rng } from "../base/rng.js";
import { scope } from "../base/scope.js";
import type { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { clipGradNorm } from "../nn/utils.js";
import type { Module } from "../nn/module.js";
import { AdamW } from "../optim/optimizers.js";
import type { GPT } from "./gpt.js";

/** A batch of `batchSize` windows of `blockSize` tokens (x) and the same windows one token later (y). */
export function lmBatch(data: Int32Array | readonly number[], blockSize: number, batchSize: number, generator: Rng = defaultGenerator): { x: Tensor; y: Tensor } {
  const span = data.length - blockSize;
  if (span < 1) throw new ValueError(`lmBatch: ${data.length} tokens are too few for windows of ${blockSize} (+1 for the targets)`);
  const x = new Int32Array(batchSize * blockSize);
  const y = new Int32Array(batchSize * blockSize);
  for (let b = 0; b < batchSize; b++) {
    const start = generator.randomInt(span);
    for (let t = 0; t < blockSize; t++) {
      x[b * blockSize + t] = data[start + t]!;
      y[b * blockSize + t] = data[start + t + 1]!;
    }
  }
  return { x: tensor(x, { shape: [batchSize, blockSize] }), y: tensor(y, { shape: [batchSize, blockSize] }) };
}

export interface LRSchedule {
  lr: number;
  minLr: number;
  warmupIters: number;
  /** The iteration at which the cosine reaches minLr (usually maxIters). */
  lrDecayIters: number;
}

/** nanoGPT's get_lr: linear warm-up over warmupIters, cosine decay to minLr at lrDecayIters, then minLr. */
export function learningRateAt(iter: number, { lr, minLr, warmupIters, lrDecayIters }: LRSchedule): number {
  if (iter < warmupIters) return (lr * (iter + 1)) / (warmupIters + 1);
  if (iter > lrDecayIters) return minLr;
  const ratio = lrDecayIters === warmupIters ? 1 : (iter - warmupIters) / (lrDecayIters - warmupIters);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (lr - minLr);
}

/**
 * nanoGPT's configure_optimizers: AdamW where every parameter of two or more dimensions (matrices,
 * embeddings) decays and biases and LayerNorm weights do not.
 */
export function configureOptimizer(model: Module, { lr, weightDecay = 0.1, betas = [0.9, 0.95] }: { lr: number; weightDecay?: number; betas?: [number, number] }): AdamW {
  const params = model.parameters().filter((p) => p.requiresGrad);
  const decay = params.filter((p) => p.ndim >= 2);
  const noDecay = params.filter((p) => p.ndim < 2);
  const groups = [{ params: decay, weightDecay }, { params: noDecay, weightDecay: 0 }].filter((g) => g.params.length);
  return new AdamW(groups, { lr, betas });
}

/** The mean loss of `iters` random batches of each split, in eval mode (nanoGPT's estimate_loss). */
export function estimateLoss(model: GPT, splits: Record<string, Int32Array>, { iters, batchSize, generator = defaultGenerator }: { iters: number; batchSize: number; generator?: Rng }): Record<string, number> {
  const wasTraining = model.training;
  model.eval();
  const out: Record<string, number> = {};
  for (const [name, data] of Object.entries(splits)) {
    let total = 0;
    for (let i = 0; i < iters; i++) {
      total += scope(() => noGrad(() => {
        const { x, y } = lmBatch(data, model.config.blockSize, batchSize, generator);
        return model.forward(x, { targets: y }).loss!.item();
      }));
    }
    out[name] = total / iters;
  }
  model.train(wasTraining);
  return out;
}

export interface TrainLMOptions extends Partial<LRSchedule> {
  maxIters: number;
  batchSize: number;
  /** Micro-batches whose gradients add up to one step (default 1). */
  gradientAccumulationSteps?: number;
  weightDecay?: number;
  betas?: [number, number];
  /** The largest gradient norm (0: no clipping); default 1. */
  gradClip?: number;
  /** Evaluate every this many iterations, at the start and after the last (default 250). */
  evalInterval?: number;
  /** Batches per split in each evaluation (default 20). */
  evalIters?: number;
  generator?: Rng;
  /** Called after each evaluation: the iteration, the split losses and the seconds since the start. */
  onEval?: (iter: number, losses: Record<string, number>, seconds: number) => void;
  /** Called after each step with its (accumulated) training loss. */
  onStep?: (iter: number, loss: number, lr: number) => void;
}

export interface TrainLMResult {
  evals: { iter: number; losses: Record<string, number>; seconds: number }[];
  /** Training tokens per second over the whole run (evaluations excluded). */
  tokensPerSecond: number;
  seconds: number;
}

/** Trains `model` on `train` tokens, evaluating on every split given (nanoGPT's loop). */
export function trainLanguageModel(model: GPT, splits: { train: Int32Array; val?: Int32Array }, options: TrainLMOptions): TrainLMResult {
  const {
    maxIters, batchSize, gradientAccumulationSteps = 1, weightDecay = 0.1, betas = [0.9, 0.95], gradClip = 1,
    evalInterval = 250, evalIters = 20, generator = defaultGenerator, onEval, onStep,
    lr = 6e-4, minLr = lr / 10, warmupIters = 0, lrDecayIters = maxIters,
  } = options;
  if (!(Number.isInteger(maxIters) && maxIters >= 0)) throw new ValueError(`trainLanguageModel: maxIters must be a non-negative integer, got ${maxIters}`);
  if (!(Number.isInteger(gradientAccumulationSteps) && gradientAccumulationSteps >= 1)) throw new ValueError(`trainLanguageModel: gradientAccumulationSteps must be a positive integer, got ${gradientAccumulationSteps}`);
  const opt = configureOptimizer(model, { lr, weightDecay, betas });
  const schedule = { lr, minLr, warmupIters, lrDecayIters };
  const evals: TrainLMResult["evals"] = [];
  const started = performance.now();
  let evalMs = 0;
  const evaluate = (iter: number) => {
    const t0 = performance.now();
    const losses = estimateLoss(model, splits as Record<string, Int32Array>, { iters: evalIters, batchSize, generator });
    evalMs += performance.now() - t0;
    const seconds = (performance.now() - started) / 1000;
    evals.push({ iter, losses, seconds });
    onEval?.(iter, losses, seconds);
  };
  model.train();
  for (let iter = 0; iter < maxIters; iter++) {
    if (iter % evalInterval === 0) evaluate(iter);
    const rate = learningRateAt(iter, schedule);
    for (const g of opt.paramGroups) g.lr = rate;
    let loss = 0;
    for (let micro = 0; micro < gradientAccumulationSteps; micro++) {
      loss += scope(() => {
        const { x, y } = lmBatch(splits.train, model.config.blockSize, batchSize, generator);
        const l = model.forward(x, { targets: y }).loss!.div(gradientAccumulationSteps);
        l.backward();
        return l.item();
      });
    }
    if (gradClip > 0) clipGradNorm(model.parameters(), gradClip);
    opt.step();
    opt.zeroGrad();
    onStep?.(iter, loss, rate);
  }
  evaluate(maxIters);
  const seconds = (performance.now() - started) / 1000;
  const trainSeconds = seconds - evalMs / 1000;
  return { evals, seconds, tokensPerSecond: (maxIters * gradientAccumulationSteps * batchSize * model.config.blockSize) / Math.max(trainSeconds, 1e-9) };
}
