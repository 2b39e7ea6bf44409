/**
 * tg.nn.utils.rnn — torch.nn.utils.rnn's helpers for lists of variable-length sequences:
 * padSequence / unpadSequence, packSequence / unpackSequence, with the packing helpers of the
 * recurrent layers (packPaddedSequence, padPackedSequence, PackedSequence).
 */
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import { pad, stack } from "../ops/movement.js";
import { PackedSequence, packPaddedSequence, padPackedSequence } from "./layers/packed.js";

export { PackedSequence, packPaddedSequence, padPackedSequence };

/**
 * Stacks sequences [Lᵢ, …] into one padded tensor [maxL, N, …] (or [N, maxL, …] with batchFirst),
 * padding with paddingValue on the right (or the left with paddingSide: "left").
 */
export function padSequence(
  sequences: readonly Tensor[],
  { batchFirst = false, paddingValue = 0, paddingSide = "right" }: { batchFirst?: boolean; paddingValue?: number; paddingSide?: "right" | "left" } = {},
): Tensor {
  if (sequences.length === 0) throw new ValueError("padSequence: needs at least one sequence");
  if (paddingSide !== "right" && paddingSide !== "left") throw new ValueError(`padSequence: paddingSide must be 'right' or 'left', got '${paddingSide}'`);
  const trailing = sequences[0]!.shape.slice(1);
  for (const s of sequences) {
    if (s.ndim === 0 || s.shape.slice(1).some((d, i) => d !== trailing[i]) || s.ndim !== trailing.length + 1) {
      throw new ShapeError(`padSequence: every sequence must be [L, ${trailing.join(", ")}], got ${fmtShape(s.shape)}`);
    }
  }
  const longest = Math.max(...sequences.map((s) => s.shape[0]!));
  const padded = sequences.map((s) => {
    const missing = longest - s.shape[0]!;
    if (missing === 0) return s;
    const amounts = [...trailing.flatMap(() => [0, 0]), ...(paddingSide === "right" ? [0, missing] : [missing, 0])];
    return pad(s, amounts, paddingValue);
  });
  return stack(padded, batchFirst ? 0 : 1);
}

/** The sequences back out of a padded batch, each cut to its length. */
export function unpadSequence(padded: Tensor, lengths: readonly number[] | Tensor, { batchFirst = false }: { batchFirst?: boolean } = {}): Tensor[] {
  const lens = Array.isArray(lengths) ? [...lengths] : Array.from((lengths as Tensor).contiguous().dataSync());
  const batch = batchFirst ? padded : padded.transpose(0, 1);
  if (lens.length !== batch.shape[0]) throw new ShapeError(`unpadSequence: ${lens.length} lengths for a batch of ${batch.shape[0]}`);
  return lens.map((l, i) => batch.select(0, i).narrow(0, 0, l));
}

/** Packs a list of sequences (sorted by decreasing length unless enforceSorted is false). */
export function packSequence(sequences: readonly Tensor[], { enforceSorted = true }: { enforceSorted?: boolean } = {}): PackedSequence {
  return packPaddedSequence(padSequence(sequences), sequences.map((s) => s.shape[0]!), { enforceSorted });
}

/** The list of sequences a PackedSequence holds. */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packed);
  return unpadSequence(padded, lengths);
}

