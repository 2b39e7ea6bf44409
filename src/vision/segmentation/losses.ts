/** Segmentation losses: the Dice loss as milesial/Pytorch-UNet computes it. */
import { ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { where } from "../../ops/elementwise.js";

export interface DiceOptions {
  /** Average over the classes of [N, C, H, W] inputs (each class a binary mask); else one mask per image. */
  multiclass?: boolean;
  /** Sum over the batch before dividing (one Dice over all images) rather than one per image. */
  reduceBatchFirst?: boolean;
  epsilon?: number;
}

/** The Dice coefficient 2|A∩B| / (|A| + |B|) of soft masks [N, H, W] (or [H, W]); 1 where both are empty. */
export function diceCoefficient(input: Tensor, target: Tensor, { reduceBatchFirst = false, epsilon = 1e-6 }: Omit<DiceOptions, "multiclass"> = {}): Tensor {
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(`diceCoefficient: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  }
  if (!(input.ndim === 3 || (input.ndim === 2 && !reduceBatchFirst))) throw new ShapeError(`diceCoefficient: expected masks [N, H, W] (or one [H, W]), got ${fmtShape(input.shape)}`);
  const dims = input.ndim === 2 || !reduceBatchFirst ? [-1, -2] : [-1, -2, -3];
  const inter = input.mul(target).sum(dims).mul(2);
  const sets = input.sum(dims).add(target.sum(dims));
  const denominator = where(sets.eq(0), inter, sets);
  return inter.add(epsilon).div(denominator.add(epsilon)).mean();
}

/**
 * 1 − Dice, for probabilities (softmax or sigmoid of the logits) and a float target of the same
 * shape: [N, C, H, W] with a one-hot target when multiclass, else [N, H, W].
 */
export function diceLoss(input: Tensor, target: Tensor, { multiclass = false, reduceBatchFirst = true, epsilon = 1e-6 }: DiceOptions = {}): Tensor {
  if (multiclass && input.ndim !== 4) throw new ShapeError(`diceLoss: multiclass expects probabilities [N, C, H, W], got ${fmtShape(input.shape)}`);
  const coefficient = multiclass ? diceCoefficient(input.flatten(0, 1), target.flatten(0, 1), { reduceBatchFirst, epsilon }) : diceCoefficient(input, target, { reduceBatchFirst, epsilon });
  return coefficient.neg().add(1);
}
