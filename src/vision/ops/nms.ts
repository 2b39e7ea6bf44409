/**
 * Non-maximum suppression, torchvision.ops.nms / batched_nms: sort the scores once (stable,
 * decreasing), then walk them, dropping every later box whose IoU with a kept one exceeds the
 * threshold. The IoUs use torchvision's arithmetic, rounded to float32 for float32 boxes, so the
 * same boxes are kept at the threshold's edge too.
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { checkBoxes } from "./boxes.js";

function checkScores(boxes: Tensor, scores: Tensor, op: string): Float32Array | Float64Array {
  checkBoxes(boxes, op);
  if (scores.ndim !== 1 || scores.shape[0] !== boxes.shape[0]) throw new ShapeError(`${op}: scores must have shape [${boxes.shape[0]}] (one per box), got ${fmtShape(scores.shape)}`);
  const s = scores.contiguous().dataSync();
  if (!(s instanceof Float32Array || s instanceof Float64Array)) throw new DTypeError(`${op}: scores must be a floating tensor, got ${scores.dtype}`);
  const bad = s.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw new ValueError(`${op}: score ${bad} is NaN`);
  return s;
}

function checkThreshold(iouThreshold: number, op: string): void {
  if (typeof iouThreshold !== "number" || Number.isNaN(iouThreshold)) throw new ValueError(`${op}: iouThreshold must be a number, got ${String(iouThreshold)}`);
}

/** Kept indices, by decreasing score; `classes` (when given) confines suppression to boxes of one class. */
function suppress(boxes: Tensor, scores: Float32Array | Float64Array, classes: Int32Array | null, threshold: number): Tensor {
  const n = scores.length;
  const b = boxes.contiguous().dataSync() as Float32Array | Float64Array;
  const r = b instanceof Float32Array ? Math.fround : (x: number) => x;
  const area = new Float64Array(n);
  for (let i = 0; i < n; i++) area[i] = r((b[4 * i + 2]! - b[4 * i]!) * (b[4 * i + 3]! - b[4 * i + 1]!));
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[j]! - scores[i]! || i - j);
  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  for (let a = 0; a < n; a++) {
    const i = order[a]!;
    if (suppressed[i]) continue;
    keep.push(i);
    const [x1, y1, x2, y2] = [b[4 * i]!, b[4 * i + 1]!, b[4 * i + 2]!, b[4 * i + 3]!];
    for (let c = a + 1; c < n; c++) {
      const j = order[c]!;
      if (suppressed[j] || (classes && classes[j] !== classes[i])) continue;
      const w = Math.max(0, r(Math.min(x2, b[4 * j + 2]!) - Math.max(x1, b[4 * j]!)));
      const h = Math.max(0, r(Math.min(y2, b[4 * j + 3]!) - Math.max(y1, b[4 * j + 1]!)));
      const inter = r(w * h);
      if (r(inter / r(r(area[i]! + area[j]!) - inter)) > threshold) suppressed[j] = 1;
    }
  }
  return tensor(Int32Array.from(keep), { dtype: "int32" });
}

/** Greedy non-maximum suppression of xyxy boxes [N, 4] with scores [N]: kept indices (int32), by decreasing score. */
export function nms(boxes: Tensor, scores: Tensor, iouThreshold: number): Tensor {
  const s = checkScores(boxes, scores, "nms");
  checkThreshold(iouThreshold, "nms");
  return suppress(boxes, s, null, iouThreshold);
}

/**
 * Non-maximum suppression within each category: idxs [N] (integers: a class, or an image of a
 * batch) keeps boxes of different categories from suppressing each other. Kept indices (int32),
 * by decreasing score, as torchvision.ops.batched_nms.
 */
export function batchedNms(boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: number): Tensor {
  const s = checkScores(boxes, scores, "batchedNms");
  checkThreshold(iouThreshold, "batchedNms");
  if (idxs.ndim !== 1 || idxs.shape[0] !== s.length) throw new ShapeError(`batchedNms: idxs must have shape [${s.length}] (one per box), got ${fmtShape(idxs.shape)}`);
  if (idxs.dtype !== "int32") throw new DTypeError(`batchedNms: idxs must be an int32 tensor, got ${idxs.dtype}`);
  return suppress(boxes, s, idxs.contiguous().dataSync() as Int32Array, iouThreshold);
}
