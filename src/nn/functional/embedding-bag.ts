/**
 * EmbeddingBag's functional form: the rows of each bag of ids reduced to one vector (sum, mean or
 * max) without materialising [bags, ids, dim], and the Gumbel-softmax sampler.
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { defaultGenerator, type Generator } from "../../base/rng.js";
import { rand, tensor, zeros } from "../../ops/creation.js";
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

/** [bags, dim]: each bag's rows of weight reduced; an empty bag gives zeros, as PyTorch. */
export function embeddingBag(input: Tensor, weight: Tensor, opts: EmbeddingBagOptions = {}): Tensor {
  const { offsets = null, mode = "mean", perSampleWeights = null, includeLastOffset = false, paddingIdx = null } = opts;
  if (input.dtype !== "int32") throw new DTypeError(`embeddingBag: input must be int32 ids, got ${input.dtype}`);
  if (!["sum", "mean", "max"].includes(mode)) throw new ValueError(`embeddingBag: mode must be sum, mean or max, got '${mode}'`);
  if (weight.ndim !== 2) throw new ShapeError(`embeddingBag: weight must be [num, dim], got ${fmtShape(weight.shape)}`);
  const ids = input.contiguous().dataSync();
  let bagOf: Int32Array;
  let bags: number;
  if (input.ndim === 2) {
    if (offsets) throw new ValueError("embeddingBag: offsets must be null for a 2-D input (each row is a bag)");
    const [B, L] = input.shape as [number, number];
    bags = B;
    bagOf = Int32Array.from({ length: B * L }, (_, i) => Math.floor(i / L));
  } else if (input.ndim === 1) {
    if (!offsets || offsets.ndim !== 1) throw new ValueError("embeddingBag: a 1-D input needs 1-D offsets (where each bag starts)");
    const starts = Array.from(offsets.contiguous().dataSync());
    if (starts.length && starts[0] !== 0) throw new ValueError(`embeddingBag: offsets must start at 0, got ${starts[0]}`);
    if (includeLastOffset && starts.length) starts.pop();
    bags = starts.length;
    const ends = [...starts.slice(1), ids.length];
    bagOf = new Int32Array(ids.length);
    for (let b = 0; b < bags; b++) {
      if (!(starts[b]! <= ends[b]! && ends[b]! <= ids.length)) throw new ValueError(`embeddingBag: offsets must increase within the ${ids.length} ids, got ${starts.join(", ")}`);
      for (let i = starts[b]!; i < ends[b]!; i++) bagOf[i] = b;
    }
  } else throw new ShapeError(`embeddingBag: input must be 1-D (with offsets) or 2-D, got shape ${fmtShape(input.shape)}`);
  if (perSampleWeights && mode !== "sum") throw new ValueError(`embeddingBag: perSampleWeights is only supported for mode 'sum', got '${mode}'`);
  if (perSampleWeights && perSampleWeights.numel() !== ids.length) throw new ShapeError(`embeddingBag: perSampleWeights must have one entry per id (${ids.length}), got ${fmtShape(perSampleWeights.shape)}`);
  const pad = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + weight.shape[0]! : paddingIdx;
  const keep: number[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i] !== pad) keep.push(i);
  const kept = tensor(keep, { dtype: "int32" });
  const rowsIds = indexSelect(input.reshape(-1), 0, kept);
  let rows = indexSelect(weight, 0, rowsIds, "embeddingBag"); // [kept, dim]
  if (perSampleWeights) rows = rows.mul(indexSelect(perSampleWeights.reshape(-1), 0, kept).unsqueeze(1));
  const bagIndex = tensor(keep.map((i) => bagOf[i]!), { dtype: "int32" });
  const dim = weight.shape[1]!;
  const base = zeros([bags, dim], { dtype: weight.dtype });
  if (mode === "max") {
    return scatterReduce(base, 0, bagIndex.unsqueeze(1).expand(keep.length, dim), rows, "amax", { includeSelf: false });
  }
  const sums = indexAdd(base, 0, bagIndex, rows);
  if (mode === "sum") return sums;
  const counts = new Float64Array(bags);
  for (const i of keep) counts[bagOf[i]!]!++;
  return sums.div(tensor(Array.from(counts, (c) => Math.max(c, 1)), { dtype: weight.dtype }).unsqueeze(1));
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
  const oneHot = zeros([...logits.shape], { dtype: logits.dtype }).scatter(dim, index, 1);
  return oneHot.sub(soft.detach()).add(soft);
}
