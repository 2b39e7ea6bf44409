/** Runs a primitive and, when gradients are wanted, records it on the tape. */
import { isFloating } from "../base/dtype.js";
import { TensorgradError } from "../base/errors.js";
import type { Tensor } from "./tensor.js";
import { isGradEnabled } from "./grad-mode.js";
import { Node } from "./tape.js";
import { FORWARD, type MultiOutputPrimitive, type PrimitiveAttrs, type PrimitiveName } from "./primitives.js";

type SingleOutputPrimitive = Exclude<PrimitiveName, MultiOutputPrimitive>;

function checkBackends(prim: string, inputs: readonly Tensor[]): void {
  const backend = inputs[0]!.backend;
  for (const t of inputs) {
    if (t.backend !== backend) {
      throw new TensorgradError(
        `${prim}: tensors live on different backends ('${backend.name}' and '${t.backend.name}'); move them with .toBackend()`,
      );
    }
  }
}

/** Records a node for outputs that can carry gradients (float outputs of inputs that require grad). */
function record<K extends PrimitiveName>(prim: K, inputs: readonly Tensor[], attrs: PrimitiveAttrs[K], outputs: Tensor[]): void {
  // Only float outputs carry gradients: comparisons, argmax and integer casts end the graph.
  if (isFloating(outputs[0]!.dtype) && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    const node = new Node(prim, inputs, attrs, outputs);
    for (const out of outputs) out.gradFn = node;
  }
}

export function apply<K extends SingleOutputPrimitive>(prim: K, inputs: readonly Tensor[], attrs: PrimitiveAttrs[K]): Tensor {
  checkBackends(prim, inputs);
  const out = (FORWARD[prim] as (i: readonly Tensor[], a: PrimitiveAttrs[K]) => Tensor)(inputs, attrs);
  record(prim, inputs, attrs, [out]);
  return out;
}

export function applyMulti<K extends MultiOutputPrimitive>(prim: K, inputs: readonly Tensor[], attrs: PrimitiveAttrs[K]): Tensor[] {
  checkBackends(prim, inputs);
  const outs = FORWARD[prim](inputs, attrs);
  if (outs.length) record(prim, inputs, attrs, outs);
  return outs;
}
