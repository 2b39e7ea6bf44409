/** nn.Parameter: a leaf tensor that a Module registers as trainable. */
import { Tensor } from "../ops/tensor.js";

export class Parameter extends Tensor {
  /** Wraps data's storage (no copy) as a leaf; requiresGrad defaults to true, as in PyTorch. */
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
