/** Hook handles shared by tensors (gradient hooks) and modules (forward hooks), as PyTorch's. */
import type { Tensor } from "../ops/tensor.js";

/** Called with a tensor's gradient during backward; a returned tensor replaces it. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** What registering a hook returns: `handle.remove()` unregisters it (torch.utils.hooks.RemovableHandle). */
export class RemovableHandle {
  private removed = false;
  constructor(private readonly onRemove: () => void) {}

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.onRemove();
  }
}
