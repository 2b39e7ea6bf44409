/**
 * Loss functions (functional forms; the modules in layers/loss.ts wrap these). All are composed,
 * numerically stable (log-sum-exp, logits forms), and take PyTorch's `reduction`.
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { isFloating } from "../base/dtype.js";
import type { Tensor } from "../ops/tensor.js";
import { abs, clamp, ge, le, log, logicalAnd, logicalNot, mul, relu, sub, where } from "../ops/elementwise.js";
import { refuseIfAny } from "../ops/deferred-check.js";
import { softplus } from "../ops/composite/activations.js";
import { checkFloating } from "./functional/basic.js";
import { checkOptions, type OptionKind } from "../base/options.js";
import { noGrad } from "../ops/grad-mode.js";
import { shapesEqual } from "../base/shape.js";

export type Reduction = "none" | "mean" | "sum";

export function reduce(loss: Tensor, reduction: Reduction, op: string): Tensor {
  switch (reduction) {
    case "none":
      return loss;
    case "sum":
      return loss.sum();
    case "mean":
      return loss.mean();
    default:
      throw new ValueError(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'`);
  }
}

export function sameShape(input: Tensor, target: Tensor, op: string): void {
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(`${op}: target of shape ${fmtShape(target.shape)} must have the input's shape ${fmtShape(input.shape)}`);
  }
}

/** Scores and probabilities must be floating (PyTorch's log_softmax refuses integer inputs). */
const floatingInput = (input: Tensor, op: string) => checkFloating(op, input);

/** A regression loss needs a floating operand (PyTorch's mse_loss refuses two integer ones). */
function numeric(input: Tensor, target: Tensor, op: string): void {
  if (!isFloating(input.dtype) && !isFloating(target.dtype)) checkFloating(op, input);
}

/** Moves the class dim (1) last and flattens: [N, C, d1, …] → [N·d1·…, C]. */
function classesLast(x: Tensor): Tensor {
  if (x.ndim <= 2) return x.ndim === 1 ? x.unsqueeze(0) : x;
  const C = x.shape[1]!;
  const order = [0, ...x.shape.slice(2).map((_, i) => i + 2), 1];
  return x.permute(order).reshape(-1, C);
}

export interface NllOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/** Picks −logp[i, target_i] per sample; weighted mean divides by the summed weights of kept samples. */
export function nllLoss(logp: Tensor, target: Tensor, { weight = null, ignoreIndex = -100, reduction = "mean" }: NllOptions = {}): Tensor {
  const op = "nllLoss";
  floatingInput(logp, op);
  const C = logp.ndim === 1 ? logp.shape[0]! : logp.shape[1]!;
  const expected = logp.ndim === 1 ? [] : [logp.shape[0]!, ...logp.shape.slice(2)];
  if (target.dtype !== "int32") {
    throw new DTypeError(`${op}: class indices must be int32 (got ${target.dtype}); use .int()${op === "nllLoss" ? "" : ` or pass probabilities of shape ${fmtShape(logp.shape)}`}`);
  }
  if (shapesEqual(target.shape, logp.shape) && logp.ndim > 1) {
    throw new ShapeError(`${op}: the target of shape ${fmtShape(target.shape)} looks one-hot, but ${op} takes class indices of shape ${fmtShape(expected)}; pass target.argmax(1), or the one-hot rows as float probabilities to crossEntropy`);
  }
  if (target.ndim !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${op}: target of shape ${fmtShape(target.shape)} does not match input of shape ${fmtShape(logp.shape)} (expected target ${fmtShape(expected)})`);
  }
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new ShapeError(`${op}: weight must have shape [${C}], got ${fmtShape(weight.shape)}`);
  const flat = classesLast(logp); // [M, C]
  const t = target.reshape(-1);
  const keep = t.ne(ignoreIndex);
  const safe = where(keep, t, 0).int();
  // On a GPU the check would wait for the device; there the gather below records a bad class and
  // the next read raises it (an IndexError naming the index and the class count).
  if (!safe.backend.read) {
    const lo = safe.numel() ? safe.min().item() : 0;
    const hi = safe.numel() ? safe.max().item() : 0;
    if (lo < 0 || hi >= C) throw new ValueError(`${op}: target ${lo < 0 ? lo : hi} is out of bounds for ${C} classes`);
  }
  const picked = flat.gather(1, safe.unsqueeze(1)).squeeze(1).neg(); // [M]
  const w = weight ? weight.indexSelect(0, safe).mul(keep) : keep.to(picked.dtype);
  // where, not a product with w: an ignored sample's loss is 0 even when its logp is −∞ (PyTorch).
  const losses = where(keep, picked.mul(w), 0);
  if (reduction === "none") return losses.reshape(target.shape as number[]);
  if (reduction === "sum") return losses.sum();
  if (reduction !== "mean") throw new ValueError(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'`);
  return losses.sum().div(w.sum());
}

