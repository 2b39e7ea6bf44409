/**
 * Shape and layout: views (reshape, permute, expand, slicing — no copy where the layout allows) and
 * the joins and splits built from them (cat, stack, split, chunk, pad, repeat).
 */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { promoteTypes } from "../base/dtype.js";
import { inferReshape, isContiguous, normalizeDim, normalizeDims, viewStrides, type Shape } from "../base/shape.js";
import type { Tensor } from "./tensor.js";
import { apply, applyMulti } from "./dispatch.js";
import { cast } from "./elementwise.js";

/** Accepts both `f(2, 3)` and `f([2, 3])`, as PyTorch does. */
export type ShapeArgs = number[] | [readonly number[]];

export function shapeArg(args: ShapeArgs): number[] {
  const first = args[0];
  return Array.isArray(first) ? [...(first as readonly number[])] : (args as number[]);
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return apply("reshape", [x], { shape: inferReshape(shape, x.numel(), x.shape) });
}

/** Like reshape, but never copies: fails when the layout cannot be viewed that way. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferReshape(shape, x.numel(), x.shape, "view");
  if (!viewStrides(x.shape, x.strides, target)) {
    throw new ShapeError(
      `view: shape ${fmtShape(target)} is not compatible with the input's size and stride (shape ${fmtShape(x.shape)}, strides ${fmtShape(x.strides)}); use .reshape() instead`,
    );
  }
  return apply("reshape", [x], { shape: target });
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, "flatten");
  const e = normalizeDim(endDim, x.ndim, "flatten");
  if (s > e) throw new ShapeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.ndim, "unflatten");
  const known = inferReshape(sizes, x.shape[d]!, [x.shape[d]!]);
  return reshape(x, [...x.shape.slice(0, d), ...known, ...x.shape.slice(d + 1)]);
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? x.shape.map((_, i) => i) : normalizeDims(dim, x.ndim, "squeeze");
  return reshape(x, x.shape.filter((d, i) => !(d === 1 && dims.includes(i))));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, "unsqueeze");
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const norm = dims.map((d) => normalizeDim(d, x.ndim, "permute"));
  if (norm.length !== x.ndim || new Set(norm).size !== norm.length) {
    throw new ShapeError(`permute: dims ${fmtShape(dims)} are not a permutation of the ${x.ndim} dims of a tensor of shape ${fmtShape(x.shape)}`);
  }
  if (norm.every((d, i) => d === i)) return x;
  return apply("permute", [x], { dims: norm });
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, x.ndim, "transpose");
  const b = normalizeDim(dim1, x.ndim, "transpose");
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

/** The matrix transpose of a tensor of at most 2 dims, as `torch.t`. */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError(`t: expects a tensor with <= 2 dims, got shape ${fmtShape(x.shape)}; use transpose()`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/** Broadcasts to a larger shape as a view; -1 keeps a dim's size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) {
    throw new ShapeError(`expand: the number of sizes (${shape.length}) must be at least the tensor's dims (${x.ndim}); shape ${fmtShape(x.shape)}`);
  }
  const target = shape.map((d, i) => {
    const own = i >= lead ? x.shape[i - lead]! : undefined;
    if (d === -1) {
      if (own === undefined) throw new ShapeError(`expand: -1 is not allowed in a new leading dim (target ${fmtShape(shape)})`);
      return own;
    }
    if (own !== undefined && own !== 1 && own !== d) {
      throw new ShapeError(
        `expand: the expanded size (${d}) must match the existing size (${own}) at non-singleton dim ${i}; target ${fmtShape(shape)}, tensor ${fmtShape(x.shape)}`,
      );
    }
    return d;
  });
  if (target.every((d, i) => d === x.shape[i]) && target.length === x.ndim) return x;
  return apply("expand", [x], { shape: target });
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.ndim, "narrow");
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (s < 0 || length < 0 || s + length > size) {
    throw new ShapeError(`narrow: start ${start} + length ${length} exceeds dim ${dim} of size ${size} (shape ${fmtShape(x.shape)})`);
  }
  return apply("slice", [x], { dim: d, start: s, step: 1, length });
}

/** Python slicing x[start:end:step] along one dim; bounds clamp as in Python. */
export function slice(x: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  const d = normalizeDim(dim, x.ndim, "slice");
  if (!Number.isInteger(step) || step <= 0) throw new ValueError(`slice: step must be a positive integer, got ${step}`);
  const size = x.shape[d]!;
  const clampIdx = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start ?? 0);
  const e = clampIdx(end ?? size);
  const length = Math.max(0, Math.ceil((e - s) / step));
  return apply("slice", [x], { dim: d, start: length > 0 ? s : 0, step, length });
}

