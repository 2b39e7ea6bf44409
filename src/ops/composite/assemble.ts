/**
 * Building tensors out of others: the scatter twins of the views (selectScatter, sliceScatter,
 * diagonalScatter), put and indexReduce, diagflat, blockDiag, combinations, broadcastTensors,
 * vander, cross and vdot, and the index helpers trilIndices, triuIndices and unravelIndex. Each is
 * composed from differentiable ops, so gradients reach every tensor input.
 */
import { promoteTypes } from "../../base/dtype.js";
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { broadcastShapes, normalizeDim, numel } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import { tensor, zeros } from "../creation.js";
import { cast, mul, pow, sub } from "../elementwise.js";
import { indexSelect, scatterReduce } from "../indexing.js";
import { cat, expand, pad, reshape, stack, unsqueeze } from "../movement.js";
import { indexPut } from "../advanced-index.js";
import { diag, movedim } from "./arrange.js";
import { indexCopy } from "./index-ops.js";
import { dot } from "./products.js";

/** input with input.select(dim, index) replaced by src. */
export function selectScatter(input: Tensor, src: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, input.ndim, "selectScatter");
  const n = input.shape[d]!;
  if (!Number.isInteger(index) || index < -n || index >= n) throw new IndexError(`selectScatter: index ${index} is out of range for dim ${d} of size ${n}`);
  return indexCopy(input, d, tensor([index < 0 ? index + n : index], { dtype: "int32", device: input.backend }), unsqueeze(src, d));
}

/** input with the slice start:end:step along dim replaced by src. */
export function sliceScatter(input: Tensor, src: Tensor, dim = 0, start: number | null = null, end: number | null = null, step = 1): Tensor {
  const d = normalizeDim(dim, input.ndim, "sliceScatter");
  if (!Number.isInteger(step) || step <= 0) throw new ValueError(`sliceScatter: step must be a positive integer, got ${step}`);
  const n = input.shape[d]!;
  const clampIndex = (v: number | null, fallback: number) => (v === null ? fallback : Math.min(n, Math.max(0, v < 0 ? v + n : v)));
  const [s, e] = [clampIndex(start, 0), clampIndex(end, n)];
  const positions: number[] = [];
  for (let i = s; i < e; i += step) positions.push(i);
  return indexCopy(input, d, tensor(positions, { dtype: "int32", device: input.backend }), src);
}

/** The [rows, cols] of a diagonal at `offset` of an m×n matrix. */
function diagonalPositions(m: number, n: number, offset: number): [number[], number[]] {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = Math.max(0, -offset); i < m && i + offset < n; i++) {
    rows.push(i);
    cols.push(i + offset);
  }
  return [rows, cols];
}

/** input with its diagonal (offset, dim1, dim2) replaced by src (whose last dim runs along the diagonal). */
export function diagonalScatter(input: Tensor, src: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const [d1, d2] = [normalizeDim(dim1, input.ndim, "diagonalScatter"), normalizeDim(dim2, input.ndim, "diagonalScatter")];
  if (d1 === d2) throw new ValueError(`diagonalScatter: dim1 and dim2 must differ, got ${d1}`);
  const [rows, cols] = diagonalPositions(input.shape[d1]!, input.shape[d2]!, offset);
  const front = movedim(input, [d1, d2], [0, 1]);
  const want = [...front.shape.slice(2), rows.length];
  if (src.shape.length !== want.length || src.shape.some((s, k) => s !== want[k])) {
    throw new ShapeError(`diagonalScatter: src must have shape ${fmtShape(want)}, got ${fmtShape(src.shape)}`);
  }
  const written = indexPut(front, [tensor(rows, { dtype: "int32", device: input.backend }), tensor(cols, { dtype: "int32", device: input.backend })], movedim(src, -1, 0));
  return movedim(written, [0, 1], [d1, d2]);
}

/** input with source's elements written (or added) at the flat positions `index` (PyTorch's put). */
export function put(input: Tensor, index: Tensor, source: Tensor, accumulate = false): Tensor {
  if (index.numel() !== source.numel()) throw new ShapeError(`put: index has ${index.numel()} elements but source has ${source.numel()}`);
  return reshape(indexPut(reshape(input, [-1]), [reshape(index, [-1])], reshape(source, [-1]), accumulate), [...input.shape]);
}

