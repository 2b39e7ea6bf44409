/**
 * Segmentation metrics from a confusion matrix, as torchvision's segmentation reference computes
 * them: pixel accuracy, per-class IoU = TP / (TP + FP + FN), and the mean IoU over the classes
 * that occur (in the target or the prediction).
 */
import { DTypeError, IndexError, ShapeError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";

/**
 * Counts [target class][predicted class] over every pixel of integer label maps of one shape;
 * pixels whose target is ignoreIndex are skipped.
 */
export function confusionMatrix(prediction: Tensor, target: Tensor, numClasses: number, { ignoreIndex = -1 }: { ignoreIndex?: number } = {}): number[][] {
  if (prediction.shape.length !== target.shape.length || prediction.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(`confusionMatrix: prediction ${fmtShape(prediction.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
  }
  for (const [name, t] of [["prediction", prediction], ["target", target]] as const) if (t.dtype !== "int32") throw new DTypeError(`confusionMatrix: ${name} must hold int32 class indices, got ${t.dtype}`);
  const p = prediction.contiguous().dataSync();
  const t = target.contiguous().dataSync();
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < t.length; i++) {
    const truth = t[i]!;
    if (truth === ignoreIndex) continue;
    const guess = p[i]!;
    if (truth < 0 || truth >= numClasses || guess < 0 || guess >= numClasses) {
      throw new IndexError(`confusionMatrix: pixel ${i} has ${truth < 0 || truth >= numClasses ? `target ${truth}` : `prediction ${guess}`}, outside the ${numClasses} classes`);
    }
    m[truth]![guess]!++;
  }
  return m;
}

export interface SegmentationScores {
  /** Correct pixels over all counted pixels. */
  pixelAccuracy: number;
  /** Per class: recall, TP / (TP + FN); NaN for a class absent from the target. */
  classAccuracy: number[];
  /** Per class: TP / (TP + FP + FN); NaN for a class in neither the target nor the prediction. */
  iou: number[];
  /** The mean of the IoUs that are defined. */
  meanIou: number;
}

export function segmentationScores(confusion: readonly (readonly number[])[]): SegmentationScores {
  const C = confusion.length;
  const row = confusion.map((r) => r.reduce((a, b) => a + b, 0));
  const column = Array.from({ length: C }, (_, j) => confusion.reduce((a, r) => a + r[j]!, 0));
  const diagonal = confusion.map((r, i) => r[i]!);
  const total = row.reduce((a, b) => a + b, 0);
  const iou = diagonal.map((d, i) => (row[i]! + column[i]! - d > 0 ? d / (row[i]! + column[i]! - d) : NaN));
  const defined = iou.filter((v) => !Number.isNaN(v));
  return {
    pixelAccuracy: total ? diagonal.reduce((a, b) => a + b, 0) / total : NaN,
    classAccuracy: diagonal.map((d, i) => (row[i]! ? d / row[i]! : NaN)),
    iou,
    meanIou: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : NaN,
  };
}
