/** Runs a primitive and, when gradients are wanted, records it on the tape. */
import { isFloating } from "../base/dtype.js";
import { TensorgradError } from "../base/errors.js";
import type { Tensor } from "./tensor.js";
import { isGradEnabled } from "./grad-mode.js";
import { Node } from "./tape.js";
import { FORWARD, type FusedPrimitive, type MultiOutputPrimitive, type PrimitiveAttrs, type PrimitiveInputs, type PrimitiveName } from "./primitives.js";

type SingleOutputPrimitive = Exclude<PrimitiveName, MultiOutputPrimitive | FusedPrimitive>;
type SingleOutputFused = Exclude<FusedPrimitive, MultiOutputPrimitive>;
type MultiOutputFused = Extract<FusedPrimitive, MultiOutputPrimitive>;

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

/** A primitive's forward, seen through the inputs and result its kind has. */
type ForwardOf<K extends PrimitiveName, R> = (inputs: PrimitiveInputs[K], attrs: PrimitiveAttrs[K]) => R;

export function apply<K extends SingleOutputPrimitive>(prim: K, inputs: PrimitiveInputs[K], attrs: PrimitiveAttrs[K]): Tensor {
  checkBackends(prim, inputs);
  const out = (FORWARD[prim] as ForwardOf<K, Tensor>)(inputs, attrs);
  record(prim, inputs, attrs, [out]);
  return out;
}

export function applyMulti<K extends Exclude<MultiOutputPrimitive, FusedPrimitive>>(prim: K, inputs: PrimitiveInputs[K], attrs: PrimitiveAttrs[K]): Tensor[] {
  checkBackends(prim, inputs);
  const outs = (FORWARD[prim] as ForwardOf<K, Tensor[]>)(inputs, attrs);
  if (outs.length) record(prim, inputs, attrs, outs);
  return outs;
}

/**
 * Runs a fused primitive where the backend's routine takes these inputs; null ("not here") where it
 * has none or declines them, and nothing is recorded: the caller composes the same maths.
 */
export function tryApply<K extends SingleOutputFused>(prim: K, inputs: PrimitiveInputs[K], attrs: PrimitiveAttrs[K]): Tensor | null {
  checkBackends(prim, inputs);
  const out = (FORWARD[prim] as ForwardOf<K, Tensor | null>)(inputs, attrs);
  if (out) record(prim, inputs, attrs, [out]);
  return out;
}

/** tryApply for the fused primitives with several outputs. */
export function tryApplyMulti<K extends MultiOutputFused>(prim: K, inputs: PrimitiveInputs[K], attrs: PrimitiveAttrs[K]): Tensor[] | null {
  checkBackends(prim, inputs);
  const outs = (FORWARD[prim] as ForwardOf<K, Tensor[] | null>)(inputs, attrs);
  if (outs) record(prim, inputs, attrs, outs);
  return outs;
}
