/**
 * EmbeddingBag's functional form: the rows of each bag of ids reduced to one vector (sum, mean or
 * max) without materialising [bags, ids, dim], and the Gumbel-softmax sampler.
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { defaultGenerator, type Generator } from "../../base/rng.js";
import { arange, ones, rand, tensor, zeros } from "../../ops/creation.js";
import { floorDivide } from "../../ops/composite/math.js";
import { where } from "../../ops/elementwise.js";
import { cat } from "../../ops/movement.js";
import { bucketize } from "../../ops/composite/selection.js";
import { refuseIfAny } from "../../ops/deferred-check.js";
import { indexSelect, scatterReduce } from "../../ops/indexing.js";
import { indexAdd } from "../../ops/composite/index-ops.js";
import { softmax } from "../../ops/composite/softmax.js";

export type BagMode = "sum" | "mean" | "max";

export interface EmbeddingBagOptions {
  /** Where each bag starts in a 1-D input (a 2-D input's rows are the bags). */
  offsets?: Tensor | null;
  mode?: BagMode;
  /** One weight per id, multiplying its row (mode "sum" only). */
  perSampleWeights?: Tensor | null;
  /** offsets has a final entry: the end of the last bag (as PyTorch's include_last_offset). */
  includeLastOffset?: boolean;
  /** Ids equal to this contribute nothing and are not counted. */
  paddingIdx?: number | null;
}

/**
 * [bags, dim]: each bag's rows of weight reduced; an empty bag gives zeros, as PyTorch. Computed
 * on the ids' device without reading them: each id's bag comes from bucketing its position among
 * the offsets, and padding ids weigh 0 (as −∞ for max) instead of being left out.
 */
export function embeddingBag(input: Tensor, weight: Tensor, opts: EmbeddingBagOptions = {}): Tensor {
  const { offsets = null, mode = "mean", perSampleWeights = null, includeLastOffset = false, paddingIdx = null } = opts;
  if (input.dtype !== "int32") throw new DTypeError(`embeddingBag: input must be int32 ids, got ${input.dtype}`);
  if (!["sum", "mean", "max"].includes(mode)) throw new ValueError(`embeddingBag: mode must be sum, mean or max, got '${mode}'`);
  if (weight.ndim !== 2) throw new ShapeError(`embeddingBag: weight must be [num, dim], got ${fmtShape(weight.shape)}`);
  const device = input.backend;
  const n = input.numel();
  const positions = arange(n, undefined, 1, { dtype: "int32", device });
  let bagOf: Tensor;
  let bags: number;
  if (input.ndim === 2) {
    if (offsets) throw new ValueError("embeddingBag: offsets must be null for a 2-D input (each row is a bag)");
    const [B, L] = input.shape as [number, number];
    bags = B;
    bagOf = floorDivide(positions, Math.max(L, 1)).int();
  } else if (input.ndim === 1) {
    if (!offsets || offsets.ndim !== 1) throw new ValueError("embeddingBag: a 1-D input needs 1-D offsets (where each bag starts)");
    const starts = includeLastOffset && offsets.numel() > 0 ? offsets.narrow(0, 0, offsets.numel() - 1) : offsets;
    bags = starts.numel();
    if (bags > 0) {
      const values = starts.to("float32");
      refuseIfAny(starts.narrow(0, 0, 1).ne(0), "embeddingBag: offsets must start at 0, got {value}", values.narrow(0, 0, 1));
      const ends = cat([starts.narrow(0, 1, bags - 1), tensor([n], { dtype: starts.dtype, device })]);
      refuseIfAny(starts.gt(ends).logicalOr(ends.gt(n)), `embeddingBag: offsets must increase within the ${n} ids (offset {position} is {value})`, values);
    }
    bagOf = bags > 0 ? bucketize(positions, starts.int(), { right: true }).sub(1) : positions;
  } else throw new ShapeError(`embeddingBag: input must be 1-D (with offsets) or 2-D, got shape ${fmtShape(input.shape)}`);
  if (perSampleWeights && mode !== "sum") throw new ValueError(`embeddingBag: perSampleWeights is only supported for mode 'sum', got '${mode}'`);
  if (perSampleWeights && perSampleWeights.numel() !== n) throw new ShapeError(`embeddingBag: perSampleWeights must have one entry per id (${n}), got ${fmtShape(perSampleWeights.shape)}`);
  const dim = weight.shape[1]!;
  const base = zeros([bags, dim], { dtype: weight.dtype, device });
  if (bags === 0 || n === 0) return base;
  const ids = input.reshape(-1);
  const pad = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + weight.shape[0]! : paddingIdx;
  const kept = pad === null ? null : ids.ne(pad); // [n]
  let rows = indexSelect(weight, 0, ids, "embeddingBag"); // [n, dim]
  if (perSampleWeights) rows = rows.mul(perSampleWeights.reshape(-1).unsqueeze(1));
  const counts = indexAdd(zeros([bags], { dtype: weight.dtype, device }), 0, bagOf, kept ? kept.to(weight.dtype) : ones([n], { dtype: weight.dtype, device }));
  if (mode === "max") {
    const candidates = kept ? where(kept.unsqueeze(1), rows, -Infinity) : rows;
    const best = scatterReduce(base, 0, bagOf.unsqueeze(1).expand(n, dim), candidates, "amax", { includeSelf: false });
    return where(counts.gt(0).unsqueeze(1), best, 0); // a bag of padding only is empty
  }
  const sums = indexAdd(base, 0, bagOf, kept ? where(kept.unsqueeze(1), rows, 0) : rows);
  if (mode === "sum") return sums;
  return sums.div(counts.clamp(1).unsqueeze(1));
}

/**
 * A sample from the Gumbel-softmax (concrete) distribution over `dim`: softmax((logits + g)/τ)
 * with g ~ Gumbel(0, 1); `hard` returns one-hot vectors whose gradient is the soft sample's
 * (the straight-through estimator).
 */
export function gumbelSoftmax(logits: Tensor, { tau = 1, hard = false, dim = -1, generator }: { tau?: number; hard?: boolean; dim?: number; generator?: Generator } = {}): Tensor {
  if (!(tau > 0)) throw new ValueError(`gumbelSoftmax: tau must be positive, got ${tau}`);
  const u = rand([...logits.shape], { dtype: logits.dtype, device: logits.backend, generator: generator ?? defaultGenerator });
  const gumbels = u.mul(1 - 2 ** -24).add(2 ** -25).log().neg().log().neg(); // −log(−log U), U in (0, 1)
  const soft = softmax(logits.add(gumbels).div(tau), dim);
  if (!hard) return soft;
  const index = soft.argmax(dim, true);
  const oneHot = zeros([...logits.shape], { dtype: logits.dtype, device: logits.backend }).scatter(dim, index, 1);
  return oneHot.sub(soft.detach()).add(soft);
}