/** x[..., index, ...] along dim: the dim is removed. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, x.ndim, "select");
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new ShapeError(`select: index ${index} is out of range for dim ${dim} of size ${size} (shape ${fmtShape(x.shape)})`);
  }
  return squeeze(narrow(x, d, index < 0 ? index + size : index, 1), d);
}

export function contiguous(x: Tensor): Tensor {
  return isContiguous(x.shape, x.strides) ? x : apply("contiguous", [x], {});
}

/** A copy with its own storage that stays in the graph (gradient flows through). */
export function clone(x: Tensor): Tensor {
  return apply("contiguous", [x], {});
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const first = tensors[0];
  if (!first) throw new ValueError("cat: expects a non-empty list of tensors");
  const d = normalizeDim(dim, first.ndim, "cat");
  for (const [i, x] of tensors.entries()) {
    if (x.ndim !== first.ndim || x.shape.some((s, j) => j !== d && s !== first.shape[j])) {
      throw new ShapeError(
        `cat: sizes must match except in dim ${d}; tensor 0 has shape ${fmtShape(first.shape)}, tensor ${i} has ${fmtShape(x.shape)}`,
      );
    }
  }
  const dtype = tensors.map((x) => x.dtype).reduce(promoteTypes);
  return apply("cat", tensors.map((x) => cast(x, dtype)), { dim: d });
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const first = tensors[0];
  if (!first) throw new ValueError("stack: expects a non-empty list of tensors");
  for (const [i, x] of tensors.entries()) {
    if (x.ndim !== first.ndim || x.shape.some((s, j) => s !== first.shape[j])) {
      throw new ShapeError(`stack: expects each tensor to be equal size, but got ${fmtShape(first.shape)} at entry 0 and ${fmtShape(x.shape)} at entry ${i}`);
    }
  }
  const d = normalizeDim(dim, first.ndim + 1, "stack");
  return cat(tensors.map((x) => unsqueeze(x, d)), d);
}

/** Splits into pieces of `size` (the last may be smaller) or of the listed sizes. */
export function split(x: Tensor, sizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, "split");
  const n = x.shape[d]!;
  let list: number[];
  if (typeof sizes === "number") {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new ValueError(`split: split size must be a positive integer, got ${sizes}`);
    list = [];
    for (let at = 0; at < n; at += sizes) list.push(Math.min(sizes, n - at));
    if (n === 0) list.push(0);
  } else {
    list = [...sizes];
    if (list.reduce((a, b) => a + b, 0) !== n) {
      throw new ShapeError(`split: sizes ${fmtShape(list)} do not sum to ${n}, the size of dim ${dim} (shape ${fmtShape(x.shape)})`);
    }
  }
  return applyMulti("split", [x], { dim: d, sizes: list });
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim(dim, x.ndim, "chunk");
  return split(x, Math.max(1, Math.ceil(x.shape[d]! / chunks)), d);
}

/**
 * Constant padding in torch.nn.functional.pad's order: [left, right] of the last dim, then
 * [top, bottom] of the one before, … Negative amounts crop.
 */
export function pad(x: Tensor, amounts: readonly number[], value = 0): Tensor {
  if (amounts.length % 2 !== 0 || amounts.length / 2 > x.ndim) {
    throw new ShapeError(`pad: expects an even number of amounts, at most 2 per dim; got ${amounts.length} for shape ${fmtShape(x.shape)}`);
  }
  const pads: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < amounts.length / 2; i++) pads[x.ndim - 1 - i] = [amounts[2 * i]!, amounts[2 * i + 1]!];
  let out = x;
  pads.forEach(([before, after], d) => {
    const cropBefore = Math.max(0, -before);
    const cropAfter = Math.max(0, -after);
    if (cropBefore || cropAfter) out = narrow(out, d, cropBefore, out.shape[d]! - cropBefore - cropAfter);
  });
  const grow = pads.map(([b, a]) => [Math.max(0, b), Math.max(0, a)] as [number, number]);
  if (grow.some(([b, a]) => b || a)) out = apply("pad", [out], { pads: grow, value });
  return out;
}

/** Tiles the tensor `sizes[i]` times along each dim (torch.Tensor.repeat). */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw new ShapeError(`repeat: needs at least as many sizes (${sizes.length}) as the tensor has dims (${x.ndim})`);
  }
  const shape: Shape = [...new Array<number>(sizes.length - x.ndim).fill(1), ...x.shape];
  // Interleave a new dim of each repeat count before every dim, broadcast, then merge the pairs.
  const interleaved = reshape(x, shape.flatMap((d) => [1, d]));
  const expanded = expand(interleaved, shape.flatMap((d, i) => [sizes[i]!, d]));
  return reshape(expanded, shape.map((d, i) => d * sizes[i]!));
}
