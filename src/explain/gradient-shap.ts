/**
 * GradientSHAP (Lundberg & Lee; Captum's GradientShap): expected gradients — for random baselines
 * drawn from a reference set, random points α on the path and optional input noise, the average of
 * ∂F/∂x at x′ + α(x̃ − x′) times (x̃ − x′). Approximates SHAP values when features are independent.
 */
import type { Tensor } from "../ops/tensor.js";
import { noGrad } from "../ops/grad-mode.js";
import { ShapeError, ValueError, fmtShape } from "../base/errors.js";
import { Generator, defaultGenerator } from "../base/rng.js";
import { rand, randn, randint } from "../ops/creation.js";
import { Attribution, convergenceDelta, evaluate, stackedGradients, tileArgs, tileTarget, type Explainable, type TargetOptions } from "./forward.js";
import type { WithDelta } from "./integrated-gradients.js";

export interface GradientShapOptions extends TargetOptions {
  /** The reference distribution: (B, …) baselines, one drawn per sample. */
  baselines: Tensor;
  /** Samples per input (default 5). */
  nSamples?: number;
  /** Standard deviation of the Gaussian noise added to the inputs (default 0). */
  stdevs?: number;
  generator?: Generator;
}

export class GradientShap extends Attribution {
  constructor(
    model: Explainable,
    readonly multiplyByInputs = true,
  ) {
    super(model);
  }

  attribute<D extends boolean | undefined = false>(inputs: Tensor, options: GradientShapOptions & { returnConvergenceDelta?: D }): WithDelta<D> {
    const { baselines, nSamples = 5, stdevs = 0, generator = defaultGenerator } = options;
    if (!Number.isInteger(nSamples) || nSamples < 1) throw new ValueError(`GradientShap: nSamples must be a positive integer, got ${nSamples}`);
    if (baselines.ndim !== inputs.ndim || baselines.shape.slice(1).some((d, i) => d !== inputs.shape[i + 1])) {
      throw new ShapeError(`GradientShap: baselines of shape ${fmtShape(baselines.shape)} must be (B, …) with each example shaped as the inputs' ${fmtShape(inputs.shape.slice(1))}`);
    }
    const n = inputs.shape[0]!;
    const rows = n * nSamples;
    const [start, end, alphaShape] = noGrad(() => {
      const repeated = inputs.repeat([nSamples, ...new Array<number>(inputs.ndim - 1).fill(1)]); // (S·N, …), sample-major
      const noisy = stdevs > 0 ? repeated.add(randn([...repeated.shape], { dtype: inputs.dtype, generator, device: inputs.backend }).mul(stdevs)) : repeated;
      const drawn = baselines.to(inputs.dtype).indexSelect(0, randint(0, baselines.shape[0]!, [rows], { dtype: "int32", generator, device: baselines.backend }));
      return [drawn, noisy, [rows, ...new Array<number>(inputs.ndim - 1).fill(1)]] as const;
    });
    const alphas = rand(alphaShape, { dtype: inputs.dtype, generator, device: inputs.backend });
    const diff = end.sub(start);
    const scaled = start.add(diff.mul(alphas));
    const grads = stackedGradients(this.forward, scaled, n, options, "GradientShap");
    const perSample = this.multiplyByInputs ? grads.mul(diff) : grads; // (S·N, …)
    const attributions = perSample.reshape([nSamples, n, ...inputs.shape.slice(1)]).mean(0);
    if (!options.returnConvergenceDelta) return attributions as WithDelta<D>;
    const tiled = { target: tileTarget(options.target, n, nSamples, "GradientShap"), additionalForwardArgs: tileArgs(options.additionalForwardArgs, nSamples) };
    const delta = noGrad(() => convergenceDelta(perSample, evaluate(this.forward, end, tiled, "GradientShap"), evaluate(this.forward, start, tiled, "GradientShap")));
    return [attributions, delta] as WithDelta<D>;
  }
}
