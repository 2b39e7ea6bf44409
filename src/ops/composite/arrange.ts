/**
 * Rearranging ops composed from the movement and indexing primitives — flips, rolls, rotations,
 * triangles and diagonals, moved dims, tiles, splits and stacks, grids — so their gradients come
 * from those primitives' rules. As in PyTorch they return new tensors, except `movedim`,
 * `swapaxes`, `broadcastTo`, `unbind` and the splits, which are views; `diagonal` is a copy here
 * (PyTorch's is a view).
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { normalizeDim } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import type { Backend } from "../../backend/backend.js";
import { arange, tensor, zeros } from "../creation.js";
import { ge, le, sub, where } from "../elementwise.js";
import { indexSelect, scatterAdd } from "../indexing.js";
import { cat, expand, flatten, narrow, permute, repeat, reshape, select, stack, transpose } from "../movement.js";
import { sum } from "../reduce.js";

const dimsOf = (dims: number | readonly number[]) => (typeof dims === "number" ? [dims] : [...dims]);
/** Positions as an int32 tensor on the device of the tensor they index. */
const int32 = (values: number[], device: Backend) => tensor(Int32Array.from(values), { dtype: "int32", device });

/** The elements in reverse order along each of the dims. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  let out = x;
  const seen = new Set<number>();
  for (const dim of dimsOf(dims)) {
    const d = normalizeDim(dim, x.ndim, "flip");
    if (seen.has(d)) throw new ValueError(`flip: dim ${d} appears more than once in [${dimsOf(dims).join(", ")}]`);
    seen.add(d);
    const n = x.shape[d]!;
    out = indexSelect(out, d, int32(Array.from({ length: n }, (_, i) => n - 1 - i), x.backend), "flip");
  }
  return seen.size === 0 ? out.clone() : out;
}

export function fliplr(x: Tensor): Tensor {
  if (x.ndim < 2) throw new ShapeError(`fliplr: the input must have at least 2 dims, got shape ${fmtShape(x.shape)}`);
  return flip(x, 1);
}

export function flipud(x: Tensor): Tensor {
  if (x.ndim < 1) throw new ShapeError("flipud: the input must have at least 1 dim, got a scalar");
  return flip(x, 0);
}

/** Shifts the elements along dims, wrapping around; with no dims, along the flattened tensor. */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const s = dimsOf(shifts);
  if (dims === undefined) {
    if (s.length !== 1) throw new ValueError(`roll: without dims, shifts must be one number, got [${s.join(", ")}]`);
    return reshape(roll(flatten(x), s[0]!, 0), x.shape);
  }
  const d = dimsOf(dims);
  if (d.length !== s.length) throw new ValueError(`roll: ${s.length} shift(s) for ${d.length} dim(s); give one shift per dim`);
  let out = x;
  d.forEach((dim, i) => {
    const k = normalizeDim(dim, x.ndim, "roll");
    const n = x.shape[k]!;
    const shift = n === 0 ? 0 : ((s[i]! % n) + n) % n;
    if (shift !== 0) out = cat([narrow(out, k, n - shift, shift), narrow(out, k, 0, n - shift)], k);
  });
  return out === x ? x.clone() : out;
}

/** Rotates by 90° k times in the plane of dims, from the first dim towards the second. */
export function rot90(x: Tensor, k = 1, dims: readonly [number, number] = [0, 1]): Tensor {
  if (dims.length !== 2) throw new ValueError(`rot90: dims must name 2 dims, got [${dims.join(", ")}]`);
  const [a, b] = dims.map((d) => normalizeDim(d, x.ndim, "rot90")) as [number, number];
  if (a === b) throw new ValueError(`rot90: the two dims must differ, got ${a} twice`);
  if (!Number.isInteger(k)) throw new ValueError(`rot90: k must be an integer, got ${k}`);
  const turns = ((k % 4) + 4) % 4;
  if (turns === 1) return transpose(flip(x, b), a, b);
  if (turns === 2) return flip(x, [a, b]);
  if (turns === 3) return transpose(flip(x, a), a, b);
  return x.clone();
}

