/** Gradient rules for matrix products, indexing and sliding windows. */
import { zerosLike } from "../../ops/creation.js";
import { apply } from "../../ops/dispatch.js";
import { gather, scatterAdd } from "../../ops/indexing.js";
import { transpose } from "../../ops/movement.js";
import type { Tensor } from "../../core/tensor.js";
import type { RuleTable } from "./types.js";

/** A [B, R, C] operand laid out column-major (a transposed view of a contiguous matrix). */
const transposed = (x: Tensor) => x.strides[1] === 1 && x.strides[2] !== 1 && x.shape[1] !== 1;

export const linalgRules: RuleTable<"matmul" | "gather" | "scatterAdd" | "im2col" | "col2im"> = {
  // [B,M,K]·[B,K,N]: dA = g·Bᵀ, dB = Aᵀ·g (the transposes are views). An operand that is itself
  // a transposed view (a Linear layer's Wᵀ) gets its gradient computed transposed, (dBᵀ)ᵀ, so that
  // it comes out in the parameter's own layout instead of needing a strided copy.
  matmul: (g, { inputs: [a, b], needsGrad }) => [
    !needsGrad[0] ? null : transposed(a!) ? transpose(apply("matmul", [b!, transpose(g, 1, 2)], {}), 1, 2) : apply("matmul", [g, transpose(b!, 1, 2)], {}),
    !needsGrad[1] ? null : transposed(b!) ? transpose(apply("matmul", [transpose(g, 1, 2), a!], {}), 1, 2) : apply("matmul", [transpose(a!, 1, 2), g], {}),
  ],
  gather: (g, { inputs: [x, index], attrs: { dim } }) => [scatterAdd(zerosLike(x!), dim, index!, g), null],
  scatterAdd: (g, { inputs: [, index], attrs: { dim }, needsGrad }) => [g, null, needsGrad[2] ? gather(g, dim, index!) : null],
  // im2col and col2im are each other's adjoint (padding taps are constants and get no gradient).
  im2col: (g, { inputs: [x], attrs: { geometry } }) => [
    apply("col2im", [g], { geometry, channels: x!.shape[1]!, size: [x!.shape[2]!, x!.shape[3]!] }),
  ],
  col2im: (g, { attrs: { geometry } }) => [apply("im2col", [g], { geometry, padValue: 0 })],
};
