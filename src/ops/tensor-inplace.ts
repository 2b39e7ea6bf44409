/**
 * PyTorch's in-place twins of the Tensor methods (`abs_`, `clamp_`, `addcmul_`, `eq_`, …): each
 * computes its out-of-place method and writes the result into this tensor (cast to its dtype),
 * through the same `updateInPlace` as `add_` — so, like every in-place op in tensorgrad, it runs
 * outside a recorded graph (under tg.noGrad, or on tensors that need no gradient).
 *
 * The twins are installed on Tensor.prototype by ops/tensor.ts from this list, and typed by the
 * interface below, which Tensor extends.
 */
import type { Tensor } from "./tensor.js";
import { updateInPlace } from "./inplace.js";

/** The methods with an in-place twin `${name}_`. */
export const IN_PLACE_TWINS = [
  // arithmetic
  "add", "sub", "mul", "div",
  // unary maths
  "abs", "absolute", "neg", "negative", "sign", "sgn", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
  "sqrt", "rsqrt", "square", "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
  "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "sigmoid", "logit",
  "erf", "erfc", "erfinv", "lgamma", "digamma", "polygamma", "mvlgamma", "i0", "igamma", "igammac", "sinc", "deg2rad", "rad2deg",
  "floor", "ceil", "round", "trunc", "fix", "frac", "nanToNum", "clamp", "clip", "logicalNot", "bitwiseNot",
  // binary maths
  "pow", "floatPower", "multiply", "subtract", "divide", "trueDivide", "floorDivide", "fmod", "remainder", "atan2",
  "arctan2", "copysign", "hypot", "heaviside", "ldexp", "xlogy", "lerp", "nextafter", "gcd", "lcm",
  "logicalAnd", "logicalOr", "logicalXor", "bitwiseAnd", "bitwiseOr", "bitwiseXor", "bitwiseLeftShift", "bitwiseRightShift",
  // comparisons (written as 0/1 in this tensor's dtype)
  "eq", "ne", "lt", "le", "gt", "ge", "greater", "greaterEqual", "less", "lessEqual", "notEqual",
  // fused products, scans, triangles, scatters
  "addcmul", "addcdiv", "addmm", "addmv", "addr", "addbmm", "baddbmm", "cumsum", "cumprod", "tril", "triu",
  "renorm", "scatterAdd", "scatterReduce", "indexReduce", "put",
] as const;

export type InPlaceTwinBase = (typeof IN_PLACE_TWINS)[number];

type ArgsOf<K extends InPlaceTwinBase> = Tensor[K] extends (...args: infer A) => unknown ? A : never;

/** `abs_(…)` for each `abs(…)` in IN_PLACE_TWINS: the same arguments, returning this tensor. */
export type InPlaceTwins = { [K in InPlaceTwinBase as `${K}_`]: (...args: ArgsOf<K>) => Tensor };

/** Defines every twin on the prototype (non-enumerable, like class methods). */
export function installInPlaceTwins(prototype: Tensor): void {
  for (const name of IN_PLACE_TWINS) {
    const method = (prototype as unknown as Record<string, unknown>)[name];
    if (typeof method !== "function") throw new Error(`tensor-inplace: Tensor has no method '${name}' to twin`);
    const twin = `${name}_`;
    Object.defineProperty(prototype, twin, {
      configurable: true,
      writable: true,
      value: function (this: Tensor, ...args: unknown[]): Tensor {
        const operands = args.filter((a): a is Tensor => typeof a === "object" && a !== null && "storage" in a);
        return updateInPlace(this, twin, operands, () => (method as (...a: unknown[]) => Tensor).apply(this, args));
      },
    });
  }
}
