/**
 * Margin, ranking and likelihood losses (PyTorch's margin_ranking_loss, hinge_embedding_loss,
 * soft_margin_loss, multilabel_soft_margin_loss, multi_margin_loss, triplet_margin_loss,
 * poisson_nll_loss, gaussian_nll_loss), composed as ATen composes them, with `reduction`.
 */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { refuseIfAny } from "../ops/deferred-check.js";
import { arange, tensor, zeros } from "../ops/creation.js";
import { add, clamp, exp, log, mul, neg, relu, sub, where } from "../ops/elementwise.js";
import { logSigmoid, softplus } from "../ops/composite/activations.js";
import { gather } from "../ops/indexing.js";
import { checkFloating } from "./functional/basic.js";
import { pairwiseDistance } from "./functional/similarity.js";
import { reduce, sameShape, type Reduction } from "./losses.js";

export interface ReductionOption {
  reduction?: Reduction;
}
export type MarginOptions = ReductionOption & { margin?: number };
export type WeightOptions = ReductionOption & { weight?: Tensor | null };
export type MultiMarginOptions = ReductionOption & { p?: 1 | 2; margin?: number; weight?: Tensor | null };
export type TripletMarginOptions = ReductionOption & { margin?: number; p?: number; eps?: number; swap?: boolean };
export type PoissonNllOptions = ReductionOption & { logInput?: boolean; full?: boolean; eps?: number };
export type GaussianNllOptions = ReductionOption & { full?: boolean; eps?: number };

/** max(0, −y·(x1 − x2) + margin): x1 should rank above x2 where y = 1, below where y = −1. */
export function marginRankingLoss(x1: Tensor, x2: Tensor, y: Tensor, { margin = 0, reduction = "mean" }: MarginOptions = {}): Tensor {
  checkFloating("marginRankingLoss", x1);
  return reduce(relu(add(mul(neg(y), sub(x1, x2)), margin)), reduction, "marginRankingLoss");
}

/** x where y = 1, max(0, margin − x) where y = −1 (distances of similar and dissimilar pairs). */
export function hingeEmbeddingLoss(x: Tensor, y: Tensor, { margin = 1, reduction = "mean" }: MarginOptions = {}): Tensor {
  checkFloating("hingeEmbeddingLoss", x);
  const belowMargin = where(y.ne(1), relu(sub(margin, x)), 0);
  return reduce(add(belowMargin, where(y.ne(-1), x, 0)), reduction, "hingeEmbeddingLoss");
}

/** log(1 + e^{−y·x}) for labels ±1 (a logistic loss). */
export function softMarginLoss(x: Tensor, y: Tensor, { reduction = "mean" }: ReductionOption = {}): Tensor {
  checkFloating("softMarginLoss", x);
  sameShape(x, y, "softMarginLoss");
  return reduce(softplus(neg(mul(x, y))), reduction, "softMarginLoss");
}

/** Binary cross-entropy of each class's logit against a 0/1 target, averaged over the classes (last dim). */
export function multilabelSoftMarginLoss(x: Tensor, y: Tensor, { weight = null, reduction = "mean" }: WeightOptions = {}): Tensor {
  checkFloating("multilabelSoftMarginLoss", x);
  sameShape(x, y, "multilabelSoftMarginLoss");
  let loss = neg(add(mul(y, logSigmoid(x)), mul(sub(1, y), logSigmoid(neg(x)))));
  if (weight) loss = mul(loss, weight);
  return reduce(loss.mean(x.ndim - 1), reduction, "multilabelSoftMarginLoss");
}

/** Σ_{i ≠ y} max(0, margin − x[y] + x[i])^p / C per sample (a multi-class hinge loss); weight[y] scales it. */
export function multiMarginLoss(
  x: Tensor,
  y: Tensor,
  { p = 1, margin = 1, weight = null, reduction = "mean" }: MultiMarginOptions = {},
): Tensor {
  checkFloating("multiMarginLoss", x);
  if (p !== 1 && p !== 2) throw new ValueError(`multiMarginLoss: p must be 1 or 2, got ${p}`);
  const scores = x.ndim === 1 ? x.unsqueeze(0) : x;
  if (scores.ndim !== 2) throw new ShapeError(`multiMarginLoss: the input must be [C] or [N, C], got shape ${fmtShape(x.shape)}`);
  const [n, c] = scores.shape as [number, number];
  const target = y.reshape(n, 1);
  const correct = gather(scores, 1, target, "multiMarginLoss");
  let hinge = relu(add(sub(scores, correct), margin));
  if (p === 2) hinge = hinge.square();
  if (weight) hinge = mul(hinge, gather(weight.reshape(1, -1).expand(n, weight.numel()), 1, target, "multiMarginLoss"));
  // The target class itself contributes margin^p, which is not part of the loss.
  const others = where(tensor(Array.from({ length: c }, (_, i) => i), { dtype: "int32", device: scores.backend }).reshape(1, c).eq(target), 0, hinge);
  const loss = others.sum(1).div(c);
  return reduce(x.ndim === 1 ? loss.squeeze(0) : loss, reduction, "multiMarginLoss");
}

/**
 * The multi-label hinge loss: for each sample, Σ over its target classes j and the other classes i
 * of max(0, 1 − (x[j] − x[i])), over the number of classes. y holds class indices, ended by the
 * first −1 (PyTorch's layout: [N, C] or [C], padded with −1).
 */