/** Where column − row is within the band, for the last two dims of a [..., rows, cols] tensor. */
function band(x: Tensor, op: string, keep: (offset: Tensor) => Tensor): Tensor {
  if (x.ndim < 2) throw new ShapeError(`${op}: the input must have at least 2 dims, got shape ${fmtShape(x.shape)}`);
  const [rows, cols] = x.shape.slice(-2) as [number, number];
  const device = x.backend;
  const offset = sub(reshape(arange(cols, undefined, 1, { dtype: "int32", device }), [1, cols]), reshape(arange(rows, undefined, 1, { dtype: "int32", device }), [rows, 1]));
  return where(keep(offset), x, 0);
}

/** The lower triangle (column − row ≤ diagonal) of the last two dims; the rest is 0. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return band(x, "tril", (offset) => le(offset, diagonal));
}

/** A [L, S] bool mask allowing query i to see keys j ≤ i (torch's ones(L, S).tril()), on `device`. */
export function lowerTriangle(L: number, S: number, device?: Backend): Tensor {
  const rows = reshape(arange(L, undefined, 1, { dtype: "int32", device }), [L, 1]);
  return ge(rows, reshape(arange(S, undefined, 1, { dtype: "int32", device }), [1, S]));
}

/** The upper triangle (column − row ≥ diagonal) of the last two dims; the rest is 0. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return band(x, "triu", (offset) => ge(offset, diagonal));
}

/** The positions of a diagonal in a row-major n1 × n2 matrix, and its length. */
function diagonalPositions(n1: number, n2: number, offset: number): number[] {
  const length = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  return Array.from({ length }, (_, i) => (offset >= 0 ? i * n2 + i + offset : (i - offset) * n2 + i));
}

/** The diagonal of the dim1 × dim2 planes (offset above, negative below), as the last dim. */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const a = normalizeDim(dim1, x.ndim, "diagonal");
  const b = normalizeDim(dim2, x.ndim, "diagonal");
  if (a === b) throw new ValueError(`diagonal: dim1 and dim2 must differ, got ${a} twice`);
  const planes = movedim(x, [a, b], [-2, -1]);
  const [n1, n2] = planes.shape.slice(-2) as [number, number];
  const flat = reshape(planes, [...planes.shape.slice(0, -2), n1 * n2]);
  return indexSelect(flat, -1, int32(diagonalPositions(n1, n2, offset), x.backend), "diagonal");
}

/** Matrices whose diagonal (offset above, negative below) in the dim1 × dim2 planes is the last dim of x. */
export function diagEmbed(x: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  if (x.ndim < 1) throw new ShapeError("diagEmbed: the input must have at least 1 dim, got a scalar");
  const outDims = x.ndim + 1;
  const a = normalizeDim(dim1, outDims, "diagEmbed");
  const b = normalizeDim(dim2, outDims, "diagEmbed");
  if (a === b) throw new ValueError(`diagEmbed: dim1 and dim2 must differ, got ${a} twice`);
  const L = x.shape[x.ndim - 1]!;
  const n = L + Math.abs(offset);
  const batch = x.shape.slice(0, -1);
  const positions = int32(diagonalPositions(n, n, offset), x.backend);
  const filled = scatterAdd(zeros([...batch, n * n], { dtype: x.dtype, device: x.backend }), -1, expand(reshape(positions, [...batch.map(() => 1), L]), x.shape), x);
  return movedim(reshape(filled, [...batch, n, n]), [-2, -1], [a, b]);
}

/** A 1-D tensor's square matrix with it on a diagonal, or a 2-D tensor's diagonal. */
export function diag(x: Tensor, diagonal_ = 0): Tensor {
  if (x.ndim === 1) return diagEmbed(x, diagonal_);
  if (x.ndim === 2) return diagonal(x, diagonal_);
  throw new ShapeError(`diag: the input must be 1-D or 2-D, got shape ${fmtShape(x.shape)}`);
}

/** The sum of a matrix's main diagonal. */
export function trace(x: Tensor): Tensor {
  if (x.ndim !== 2) throw new ShapeError(`trace: the input must be a matrix (2-D), got shape ${fmtShape(x.shape)}`);
  return sum(diagonal(x));
}

