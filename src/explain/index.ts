/**
 * tg.explain — attributions with Captum's API in camelCase: which input features (pixels, tokens,
 * columns) or hidden units a model's output depends on. Works on nn.Modules, Keras models and plain
 * forward functions.
 */
export { Attribution, forwardOf, selectTarget, type Explainable, type ForwardFunc, type Target, type Baselines, type TargetOptions } from "./forward.js";
export { quadrature, gaussLegendre, type ApproximationMethod, type Quadrature } from "./approximation.js";
export { Saliency, InputXGradient, GuidedBackprop, Deconvolution } from "./gradient.js";
export { IntegratedGradients, type IntegratedGradientsOptions, type WithDelta } from "./integrated-gradients.js";
export { NoiseTunnel, type NoiseTunnelOptions, type NoiseTunnelType, type AttributionMethod } from "./noise-tunnel.js";
export { DeepLift, type DeepLiftOptions } from "./deep-lift.js";
export { GradientShap, type GradientShapOptions } from "./gradient-shap.js";
export { FeatureAblation, Occlusion, type AblationOptions, type FeatureAblationOptions, type OcclusionOptions } from "./perturbation.js";
export {
  LayerActivation, LayerGradCam, GuidedGradCam, LayerConductance, LayerIntegratedGradients, interpolateAttribution,
  type LayerGradCamOptions, type LayerPathOptions,
} from "./layer.js";
export { hookLayer, type LayerLike } from "./layer-hook.js";
export { attentionRollout, attentionMaps, type AttentionRolloutOptions } from "./attention-rollout.js";
export { Lime, KernelShap, expCosineSimilarity, type LimeOptions, type LimeSurrogate, type InterpretableModel, type SimilarityFunc, type PerturbFunc } from "./lime.js";
export { weightedLeastSquares, weightedLasso, type LinearFit } from "./linear-surrogate.js";
