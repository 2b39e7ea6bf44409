/** Runs a primitive and, when gradients are wanted, records it on the tape. */
import { isFloating } from "../core/dtype.js";
import { TensorgradError } from "../core/errors.js";
import type { Tensor } from "../core/tensor.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { Node } from "../autograd/tape.js";
import { FORWARD, type PrimitiveAttrs, type PrimitiveName } from "./primitives.js";

export function apply<K extends PrimitiveName>(prim: K, inputs: readonly Tensor[], attrs: PrimitiveAttrs[K]): Tensor {
  const backend = inputs[0]!.backend;
  for (const t of inputs) {
    if (t.backend !== backend) {
      throw new TensorgradError(
        `${prim}: tensors live on different backends ('${backend.name}' and '${t.backend.name}'); move them with .toBackend()`,
      );
    }
  }
  const out = (FORWARD[prim] as (i: readonly Tensor[], a: PrimitiveAttrs[K]) => Tensor)(inputs, attrs);
  // Only float outputs carry gradients: comparisons, argmax and integer casts end the graph.
  if (isFloating(out.dtype) && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out.gradFn = new Node(prim, inputs, attrs, out);
  }
  return out;
}
