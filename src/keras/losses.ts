/**
 * Keras' losses by name, with Keras' numerics: probabilities (not logits) unless fromLogits, clipped
 * to [1e-7, 1 − 1e-7] before the log. Each returns per-sample losses; the model averages them
 * (weighted by classWeight when given).
 */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { binaryCrossEntropyWithLogits } from "../nn/losses.js";

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
const EPS = 1e-7;

/** Sums or averages everything but the batch dim. */
const perSample = (t: Tensor, how: "sum" | "mean") => (t.ndim <= 1 ? t : how === "sum" ? t.sum(t.shape.slice(1).map((_, i) => i + 1)) : t.mean(t.shape.slice(1).map((_, i) => i + 1)));

export function sparseCategoricalCrossentropy({ fromLogits = false } = {}): LossFn {
  return (yTrue, yPred) => {
    if (yTrue.ndim === yPred.ndim && yTrue.shape[yTrue.ndim - 1] === yPred.shape[yPred.ndim - 1] && yPred.shape[yPred.ndim - 1]! > 1) {
      throw new ShapeError(`sparse_categorical_crossentropy: labels of shape ${fmtShape(yTrue.shape)} look one-hot; it takes class indices of shape ${fmtShape(yPred.shape.slice(0, -1))} — use categorical_crossentropy for one-hot labels`);
    }
    const logp = fromLogits ? yPred.logSoftmax(-1) : yPred.div(yPred.sum(-1, true)).clamp(EPS, 1 - EPS).log();
    const idx = yTrue.reshape(-1).int();
    const flat = logp.reshape(-1, logp.shape[logp.ndim - 1]!);
    return flat.gather(1, idx.unsqueeze(1)).squeeze(1).neg();
  };
}

export function categoricalCrossentropy({ fromLogits = false, labelSmoothing = 0 } = {}): LossFn {
  return (yTrue, yPred) => {
    const C = yPred.shape[yPred.ndim - 1]!;
    const y = labelSmoothing ? yTrue.mul(1 - labelSmoothing).add(labelSmoothing / C) : yTrue;
    const logp = fromLogits ? yPred.logSoftmax(-1) : yPred.div(yPred.sum(-1, true)).clamp(EPS, 1 - EPS).log();
    return perSample(y.mul(logp).sum(-1).neg(), "mean");
  };
}

export function binaryCrossentropy({ fromLogits = false } = {}): LossFn {
  return (yTrue, yPred) => {
    const y = yTrue.reshape(yPred.shape as number[]).to(yPred.dtype);
    const losses = fromLogits
      ? binaryCrossEntropyWithLogits(yPred, y, { reduction: "none" })
      : (() => {
          const p = yPred.clamp(EPS, 1 - EPS);
          return y.mul(p.log()).add(y.neg().add(1).mul(p.neg().add(1).log())).neg();
        })();
    return perSample(losses, "mean");
  };
}

export const meanSquaredError = (): LossFn => (yTrue, yPred) => perSample(yPred.sub(yTrue.reshape(yPred.shape as number[])).square(), "mean");
export const meanAbsoluteError = (): LossFn => (yTrue, yPred) => perSample(yPred.sub(yTrue.reshape(yPred.shape as number[])).abs(), "mean");

const NAMED: Record<string, () => LossFn> = {
  sparse_categorical_crossentropy: () => sparseCategoricalCrossentropy(),
  categorical_crossentropy: () => categoricalCrossentropy(),
  binary_crossentropy: () => binaryCrossentropy(),
  mse: meanSquaredError,
  mean_squared_error: meanSquaredError,
  mae: meanAbsoluteError,
  mean_absolute_error: meanAbsoluteError,
};

export function getLoss(loss: string | LossFn): { fn: LossFn; name: string } {
  if (typeof loss === "function") return { fn: loss, name: loss.name || "loss" };
  const make = NAMED[loss];
  if (!make) throw new ValueError(`unknown loss '${loss}'; expected one of ${Object.keys(NAMED).join(", ")} or a function`);
  return { fn: make(), name: loss };
}
