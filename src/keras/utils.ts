/** `keras.utils` and `keras.preprocessing.sequence`: the helpers Keras programs call by those names. */
import { DTypeError } from "../base/errors.js";
import { isFloating } from "../base/dtype.js";
import { Tensor } from "../ops/tensor.js";
import { tensor } from "../ops/creation.js";
import { oneHot } from "../ops/indexing.js";
import { padSequences } from "../data/text/sequences.js";

/** One-hot float32 rows for integer class labels (keras.utils.to_categorical). */
export function toCategorical(y: Tensor | readonly number[], numClasses?: number): Tensor {
  const labels = y instanceof Tensor ? y : tensor(y as number[], { dtype: "int32" });
  if (isFloating(labels.dtype) && labels.ne(labels.round()).sum().item() > 0) {
    throw new DTypeError("toCategorical: labels must be whole numbers (class indices)");
  }
  return oneHot(labels.int(), numClasses ?? -1).float();
}

export { padSequences };

/** keras.preprocessing.sequence.pad_sequences. */
export const sequence = { padSequences };
