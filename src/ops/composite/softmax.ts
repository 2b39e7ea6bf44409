/**
 * softmax and logSoftmax: one fused primitive on backends that offer it (along the last dim of
 * float32), otherwise composed from stable primitives.
 */
import { isFloating } from "../../base/dtype.js";
import { normalizeDim } from "../../base/shape.js";
import type { Tensor } from "../tensor.js";
import { cast, div, exp, sub } from "../elementwise.js";
import { amax, logsumexp, sum } from "../reduce.js";
import { tryApply } from "../dispatch.js";

function floating(x: Tensor): Tensor {
  return isFloating(x.dtype) ? x : cast(x, "float32");
}

/** The fused primitive (over rows: the dim must be the last) where the backend's routine takes x. */
function fused(x: Tensor, d: number, log: boolean): Tensor | null {
  return d === x.ndim - 1 ? tryApply("softmax", [x.contiguous()], { log }) : null;
}

export function softmax(x: Tensor, dim: number): Tensor {
  const xf = floating(x);
  const d = normalizeDim(dim, xf.ndim, "softmax");
  if (xf.ndim === 0) return exp(sub(xf, xf.detach())); // PyTorch: softmax of a scalar is 1
  const f = fused(xf, d, false);
  if (f) return f;
  const e = exp(sub(xf, amax(xf, d, true).detach()));
  return div(e, sum(e, d, true));
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const xf = floating(x);
  const d = normalizeDim(dim, xf.ndim, "logSoftmax");
  if (xf.ndim === 0) return sub(xf, xf);
  return fused(xf, d, true) ?? sub(xf, logsumexp(xf, d, true));
}
