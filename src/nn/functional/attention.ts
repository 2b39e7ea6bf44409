/** Scaled dot-product attention (torch.nn.functional.scaled_dot_product_attention). */
import { DTypeError } from "../../base/errors.js";
import { isFloating } from "../../base/dtype.js";
import type { Tensor } from "../../ops/tensor.js";
import type { Backend } from "../../backend/backend.js";
import { arange } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { dropout as dropoutFn } from "./basic.js";

export interface AttentionOptions {
  /** bool: true where attention is allowed; float: added to the scores. Broadcasts to [..., L, S]. */
  attnMask?: Tensor | null;
  dropoutP?: number;
  isCausal?: boolean;
  /** Defaults to 1/√E. */
  scale?: number | null;
  /** Dropout is applied only in training (the layers pass their mode). */
  training?: boolean;
}

/** A [L, S] bool mask allowing query i to see keys j ≤ i (torch's ones(L, S).tril()), on `device`. */
export function lowerTriangle(L: number, S: number, device?: Backend): Tensor {
  const rows = arange(L, undefined, 1, { dtype: "int32", device }).unsqueeze(1);
  return rows.ge(arange(S, undefined, 1, { dtype: "int32", device }).unsqueeze(0));
}

/** softmax(q·kᵀ·scale + mask)·v over q [..., L, E], k [..., S, E], v [..., S, Ev]. */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  return attentionWeights(q, k, v, opts)[0];
}

/** The attention output and the (post-dropout) weights [..., L, S]. */
export function attentionWeights(q: Tensor, k: Tensor, v: Tensor, { attnMask = null, dropoutP = 0, isCausal = false, scale = null, training = true }: AttentionOptions = {}): [Tensor, Tensor] {
  const E = q.shape[q.ndim - 1]!;
  // The query is scaled before the product, as torch's multi_head_attention_forward does: it is
  // L·E elements where the scores are L·S, and E (a head's width) is usually the smaller.
  let scores = q.mul(scale ?? 1 / Math.sqrt(E)).matmul(k.transpose(-2, -1));
  const L = q.shape[q.ndim - 2]!;
  const S = k.shape[k.ndim - 2]!;
  if (isCausal) scores = where(lowerTriangle(L, S, q.backend), scores, -Infinity);
  if (attnMask) {
    if (attnMask.dtype === "bool") scores = where(attnMask, scores, -Infinity);
    else if (isFloating(attnMask.dtype)) scores = scores.add(attnMask);
    else throw new DTypeError(`scaledDotProductAttention: attnMask must be bool or float, got ${attnMask.dtype}`);
  }
  let weights = scores.softmax(-1);
  if (dropoutP > 0 && training) weights = dropoutFn(weights, dropoutP, true);
  return [weights.matmul(v), weights];
}
