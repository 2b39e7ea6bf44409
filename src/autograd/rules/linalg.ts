/** Gradient rules for matrix products, indexing and sliding windows. */
import { onesLike, scalar, zerosLike } from "../../ops/creation.js";
import { apply } from "../../ops/dispatch.js";
import { cast, div, eq, expandTo, logicalAnd, mul, where } from "../../ops/elementwise.js";
import { gather, scatterAdd } from "../../ops/indexing.js";
import { transpose } from "../../ops/movement.js";
import type { Tensor } from "../../ops/tensor.js";
import type { RuleTable } from "./types.js";

/** A [B, R, C] operand laid out column-major (a transposed view of a contiguous matrix). */
const transposed = (x: Tensor) => x.strides[1] === 1 && x.strides[2] !== 1 && x.shape[1] !== 1;

/** 1 where a scatter along dim never writes, else 0 (in base's float dtype). */
function untouched(base: Tensor, dim: number, index: Tensor): Tensor {
  return cast(eq(scatterAdd(zerosLike(base), dim, index, onesLike(index, { dtype: base.dtype })), 0), base.dtype);
}

type ScatterReduceRule = RuleTable<"scatterReduce">["scatterReduce"];

/**
 * amax/amin: the gradient is shared evenly among the values equal to the result (PyTorch's rule),
 * counting the base's value only where it took part (PyTorch also counts it without includeSelf,
 * which matters only when a scattered maximum equals the discarded base value exactly).
 */
const extremumRule: ScatterReduceRule = (g, { inputs: [base, index, src], output, attrs: { dim, includeSelf } }) => {
  let selfHit = cast(eq(base, output), base.dtype);
  if (!includeSelf) selfHit = mul(selfHit, untouched(base, dim, index));
  const srcHit = cast(eq(src, gather(output, dim, index)), base.dtype);
  const share = div(g, scatterAdd(selfHit, dim, index, srcHit));
  return [mul(selfHit, share), null, mul(srcHit, gather(share, dim, index))];
};

/**
 * prod: each value's gradient is the product of the others at its position, taken as the product of
 * the non-zero values divided by this one — or, for the single zero of a position, that product
 * itself; with two zeros, nothing.
 */
const prodRule: ScatterReduceRule = (g, { inputs: [base, index, src], attrs: { dim, includeSelf } }) => {
  const b = base;
  const selfZero = includeSelf ? eq(b, 0) : cast(zerosLike(b), "bool");
  const srcZero = eq(src, 0);
  const zeros = scatterAdd(cast(selfZero, b.dtype), dim, index, cast(srcZero, b.dtype));
  const nonZeroProd = apply("scatterReduce", [where(selfZero, 1, b), index, where(srcZero, 1, src)], { dim, reduce: "prod", includeSelf });
  const others = (zero: Tensor, value: Tensor, count: Tensor, prod: Tensor) =>
    where(eq(count, 0), div(prod, where(zero, 1, value)), where(logicalAnd(eq(count, 1), zero), prod, 0));
  const gSrc = mul(gather(g, dim, index), others(srcZero, src, gather(zeros, dim, index), gather(nonZeroProd, dim, index)));
  const gBase = includeSelf ? mul(g, others(selfZero, b, zeros, nonZeroProd)) : mul(g, untouched(b, dim, index));
  return [gBase, null, gSrc];
};

export const linalgRules: RuleTable<"matmul" | "gather" | "scatterAdd" | "scatterReduce" | "im2col" | "col2im"> = {
  // [B,M,K]·[B,K,N]: dA = g·Bᵀ, dB = Aᵀ·g (the transposes are views). An operand that is itself
  // a transposed view (a Linear layer's Wᵀ) gets its gradient computed transposed, (dBᵀ)ᵀ, so that
  // it comes out in the parameter's own layout instead of needing a strided copy.
  matmul: (g, { inputs: [a, b], needsGrad }) => [
    !needsGrad[0] ? null : transposed(a) ? transpose(apply("matmul", [b, transpose(g, 1, 2)], {}), 1, 2) : apply("matmul", [g, transpose(b, 1, 2)], {}),
    !needsGrad[1] ? null : transposed(b) ? transpose(apply("matmul", [transpose(g, 1, 2), a], {}), 1, 2) : apply("matmul", [transpose(a, 1, 2), g], {}),
  ],
  // Scattered into a broadcast zero: the backend writes the zeros as it makes its output.
  gather: (g, { inputs: [x, index], attrs: { dim } }) => [scatterAdd(expandTo(scalar(0, x.dtype, x.backend), x.shape), dim, index, g), null],
  scatterAdd: (g, { inputs: [, index], attrs: { dim }, needsGrad }) => [g, null, needsGrad[2] ? gather(g, dim, index) : null],
  scatterReduce: (g, ctx) => (ctx.attrs.reduce === "prod" ? prodRule : extremumRule)(g, ctx),
  // im2col and col2im are each other's adjoint (padding taps are constants and get no gradient).
  im2col: (g, { inputs: [x], attrs: { geometry } }) => [
    apply("col2im", [g], { geometry, channels: x.shape[1]!, size: [x.shape[2]!, x.shape[3]!] }),
  ],
  col2im: (g, { attrs: { geometry } }) => [apply("im2col", [g], { geometry, padValue: 0 })],
};
