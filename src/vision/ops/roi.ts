/**
 * Region-of-interest pooling, torchvision.ops.roi_align / roi_pool: each box is cut from its
 * image's feature map into a fixed outputSize grid. The sampling positions and weights are
 * computed here from the box numbers (torchvision's rules, exactly); the feature values are read
 * with indexSelect, so the gradient reaches the input as torchvision's backward sends it (the
 * boxes get none, as in torchvision).
 */
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { isFloating } from "../../base/dtype.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import { cat } from "../../ops/movement.js";

/** Boxes as one [K, 5] tensor of (image index, x1, y1, x2, y2), or one [L_i, 4] tensor per image. */
export type Rois = Tensor | readonly Tensor[];

export interface RoiOptions {
  /** Multiplies the box coordinates: the feature map's size over the image's (1/stride). */
  spatialScale?: number;
}

export interface RoiAlignOptions extends RoiOptions {
  /** Sampling points per bin side; ≤ 0: ceil(box size / output size), adaptively. */
  samplingRatio?: number;
  /** Shift the box by −0.5 pixel so that pixel centres line up (Detectron2's ROIAlignV2). */
  aligned?: boolean;
}

/** The rois as numbers (K rows of 5) after checking them against the input. */
function roiRows(input: Tensor, boxes: Rois, op: string): Float64Array {
  if (input.ndim !== 4) throw new ShapeError(`${op}: input must be [N, C, H, W], got ${fmtShape(input.shape)}`);
  if (!isFloating(input.dtype)) throw new DTypeError(`${op}: input must be a floating tensor, got ${input.dtype}`);
  let rows: Float64Array;
  if (Array.isArray(boxes)) {
    const list = boxes as readonly Tensor[];
    const total = list.reduce((n, b, i) => {
      if (b.ndim !== 2 || b.shape[1] !== 4) throw new ShapeError(`${op}: boxes[${i}] must be [L, 4], got ${fmtShape(b.shape)}`);
      return n + b.shape[0]!;
    }, 0);
    rows = new Float64Array(total * 5);
    let k = 0;
    list.forEach((b, i) => {
      const d = b.contiguous().dataSync();
      for (let r = 0; r < b.shape[0]!; r++, k++) {
        rows[5 * k] = i;
        for (let c = 0; c < 4; c++) rows[5 * k + 1 + c] = Number(d[4 * r + c]);
      }
    });
  } else {
    const b = boxes as Tensor;
    if (b.ndim !== 2 || b.shape[1] !== 5) throw new ShapeError(`${op}: boxes must be [K, 5] (image index, x1, y1, x2, y2) or a list of [L, 4], got ${fmtShape(b.shape)}`);
    rows = Float64Array.from(b.contiguous().dataSync() as ArrayLike<number>, Number);
  }
  const n = input.shape[0]!;
  for (let k = 0; k < rows.length / 5; k++) {
    const i = rows[5 * k]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new IndexError(`${op}: box ${k} names image ${i}, but the input holds ${n} images`);
    for (let c = 1; c < 5; c++) if (!Number.isFinite(rows[5 * k + c]!)) throw new ValueError(`${op}: box ${k} has a non-finite coordinate`);
  }
  return rows;
}

function pair(size: number | readonly [number, number], op: string): [number, number] {
  const [h, w] = typeof size === "number" ? [size, size] : size;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) throw new ValueError(`${op}: outputSize must be positive integers, got ${String(size)}`);
  return [h, w];
}

/**
 * Reads, for every box, sum over taps of weight · input[image, c, index] into [K, C, P]: taps[k]
 * lists, per output cell p, its (flat pixel index, weight) pairs. Boxes of one image share one
 * indexSelect; cells with fewer taps are padded with zero weights.
 */
function readTaps(input: Tensor, rows: Float64Array, taps: Map<number, number>[][]): Tensor {
  const [, C, H, W] = input.shape as [number, number, number, number];
  const K = taps.length;
  const P = taps[0]?.length ?? 0;
  const byImage = new Map<number, number[]>();
  for (let k = 0; k < K; k++) (byImage.get(rows[5 * k]!) ?? byImage.set(rows[5 * k]!, []).get(rows[5 * k]!)!).push(k);
  const parts: Tensor[] = [];
  const order: number[] = [];
  for (const [image, ks] of byImage) {
    const T = Math.max(1, ...ks.flatMap((k) => taps[k]!.map((m) => m.size)));
    const index = new Int32Array(ks.length * P * T);
    const weight = new Float64Array(ks.length * P * T);
    ks.forEach((k, r) =>
      taps[k]!.forEach((m, p) => {
        let t = (r * P + p) * T;
        for (const [i, w] of m) {
          index[t] = i;
          weight[t++] = w;
        }
      }),
    );
    const feature = input.select(0, image).reshape(C, H * W);
    const read = feature.indexSelect(1, tensor(index, { dtype: "int32" })).mul(tensor(weight, { dtype: input.dtype }));
    parts.push(read.reshape(C, ks.length, P, T).sum(3).permute(1, 0, 2));
    order.push(...ks);
  }
  if (!parts.length) return input.narrow(0, 0, 0).reshape(0, C, P);
  const stacked = cat(parts, 0);
  const inverse = new Int32Array(K);
  order.forEach((k, i) => (inverse[k] = i));
  return stacked.indexSelect(0, tensor(inverse, { dtype: "int32" }));
}

