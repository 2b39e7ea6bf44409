/**
 * The connectionist temporal classification loss (PyTorch's ctc_loss): −log of the total
 * probability of every alignment of each target to its input frames, by the forward (α)
 * recursion over the extended target (blanks between and around the labels), in log space, one
 * whole-batch step per frame. Autograd through the recursion gives the gradient (PyTorch's
 * hand-written α-β backward computes the same). Log-probabilities of impossible paths are kept
 * at a large negative number rather than −∞, so no 0·∞ enters the gradient; a target that no
 * alignment reaches gets +∞ (or 0, with zeroInfinity), as PyTorch.
 */
import { isFloating } from "../base/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { full, tensor } from "../ops/creation.js";
import { cat, stack } from "../ops/movement.js";
import { where } from "../ops/elementwise.js";
import { refuseIfAny } from "../ops/deferred-check.js";
import { logsumexp } from "../ops/reduce.js";
import { reduce, type Reduction } from "./losses.js";

export interface CtcOptions {
  /** The blank label's class index (0 by default). */
  blank?: number;
  /** "mean" (PyTorch's default) divides each loss by its target length, then averages over the batch. */
  reduction?: Reduction;
  /** Infinite losses (targets no alignment can produce) and their gradients become 0. */
  zeroInfinity?: boolean;
}

/** Stands for log 0: exp underflows to 0, and differences stay finite. */
const NEG = -1e30;

const ints = (t: Tensor | readonly number[], what: string): number[] => {
  if (!Array.isArray(t) && (t as Tensor).dtype !== "int32") throw new DTypeError(`ctcLoss: ${what} must be int32, got ${(t as Tensor).dtype}`);
  return Array.isArray(t) ? [...t] : Array.from((t as Tensor).contiguous().dataSync());
};

/**
 * logProbs [T, N, C] (log-softmax outputs; [T, C] unbatched), targets [N, S] padded or 1-D
 * concatenated, inputLengths and targetLengths [N]: the loss per sequence, reduced.
 */
