/**
 * The tape: each differentiable primitive run with grad enabled leaves a Node on its output, pointing
 * at its inputs. backward() walks these nodes (autograd/backward.ts). This file depends on core
 * and on the primitive names only, so the op layer can record without importing the rules.
 */
import type { Tensor } from "./tensor.js";
import type { PrimitiveAttrs, PrimitiveName } from "./primitives.js";
import { versionOf } from "../base/version.js";

export class Node<K extends PrimitiveName = PrimitiveName> {
  /** Cleared when the graph is released after backward, so saved tensors can be reclaimed. */
  inputs: readonly Tensor[];
  released = false;
  /** Storage versions of the inputs and output when recorded (see base/version.ts). */
  private readonly versions: number[];

  constructor(
    readonly prim: K,
    inputs: readonly Tensor[],
    readonly attrs: PrimitiveAttrs[K],
    /** The tensors this node produced (one, except for multi-output primitives such as split). */
    readonly outputs: readonly Tensor[],
  ) {
    this.inputs = inputs;
    this.versions = [...inputs, ...outputs].map((t) => versionOf(t.storage));
  }

  /** The (first) output; rules for exp, tanh, sqrt, … read it. */
  get output(): Tensor {
    return this.outputs[0]!;
  }

  /** The index of an input (or ≥ inputs.length for an output) overwritten in place since recording, or -1. */
  modifiedSinceRecorded(): number {
    return [...this.inputs, ...this.outputs].findIndex((t, i) => versionOf(t.storage) !== this.versions[i]);
  }

  /** PyTorch-style name shown in `grad_fn=<MulBackward0>`. */
  get name(): string {
    const p: string = this.prim;
    return `${p[0]!.toUpperCase()}${p.slice(1)}Backward0`;
  }
}