export function multilabelMarginLoss(x: Tensor, y: Tensor, { reduction = "mean" }: ReductionOption = {}): Tensor {
  checkFloating("multilabelMarginLoss", x);
  const scores = x.ndim === 1 ? x.unsqueeze(0) : x;
  const targets = y.ndim === 1 ? y.unsqueeze(0) : y;
  if (scores.ndim !== 2 || targets.shape.some((s, i) => s !== scores.shape[i])) {
    throw new ShapeError(`multilabelMarginLoss: input [N, C] or [C] and a target of the same shape, got ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`);
  }
  const [n, c] = scores.shape as [number, number];
  // Which classes are targets: a 0/1 matrix from each row's indices before its first −1, on the
  // targets' device (no read).
  const t = noGrad(() => {
    const ended = targets.lt(0);
    const end = where(ended.any(1, true), ended.int().argmax(1, true), c); // the first −1, or c
    const valid = arange(c, undefined, 1, { dtype: "int32", device: targets.backend }).unsqueeze(0).lt(end);
    refuseIfAny(valid.logicalAnd(targets.ge(c)), `multilabelMarginLoss: target class {value} is out of range for ${c} classes`, targets.to("float32"));
    const classes = where(valid.logicalAnd(targets.lt(c)), targets, 0).int();
    return zeros([n, c], { dtype: scores.dtype, device: scores.backend }).scatterReduce(1, classes, valid.to(scores.dtype), "amax");
  });
  // hinge[r, j, i] = max(0, 1 − x[r, j] + x[r, i]) for target j and non-target i.
  const hinge = relu(add(sub(scores.unsqueeze(1), scores.unsqueeze(2)), 1));
  const pairs = mul(t.unsqueeze(2), sub(1, t).unsqueeze(1));
  const loss = mul(hinge, pairs).sum([1, 2]).div(c);
  return reduce(x.ndim === 1 ? loss.squeeze(0) : loss, reduction, "multilabelMarginLoss");
}

/** max(d(a, p) − d(a, n) + margin, 0) with p-norm distances; `swap` uses d(p, n) when it is smaller. */
export function tripletMarginLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  { margin = 1, p = 2, eps = 1e-6, swap = false, reduction = "mean" }: TripletMarginOptions = {},
): Tensor {
  const dPos = pairwiseDistance(anchor, positive, { p, eps });
  let dNeg = pairwiseDistance(anchor, negative, { p, eps });
  if (swap) dNeg = dNeg.minimum(pairwiseDistance(positive, negative, { p, eps }));
  return reduce(relu(add(sub(dPos, dNeg), margin)), reduction, "tripletMarginLoss");
}

export type TripletDistanceOptions = ReductionOption & { distanceFunction?: ((a: Tensor, b: Tensor) => Tensor) | null; margin?: number; swap?: boolean };

/** tripletMarginLoss with any distance function (default: pairwiseDistance). */
export function tripletMarginWithDistanceLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  { distanceFunction = null, margin = 1, swap = false, reduction = "mean" }: TripletDistanceOptions = {},
): Tensor {
  if (!(margin > 0)) throw new ValueError(`tripletMarginWithDistanceLoss: margin must be greater than 0, got ${margin}`);
  const distance = distanceFunction ?? ((a: Tensor, b: Tensor) => pairwiseDistance(a, b));
  const dPos = distance(anchor, positive);
  let dNeg = distance(anchor, negative);
  if (swap) dNeg = dNeg.minimum(distance(positive, negative));
  return reduce(relu(add(sub(dPos, dNeg), margin)), reduction, "tripletMarginWithDistanceLoss");
}

/**
 * The negative log-likelihood of a Poisson target: e^x − t·x for log-rate inputs, or
 * x − t·log(x + eps) for rates; `full` adds Stirling's approximation of log(t!) where t > 1.
 */
export function poissonNllLoss(
  input: Tensor,
  target: Tensor,
  { logInput = true, full = false, eps = 1e-8, reduction = "mean" }: PoissonNllOptions = {},
): Tensor {
  checkFloating("poissonNllLoss", input);
  let loss = logInput ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(add(input, eps))));
  if (full) {
    const t = target.detach();
    const stirling = add(sub(mul(t, log(t)), t), mul(log(mul(t, 2 * Math.PI)), 0.5));
    loss = add(loss, where(t.gt(1), stirling, 0));
  }
  return reduce(loss, reduction, "poissonNllLoss");
}

/**
 * The negative log-likelihood of a Gaussian target with predicted mean and variance:
 * ½(log var + (input − target)² / var), with var clamped at eps (outside the graph, as PyTorch).
 * var has the input's shape, or one dim fewer, or a last dim of 1 (one variance per sample).
 */
export function gaussianNllLoss(
  input: Tensor,
  target: Tensor,
  variance: Tensor,
  { full = false, eps = 1e-6, reduction = "mean" }: GaussianNllOptions = {},
): Tensor {
  checkFloating("gaussianNllLoss", input);
  let v = variance;
  if (v.ndim === input.ndim - 1 && v.shape.every((d, i) => d === input.shape[i])) v = v.unsqueeze(-1);
  const fits = v.ndim === input.ndim && v.shape.every((d, i) => d === input.shape[i] || (i === input.ndim - 1 && d === 1));
  if (!fits) throw new ShapeError(`gaussianNllLoss: var of shape ${fmtShape(variance.shape)} does not fit the input's ${fmtShape(input.shape)}`);
  noGrad(() => refuseIfAny(v.detach().lt(0), "gaussianNllLoss: var has negative entries (element {position} is {value})", v.detach()));
  // Clamped values, with the gradient of var itself (PyTorch clamps in place under no_grad).
  const clamped = add(v, noGrad(() => sub(clamp(v, eps), v)));
  let loss = mul(add(log(clamped), sub(input, target).square().div(clamped)), 0.5);
  if (full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction, "gaussianNllLoss");
}
