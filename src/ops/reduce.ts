/** Reductions over one, several or all dims, with keepdim. */
import { isFloating } from "../base/dtype.js";
import { DTypeError, ShapeError, fmtShape } from "../base/errors.js";
import { normalizeDim, normalizeDims } from "../base/shape.js";
import type { Tensor } from "./tensor.js";
import type { ReducePrimitive } from "./primitives.js";
import { apply } from "./dispatch.js";
import { cast, div, exp, log, sub, where, abs, eq, mul, add, sqrt } from "./elementwise.js";
import { reshape, flatten } from "./movement.js";

/** A dim, a list of dims, or undefined for all dims. */
export type Dims = number | readonly number[] | undefined;

function reduceDims(x: Tensor, dim: Dims, op: string): number[] {
  if (x.ndim === 0) {
    normalizeDims(dim, 1, op); // validates 0 / -1
    return [];
  }
  if (Array.isArray(dim) && dim.length === 0) return normalizeDims(undefined, x.ndim, op);
  return normalizeDims(dim, x.ndim, op);
}

function keep(x: Tensor, out: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  return keepdim ? reshape(out, x.shape.map((d, i) => (dims.includes(i) ? 1 : d))) : out;
}

function run(prim: ReducePrimitive, x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const dims = reduceDims(x, dim, prim);
  return keep(x, apply(prim, [x], { dims }), dims, keepdim);
}

/** Number of elements each output of a reduction over `dims` combines. */
function countOver(x: Tensor, dim: Dims, op: string): number {
  return reduceDims(x, dim, op).reduce((n, d) => n * x.shape[d]!, 1);
}

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return run("sum", isFloating(x.dtype) ? x : cast(x, "int32"), dim, keepdim);
}

export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return run("prod", isFloating(x.dtype) ? x : cast(x, "int32"), dim, keepdim);
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) {
    throw new DTypeError(`mean: input dtype must be floating point, got ${x.dtype} (shape ${fmtShape(x.shape)}); cast with .float()`);
  }
  return div(sum(x, dim, keepdim), countOver(x, dim, "mean"));
}

function checkNonEmpty(x: Tensor, dim: Dims, op: string): void {
  if (countOver(x, dim, op) === 0) {
    throw new ShapeError(`${op}: cannot reduce over an empty dim (shape ${fmtShape(x.shape)}); there is no identity for ${op}`);
  }
}

/** Maximum values over dims; the gradient is shared evenly among ties (torch.amax). */
export function amax(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkNonEmpty(x, dim, "amax");
  return run("max", x, dim, keepdim);
}

export function amin(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkNonEmpty(x, dim, "amin");
  return run("min", x, dim, keepdim);
}

function argReduce(prim: "argmax" | "argmin", x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (dim === undefined) {
    checkNonEmpty(x, undefined, prim);
    const out = apply(prim, [flatten(x)], { dim: 0 });
    return keepdim ? reshape(out, x.shape.map(() => 1)) : out;
  }
  if (x.ndim === 0) return reshape(apply(prim, [reshape(x, [1])], { dim: 0 }), []);
  const d = normalizeDim(dim, x.ndim, prim);
  checkNonEmpty(x, d, prim);
  return keep(x, apply(prim, [x], { dim: d }), [d], keepdim);
}

export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor => argReduce("argmax", x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number, keepdim = false): Tensor => argReduce("argmin", x, dim, keepdim);

/**
 * `max(dim)`'s result, as PyTorch's (values, indices) named tuple: it destructures as a pair
 * (`const [values, indices] = x.max(1)`) and has the named fields (`x.max(1).values`).
 */
export type ValuesIndices = readonly [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as const, { values, indices });
}

/**
 * Max along a dim with its indices. The values are gathered at the indices, so the gradient flows
 * to the chosen element only, as in PyTorch.
 */
function extremeAlong(prim: "argmax" | "argmin", x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const indices = argReduce(prim, x, dim, true);
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim, prim);
  const values = x.ndim === 0 ? x : x.gather(d, indices);
  if (keepdim || x.ndim === 0) return valuesIndices(values, x.ndim === 0 ? reshape(indices, []) : indices);
  return valuesIndices(values.squeeze(d), indices.squeeze(d));
}

export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? amax(x) : extremeAlong("argmax", x, dim, keepdim);
}

export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? amin(x) : extremeAlong("argmin", x, dim, keepdim);
}

/** Variance; `unbiased` divides by n − 1 (Bessel's correction), as torch.var's default. */
export function variance(x: Tensor, dim?: Dims, unbiased = true, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) throw new DTypeError(`var: input dtype must be floating point, got ${x.dtype}`);
  const n = countOver(x, dim, "var");
  const centered = sub(x, mean(x, dim, true));
  return div(sum(mul(centered, centered), dim, keepdim), Math.max(0, n - (unbiased ? 1 : 0)));
}

export function std(x: Tensor, dim?: Dims, unbiased = true, keepdim = false): Tensor {
  return sqrt(variance(x, dim, unbiased, keepdim));
}

/** log Σ exp(x), stable: the (detached) max is taken out before exponentiating. */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  const xf = isFloating(x.dtype) ? x : cast(x, "float32");
  if (countOver(xf, dim, "logsumexp") === 0) return log(sum(exp(xf), dim, keepdim));
  const m = amax(xf, dim, true).detach();
  const shift = where(eq(abs(m), Infinity), 0, m); // all -inf (or inf) rows: avoid inf - inf
  const out = add(log(sum(exp(sub(xf, shift)), dim, true)), shift);
  const dims = reduceDims(xf, dim, "logsumexp");
  return keepdim ? out : reshape(out, xf.shape.filter((_, i) => !dims.includes(i)));
}
