/**
 * torch.distributions.Bernoulli: 1 with probability p, 0 otherwise, from `probs` or `logits`.
 * logProb and entropy are computed from logits (softplus), so they stay finite near 0 and 1.
 */
import type { Tensor } from "../ops/tensor.js";
import type { Generator } from "../base/rng.js";
import { ValueError } from "../base/errors.js";
import { rand } from "../ops/creation.js";
import { noGrad } from "../ops/grad-mode.js";
import { softplus } from "../ops/composite/activations.js";

export type BernoulliParams = { probs: Tensor; logits?: undefined } | { logits: Tensor; probs?: undefined };

export class Bernoulli {
  readonly logits: Tensor;

  constructor(params: BernoulliParams) {
    if (!params.logits && !params.probs) throw new ValueError("Bernoulli: needs probs or logits");
    // logit(p) = log p − log(1 − p), with p clamped away from 0 and 1 as PyTorch's probs_to_logits.
    this.logits = params.logits ?? params.probs!.clamp(1.1920929e-7, 1 - 1.1920929e-7).log().sub(params.probs!.clamp(1.1920929e-7, 1 - 1.1920929e-7).neg().add(1).log());
  }

  get probs(): Tensor {
    return this.logits.sigmoid();
  }
  get mean(): Tensor {
    return this.probs;
  }

  /** Float samples (0 or 1) of shape (...sampleShape, ...batchShape). */
  sample(sampleShape: readonly number[] = [], { generator }: { generator?: Generator } = {}): Tensor {
    return noGrad(() => {
      const shape = [...sampleShape, ...this.logits.shape];
      return rand(shape, { dtype: this.logits.dtype, device: this.logits.backend, ...(generator ? { generator } : {}) }).lt(this.probs.expand(...shape)).to(this.logits.dtype);
    });
  }

  /** value·logits − softplus(logits) = log p(value). */
  logProb(value: Tensor): Tensor {
    return value.mul(this.logits).sub(softplus(this.logits));
  }

  entropy(): Tensor {
    return softplus(this.logits).sub(this.logits.mul(this.probs));
  }
}
