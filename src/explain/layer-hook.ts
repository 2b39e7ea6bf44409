/**
 * Reaching inside a model at one layer (Captum's compute_layer_gradients_and_eval): capture a
 * layer's output, or replace it, during a forward pass — through nn.Module forward hooks, or by
 * wrapping a Keras layer's call.
 */
import type { Tensor } from "../ops/tensor.js";
import { grad } from "../autograd/backward.js";
import { enableGrad } from "../ops/grad-mode.js";
import { TensorgradError } from "../base/errors.js";
import { zerosLike } from "../ops/creation.js";
import { Module } from "../nn/module.js";
import { Layer } from "../keras/layer.js";
import { selectTarget, type ForwardFunc, type TargetOptions } from "./forward.js";

/** The layer an attribution is taken at: an nn.Module inside the model, or a Keras layer. */
export type LayerLike = Module | Layer;

/** Calls `onOutput` with the layer's output on every forward call (its result replaces the output); returns the undo. */
export function hookLayer(layer: LayerLike, onOutput: (output: Tensor) => Tensor | void): () => void {
  if (layer instanceof Module) {
    const handle = layer.registerForwardHook((_m, _args, out) => onOutput(out as Tensor));
    return () => handle.remove();
  }
  // A Keras layer is called through `call`: wrap it on the instance, and put back what was there.
  const own = Object.getOwnPropertyDescriptor(layer, "call");
  const call = layer.call;
  layer.call = (x: Tensor, training?: boolean) => {
    const out = call.call(layer, x, training);
    return onOutput(out) ?? out;
  };
  return () => {
    if (own) Object.defineProperty(layer, "call", own);
    else delete (layer as { call?: unknown }).call;
  };
}

/** Runs fn with the hook in place, always removing it. */
export function withLayerHook<T>(layer: LayerLike, onOutput: (output: Tensor) => Tensor | void, fn: () => T): T {
  const undo = hookLayer(layer, onOutput);
  try {
    return fn();
  } finally {
    undo();
  }
}

/**
 * The layer's output on `inputs` and the gradient of the explained outputs with respect to it. With
 * `replace`, the layer's output is replaced by that tensor (same shape) and the gradient is taken there.
 */
export function layerGradientAndOutput(
  forward: ForwardFunc,
  layer: LayerLike,
  inputs: Tensor,
  options: TargetOptions,
  method: string,
  replace?: Tensor,
): { output: Tensor; gradient: Tensor } {
  return enableGrad(() => {
    let captured: Tensor | null = null;
    const out = withLayerHook(
      layer,
      (o) => {
        if (captured) throw new TensorgradError(`${method}: the layer ran more than once in one forward pass; explain a layer that runs once`);
        captured = (replace ?? o).detach().requiresGrad_(true);
        return captured;
      },
      () => selectTarget(forward(inputs, ...(options.additionalForwardArgs ?? [])), options.target, method),
    );
    if (!captured) throw new TensorgradError(`${method}: the layer did not run during the model's forward pass`);
    const act = captured as Tensor;
    const [g] = grad(out.sum(), [act]);
    return { output: act.detach(), gradient: g ?? zerosLike(act) };
  });
}