export interface CrossEntropyOptions extends NllOptions {
  labelSmoothing?: number;
}

/**
 * Cross-entropy from logits [N, C, …] against class indices (int32 [N, …]) or class probabilities
 * (float, the input's shape), with PyTorch's weight, ignoreIndex and labelSmoothing semantics.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  checkOptions("crossEntropy", opts, { weight: "tensor", ignoreIndex: "integer", reduction: ["none", "mean", "sum"], labelSmoothing: "number" } satisfies { [K in keyof Required<CrossEntropyOptions>]: OptionKind });
  const { weight = null, ignoreIndex = -100, reduction = "mean", labelSmoothing = 0 } = opts;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ValueError(`crossEntropy: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  floatingInput(input, "crossEntropy");
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim]!;
  const logp = input.logSoftmax(classDim);
  const w = weight ? (input.ndim === 1 ? weight : weight.reshape(1, C, ...input.shape.slice(2).map(() => 1))) : null;
  if (isFloating(target.dtype)) {
    if (input.ndim > 1 && target.ndim === input.ndim - 1) {
      throw new DTypeError(`crossEntropy: class indices must be int32 (got ${target.dtype}); use .int() or pass probabilities of shape ${fmtShape(input.shape)}`);
    }
    sameShape(input, target, "crossEntropy");
    const t = labelSmoothing ? target.mul(1 - labelSmoothing).add(labelSmoothing / C) : target;
    let per = logp.mul(t);
    if (w) per = per.mul(w);
    const losses = per.sum(classDim).neg();
    if (reduction === "mean") return losses.sum().div(input.ndim === 1 ? 1 : losses.numel());
    return reduce(losses, reduction, "crossEntropy");
  }
  const nll = nllLoss(logp, target, { weight, ignoreIndex, reduction });
  if (!labelSmoothing) return nll;
  // Smoothing term: −Σ_c w_c·logp_c per sample, zero where ignored (torch's label-smoothing branch).
  const keep = target.ne(ignoreIndex);
  const smooth = (w ? logp.mul(w) : logp).sum(classDim).neg().mul(keep);
  let smoothReduced: Tensor;
  if (reduction === "none") smoothReduced = smooth;
  else if (reduction === "sum") smoothReduced = smooth.sum();
  else if (weight) smoothReduced = smooth.sum().div(weight.indexSelect(0, where(keep, target, 0).int().reshape(-1)).mul(keep.reshape(-1)).sum());
  else smoothReduced = smooth.sum().div(keep.sum());
  return nll.mul(1 - labelSmoothing).add(smoothReduced.mul(labelSmoothing / C));
}

export interface WeightedOptions {
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** Binary cross-entropy on probabilities; logs are clamped at −100 as PyTorch does. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, { weight = null, reduction = "mean" }: WeightedOptions = {}): Tensor {
  sameShape(input, target, "binaryCrossEntropy");
  checkFloating("binaryCrossEntropy", input);
  checkFloating("binaryCrossEntropy", target, "target");
  // PyTorch checks this too: a logit or a score here gives a wrong loss, not an error, otherwise.
  noGrad(() => {
    const x = input.detach();
    const outside = logicalNot(logicalAnd(ge(x, 0), le(x, 1))); // NaN included
    refuseIfAny(outside, "binaryCrossEntropy: all input values must be probabilities in [0, 1], found {value}; apply sigmoid first, or use binaryCrossEntropyWithLogits on raw scores", x);
  });
  const logP = clamp(log(input), -100);
  const log1mP = clamp(log(sub(1, input)), -100);
  let loss = target.mul(logP).add(sub(1, target).mul(log1mP)).neg();
  if (weight) loss = loss.mul(weight);
  return reduce(loss, reduction, "binaryCrossEntropy");
}

/** Binary cross-entropy on logits, stable for any logit: (1−t)·x + (1 + (pw−1)·t)·softplus(−x). */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  { weight = null, posWeight = null, reduction = "mean" }: WeightedOptions & { posWeight?: Tensor | null } = {},
): Tensor {
  sameShape(input, target, "binaryCrossEntropyWithLogits");
  checkFloating("binaryCrossEntropyWithLogits", input);
  checkFloating("binaryCrossEntropyWithLogits", target, "target");
  const logWeight = posWeight ? posWeight.sub(1).mul(target).add(1) : null;
  const sp = softplus(input.neg());
  let loss = sub(1, target).mul(input).add(logWeight ? logWeight.mul(sp) : sp);
  if (weight) loss = loss.mul(weight);
  return reduce(loss, reduction, "binaryCrossEntropyWithLogits");
}

