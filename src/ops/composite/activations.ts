/**
 * Activations composed from primitives. NOTE: branches are arranged so that the branch `where`
 * discards never overflows (exp of a large number), since 0 · ∞ in its gradient would be NaN.
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { checkChoice, checkOptions } from "../../base/options.js";
import { normalizeDim } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import { tryApply } from "../dispatch.js";
import { rand } from "../creation.js";
import { abs, add, clamp, div, erf, exp, gt, log, lt, mul, neg, relu, sigmoid, sub, tanh, where } from "../elementwise.js";
import { narrow, reshape } from "../movement.js";
import { softmax } from "./softmax.js";

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
  const fused = tryApply("gelu", [x.contiguous()], { approximate: choice });
  if (fused) return fused;
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

/** clamp(x, min, max): linear in between, flat outside. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (minVal > maxVal) throw new ValueError(`hardtanh: minVal (${minVal}) must not exceed maxVal (${maxVal})`);
  return clamp(x, minVal, maxVal);
}

/** x / (1 + |x|). */
export function softsign(x: Tensor): Tensor {
  return div(x, add(abs(x), 1));
}

/** x − tanh(x). */
export function tanhshrink(x: Tensor): Tensor {
  return sub(x, tanh(x));
}

function checkLambda(op: string, lambd: number): void {
  if (!(lambd >= 0)) throw new ValueError(`${op}: lambd must be non-negative, got ${lambd}`);
}

/** x − λ above λ, x + λ below −λ, 0 in between. */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  checkLambda("softshrink", lambd);
  return where(gt(x, lambd), sub(x, lambd), where(lt(x, -lambd), add(x, lambd), 0));
}

/** x where |x| > λ, else 0. */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  checkLambda("hardshrink", lambd);
  return where(gt(abs(x), lambd), x, 0);
}

/** x where x > threshold, else value. */
export function threshold(x: Tensor, threshold_: number, value: number): Tensor {
  return where(gt(x, threshold_), x, value);
}

/** x · tanh(softplus(x)) (Misra 2019). */
export function mish(x: Tensor): Tensor {
  return mul(x, tanh(softplus(x)));
}

/** max(0, x) + min(0, α(e^{x/α} − 1)). */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (alpha === 0) throw new ValueError("celu: alpha must not be 0");
  return alpha === 1 ? elu(x, 1) : elu(mul(x, 1 / alpha), 1).mul(alpha);
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale · elu(x, α) with Klambauer et al.'s self-normalising constants. */
export function selu(x: Tensor): Tensor {
  return mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/** The first half of dim times the sigmoid of the second (a gated linear unit). */
export function glu(x: Tensor, dim = -1): Tensor {
  const d = normalizeDim(dim, x.ndim, "glu");
  const n = x.shape[d]!;
  if (n % 2 !== 0) throw new ShapeError(`glu: dim ${d} must have an even size to halve, got ${n} (shape ${fmtShape(x.shape)})`);
  return mul(narrow(x, d, 0, n / 2), sigmoid(narrow(x, d, n / 2, n / 2)));
}

/** softmax(−x): the smallest entries get the largest weights. */
export function softmin(x: Tensor, dim: number): Tensor {
  return softmax(neg(x), dim);
}

/** leakyRelu with a learned slope: one for all channels, or one per channel (dim 1). */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  const n = weight.numel();
  const channels = x.ndim >= 2 ? x.shape[1]! : 1;
  if (n !== 1 && n !== channels) throw new ShapeError(`prelu: ${n} slopes for ${channels} channels (input shape ${fmtShape(x.shape)}); give 1 or one per channel`);
  const slope = n === 1 ? reshape(weight, []) : reshape(weight, [n, ...new Array<number>(Math.max(0, x.ndim - 2)).fill(1)]);
  return where(gt(x, 0), x, mul(x, slope));
}

/**
 * Randomised leaky ReLU (Xu et al.): in training each negative element's slope is drawn from
 * U(lower, upper); in evaluation the slope is their mean.
 */
export function rrelu(x: Tensor, lower = 1 / 8, upper = 1 / 3, training = false): Tensor {
  if (!(lower <= upper)) throw new ValueError(`rrelu: lower (${lower}) must not exceed upper (${upper})`);
  if (!training) return leakyRelu(x, (lower + upper) / 2);
  const slope = add(mul(rand(x.shape, { dtype: x.dtype, device: x.backend }), upper - lower), lower);
  return where(gt(x, 0), x, mul(x, slope));
}