export function ctcLoss(
  logProbs: Tensor, targets: Tensor, inputLengths: Tensor | readonly number[], targetLengths: Tensor | readonly number[],
  { blank = 0, reduction = "mean", zeroInfinity = false }: CtcOptions = {},
): Tensor {
  if (!isFloating(logProbs.dtype)) throw new DTypeError(`ctcLoss: logProbs must be floating point, got ${logProbs.dtype}`);
  const unbatched = logProbs.ndim === 2;
  const lp = unbatched ? logProbs.unsqueeze(1) : logProbs;
  if (lp.ndim !== 3) throw new ShapeError(`ctcLoss: logProbs must be [T, N, C] or [T, C], got ${fmtShape(logProbs.shape)}`);
  const [T, N, C] = lp.shape as [number, number, number];
  if (!(Number.isInteger(blank) && blank >= 0 && blank < C)) throw new ValueError(`ctcLoss: blank ${blank} must be a class index in [0, ${C})`);
  const inLens = ints(inputLengths, "inputLengths");
  const tgLens = ints(targetLengths, "targetLengths");
  if (inLens.length !== N || tgLens.length !== N) throw new ShapeError(`ctcLoss: inputLengths and targetLengths need ${N} entries, got ${inLens.length} and ${tgLens.length}`);
  if (targets.dtype !== "int32") throw new DTypeError(`ctcLoss: targets must be int32, got ${targets.dtype}`);
  const padded = targets.ndim === 2;
  const rowLength = padded ? targets.shape[1]! : 0;
  // Where each sequence's labels sit in the flat targets (from the lengths, on the host); the
  // labels themselves stay on the device.
  const L = Math.max(0, ...tgLens);
  const labelAt = new Int32Array(N * L);
  const hasLabel = new Uint8Array(N * L);
  let at = 0;
  for (let n = 0; n < N; n++) {
    const len = tgLens[n]!;
    if (!(inLens[n]! >= 1 && inLens[n]! <= T)) throw new ValueError(`ctcLoss: input length ${inLens[n]} of sequence ${n} must be in [1, ${T}]`);
    if (padded && len > rowLength) throw new ValueError(`ctcLoss: target length ${len} of sequence ${n} exceeds the targets' ${rowLength} columns`);
    for (let j = 0; j < len; j++) [labelAt[n * L + j], hasLabel[n * L + j]] = [padded ? n * rowLength + j : at + j, 1];
    at += len;
  }
  if (!padded && at > targets.numel()) throw new ValueError(`ctcLoss: targets hold fewer labels than targetLengths sum to`);
  const device = lp.backend;
  const onDevice = (values: Int32Array | Uint8Array, dtype: "int32" | "bool", shape: number[]) => tensor(values, { dtype, shape, device });
  const present = onDevice(hasLabel, "bool", [N, L]);
  const read = L > 0 ? targets.reshape(-1).indexSelect(0, onDevice(labelAt, "int32", [N * L])).reshape([N, L]) : onDevice(new Int32Array(0), "int32", [N, 0]);
  const bad = present.logicalAnd(read.lt(0).logicalOr(read.ge(C)).logicalOr(read.eq(blank)));
  refuseIfAny(bad, `ctcLoss: target label {value} must be a class in [0, ${C}) other than blank ${blank}`, read.to("float32"));
  const labels = where(present.logicalAnd(bad.logicalNot()), read, blank); // [N, L]
  // The extended targets: blank, l1, blank, l2, …, blank (length 2S + 1, padded to the longest).
  const S = 2 * L + 1;
  const odd = onDevice(Uint8Array.from({ length: S }, (_, s) => s % 2), "bool", [1, S]);
  const valid = new Uint8Array(N * S);
  for (let n = 0; n < N; n++) valid.fill(1, n * S, n * S + 2 * tgLens[n]! + 1);
  const isValid = onDevice(valid, "bool", [N, S]);
  const half = onDevice(Int32Array.from({ length: S }, (_, s) => Math.max(0, (s - 1) >> 1)), "int32", [1, S]);
  const extIndex = L > 0 ? where(odd, labels.gather(1, half.expand(N, S)), blank) : full([N, S], blank, { dtype: "int32", device });
  // α may come from s − 2 at a label (odd s ≥ 3) that differs from the label before the blank.
  const differs = S > 2 ? cat([full([N, 2], 0, { dtype: "bool", device }), extIndex.narrow(1, 2, S - 2).ne(extIndex.narrow(1, 0, S - 2))], 1) : full([N, S], 0, { dtype: "bool", device });
  const canSkip = differs.logicalAnd(odd).logicalAnd(isValid);
  // Emissions: log p_t(ext[s]) for every frame, [T, N, S].
  const emit = lp.gather(2, extIndex.unsqueeze(0).expand(T, N, S)).clamp(NEG);
  const none = full([N, 1], NEG, { dtype: lp.dtype, device });
  const positions = tensor(Array.from({ length: S }, (_, s) => s), { dtype: "int32", device }).reshape([1, S]);
  // α₀: the first blank or the first label.
  let alpha = emit.select(0, 0).where(positions.lt(2).logicalAnd(isValid), NEG);
  const frames = tensor(inLens, { dtype: "int32", device }).reshape([N, 1]);
  for (let t = 1; t < T; t++) {
    const prev1 = cat([none, alpha.narrow(1, 0, S - 1)], 1);
    const prev2 = S > 2 ? cat([none, none, alpha.narrow(1, 0, S - 2)], 1).where(canSkip, NEG) : full([N, S], NEG, { dtype: lp.dtype, device });
    const next = logsumexp(stack([alpha, prev1, prev2], 2), 2).add(emit.select(0, t)).where(isValid, NEG);
    alpha = next.where(frames.gt(t), alpha); // sequences past their length keep their last α
  }
  // −log(α_T(2S_n) + α_T(2S_n − 1)), the two ends of each sequence's extended target.
  const last = tensor(tgLens.map((l) => 2 * l), { dtype: "int32", device }).reshape([N, 1]);
  const ends = stack([alpha.gather(1, last).squeeze(1), alpha.gather(1, last.sub(1).clamp(0)).squeeze(1).where(last.squeeze(1).gt(0), NEG)], 1);
  let losses = logsumexp(ends, 1).neg();
  const impossible = losses.detach().gt(-NEG / 2);
  losses = losses.where(impossible.logicalNot(), zeroInfinity ? 0 : Infinity);
  if (reduction === "mean") {
    const divisor = tensor(tgLens.map((l) => Math.max(l, 1)), { dtype: lp.dtype, device });
    return losses.div(divisor).mean();
  }
  const out = reduce(losses, reduction, "ctcLoss");
  return unbatched && reduction === "none" ? out.squeeze(0) : out;
}