/**
 * RoIAlign (He et al., Mask R-CNN): each of the box's outputSize bins averages the input sampled
 * bilinearly at a grid of points; [K, C, outH, outW].
 */
export function roiAlign(input: Tensor, boxes: Rois, outputSize: number | readonly [number, number], { spatialScale = 1, samplingRatio = -1, aligned = false }: RoiAlignOptions = {}): Tensor {
  const rows = roiRows(input, boxes, "roiAlign");
  const [ph, pw] = pair(outputSize, "roiAlign");
  const [, , H, W] = input.shape as [number, number, number, number];
  const offset = aligned ? 0.5 : 0;
  const taps: Map<number, number>[][] = [];
  for (let k = 0; k < rows.length / 5; k++) {
    const startW = rows[5 * k + 1]! * spatialScale - offset;
    const startH = rows[5 * k + 2]! * spatialScale - offset;
    let roiW = rows[5 * k + 3]! * spatialScale - offset - startW;
    let roiH = rows[5 * k + 4]! * spatialScale - offset - startH;
    if (!aligned) {
      roiW = Math.max(roiW, 1);
      roiH = Math.max(roiH, 1);
    }
    const binH = roiH / ph;
    const binW = roiW / pw;
    const gridH = samplingRatio > 0 ? samplingRatio : Math.ceil(roiH / ph);
    const gridW = samplingRatio > 0 ? samplingRatio : Math.ceil(roiW / pw);
    const count = Math.max(gridH * gridW, 1);
    const cells: Map<number, number>[] = [];
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        const cell = new Map<number, number>();
        const add = (i: number, w: number) => w !== 0 && cell.set(i, (cell.get(i) ?? 0) + w / count);
        for (let iy = 0; iy < gridH; iy++) {
          const sy = startH + y * binH + ((iy + 0.5) * binH) / gridH;
          for (let ix = 0; ix < gridW; ix++) bilinear(sy, startW + x * binW + ((ix + 0.5) * binW) / gridW, H, W, add);
        }
        cells.push(cell);
      }
    }
    taps.push(cells);
  }
  return readTaps(input, rows, taps).reshape(-1, input.shape[1]!, ph, pw);
}

/** torchvision's bilinear_interpolate: zero beyond one pixel outside, edges clamped. */
function bilinear(y: number, x: number, H: number, W: number, add: (index: number, weight: number) => void): void {
  if (y < -1 || y > H || x < -1 || x > W) return;
  y = Math.max(y, 0);
  x = Math.max(x, 0);
  let y0 = Math.floor(y);
  let x0 = Math.floor(x);
  let y1 = y0 + 1;
  let x1 = x0 + 1;
  if (y0 >= H - 1) (y0 = y1 = H - 1), (y = y0);
  if (x0 >= W - 1) (x0 = x1 = W - 1), (x = x0);
  const ly = y - y0;
  const lx = x - x0;
  add(y0 * W + x0, (1 - ly) * (1 - lx));
  add(y0 * W + x1, (1 - ly) * lx);
  add(y1 * W + x0, ly * (1 - lx));
  add(y1 * W + x1, ly * lx);
}

/** C's round(): halves away from zero. */
const roundHalfAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

/**
 * RoIPool (Girshick, Fast R-CNN): each bin of the box (rounded to whole pixels) takes its maximum;
 * empty bins are 0. [K, C, outH, outW]; the gradient goes to each maximum's position.
 */
export function roiPool(input: Tensor, boxes: Rois, outputSize: number | readonly [number, number], { spatialScale = 1 }: RoiOptions = {}): Tensor {
  const rows = roiRows(input, boxes, "roiPool");
  const [ph, pw] = pair(outputSize, "roiPool");
  const [, C, H, W] = input.shape as [number, number, number, number];
  const K = rows.length / 5;
  const values = input.contiguous().dataSync();
  const index = new Int32Array(K * C * ph * pw);
  const found = new Float64Array(K * C * ph * pw);
  for (let k = 0; k < K; k++) {
    const image = rows[5 * k]!;
    const [sw, sh, ew, eh] = [1, 2, 3, 4].map((c) => roundHalfAway(rows[5 * k + c]! * spatialScale)) as [number, number, number, number];
    const binH = Math.max(eh - sh + 1, 1) / ph;
    const binW = Math.max(ew - sw + 1, 1) / pw;
    for (let y = 0; y < ph; y++) {
      const h0 = Math.min(Math.max(Math.floor(y * binH) + sh, 0), H);
      const h1 = Math.min(Math.max(Math.ceil((y + 1) * binH) + sh, 0), H);
      for (let x = 0; x < pw; x++) {
        const w0 = Math.min(Math.max(Math.floor(x * binW) + sw, 0), W);
        const w1 = Math.min(Math.max(Math.ceil((x + 1) * binW) + sw, 0), W);
        for (let c = 0; c < C; c++) {
          const plane = (image * C + c) * H * W;
          let best = -Infinity;
          let at = -1;
          for (let i = h0; i < h1; i++) {
            for (let j = w0; j < w1; j++) {
              const v = values[plane + i * W + j] as number;
              if (v > best) (best = v), (at = plane + i * W + j);
            }
          }
          const o = ((k * C + c) * ph + y) * pw + x;
          index[o] = Math.max(at, 0);
          found[o] = at >= 0 ? 1 : 0;
        }
      }
    }
  }
  const read = input.reshape(-1).indexSelect(0, tensor(index, { dtype: "int32" }));
  return read.mul(tensor(found, { dtype: input.dtype })).reshape(K, C, ph, pw);
}
