/**
 * Variable-length batches. PyTorch packs sequences; here a PackedSequence keeps the padded tensor
 * with its lengths, and the recurrent layers mask by length, which gives PyTorch's results: padded
 * steps neither change the state nor produce output (they read as zeros).
 */
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { tensor } from "../../ops/creation.js";
import type { Backend } from "../../backend/backend.js";

export class PackedSequence {
  constructor(
    /** Time-major [T, N, …] padded data. */
    readonly data: Tensor,
    /** The length of each sequence in the batch. */
    readonly lengths: readonly number[],
  ) {}
}

/** Wraps a padded batch with its lengths (batchFirst: [N, T, …], else [T, N, …]). */
export function packPaddedSequence(
  input: Tensor,
  lengths: readonly number[] | Tensor,
  { batchFirst = false, enforceSorted = true }: { batchFirst?: boolean; enforceSorted?: boolean } = {},
): PackedSequence {
  const lens = Array.isArray(lengths) ? [...lengths] : Array.from((lengths as Tensor).dataSync());
  const data = batchFirst ? input.transpose(0, 1) : input;
  const [T, N] = data.shape as [number, number];
  if (lens.length !== N) throw new ShapeError(`packPaddedSequence: ${lens.length} lengths for a batch of ${N} (input shape ${fmtShape(input.shape)})`);
  if (lens.some((l) => !Number.isInteger(l) || l <= 0 || l > T)) {
    throw new ValueError(`packPaddedSequence: lengths must be integers in 1..${T}, got [${lens.join(", ")}]`);
  }
  if (enforceSorted && lens.some((l, i) => i > 0 && l > lens[i - 1]!)) {
    throw new ValueError("packPaddedSequence: lengths must be sorted in decreasing order (or pass enforceSorted: false)");
  }
  return new PackedSequence(data, lens);
}

/** Back to a padded tensor (zeros past each length) and the lengths. */
export function padPackedSequence(
  seq: PackedSequence,
  { batchFirst = false }: { batchFirst?: boolean } = {},
): [Tensor, number[]] {
  return [batchFirst ? seq.data.transpose(0, 1) : seq.data, [...seq.lengths]];
}

/** [T, N, 1] bool mask on `device`: true where step t < length of sequence n. */
export function lengthMask(lengths: readonly number[], steps: number, device: Backend): Tensor {
  const data = new Uint8Array(steps * lengths.length);
  for (let t = 0; t < steps; t++) lengths.forEach((l, n) => (data[t * lengths.length + n] = t < l ? 1 : 0));
  return tensor(data, { shape: [steps, lengths.length, 1], dtype: "bool", device });
}
