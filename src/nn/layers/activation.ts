/** Activation layers over the functional forms. */
import type { Tensor } from "../../core/tensor.js";
import { elu, gelu, hardsigmoid, hardswish, leakyRelu, relu6, silu, type GeluApproximate } from "../../ops/composite/activations.js";
import { logSoftmax, softmax } from "../../ops/composite/softmax.js";
import { Module } from "../module.js";

export class ReLU extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class LeakyReLU extends Module<[Tensor], Tensor> {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

export class ELU extends Module<[Tensor], Tensor> {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class GELU extends Module<[Tensor], Tensor> {
  constructor(readonly approximate: GeluApproximate = "none") {
    super();
  }
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class SiLU extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

export class ReLU6 extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

export class Hardsigmoid extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}

export class Hardswish extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}

export class Sigmoid extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

export class Tanh extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

export class Softmax extends Module<[Tensor], Tensor> {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class LogSoftmax extends Module<[Tensor], Tensor> {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
