/**
 * multinomial for a backend whose reads are asynchronous (the GPU), with no read: with replacement
 * each draw is a binary search of the row's cumulative weights at a uniform point of its total;
 * without replacement the samples are the top numSamples of log w + Gumbel noise (the Gumbel-top-k
 * trick, which draws without replacement in proportion to the weights). The checks of the host
 * form become deferred ones (deferred-check.ts). Its draws come from the generator as uniform
 * tensors, so a seed gives other samples than the host's sequential draws, as PyTorch's CUDA
 * sampler gives other samples than its CPU one.
 */
import type { Generator } from "../../base/rng.js";
import type { Tensor } from "../tensor.js";
import { rand } from "../creation.js";
import { refuseIfAny } from "../deferred-check.js";
import { topk } from "../sorting.js";
import { cumsum } from "./scans.js";
import { searchsorted } from "./selection.js";

/** weights [rows, n] → int32 [rows, numSamples] on their device. */
export function multinomialOnDevice(w: Tensor, numSamples: number, replacement: boolean, generator: Generator): Tensor {
  const [rows, n] = w.shape as [number, number];
  const device = w.backend;
  refuseIfAny(w.isfinite().logicalAnd(w.ge(0)).logicalNot(), "multinomial: weights must be finite and non-negative, got {value}", w);
  refuseIfAny(w.sum(1).le(0), "multinomial: row {index} has weights summing to 0");
  if (!replacement) {
    refuseIfAny(w.gt(0).sum(1).lt(numSamples), `multinomial: row {index} has fewer non-zero weights than the ${numSamples} samples asked for without replacement`);
    const u = rand([rows, n], { generator, dtype: w.dtype, device }).mul(1 - 2 ** -24).add(2 ** -25); // in (0, 1)
    const keys = w.log().sub(u.log().neg().log()); // log w + Gumbel; −∞ for a zero weight
    return topk(keys, numSamples, 1).indices.int();
  }
  const cdf = cumsum(w, 1);
  const points = rand([rows, numSamples], { generator, dtype: w.dtype, device }).mul(cdf.narrow(1, n - 1, 1));
  // The first category whose cumulative weight exceeds the point: never one of weight 0.
  return searchsorted(cdf, points, { right: true }).clamp(undefined, n - 1).int();
}
