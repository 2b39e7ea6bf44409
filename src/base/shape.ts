/** Shape and stride arithmetic shared by every layer. Pure functions over number arrays. */
import { ShapeError, fmtShape } from "./errors.js";

export type Shape = readonly number[];

// The helpers every op calls use indexed loops: a for-of or a spread allocates an iterator result
// per element wherever the engine runs them unoptimised, and an op's garbage costs (docs/architecture.md, Memory).
export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major strides, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when a view with these strides walks its elements in row-major order without gaps. */
export function isContiguous(shape: Shape, strides: Shape): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/**
 * The fewest dims that walk the same elements: size-1 dims dropped, and each dim merged into the
 * previous one where, for every operand, stepping the previous dim once equals stepping this one
 * through its length. One stride list per operand in, one per operand out.
 */
export function mergeDims(shape: Shape, strides: readonly Shape[]): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => out[k]![last] === s[d]! * n)) {
      dims[last] = dims[last]! * n;
      strides.forEach((s, k) => (out[k]![last] = s[d]!));
    } else {
      dims.push(n);
      strides.forEach((s, k) => out[k]!.push(s[d]!));
    }
  }
  return { shape: dims, strides: out };
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Wraps a possibly negative dim into [0, ndim), or throws naming the op. */
export function normalizeDim(dim: number, ndim: number, op: string): number {
  const lo = -Math.max(ndim, 1);
  const hi = Math.max(ndim, 1) - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new ShapeError(`${op}: dim ${dim} is out of range for a tensor of ${ndim} dims (expected ${lo}..${hi})`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalises a dim list (or all dims when undefined), sorted and without repeats. */
export function normalizeDims(dims: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === "number" ? [dims] : dims;
  const out = list.map((d) => normalizeDim(d, ndim, op));
  if (new Set(out).size !== out.length) throw new ShapeError(`${op}: dim ${fmtShape(list)} repeats a dim`);
  return out.sort((a, b) => a - b);
}

/** NumPy/PyTorch broadcasting of any number of shapes. */
export function broadcastShapes(shapes: readonly Shape[], op: string): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = ndim - s.length + i;
      const d = s[i]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast together (dim ${o - ndim}: ${out[o]} vs ${d})`,
        );
      }
    }
  }
  return out;
}

/** Validates a shape given by a user: non-negative integers. */
export function checkShape(shape: Shape, op: string): number[] {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op}: invalid shape ${fmtShape(shape)}; sizes must be non-negative integers`);
  }
  return shape.slice();
}

/** Resolves a single -1 in a reshape target against the number of elements. */
export function inferReshape(target: Shape, size: number, from: Shape, op = "reshape"): number[] {
  const out = target.slice();
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1)) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(target)}`);
  if (unknown >= 0) {
    let known = 1;
    for (let i = 0; i < out.length; i++) if (i !== unknown) known *= out[i]!;
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`${op}: shape ${fmtShape(target)} is invalid for input of shape ${fmtShape(from)} (${size} elements)`);
    }
    out[unknown] = size / known;
  }
  checkShape(out, op);
  if (numel(out) !== size) {
    throw new ShapeError(`${op}: shape ${fmtShape(target)} is invalid for input of shape ${fmtShape(from)} (${size} elements)`);
  }
  return out;
}

/**
 * Strides for viewing (shape, strides) as newShape without a copy, or null when a copy is needed.
 * Works dim-group by dim-group like PyTorch's computeStride.
 */
export function viewStrides(shape: Shape, strides: Shape, newShape: Shape): number[] | null {
  if (numel(shape) === 0 || shape.length === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? newStrides : null;
}
