/** Dropout and Dropout2d: active in training mode only. */
import type { Tensor } from "../../core/tensor.js";
import { dropout, dropout2d } from "../functional/basic.js";
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
