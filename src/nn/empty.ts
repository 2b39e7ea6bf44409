/** Uninitialised parameter storage for layers (resetParameters fills it right after). */
import type { DType } from "../base/dtype.js";
import type { Tensor } from "../ops/tensor.js";
import { zeros } from "../ops/creation.js";

export function empty(shape: readonly number[], dtype: DType = "float32"): Tensor {
  return zeros(shape, { dtype });
}
