/**
 * multiHeadAttentionForward (torch.nn.functional.multi_head_attention_forward): the computation
 * behind MultiheadAttention on time-major [L, N, E] inputs — input projections (packed or
 * separate), the learned key/value bias rows and the zero-attention row, masks, attention and
 * the output projection — returning [output, weights (averaged over heads by default)].
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import { isFloating } from "../../base/dtype.js";
import type { Tensor } from "../../ops/tensor.js";
import { zeros } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { cat, pad } from "../../ops/movement.js";
import { attentionWeights, lowerTriangle, scaledDotProductAttention } from "./attention.js";
import { linear } from "./basic.js";

export interface MultiHeadAttentionOptions {
  training?: boolean;
  /** [N, S]: true (or −inf) marks keys to ignore. */
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  /** [L, S] or [N·heads, L, S]: bool true blocks a pair; float is added. */
  attnMask?: Tensor | null;
  /** Separate q/k/v projections (when key and value dims differ from the embedding's). */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  averageAttnWeights?: boolean;
  /** Without an attnMask, a causal mask. */
  isCausal?: boolean;
}

/** A PyTorch-style mask (bool true = blocked, or additive float) as an additive float mask. */
export function additiveMask(mask: Tensor, like: Tensor, what: string): Tensor {
  if (mask.dtype === "bool") return where(mask, -Infinity, zeros([], { dtype: like.dtype, device: like.backend }));
  if (isFloating(mask.dtype)) return mask.to(like.dtype);
  throw new DTypeError(`multiHeadAttentionForward: ${what} must be bool or float, got ${mask.dtype}`);
}

export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null, addZeroAttn: boolean,
  dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null, opts: MultiHeadAttentionOptions = {},
): [output: Tensor, weights: Tensor | null] {
  const { training = true, keyPaddingMask = null, needWeights = true, attnMask = null, useSeparateProjWeight = false, averageAttnWeights = true, isCausal = false } = opts;
  const unbatched = query.ndim === 2;
  const [q0, k0, v0] = unbatched ? [query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)] : [query, key, value]; // [L|S, N, ·]
  const [L, N, E] = q0.shape as [number, number, number];
  if (E !== embedDimToCheck) throw new ShapeError(`multiHeadAttentionForward: was expecting embedding dimension of ${embedDimToCheck}, but got ${E} (query ${fmtShape(query.shape)})`);
  if (E % numHeads !== 0) throw new ValueError(`multiHeadAttentionForward: embed_dim ${E} not divisible by num_heads ${numHeads}`);
  if (k0.shape[0] !== v0.shape[0] || k0.shape[1] !== N) throw new ShapeError(`multiHeadAttentionForward: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must match the query's batch and each other's length`);
  const H = numHeads;
  const D = E / H;
  let [wq, wk, wv]: (Tensor | null)[] = [null, null, null];
  if (useSeparateProjWeight) [wq, wk, wv] = [opts.qProjWeight ?? null, opts.kProjWeight ?? null, opts.vProjWeight ?? null];
  else if (inProjWeight) [wq, wk, wv] = inProjWeight.chunk(3, 0);
  if (!wq || !wk || !wv) throw new ValueError("multiHeadAttentionForward: give inProjWeight, or q/k/vProjWeight with useSeparateProjWeight");
  const [bq, bk, bv] = inProjBias ? inProjBias.chunk(3, 0) : [null, null, null];
  // A strided input (a batch-first tensor seen time-major) is made contiguous once, not once per
  // projection: self-attention passes one tensor three times.
  const dense = new Map<Tensor, Tensor>();
  const once = (t: Tensor) => dense.get(t) ?? dense.set(t, t.contiguous()).get(t)!;
  let q = linear(once(q0), wq, bq);
  let k = linear(once(k0), wk, bk);
  let v = linear(once(v0), wv, bv);
  let mask: Tensor | null = null;
  if (attnMask) {
    const m = additiveMask(attnMask, q, "attnMask");
    if (m.ndim === 2) mask = m.unsqueeze(0); // [1, L, S]
    else if (m.ndim === 3 && m.shape[0] === N * H) mask = m;
    else throw new ShapeError(`multiHeadAttentionForward: attnMask must be [L, S] or [N·heads, L, S], got ${fmtShape(attnMask.shape)}`);
  } else if (isCausal) {
    mask = additiveMask(lowerTriangle(L, k.shape[0]!, q.backend).logicalNot(), q, "attnMask").unsqueeze(0);
  }
  let kpm = keyPaddingMask ? (unbatched ? keyPaddingMask.unsqueeze(0) : keyPaddingMask) : null;
  const extendMasks = () => {
    if (mask) mask = pad(mask, [0, 1]);
    if (kpm) kpm = kpm.dtype === "bool" ? pad(kpm.int(), [0, 1]).bool() : pad(kpm, [0, 1]);
  };
  if (biasK || biasV) {
    if (!biasK || !biasV) throw new ValueError("multiHeadAttentionForward: biasK and biasV come together");
    k = cat([k, biasK.expand(1, N, E)], 0);
    v = cat([v, biasV.expand(1, N, E)], 0);
    extendMasks();
  }
  // [S, N, E] → [N·H, S, D]
  const heads = (t: Tensor) => t.reshape(t.shape[0]!, N * H, D).transpose(0, 1);
  let [qh, kh, vh] = [heads(q), heads(k), heads(v)];
  if (addZeroAttn) {
    kh = cat([kh, zeros([N * H, 1, D], { dtype: kh.dtype, device: kh.backend })], 1);
    vh = cat([vh, zeros([N * H, 1, D], { dtype: vh.dtype, device: vh.backend })], 1);
    extendMasks();
  }
  const S = kh.shape[1]!;
  if (kpm) {
    if (kpm.ndim !== 2 || kpm.shape[0] !== N || kpm.shape[1] !== S) throw new ShapeError(`multiHeadAttentionForward: keyPaddingMask must be [${N}, ${S - (addZeroAttn ? 1 : 0) - (biasK ? 1 : 0)}], got ${fmtShape(keyPaddingMask!.shape)}`);
    const add = additiveMask(kpm, qh, "keyPaddingMask").reshape(N, 1, 1, S).expand(N, H, 1, S).reshape(N * H, 1, S);
    mask = mask ? mask.add(add) : add;
  }
  // Without the weights to return, attention may run fused (the GPU's never stores them).
  const attention = { attnMask: mask, dropoutP, training };
  const [out, weights] = needWeights ? attentionWeights(qh, kh, vh, attention) : [scaledDotProductAttention(qh, kh, vh, attention), null];
  // The heads merge back in the query's layout, so a batch-first caller gets a contiguous [N, L, E]
  // when it transposes the time-major result back, and no later op copies it again.
  const batchMajor = !unbatched && q0.strides[1]! > q0.strides[0]!;
  let output = batchMajor
    ? linear(out.reshape(N, H, L, D).permute(0, 2, 1, 3).reshape(N, L, E), outProjWeight, outProjBias).transpose(0, 1)
    : linear(out.transpose(0, 1).reshape(L, N, E), outProjWeight, outProjBias); // [L, N, E]
  if (unbatched) output = output.squeeze(1);
  if (!needWeights) return [output, null];
  let w = weights!.reshape(N, H, L, S);
  w = averageAttnWeights ? w.mean(1) : w;
  if (unbatched) w = w.squeeze(0);
  return [output, w];
}
