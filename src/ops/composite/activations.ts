/**
 * Activations composed from primitives. NOTE: branches are arranged so that the branch `where`
 * discards never overflows (exp of a large number), since 0 · ∞ in its gradient would be NaN.
 */
import { checkChoice, checkOptions } from "../../core/options.js";
import type { Tensor } from "../../core/tensor.js";
import { apply } from "../dispatch.js";
import { abs, add, clamp, erf, exp, gt, log, mul, neg, relu, sigmoid, sub, tanh, where } from "../elementwise.js";

export type GeluApproximate = "none" | "tanh";

/**
 * GELU: x·Φ(x) exactly (erf), or the tanh approximation. One fused primitive on backends that offer
 * it (float32; its gradient rule falls back to these formulas for createGraph), composed elsewhere.
 */
export function gelu(x: Tensor, approximate: GeluApproximate | { approximate?: GeluApproximate } = "none"): Tensor {
  // Positional (`gelu(x, "tanh")`) or as PyTorch's keyword (`gelu(x, {approximate: "tanh"})`); a
  // typo or an unknown key is an error, not silently the exact form.
  const form = typeof approximate === "object" ? (checkOptions("gelu", approximate, { approximate: ["none", "tanh"] }).approximate ?? "none") : approximate;
  const choice = checkChoice("gelu", "approximate", form, ["none", "tanh"]);
  if (x.backend.gelu && x.dtype === "float32") return apply("gelu", [x.contiguous()], { approximate: choice });
  if (choice === "tanh") {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

export function elu(x: Tensor, alpha = 1): Tensor {
  const negative = where(gt(x, 0), 0, x);
  return where(gt(x, 0), x, mul(sub(exp(negative), 1), alpha));
}

export function silu(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

/** min(max(x, 0), 6) (MobileNets' activation). */
export function relu6(x: Tensor): Tensor {
  return clamp(x, 0, 6);
}

/** relu6(x + 3) / 6: a piecewise-linear sigmoid (MobileNetV3). */
export function hardsigmoid(x: Tensor): Tensor {
  return mul(clamp(add(x, 3), 0, 6), 1 / 6);
}

/** x · relu6(x + 3) / 6: a piecewise swish (MobileNetV3). */
export function hardswish(x: Tensor): Tensor {
  return mul(x, hardsigmoid(x));
}

/** (1/β)·log(1 + e^{βx}), as relu(z) + log(1 + e^{−|z|}) so it never overflows. */
export function softplus(x: Tensor, beta = 1): Tensor {
  const z = mul(x, beta);
  const out = add(relu(z), log(add(exp(neg(abs(z))), 1)));
  return beta === 1 ? out : mul(out, 1 / beta);
}

export function logSigmoid(x: Tensor): Tensor {
  return neg(softplus(neg(x)));
}