/** Moves the dims at `source` to `destination`; the others keep their order (a view). */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = dimsOf(source).map((d) => normalizeDim(d, x.ndim, "movedim"));
  const dst = dimsOf(destination).map((d) => normalizeDim(d, x.ndim, "movedim"));
  if (src.length !== dst.length) throw new ValueError(`movedim: ${src.length} source dim(s) but ${dst.length} destination dim(s)`);
  if (new Set(src).size !== src.length || new Set(dst).size !== dst.length) throw new ValueError("movedim: a dim appears twice in source or in destination");
  const order = new Array<number>(x.ndim).fill(-1);
  src.forEach((s, i) => (order[dst[i]!] = s));
  const rest = Array.from({ length: x.ndim }, (_, i) => i).filter((i) => !src.includes(i));
  for (let i = 0, r = 0; i < x.ndim; i++) if (order[i] === -1) order[i] = rest[r++]!;
  return permute(x, order);
}

export const moveaxis = movedim;

/** transpose under NumPy's name (a view). */
export function swapaxes(x: Tensor, axis0: number, axis1: number): Tensor {
  return transpose(x, axis0, axis1);
}

export const swapdims = swapaxes;

/** At least n dims: a scalar becomes [1], [1, 1] or [1, 1, 1]; a vector [1, n] or [1, n, 1]; a matrix [m, n, 1]. */
function atLeast(x: Tensor, n: 1 | 2 | 3): Tensor {
  if (x.ndim >= n) return x;
  if (x.ndim === 0) return reshape(x, new Array(n).fill(1));
  if (x.ndim === 1) return reshape(x, n === 2 ? [1, x.shape[0]!] : [1, x.shape[0]!, 1]);
  return reshape(x, [...x.shape, 1]);
}

export const atleast1d = (x: Tensor): Tensor => atLeast(x, 1);
export const atleast2d = (x: Tensor): Tensor => atLeast(x, 2);
export const atleast3d = (x: Tensor): Tensor => atLeast(x, 3);

/** Repeats x reps times along each dim; reps shorter than x's dims are padded with 1s in front. */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  const padded = [...new Array(Math.max(0, x.ndim - reps.length)).fill(1), ...reps];
  const xs = x.ndim < padded.length ? reshape(x, [...new Array(padded.length - x.ndim).fill(1), ...x.shape]) : x;
  return repeat(xs, padded);
}

/** expand under NumPy's name (a view). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape);
}

/** The slices along a dim, each without it (views). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, "unbind");
  return Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i));
}

/**
 * Splits along a dim into `sections` parts as equal as possible (the first ones one longer), or at
 * the given indices (views). As NumPy's array_split.
 */
export function tensorSplit(x: Tensor, indicesOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, "tensorSplit");
  const n = x.shape[d]!;
  let cuts: number[];
  if (typeof indicesOrSections === "number") {
    const k = indicesOrSections;
    if (!Number.isInteger(k) || k < 1) throw new ValueError(`tensorSplit: sections must be a positive integer, got ${k}`);
    const [base, extra] = [Math.floor(n / k), n % k];
    cuts = Array.from({ length: k - 1 }, (_, i) => (i + 1) * base + Math.min(i + 1, extra));
  } else cuts = [...indicesOrSections];
  const bounds = [0, ...cuts.map((c) => Math.min(Math.max(c < 0 ? c + n : c, 0), n)), n];
  return bounds.slice(0, -1).map((start, i) => narrow(x, d, Math.min(start, bounds[i + 1]!), Math.max(0, bounds[i + 1]! - start)));
}

/** tensorSplit along a dim, where a number of sections must divide the dim (NumPy's h/v/dsplit). */
function evenSplit(x: Tensor, indicesOrSections: number | readonly number[], dim: number, op: string, minDims: number): Tensor[] {
  if (x.ndim < minDims) throw new ShapeError(`${op}: the input must have at least ${minDims} dims, got shape ${fmtShape(x.shape)}`);
  if (typeof indicesOrSections === "number" && x.shape[dim]! % indicesOrSections !== 0) {
    throw new ValueError(`${op}: ${indicesOrSections} sections do not divide dim ${dim} of size ${x.shape[dim]}`);
  }
  return tensorSplit(x, indicesOrSections, dim);
}

export const hsplit = (x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] => evenSplit(x, indicesOrSections, x.ndim === 1 ? 0 : 1, "hsplit", 1);
export const vsplit = (x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] => evenSplit(x, indicesOrSections, 0, "vsplit", 2);
export const dsplit = (x: Tensor, indicesOrSections: number | readonly number[]): Tensor[] => evenSplit(x, indicesOrSections, 2, "dsplit", 3);

