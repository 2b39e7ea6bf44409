/**
 * Scaled dot-product attention (torch.nn.functional.scaled_dot_product_attention): one fused
 * primitive where the backend has the routine (the GPU's, which never stores the weights), else
 * composed of two products and a softmax. Either way dropout of the weights takes the same draws.
 */
import { DTypeError } from "../../base/errors.js";
import { isFloating } from "../../base/dtype.js";
import { broadcastShapes, numel } from "../../base/shape.js";
import type { Tensor } from "../../ops/tensor.js";
import { where } from "../../ops/elementwise.js";
import { lowerTriangle } from "../../ops/composite/arrange.js";
import { dropoutMask, fusedAttention, offersAttention, reserveDraws } from "../../ops/fused.js";
import { dropout as dropoutFn } from "./basic.js";

export { lowerTriangle };

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

/** softmax(q·kᵀ·scale + mask)·v over q [..., L, E], k [..., S, E], v [..., S, Ev]. */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  const p = opts.training === false ? 0 : (opts.dropoutP ?? 0);
  // The draws are reserved once, before either form runs, so that both take the same ones.
  let draws: [number, number] | null = null;
  if (p > 0 && p < 1) {
    const batch = broadcastShapes([q.shape.slice(0, -2), k.shape.slice(0, -2)], "scaledDotProductAttention");
    draws = reserveDraws(numel(batch) * q.shape[q.ndim - 2]! * k.shape[k.ndim - 2]!);
  }
  if (offersAttention(q.backend) && (p === 0 || draws)) {
    const out = fused(q, k, v, opts, p, draws);
    if (out) return out;
  }
  return attentionWeights(q, k, v, opts, draws)[0];
}

/**
 * The attention output and the (post-dropout) weights [..., L, S], composed. `draws`: the counters
 * reserved for dropout of the weights (null: take them here).
 */
export function attentionWeights(q: Tensor, k: Tensor, v: Tensor, { attnMask = null, dropoutP = 0, isCausal = false, scale = null, training = true }: AttentionOptions = {}, draws: [number, number] | null = null): [Tensor, Tensor] {
  const E = q.shape[q.ndim - 1]!;
  // The query is scaled before the product, as torch's multi_head_attention_forward does: it is
  // L·E elements where the scores are L·S, and E (a head's width) is usually the smaller.
  let scores = q.mul(scale ?? 1 / Math.sqrt(E)).matmul(k.transpose(-2, -1));
  const L = q.shape[q.ndim - 2]!;
  const S = k.shape[k.ndim - 2]!;
  if (isCausal) scores = where(lowerTriangle(L, S, q.backend), scores, -Infinity);
  if (attnMask) scores = isFloating(attnMask.dtype) ? scores.add(attnMask) : where(boolMask(attnMask), scores, -Infinity);
  let weights = scores.softmax(-1);
  if (draws) weights = dropoutMask(weights, dropoutP, false, draws);
  else if (dropoutP > 0 && training) weights = dropoutFn(weights, dropoutP, true);
  return [weights.matmul(v), weights];
}

function boolMask(mask: Tensor): Tensor {
  if (mask.dtype !== "bool") throw new DTypeError(`scaledDotProductAttention: attnMask must be bool or float, got ${mask.dtype}`);
  return mask;
}

/**
 * The fused form over [B, L, E]-shaped heads, or null where it does not apply: batch dims that
 * broadcast, a mask that needs its gradient, shapes the composed form will reject.
 */
function fused(q: Tensor, k: Tensor, v: Tensor, { attnMask = null, isCausal = false, scale = null }: AttentionOptions, p: number, draws: [number, number] | null): Tensor | null {
  if (q.ndim < 2 || k.ndim !== q.ndim || v.ndim !== q.ndim) return null;
  const batch = q.shape.slice(0, -2);
  const same = (t: Tensor) => t.shape.slice(0, -2).every((d, i) => d === batch[i]);
  const [L, E] = q.shape.slice(-2) as [number, number];
  const [S, Ev] = v.shape.slice(-2) as [number, number];
  if (!same(k) || !same(v) || k.shape[k.ndim - 2] !== S || k.shape[k.ndim - 1] !== E) return null;
  const B = numel(batch);
  let mask: Tensor | null = null;
  if (attnMask) {
    mask = isFloating(attnMask.dtype) ? attnMask : where(boolMask(attnMask), 0, -Infinity).to(q.dtype);
    if (mask.requiresGrad || mask.dtype !== q.dtype) return null;
    const full = [...batch, L, S];
    if (broadcastShapes([mask.shape, full], "scaledDotProductAttention").length !== full.length) return null;
    // One mask for every batch element stays [1, L, S]; one per element is laid out [B, L, S].
    const shared = mask.shape.slice(0, -2).every((d) => d === 1);
    mask = shared ? mask.reshape(mask.shape.slice(-2)).expand(1, L, S) : mask.expand(...full).reshape(B, L, S);
  }
  const out = fusedAttention(q.reshape(B, L, E), k.reshape(B, S, E), v.reshape(B, S, Ev), mask, scale ?? 1 / Math.sqrt(E), isCausal, p, draws);
  return out ? out.reshape(...batch, L, Ev) : null;
}