/** input with the slices of source reduced into the slices along dim at index ("prod", "mean", "amax", "amin"). */
export function indexReduce(input: Tensor, dim: number, index: Tensor, source: Tensor, reduce: "prod" | "mean" | "amax" | "amin", { includeSelf = true }: { includeSelf?: boolean } = {}): Tensor {
  const d = normalizeDim(dim, input.ndim, "indexReduce");
  if (index.ndim !== 1 || index.shape[0] !== source.shape[d]) {
    throw new ShapeError(`indexReduce: index must be 1-D with source.shape[${d}] = ${source.shape[d]} entries, got shape ${fmtShape(index.shape)}`);
  }
  const spread = expand(reshape(index, source.shape.map((s, k) => (k === d ? s : 1))), [...source.shape]);
  return scatterReduce(input, d, spread, source, reduce, { includeSelf });
}

/** A 2-D tensor with x's elements (flattened) on the diagonal at `offset`. */
export const diagflat = (x: Tensor, offset = 0): Tensor => diag(reshape(x, [-1]), offset);

/** The block-diagonal matrix of the given tensors (0-D, 1-D or 2-D; a 1-D tensor is one row). */
export function blockDiag(...tensors: Tensor[]): Tensor {
  if (tensors.length === 0) return zeros([1, 0]);
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const blocks = tensors.map((t) => {
    if (t.ndim > 2) throw new ShapeError(`blockDiag: inputs must have at most 2 dims, got shape ${fmtShape(t.shape)}`);
    return cast(t.ndim === 2 ? t : reshape(t, [1, -1]), dtype);
  });
  const width = blocks.reduce((w, b) => w + b.shape[1]!, 0);
  let left = 0;
  const rows = blocks.map((b) => {
    const padded = pad(b, [left, width - left - b.shape[1]!]);
    left += b.shape[1]!;
    return padded;
  });
  return cat(rows, 0);
}

