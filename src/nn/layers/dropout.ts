/** Dropout, the channel dropouts (1d/2d/3d) and alpha dropout: active in training mode only. */
import type { Tensor } from "../../ops/tensor.js";
import { alphaDropout, dropout, dropout1d, dropout2d, dropout3d, featureAlphaDropout } from "../functional/basic.js";
import { Module } from "../module.js";

export class Dropout extends Module<[Tensor], Tensor> {
  constructor(readonly p = 0.5) {
    super();
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training);
  }
}

export class Dropout1d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout1d(x, this.p, this.training);
  }
}

export class Dropout3d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout3d(x, this.p, this.training);
  }
}

/** For SELU networks: keeps the activations' mean and variance. */
export class AlphaDropout extends Dropout {
  override forward(x: Tensor): Tensor {
    return alphaDropout(x, this.p, this.training);
  }
}

export class FeatureAlphaDropout extends Dropout {
  override forward(x: Tensor): Tensor {
    return featureAlphaDropout(x, this.p, this.training);
  }
}
