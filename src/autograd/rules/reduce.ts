/** Gradient rules for reductions. */
import type { Tensor } from "../../ops/tensor.js";
import { div, eq, mul, where } from "../../ops/elementwise.js";
import { expand, reshape } from "../../ops/movement.js";
import type { ReducePrimitive } from "../../ops/primitives.js";
import { prod, sum } from "../../ops/reduce.js";
import type { RuleTable } from "./types.js";

/** The reduced tensor's shape with the reduced dims kept as size 1. */
function keptShape(x: Tensor, dims: readonly number[]): number[] {
  return x.shape.map((d, i) => (dims.includes(i) ? 1 : d));
}

/** Broadcasts a reduced tensor back over x's shape. */
function spread(t: Tensor, x: Tensor, dims: readonly number[]): Tensor {
  return expand(reshape(t, keptShape(x, dims)), x.shape);
}

/** amax/amin: every element equal to the extremum shares the gradient evenly (torch.amax). */
function extremum(g: Tensor, x: Tensor, y: Tensor, dims: readonly number[]): Tensor[] {
  const hit = eq(x, spread(y, x, dims));
  const count = sum(hit, dims, true);
  return [where(hit, div(spread(g, x, dims), count), 0)];
}

export const reduceRules: RuleTable<ReducePrimitive | "argmax" | "argmin" | "argsort" | "argmode"> = {
  sum: (g, { inputs: [x], attrs: { dims } }) => [spread(g, x, dims)],
  prod: (g, { inputs: [x], output, attrs: { dims } }) => {
    // ∂/∂xᵢ Πx = Π_{j≠i} xⱼ, computed without dividing by zero: with no zero in the group it is
    // y / xᵢ; with exactly one zero only that element gets the product of the others; else 0.
    const a = x;
    const isZero = eq(a, 0);
    const zeros = spread(sum(isZero, dims, true), a, dims);
    const safe = where(isZero, 1, a);
    const othersIfNoZero = div(spread(output, a, dims), safe);
    const othersIfOneZero = where(isZero, spread(prod(safe, dims, true), a, dims), 0);
    const others = where(eq(zeros, 0), othersIfNoZero, where(eq(zeros, 1), othersIfOneZero, 0));
    return [mul(spread(g, a, dims), others)];
  },
  max: (g, { inputs: [x], output, attrs: { dims } }) => extremum(g, x, output, dims),
  min: (g, { inputs: [x], output, attrs: { dims } }) => extremum(g, x, output, dims),
  argmax: null,
  argmin: null,
  argsort: null,
  argmode: null,
};