/** Concatenates along dim 1 (dim 0 for vectors). */
export function hstack(tensors: readonly Tensor[]): Tensor {
  const xs = tensors.map(atleast1d);
  return cat(xs, xs[0]?.ndim === 1 ? 0 : 1);
}

/** Stacks rows: vectors become rows, then concatenates along dim 0. */
export function vstack(tensors: readonly Tensor[]): Tensor {
  return cat(tensors.map(atleast2d), 0);
}

export const rowStack = vstack;

/** Concatenates along dim 2, after making each at least 3-D. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  return cat(tensors.map(atleast3d), 2);
}

/** Vectors (and scalars) become columns, then all are concatenated along dim 1. */
export function columnStack(tensors: readonly Tensor[]): Tensor {
  return cat(tensors.map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t)), 1);
}

/** The elements in row-major order as a 1-D tensor. */
export function ravel(x: Tensor): Tensor {
  return flatten(x.contiguous());
}

/**
 * Coordinate grids: one output per input, each of the shape of all the inputs' lengths. "ij" (the
 * default, as PyTorch's) indexes by the inputs' order; "xy" swaps the first two (NumPy's default).
 */
export function meshgrid(tensors: readonly Tensor[], { indexing = "ij" }: { indexing?: "ij" | "xy" } = {}): Tensor[] {
  if (indexing !== "ij" && indexing !== "xy") throw new ValueError(`meshgrid: indexing must be "ij" or "xy", got ${JSON.stringify(indexing)}`);
  const xs = tensors.map((t, i) => {
    if (t.ndim > 1) throw new ShapeError(`meshgrid: input ${i} must be 0-D or 1-D, got shape ${fmtShape(t.shape)}`);
    return reshape(t, [t.numel()]);
  });
  const swap = indexing === "xy" && xs.length >= 2;
  const order = swap ? [1, 0, ...xs.slice(2).map((_, i) => i + 2)] : xs.map((_, i) => i);
  const shape = order.map((i) => xs[i]!.shape[0]!);
  return xs.map((t, i) => {
    const at = order.indexOf(i);
    return expand(reshape(t, shape.map((s, j) => (j === at ? s : 1))), shape);
  });
}

/** Every combination of the inputs' elements, one per row (itertools.product). */
export function cartesianProd(...tensors: Tensor[]): Tensor {
  if (tensors.length === 1) return tensors[0]!;
  return stack(meshgrid(tensors).map((g) => flatten(g.contiguous())), 1);
}

/** Each element repeated (a number of times for all, or per element), along dim or the flattened tensor. */
export function repeatInterleave(x: Tensor, repeats: number | Tensor, dim?: number): Tensor {
  const input = dim === undefined ? flatten(x) : x;
  const d = dim === undefined ? 0 : normalizeDim(dim, x.ndim, "repeatInterleave");
  const n = input.shape[d]!;
  let counts: number[];
  if (typeof repeats === "number") counts = new Array<number>(n).fill(repeats);
  else {
    const given = Array.from(repeats.dataSync(), Number);
    counts = given.length === 1 ? new Array<number>(n).fill(given[0]!) : given; // one count serves all
  }
  if (counts.length !== n) throw new ShapeError(`repeatInterleave: ${counts.length} repeats for dim ${d} of size ${n}`);
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) throw new ValueError(`repeatInterleave: repeats must be non-negative integers, got [${counts.join(", ")}]`);
  return indexSelect(input, d, int32(counts.flatMap((c, i) => new Array<number>(c).fill(i)), x.backend), "repeatInterleave");
}

/** The Kronecker product: every element of a times the whole of b, in a's layout. */
export function kron(a: Tensor, b: Tensor): Tensor {
  const n = Math.max(a.ndim, b.ndim);
  const pad = (t: Tensor) => [...new Array(n - t.ndim).fill(1), ...t.shape] as number[];
  const [sa, sb] = [pad(a), pad(b)];
  const ra = reshape(a, sa.flatMap((s) => [s, 1]));
  const rb = reshape(b, sb.flatMap((s) => [1, s]));
  return reshape(ra.mul(rb), sa.map((s, i) => s * sb[i]!));
}
