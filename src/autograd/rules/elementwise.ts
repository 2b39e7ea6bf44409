/** Gradient rules for elementwise primitives. Inputs already share the output's shape and dtype. */
import { zerosLike } from "../../ops/creation.js";
import {
  cast, cos, div, eq, exp, ge, gt, log, logicalAnd, lt, mul, neg, pow, sign, sin, sub, where,
} from "../../ops/elementwise.js";
import type { BinaryPrimitive, UnaryPrimitive } from "../../ops/primitives.js";
import { Tensor } from "../../ops/tensor.js";
import { isGradEnabled } from "../../ops/grad-mode.js";
import { contiguousStrides } from "../../base/shape.js";
import type { RuleTable } from "./types.js";

const zeroGrad = (g: Tensor) => [zerosLike(g)];

/** maximum/minimum: the winner takes the gradient; ties split it evenly (PyTorch). */
const extremum = (wins: typeof gt) => (g: Tensor, a: Tensor, b: Tensor) => {
  const half = mul(g, 0.5);
  return [where(eq(a, b), half, where(wins(a, b), g, 0)), where(eq(a, b), half, where(wins(b, a), g, 0))];
};

export const elementwiseRules: RuleTable<UnaryPrimitive | BinaryPrimitive | "where" | "cast" | "contiguous"> = {
  neg: (g) => [neg(g)],
  abs: (g, { inputs: [x] }) => [mul(g, sign(x))],
  sign: zeroGrad,
  floor: zeroGrad,
  ceil: zeroGrad,
  round: zeroGrad,
  exp: (g, { output }) => [mul(g, output)],
  log: (g, { inputs: [x] }) => [div(g, x)],
  sqrt: (g, { output }) => [div(g, mul(output, 2))],
  rsqrt: (g, { output }) => [mul(g, mul(pow(output, 3), -0.5))],
  sin: (g, { inputs: [x] }) => [mul(g, cos(x))],
  cos: (g, { inputs: [x] }) => [neg(mul(g, sin(x)))],
  tanh: (g, { output }) => [mul(g, sub(1, mul(output, output)))],
  sigmoid: (g, { output }) => [mul(g, mul(output, sub(1, output)))],
  // The backend's one-pass kernel where it takes the gradient (outside createGraph).
  relu: (g, { output }) => {
    const dx = isGradEnabled() ? null : output.backend.reluBackward?.(output, g);
    return [dx ? new Tensor(dx, output.shape, contiguousStrides(output.shape), 0) : where(gt(output, 0), g, 0)];
  },
  erf: (g, { inputs: [x] }) => [mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))],
  logicalNot: null, bitwiseNot: null,

  add: (g) => [g, g],
  sub: (g) => [g, neg(g)],
  mul: (g, { inputs: [a, b], needsGrad }) => [needsGrad[0] ? mul(g, b) : null, needsGrad[1] ? mul(g, a) : null],
  div: (g, { inputs: [a, b], needsGrad }) => [
    needsGrad[0] ? div(g, b) : null,
    needsGrad[1] ? neg(div(mul(g, a), mul(b, b))) : null,
  ],
  pow: (g, { inputs: [a, b], output, needsGrad }) => [
    // d/da aᵇ = b·aᵇ⁻¹, defined as 0 where b = 0 (so 0⁰ has no NaN gradient).
    needsGrad[0] ? where(eq(b, 0), 0, mul(g, mul(b, pow(a, sub(b, 1))))) : null,
    // d/db aᵇ = aᵇ·log a, defined as 0 where a = 0 and b ≥ 0.
    needsGrad[1] ? where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(g, mul(output, log(a)))) : null,
  ],
  maximum: (g, { inputs: [a, b] }) => extremum(gt)(g, a, b),
  minimum: (g, { inputs: [a, b] }) => extremum(lt)(g, a, b),
  eq: null, ne: null, lt: null, le: null, gt: null, ge: null,
  logicalAnd: null, logicalOr: null, logicalXor: null,
  bitwiseAnd: null, bitwiseOr: null, bitwiseXor: null, bitwiseLeftShift: null, bitwiseRightShift: null,

  where: (g, { inputs: [c] }) => [null, where(c, g, 0), where(c, 0, g)],
  cast: (g, { inputs: [x] }) => [cast(g, x.dtype)],
  contiguous: (g) => [g],
};
