/**
 * Attributions at a hidden layer (Captum's layer methods): Grad-CAM and guided Grad-CAM,
 * conductance, integrated gradients with respect to a layer's output (for embeddings), activations.
 */
import { Tensor } from "../ops/tensor.js";
import { fullLike } from "../ops/creation.js";
import { noGrad } from "../ops/grad-mode.js";
import { ShapeError, fmtShape } from "../base/errors.js";
import { cat } from "../ops/movement.js";
import { interpolate } from "../nn/functional/pooling.js";
import type { Module } from "../nn/module.js";
import { quadrature, type ApproximationMethod } from "./approximation.js";
import { Attribution, expandBaselines, tileArgs, tileTarget, weightedCopySum, type Baselines, type Explainable, type TargetOptions } from "./forward.js";
import { GuidedBackprop } from "./gradient.js";
import { layerGradientAndOutput, withLayerHook, type LayerLike } from "./layer-hook.js";

abstract class LayerAttribution extends Attribution {
  constructor(
    model: Explainable,
    readonly layer: LayerLike,
  ) {
    super(model);
  }

  /** The layer's output for the inputs (no gradients). */
  protected activation(inputs: Tensor, options: TargetOptions): Tensor {
    let out: Tensor | null = null;
    noGrad(() => withLayerHook(this.layer, (o) => void (out = o.detach()), () => this.forward(inputs, ...(options.additionalForwardArgs ?? []))));
    return out!;
  }
}

/** Captum's LayerAttribution.interpolate: resize (N, C, H, W) attributions to an input's (H, W). */
export function interpolateAttribution(attributions: Tensor, size: readonly [number, number], mode: "nearest" | "bilinear" = "nearest"): Tensor {
  if (attributions.ndim !== 4) throw new ShapeError(`interpolateAttribution: expected (N, C, H, W) attributions, got ${fmtShape(attributions.shape)}`);
  return interpolate(attributions, { size: [size[0], size[1]], mode });
}

/** The layer's output itself (Captum's LayerActivation). */
export class LayerActivation extends LayerAttribution {
  attribute(inputs: Tensor, options: Omit<TargetOptions, "target"> = {}): Tensor {
    return this.activation(inputs, options);
  }
}

export interface LayerGradCamOptions extends TargetOptions {
  /** Keep only positive evidence (Captum's relu_attributions; default false as in Captum). */
  reluAttributions?: boolean;
  /** Sum the weighted channels into one map (default true). */
  attrDimSummation?: boolean;
  /**
   * The layer's output has its channels last, (N, H, W, C), as Keras layers give (a tensorgrad
   * addition; Captum's layers are channels-first). The map is returned channels-first either way.
   */
  channelsLast?: boolean;
}

/**
 * Grad-CAM (Selvaraju et al.): the layer's channels weighted by their mean gradient over the spatial
 * dims, summed over channels — (N, 1, H′, W′) for a convolutional layer's (N, C, H′, W′) output.
 */
export class LayerGradCam extends LayerAttribution {
  attribute(inputs: Tensor, options: LayerGradCamOptions = {}): Tensor {
    let { output, gradient } = layerGradientAndOutput(this.forward, this.layer, inputs, options, "LayerGradCam");
    if (options.channelsLast && output.ndim > 2) {
      const order = [0, output.ndim - 1, ...Array.from({ length: output.ndim - 2 }, (_, i) => i + 1)];
      [output, gradient] = [output.permute(order), gradient.permute(order)];
    }
    const spatial = Array.from({ length: gradient.ndim - 2 }, (_, i) => i + 2);
    const weights = spatial.length ? gradient.mean(spatial, true) : gradient;
    let cam = (options.attrDimSummation ?? true) ? weights.mul(output).sum(1, true) : weights.mul(output);
    if (options.reluAttributions) cam = cam.relu();
    return cam;
  }
}

/** Guided Grad-CAM: guided backprop times the positive Grad-CAM map resized to the input. */
export class GuidedGradCam {
  private readonly gradCam: LayerGradCam;
  private readonly guided: GuidedBackprop;
  constructor(
    readonly model: Module,
    readonly layer: LayerLike,
  ) {
    this.gradCam = new LayerGradCam(model, layer);
    this.guided = new GuidedBackprop(model);
  }

