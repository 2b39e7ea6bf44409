/**
 * torch.distributions.Normal: a Gaussian with mean `loc` and standard deviation `scale`
 * (broadcast together). `rsample` is reparameterised (gradients flow to loc and scale), `sample`
 * is not. The diagonal Gaussian of a continuous policy is a Normal whose logProb is summed over
 * the action dim.
 */
import { Tensor } from "../ops/tensor.js";
import type { Generator } from "../base/rng.js";
import { randn, tensor } from "../ops/creation.js";
import { noGrad } from "../ops/grad-mode.js";
import { erf } from "../ops/elementwise.js";

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const asTensor = (x: Tensor | number, like?: Tensor) => (x instanceof Tensor ? x : tensor(x, { dtype: like?.dtype ?? "float32", device: like?.backend }));

export class Normal {
  readonly loc: Tensor;
  readonly scale: Tensor;

  constructor(loc: Tensor | number, scale: Tensor | number) {
    this.loc = asTensor(loc, scale instanceof Tensor ? scale : undefined);
    this.scale = asTensor(scale, this.loc);
  }

  get mean(): Tensor {
    return this.loc;
  }
  get mode(): Tensor {
    return this.loc;
  }
  get stddev(): Tensor {
    return this.scale;
  }
  get variance(): Tensor {
    return this.scale.square();
  }
  private get shape(): number[] {
    return this.loc.add(this.scale).shape.slice();
  }

  /** loc + scale·ε with ε ~ N(0, 1): differentiable in loc and scale. */
  rsample(sampleShape: readonly number[] = [], { generator }: { generator?: Generator } = {}): Tensor {
    const eps = randn([...sampleShape, ...this.shape], { dtype: this.loc.dtype, device: this.loc.backend, ...(generator ? { generator } : {}) });
    return this.loc.add(eps.mul(this.scale));
  }

  sample(sampleShape: readonly number[] = [], opts: { generator?: Generator } = {}): Tensor {
    return noGrad(() => this.rsample(sampleShape, opts));
  }

  logProb(value: Tensor): Tensor {
    const z = value.sub(this.loc).div(this.scale);
    return z.square().mul(-0.5).sub(this.scale.log()).sub(LOG_SQRT_2PI);
  }

  entropy(): Tensor {
    return this.scale.log().add(0.5 + LOG_SQRT_2PI);
  }

  cdf(value: Tensor): Tensor {
    return erf(value.sub(this.loc).div(this.scale.mul(Math.SQRT2))).add(1).mul(0.5);
  }
}
