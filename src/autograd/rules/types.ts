/** The shape of a gradient rule (a vector–Jacobian product) for one primitive. */
import type { Tensor } from "../../ops/tensor.js";
import type { MultiOutputPrimitive, PrimitiveAttrs, PrimitiveInputs, PrimitiveName, PrimitiveOutputs } from "../../ops/primitives.js";

export interface RuleContext<K extends PrimitiveName> {
  readonly inputs: PrimitiveInputs[K];
  /** The (first) output. */
  readonly output: Tensor;
  readonly outputs: PrimitiveOutputs[K];
  readonly attrs: PrimitiveAttrs[K];
  /** needsGrad[i]: whether input i wants a gradient; rules may skip (return null for) the others. */
  readonly needsGrad: readonly boolean[];
}

/**
 * Given the gradient g of the output, the gradients of the inputs (null where none flows).
 * `null` instead of a function marks a primitive whose output is never differentiable (bool or int).
 */
export type VjpRule<K extends PrimitiveName> = ((g: Tensor, ctx: RuleContext<K>) => (Tensor | null)[]) | null;

/** For multi-output primitives: the gradient of each output (null where none flowed). */
export type MultiVjpRule<K extends PrimitiveName> = ((gs: (Tensor | null)[], ctx: RuleContext<K>) => (Tensor | null)[]) | null;

/** A family's rules: exactly its primitives, each with a rule. */
export type RuleTable<Names extends PrimitiveName> = {
  [K in Names]: K extends MultiOutputPrimitive ? MultiVjpRule<K> : VjpRule<K>;
};
