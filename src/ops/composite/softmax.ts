/** softmax and logSoftmax, composed from stable primitives (no backward of their own). */
import { isFloating } from "../../core/dtype.js";
import { normalizeDim } from "../../core/shape.js";
import type { Tensor } from "../../core/tensor.js";
import { cast, div, exp, sub } from "../elementwise.js";
import { amax, logsumexp, sum } from "../reduce.js";

function floating(x: Tensor): Tensor {
  return isFloating(x.dtype) ? x : cast(x, "float32");
}

export function softmax(x: Tensor, dim: number): Tensor {
  const xf = floating(x);
  const d = normalizeDim(dim, xf.ndim, "softmax");
  if (xf.ndim === 0) return exp(sub(xf, xf.detach())); // PyTorch: softmax of a scalar is 1
  const e = exp(sub(xf, amax(xf, d, true).detach()));
  return div(e, sum(e, d, true));
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const xf = floating(x);
  const d = normalizeDim(dim, xf.ndim, "logSoftmax");
  if (xf.ndim === 0) return sub(xf, xf);
  return sub(xf, logsumexp(xf, d, true));
}
