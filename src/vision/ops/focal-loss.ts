/** torchvision.ops.sigmoid_focal_loss (Lin et al. 2017, RetinaNet). */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { binaryCrossEntropyWithLogits } from "../../nn/losses.js";

export interface FocalLossOptions {
  /** Weight of the positives (1 − alpha for the negatives); negative: no weighting. */
  alpha?: number;
  /** Focusing exponent: (1 − p_t)^gamma scales the cross-entropy down for easy examples. */
  gamma?: number;
  reduction?: "none" | "mean" | "sum";
}

/**
 * Binary cross-entropy on logits, scaled by (1 − p_t)^γ and α_t per element (p_t: the predicted
 * probability of the true label). inputs and targets (0/1, floating) share a shape.
 */
export function sigmoidFocalLoss(inputs: Tensor, targets: Tensor, { alpha = 0.25, gamma = 2, reduction = "none" }: FocalLossOptions = {}): Tensor {
  if (!["none", "mean", "sum"].includes(reduction)) throw new ValueError(`sigmoidFocalLoss: reduction must be none, mean or sum, got '${reduction}'`);
  const ce = binaryCrossEntropyWithLogits(inputs, targets, { reduction: "none" });
  const p = inputs.sigmoid();
  const pt = p.mul(targets).add(p.neg().add(1).mul(targets.neg().add(1)));
  let loss = ce.mul(pt.neg().add(1).pow(gamma));
  if (alpha >= 0) loss = loss.mul(targets.mul(alpha).add(targets.neg().add(1).mul(1 - alpha)));
  return reduction === "mean" ? loss.mean() : reduction === "sum" ? loss.sum() : loss;
}
