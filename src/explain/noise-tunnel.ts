/**
 * NoiseTunnel (Captum): an attribution method averaged over copies of the input with Gaussian noise
 * added — SmoothGrad (mean), SmoothGrad² (mean of squares) or VarGrad (variance).
 */
import type { Tensor } from "../ops/tensor.js";
import { ValueError } from "../base/errors.js";
import { Generator, defaultGenerator } from "../base/rng.js";
import { randn } from "../ops/creation.js";

export type NoiseTunnelType = "smoothgrad" | "smoothgrad_sq" | "vargrad";

/** Any attribution method: inputs and options in, attributions of the inputs' shape out. */
export interface AttributionMethod<O> {
  attribute(inputs: Tensor, options?: O): Tensor;
}

export interface NoiseTunnelOptions {
  ntType?: NoiseTunnelType;
  /** Noisy copies per input (Captum's nt_samples, default 5). */
  ntSamples?: number;
  /** The noise's standard deviation (default 1). */
  stdevs?: number;
  generator?: Generator;
}

export class NoiseTunnel<O extends object> {
  constructor(readonly method: AttributionMethod<O>) {}

  attribute(inputs: Tensor, options: NoiseTunnelOptions & O = {} as NoiseTunnelOptions & O): Tensor {
    const { ntType = "smoothgrad", ntSamples = 5, stdevs = 1, generator = defaultGenerator, ...rest } = options;
    if (!Number.isInteger(ntSamples) || ntSamples < 1) throw new ValueError(`NoiseTunnel: ntSamples must be a positive integer, got ${ntSamples}`);
    if (!["smoothgrad", "smoothgrad_sq", "vargrad"].includes(ntType)) throw new ValueError(`NoiseTunnel: unknown ntType '${ntType}' (smoothgrad, smoothgrad_sq, vargrad)`);
    let sum: Tensor | null = null;
    let sumSq: Tensor | null = null;
    for (let s = 0; s < ntSamples; s++) {
      const noisy = inputs.add(randn([...inputs.shape], { dtype: inputs.dtype, generator, device: inputs.backend }).mul(stdevs));
      const a = this.method.attribute(noisy, rest as unknown as O).detach();
      sum = sum ? sum.add(a) : a;
      sumSq = sumSq ? sumSq.add(a.square()) : a.square();
    }
    const mean = sum!.div(ntSamples);
    const meanSq = sumSq!.div(ntSamples);
    if (ntType === "smoothgrad") return mean;
    if (ntType === "smoothgrad_sq") return meanSq;
    return meanSq.sub(mean.square());
  }
}