export function mseLoss(input: Tensor, target: Tensor, { reduction = "mean" }: { reduction?: Reduction } = {}): Tensor {
  sameShape(input, target, "mseLoss");
  numeric(input, target, "mseLoss");
  return reduce(input.sub(target).square(), reduction, "mseLoss");
}

export function l1Loss(input: Tensor, target: Tensor, { reduction = "mean" }: { reduction?: Reduction } = {}): Tensor {
  sameShape(input, target, "l1Loss");
  numeric(input, target, "l1Loss");
  return reduce(abs(input.sub(target)), reduction, "l1Loss");
}

/** 0.5·d²/β below β, |d| − 0.5·β above. */
export function smoothL1Loss(input: Tensor, target: Tensor, { reduction = "mean", beta = 1 }: { reduction?: Reduction; beta?: number } = {}): Tensor {
  sameShape(input, target, "smoothL1Loss");
  numeric(input, target, "smoothL1Loss");
  const d = abs(input.sub(target));
  const loss = beta === 0 ? d : where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta));
  return reduce(loss, reduction, "smoothL1Loss");
}

/** 0.5·d² below δ, δ·(|d| − 0.5·δ) above. */
export function huberLoss(input: Tensor, target: Tensor, { reduction = "mean", delta = 1 }: { reduction?: Reduction; delta?: number } = {}): Tensor {
  sameShape(input, target, "huberLoss");
  numeric(input, target, "huberLoss");
  const d = abs(input.sub(target));
  return reduce(where(d.lt(delta), d.square().mul(0.5), d.sub(0.5 * delta).mul(delta)), reduction, "huberLoss");
}

/**
 * KL divergence with input as log-probabilities: target·(log target − input), 0 where target = 0.
 * 'batchmean' divides the sum by the batch size (the mathematically correct mean).
 */
export function klDiv(
  input: Tensor,
  target: Tensor,
  { reduction = "mean", logTarget = false }: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {},
): Tensor {
  sameShape(input, target, "klDiv");
  const loss = logTarget
    ? target.exp().mul(target.sub(input))
    : where(target.gt(0), target.mul(log(where(target.gt(0), target, 1)).sub(input)), 0);
  if (reduction === "batchmean") return loss.sum().div(input.ndim ? input.shape[0]! : 1);
  return reduce(loss, reduction, "klDiv");
}

/** 1 − cos(x1, x2) for y = 1; max(0, cos − margin) for y = −1. */
export function cosineEmbeddingLoss(
  x1: Tensor,
  x2: Tensor,
  y: Tensor,
  { margin = 0, reduction = "mean" }: { margin?: number; reduction?: Reduction } = {},
): Tensor {
  sameShape(x1, x2, "cosineEmbeddingLoss");
  const dim = x1.ndim - 1;
  const EPS = 1e-12; // as ATen's cosine_embedding_loss
  const dot = mul(x1, x2).sum(dim);
  const mag = x1.square().sum(dim).add(EPS).mul(x2.square().sum(dim).add(EPS)).sqrt();
  const cos = dot.div(mag);
  const loss = where(y.eq(1), sub(1, cos), where(y.eq(-1), relu(cos.sub(margin)), 0));
  return reduce(loss, reduction, "cosineEmbeddingLoss");
}

/**
 * Cross-entropy of a linear map's logits, crossEntropy(input·Wᵀ + b, target) (PyTorch's
 * linear_cross_entropy). linearWeight is [C, in], or [C, …outFeatures, in] for logits
 * [N, C, …outFeatures] against targets [N, …outFeatures].
 */
export function linearCrossEntropy(
  input: Tensor,
  linearWeight: Tensor,
  target: Tensor,
  { linearBias = null, ...opts }: CrossEntropyOptions & { linearBias?: Tensor | null } = {},
): Tensor {
  const inFeatures = linearWeight.shape.at(-1)!;
  const classShape = linearWeight.shape.slice(0, -1); // [C, …outFeatures]
  const flat = input.matmul(linearWeight.reshape([-1, inFeatures]).t()); // [..., C·∏out]
  let logits = flat.reshape([...input.shape.slice(0, -1), ...classShape]);
  if (linearBias) logits = logits.add(linearBias);
  return crossEntropy(logits, target, opts);
}
