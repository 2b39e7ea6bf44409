/**
 * Integrated gradients (Sundararajan et al. 2017): (x − x′) · ∫₀¹ ∂F(x′ + α(x − x′))/∂x dα, the
 * integral by a Riemann sum or Gauss–Legendre quadrature over nSteps points (Captum's defaults:
 * 50 steps, Gauss–Legendre). Completeness: the attributions sum to F(x) − F(x′) as nSteps grows.
 */
import type { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { cat } from "../ops/movement.js";
import { quadrature, type ApproximationMethod } from "./approximation.js";
import { Attribution, convergenceDelta, evaluate, expandBaselines, stackedGradients, weightedCopySum, type Baselines, type Explainable, type TargetOptions } from "./forward.js";

export interface IntegratedGradientsOptions extends TargetOptions {
  baselines?: Baselines;
  nSteps?: number;
  method?: ApproximationMethod;
  /** At most this many scaled inputs per forward pass (default: all nSteps·N at once). */
  internalBatchSize?: number;
}

/** The attributions, with the convergence delta per example when asked for (Captum's tuple). */
export type WithDelta<D extends boolean | undefined> = D extends true ? [attributions: Tensor, delta: Tensor] : Tensor;

export class IntegratedGradients extends Attribution {
  constructor(
    model: Explainable,
    /** false gives the integrated gradient alone, without the (x − x′) factor (Captum's multiply_by_inputs). */
    readonly multiplyByInputs = true,
  ) {
    super(model);
  }

  attribute<D extends boolean | undefined = false>(inputs: Tensor, options: IntegratedGradientsOptions & { returnConvergenceDelta?: D } = {}): WithDelta<D> {
    const { nSteps = 50, method = "gausslegendre" } = options;
    const baselines = expandBaselines(options.baselines, inputs, "IntegratedGradients");
    const { alphas, weights } = quadrature(method, nSteps);
    const n = inputs.shape[0]!;
    const diff = inputs.sub(baselines);
    const scaled = noGrad(() => cat(alphas.map((a) => baselines.add(diff.mul(a))), 0)); // (nSteps·N, …)
    const grads = stackedGradients(this.forward, scaled, n, options, "IntegratedGradients");
    const integral = weightedCopySum(grads, n, weights);
    const attributions = this.multiplyByInputs ? integral.mul(diff) : integral;
    if (!options.returnConvergenceDelta) return attributions as WithDelta<D>;
    const delta = noGrad(() => convergenceDelta(attributions, evaluate(this.forward, inputs, options, "IntegratedGradients"), evaluate(this.forward, baselines, options, "IntegratedGradients")));
    return [attributions, delta] as WithDelta<D>;
  }
}
