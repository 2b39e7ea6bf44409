/**
 * Masked modelling: BERT's token masking for masked language models and its loss on the chosen
 * tokens, and MAE's random patch masking with its patchify / loss-on-masked-patches helpers.
 */
import type { Tensor } from "../ops/tensor.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { defaultGenerator, type Generator } from "../base/rng.js";
import { arange, rand, randint } from "../ops/creation.js";
import { where } from "../ops/elementwise.js";
import { crossEntropy } from "../nn/losses.js";

export interface MaskTokensOptions {
  /** The vocabulary size (random replacements are drawn from 0 … vocabSize − 1). */
  vocabSize: number;
  maskTokenId: number;
  /** The share of tokens chosen for prediction (default 0.15). */
  mlmProbability?: number;
  /** true where a token must never be chosen (padding, [CLS], [SEP]). */
  specialTokensMask?: Tensor | null;
  generator?: Generator;
}

/**
 * Hugging Face's DataCollatorForLanguageModeling: each (non-special) token is chosen with
 * mlmProbability; of the chosen, 80% become the mask token, 10% a random token, 10% stay. Labels
 * hold the original ids at chosen positions and −100 elsewhere (cross-entropy's ignoreIndex).
 */
export function maskTokens(inputIds: Tensor, o: MaskTokensOptions): { inputIds: Tensor; labels: Tensor } {
  const { mlmProbability = 0.15, generator = defaultGenerator } = o;
  if (inputIds.dtype !== "int32") throw new DTypeError(`maskTokens: token ids must be int32, got ${inputIds.dtype}`);
  if (!(mlmProbability >= 0 && mlmProbability <= 1)) throw new ValueError(`maskTokens: mlmProbability must be in [0, 1], got ${mlmProbability}`);
  if (!Number.isInteger(o.vocabSize) || o.vocabSize < 1) throw new ValueError(`maskTokens: vocabSize must be a positive integer, got ${o.vocabSize}`);
  if (o.specialTokensMask && o.specialTokensMask.shape.join() !== inputIds.shape.join()) {
    throw new ShapeError(`maskTokens: specialTokensMask ${fmtShape(o.specialTokensMask.shape)} must match the ids ${fmtShape(inputIds.shape)}`);
  }
  const shape = [...inputIds.shape];
  const device = inputIds.backend;
  const draw = (p: number) => rand(shape, { generator, device }).lt(p);
  let chosen = draw(mlmProbability);
  if (o.specialTokensMask) chosen = chosen.logicalAnd(o.specialTokensMask.logicalNot());
  const labels = where(chosen, inputIds, -100);
  const masked = draw(0.8).logicalAnd(chosen);
  const randomised = draw(0.5).logicalAnd(chosen).logicalAnd(masked.logicalNot());
  let ids = where(masked, o.maskTokenId, inputIds);
  ids = where(randomised, randint(0, o.vocabSize, shape, { dtype: "int32", generator, device }), ids);
  return { inputIds: ids.to("int32"), labels: labels.to("int32") };
}

/**
 * MAE's random masking (He et al. 2022): per example, keep a random (1 − maskRatio) of the L tokens
 * (N, L, D). Returns the kept tokens in shuffled order, the mask (N, L: 0 kept, 1 removed, in the
 * original order) and the indices that undo the shuffle.
 */
