/**
 * Module backward hooks (PyTorch's register_full_backward_hook and register_full_backward_pre_hook)
 * on tensor hooks: the inputs that need gradients and the outputs pass through identity views whose
 * gradient hooks see the gradients with respect to the module's inputs and outputs.
 */
import { AutogradError } from "../base/errors.js";
import { Tensor } from "../ops/tensor.js";
import { isGradEnabled } from "../ops/grad-mode.js";
import { keep } from "../base/scope.js";

/** hook(module, gradInput, gradOutput): may return replacements for gradInput. */
export type BackwardHook<M> = (module: M, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;
/** hook(module, gradOutput): may return replacements for gradOutput, before the module's own backward. */
export type BackwardPreHook<M> = (module: M, gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;

const isTensor = (v: unknown): v is Tensor => v instanceof Tensor;

/**
 * Runs forward(args) so that the module's backward hooks fire during backward: the tensor inputs
 * needing gradients and the tensor outputs are passed through identity views carrying the hooks.
 */
export function withBackwardHooks<M>(module: M, args: unknown[], forward: (args: unknown[]) => unknown, hooks: BackwardHook<M>[], preHooks: BackwardPreHook<M>[]): unknown {
  if (!isGradEnabled() || (hooks.length === 0 && preHooks.length === 0)) return forward(args);
  const inputPositions = args.map((a, i) => (isTensor(a) && a.requiresGrad ? i : -1)).filter((i) => i >= 0);
  const wrappedArgs = args.map((a, i) => (inputPositions.includes(i) ? (a as Tensor).view([...(a as Tensor).shape]) : a));
  const out = forward(wrappedArgs);
  const outputs = Array.isArray(out) ? (out as unknown[]) : [out];
  const outIndices = outputs.map((o, i) => (isTensor(o) && o.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (outIndices.length === 0) return out;

  const gradOutputs: (Tensor | null)[] = outputs.map(() => null);
  const gradInputs: (Tensor | null)[] = args.map(() => null);
  let outputsLeft = outIndices.length;
  let inputsLeft = inputPositions.length;
  const fire = (): (Tensor | null)[] | void => {
    let replaced: (Tensor | null)[] | void = undefined;
    for (const hook of hooks) {
      // The gradients outlive the backward pass's scope: a hook may keep them.
      const r = hook(module, gradInputs.map((t) => t && keep(t)), gradOutputs.map((t) => t && keep(t)));
      if (r) replaced = r;
    }
    return replaced;
  };

  const wrappedOutputs = outputs.map((o, i) => {
    if (!outIndices.includes(i)) return o;
    const view = (o as Tensor).view([...(o as Tensor).shape]);
    view.registerHook((g) => {
      gradOutputs[i] = g;
      if (--outputsLeft > 0) return undefined;
      let result = g;
      for (const pre of preHooks) {
        const r = pre(module, gradOutputs.map((t) => t && keep(t)));
        if (r) {
          r.forEach((t, k) => (gradOutputs[k] = t));
          result = r[i] ?? result;
        }
      }
      // No input needs a gradient: the hook sees the output gradients alone, as PyTorch's.
      if (inputPositions.length === 0) fire();
      return result;
    });
    return view;
  });

  inputPositions.forEach((pos) => {
    (wrappedArgs[pos] as Tensor).registerHook((g) => {
      gradInputs[pos] = g;
      if (--inputsLeft > 0) return undefined;
      const replaced = fire();
      if (!replaced) return undefined;
      if (inputPositions.length > 1) {
        throw new AutogradError("backward hook: replacing gradInput is supported for modules with one input that needs a gradient; this one has several");
      }
      return replaced[pos] ?? undefined;
    });
  });
  return Array.isArray(out) ? wrappedOutputs : wrappedOutputs[0];
}