/** All length-r combinations of a 1-D tensor's elements, in lexicographic order of positions (as itertools). */
export function combinations(x: Tensor, r = 2, withReplacement = false): Tensor {
  if (x.ndim !== 1) throw new ShapeError(`combinations: expected a 1-D tensor, got shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(r) || r < 0) throw new ValueError(`combinations: r must be a non-negative integer, got ${r}`);
  const n = x.shape[0]!;
  const picks: number[][] = Array.from({ length: r }, () => []);
  const current: number[] = [];
  const visit = (from: number) => {
    if (current.length === r) {
      current.forEach((v, k) => picks[k]!.push(v));
      return;
    }
    for (let i = from; i < n; i++) {
      current.push(i);
      visit(withReplacement ? i : i + 1);
      current.pop();
    }
  };
  if (r > 0) visit(0);
  if (r === 0 || picks[0]!.length === 0) return zeros(r === 0 ? [0] : [0, r], { dtype: x.dtype, device: x.backend });
  return stack(picks.map((p) => indexSelect(x, 0, tensor(p, { dtype: "int32", device: x.backend }))), 1);
}

/** The tensors broadcast to one shape (views). */
export function broadcastTensors(...tensors: Tensor[]): Tensor[] {
  const shape = broadcastShapes(tensors.map((t) => t.shape), "broadcastTensors");
  return tensors.map((t) => expand(t, shape));
}

/** The Vandermonde matrix of a 1-D x: columns x^(N−1) … x⁰ (or x⁰ … x^(N−1) when increasing). */
export function vander(x: Tensor, n?: number | null, increasing = false): Tensor {
  if (x.ndim !== 1) throw new ShapeError(`vander: expected a 1-D tensor, got shape ${fmtShape(x.shape)}`);
  const N = n ?? x.shape[0]!;
  if (!Number.isInteger(N) || N < 0) throw new ValueError(`vander: N must be a non-negative integer, got ${N}`);
  const powers = Array.from({ length: N }, (_, k) => (increasing ? k : N - 1 - k));
  if (N === 0) return zeros([x.shape[0]!, 0], { dtype: x.dtype });
  return stack(powers.map((k) => (k === 0 ? mul(x, 0).add(1) : k === 1 ? x : pow(x, k))), 1);
}

/** The cross product of 3-vectors along dim (the first dim of size 3 when not given, as torch.cross). */
export function cross(a: Tensor, b: Tensor, dim?: number): Tensor {
  const shape = broadcastShapes([a.shape, b.shape], "cross");
  const d = dim === undefined ? shape.findIndex((s) => s === 3) : normalizeDim(dim, shape.length, "cross");
  if (d < 0 || shape[d] !== 3) throw new ShapeError(`cross: dim ${dim ?? "(none)"} must have size 3 in the broadcast shape ${fmtShape(shape)}`);
  const [ea, eb] = [expand(a, shape), expand(b, shape)];
  const part = (t: Tensor, i: number) => indexSelect(t, d, tensor([i], { dtype: "int32", device: t.backend }));
  const component = (i: number, j: number) => sub(mul(part(ea, i), part(eb, j)), mul(part(ea, j), part(eb, i)));
  return cat([component(1, 2), component(2, 0), component(0, 1)], d);
}

/** The dot product of two 1-D tensors (real tensors: the same as dot). */
export const vdot = (a: Tensor, b: Tensor): Tensor => dot(a, b);

/** The [2, N] coordinates of the lower (or upper) triangle of a row×col matrix, row-major. */
function triangleIndices(row: number, col: number, offset: number, lower: boolean, op: string): Tensor {
  for (const [name, v] of [["row", row], ["col", col], ["offset", offset]] as const) {
    if (!Number.isInteger(v)) throw new ValueError(`${op}: ${name} must be an integer, got ${v}`);
  }
  const rs: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < row; i++) {
    for (let j = 0; j < col; j++) {
      if (lower ? j - i <= offset : j - i >= offset) {
        rs.push(i);
        cs.push(j);
      }
    }
  }
  return tensor([rs, cs], { dtype: "int32" }).reshape([2, rs.length]);
}

export const trilIndices = (row: number, col: number, offset = 0): Tensor => triangleIndices(row, col, offset, true, "trilIndices");
export const triuIndices = (row: number, col: number, offset = 0): Tensor => triangleIndices(row, col, offset, false, "triuIndices");

/** The coordinates, one int32 tensor per dim of `shape`, of each flat index (row-major). */
export function unravelIndex(indices: Tensor | number, shape: readonly number[]): Tensor[] {
  const t = typeof indices === "number" ? tensor(indices, { dtype: "int32" }) : indices;
  if (t.dtype !== "int32") throw new DTypeError(`unravelIndex: indices must be int32, got ${t.dtype}`);
  const total = numel(shape);
  const flat = t.contiguous().dataSync();
  const coords = shape.map(() => new Int32Array(flat.length));
  for (let i = 0; i < flat.length; i++) {
    let v = flat[i]!;
    if (v < -total || v >= total) throw new IndexError(`unravelIndex: index ${v} is out of bounds for shape ${fmtShape(shape)}`);
    if (v < 0) v += total;
    for (let d = shape.length - 1; d >= 0; d--) {
      coords[d]![i] = v % shape[d]!;
      v = Math.floor(v / shape[d]!);
    }
  }
  return coords.map((c) => tensor(c, { dtype: "int32" }).reshape([...t.shape]));
}

/** The flat positions (in a contiguous tensor's row-major order) that size/stride/offset address. */
function stridedPositions(x: Tensor, size: readonly number[], stride: readonly number[], storageOffset: number | undefined, op: string): Tensor {
  if (size.length !== stride.length) throw new ShapeError(`${op}: size [${size.join(", ")}] and stride [${stride.join(", ")}] must have the same length`);
  if (!x.isContiguous()) throw new ValueError(`${op}: needs a contiguous tensor (PyTorch addresses its storage directly); call .contiguous() first`);
  const base = (storageOffset ?? x.offset) - x.offset;
  const total = numel(size);
  const positions = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let at = base;
    for (let d = size.length - 1; d >= 0; d--) {
      at += (rest % size[d]!) * stride[d]!;
      rest = Math.floor(rest / size[d]!);
    }
    if (at < 0 || at >= x.numel()) throw new IndexError(`${op}: size [${size.join(", ")}], stride [${stride.join(", ")}] and offset ${storageOffset ?? x.offset} reach element ${at + x.offset}, outside the tensor's ${x.numel()} elements`);
    positions[i] = at;
  }
  return tensor(positions, { dtype: "int32", device: x.backend });
}

/**
 * The elements at storage offset + Σ iₖ·strideₖ, as a tensor of `size` (torch.as_strided). A copy, not
 * a view: its gradient sums into every position it read (overlaps included), as PyTorch's.
 */
export function asStrided(x: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  return indexSelect(reshape(x, [-1]), 0, stridedPositions(x, size, stride, storageOffset, "asStrided")).reshape([...size]);
}

/** input with the elements asStrided(input, size, stride, offset) would read replaced by src's. */
export function asStridedScatter(input: Tensor, src: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor {
  const positions = stridedPositions(input, size, stride, storageOffset, "asStridedScatter");
  if (src.numel() !== positions.numel()) throw new ShapeError(`asStridedScatter: src has ${src.numel()} elements for size [${size.join(", ")}]`);
  return reshape(indexPut(reshape(input, [-1]), [positions], reshape(src, [-1])), [...input.shape]);
}