  attribute(inputs: Tensor, options: TargetOptions & { interpolateMode?: "nearest" | "bilinear" } = {}): Tensor {
    if (inputs.ndim !== 4) throw new ShapeError(`GuidedGradCam: expected (N, C, H, W) images, got ${fmtShape(inputs.shape)}`);
    const cam = this.gradCam.attribute(inputs, { ...options, reluAttributions: true });
    const resized = interpolateAttribution(cam, [inputs.shape[2]!, inputs.shape[3]!], options.interpolateMode ?? "nearest");
    return this.guided.attribute(inputs, options).mul(resized);
  }
}

export interface LayerPathOptions extends TargetOptions {
  baselines?: Baselines;
  nSteps?: number;
  method?: ApproximationMethod;
}

/**
 * Conductance (Dhamdhere et al.): integrated gradients flowing through each of the layer's units,
 * Σ_k ∂F/∂y(α_k) · (y(α_{k+1}) − y(α_k)) along the straight path from the baseline to the input,
 * on nSteps + 1 points of the chosen rule (as Captum's LayerConductance).
 */
export class LayerConductance extends LayerAttribution {
  attribute(inputs: Tensor, options: LayerPathOptions = {}): Tensor {
    const { nSteps = 50, method = "gausslegendre" } = options;
    const baselines = expandBaselines(options.baselines, inputs, "LayerConductance");
    const { alphas } = quadrature(method, nSteps + 1);
    const n = inputs.shape[0]!;
    const diff = inputs.sub(baselines);
    const scaled = noGrad(() => cat(alphas.map((a) => baselines.add(diff.mul(a))), 0));
    const tiled = { target: tileTarget(options.target, n, alphas.length, "LayerConductance"), additionalForwardArgs: tileArgs(options.additionalForwardArgs, alphas.length) };
    const { output, gradient } = layerGradientAndOutput(this.forward, this.layer, scaled, tiled, "LayerConductance");
    const rows = nSteps * n;
    const steps = output.narrow(0, n, rows).sub(output.narrow(0, 0, rows));
    return steps.mul(gradient.narrow(0, 0, rows)).reshape([nSteps, n, ...output.shape.slice(1)]).sum(0);
  }
}

/**
 * Integrated gradients with respect to a layer's output (Captum's LayerIntegratedGradients): the
 * path runs from the layer's output on the baselines to its output on the inputs. For text models
 * take the embedding layer, with token-id inputs and baselines (e.g. padding ids); the attributions
 * have the layer output's shape — sum them over the embedding dim for one score per token.
 */
export class LayerIntegratedGradients extends LayerAttribution {
  attribute(inputs: Tensor, options: LayerPathOptions = {}): Tensor {
    const { nSteps = 50, method = "gausslegendre" } = options;
    const baselineInputs = options.baselines instanceof Tensor ? options.baselines : fullLike(inputs, options.baselines ?? 0);
    const start = this.activation(baselineInputs, options);
    const end = this.activation(inputs, options);
    if (start.shape.join() !== end.shape.join()) throw new ShapeError(`LayerIntegratedGradients: the layer's output on the baselines ${fmtShape(start.shape)} differs from that on the inputs ${fmtShape(end.shape)}`);
    const { alphas, weights } = quadrature(method, nSteps);
    const n = inputs.shape[0]!;
    const diff = end.sub(start);
    const scaled = cat(alphas.map((a) => start.add(diff.mul(a))), 0);
    const repeated = inputs.repeat([alphas.length, ...new Array<number>(inputs.ndim - 1).fill(1)]);
    const tiled = { target: tileTarget(options.target, n, alphas.length, "LayerIntegratedGradients"), additionalForwardArgs: tileArgs(options.additionalForwardArgs, alphas.length) };
    const { gradient } = layerGradientAndOutput(this.forward, this.layer, repeated, tiled, "LayerIntegratedGradients", scaled);
    return weightedCopySum(gradient, n, weights).mul(diff);
  }
}