export function randomMasking(x: Tensor, maskRatio = 0.75, { generator = defaultGenerator }: { generator?: Generator } = {}): { kept: Tensor; mask: Tensor; idsRestore: Tensor } {
  if (x.ndim !== 3) throw new ShapeError(`randomMasking: expected (N, L, D) tokens, got ${fmtShape(x.shape)}`);
  if (!(maskRatio >= 0 && maskRatio < 1)) throw new ValueError(`randomMasking: maskRatio must be in [0, 1), got ${maskRatio}`);
  const [n, l, d] = x.shape as [number, number, number];
  const keep = Math.round(l * (1 - maskRatio)); // MAE: int(L * (1 − ratio))
  const noise = rand([n, l], { generator, device: x.backend });
  const idsShuffle = noise.argsort(1);
  const idsRestore = idsShuffle.argsort(1);
  const idsKeep = idsShuffle.narrow(1, 0, keep);
  const kept = x.gather(1, idsKeep.unsqueeze(-1).expand([n, keep, d]));
  // Removed = position ≥ keep in the shuffled order; idsRestore puts it back in the original order.
  const removed = arange(l, undefined, 1, { dtype: "int32", device: x.backend }).ge(keep).to(x.dtype).unsqueeze(0).expand([n, l]);
  const mask = removed.gather(1, idsRestore);
  return { kept, mask, idsRestore };
}

/** (N, C, H, W) images → (N, L, p²·C) patches in row-major patch order (MAE's patchify). */
export function patchify(images: Tensor, patchSize: number): Tensor {
  if (images.ndim !== 4) throw new ShapeError(`patchify: expected (N, C, H, W) images, got ${fmtShape(images.shape)}`);
  const [n, c, h, w] = images.shape as [number, number, number, number];
  if (h % patchSize || w % patchSize) throw new ShapeError(`patchify: ${h}×${w} images do not split into ${patchSize}×${patchSize} patches`);
  const [gh, gw] = [h / patchSize, w / patchSize];
  return images.reshape([n, c, gh, patchSize, gw, patchSize]).permute([0, 2, 4, 3, 5, 1]).reshape([n, gh * gw, patchSize * patchSize * c]);
}

/**
 * MAE's loss: the mean squared error per patch, averaged over the removed patches only. With
 * normPixLoss each target patch is standardised by its own mean and variance first.
 */
export function maskedPatchLoss(prediction: Tensor, target: Tensor, mask: Tensor, { normPixLoss = false }: { normPixLoss?: boolean } = {}): Tensor {
  if (prediction.shape.join() !== target.shape.join()) throw new ShapeError(`maskedPatchLoss: prediction ${fmtShape(prediction.shape)} and target ${fmtShape(target.shape)} differ`);
  let t = target;
  if (normPixLoss) {
    const mean = t.mean(-1, true);
    const variance = t.var(-1, true, true);
    t = t.sub(mean).div(variance.add(1e-6).sqrt());
  }
  const perPatch = prediction.sub(t).square().mean(-1); // (N, L)
  return perPatch.mul(mask).sum().div(mask.sum());
}

/**
 * BERT's masked-language-model loss: cross-entropy of the vocabulary logits at the chosen positions
 * only (labels ≠ −100), equal to crossEntropy(decoder(hidden), labels, {ignoreIndex: −100}). The
 * hidden states (N, T, D) are gathered at those positions before the decoder runs: with 15% chosen
 * the vocabulary-sized projection costs 15% of its full price, which dominates a small encoder's step.
 */
export function mlmLoss(hidden: Tensor, labels: Tensor, decoder: (h: Tensor) => Tensor): Tensor {
  if (hidden.ndim !== 3) throw new ShapeError(`mlmLoss: expected hidden states (N, T, D), got ${fmtShape(hidden.shape)}`);
  if (labels.shape.join() !== hidden.shape.slice(0, 2).join()) throw new ShapeError(`mlmLoss: labels ${fmtShape(labels.shape)} must be the hidden states' (N, T) ${fmtShape(hidden.shape.slice(0, 2))}`);
  if (labels.dtype !== "int32") throw new DTypeError(`mlmLoss: labels must be int32, got ${labels.dtype}`);
  const flat = labels.reshape([-1]);
  const chosen = flat.ne(-100).nonzero().reshape([-1]);
  if (chosen.shape[0] === 0) throw new ValueError("mlmLoss: no position is chosen (every label is −100)");
  const h = hidden.reshape([-1, hidden.shape[2]!]).indexSelect(0, chosen);
  return crossEntropy(decoder(h), flat.indexSelect(0, chosen));
}
