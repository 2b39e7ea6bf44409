/** Activation layers over the functional forms. */
import type { Tensor } from "../../ops/tensor.js";
import {
  celu, elu, gelu, glu, hardshrink, hardsigmoid, hardswish, hardtanh, leakyRelu, logSigmoid, mish, prelu, relu6, rrelu, selu, silu, softmin,
  softplus, softshrink, softsign, tanhshrink, threshold, type GeluApproximate,
} from "../../ops/composite/activations.js";
import { full } from "../../ops/creation.js";
import { Parameter } from "../parameter.js";
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

/** An activation with no settings: forward is the function. */
function simple(name: string, fn: (x: Tensor) => Tensor): new () => Module<[Tensor], Tensor> {
  const Cls = class extends Module<[Tensor], Tensor> {
    forward(x: Tensor): Tensor {
      return fn(x);
    }
  };
  Object.defineProperty(Cls, "name", { value: name });
  return Cls;
}

export const Mish = simple("Mish", mish);
export const SELU = simple("SELU", selu);
export const Softsign = simple("Softsign", softsign);
export const Tanhshrink = simple("Tanhshrink", tanhshrink);
export const LogSigmoid = simple("LogSigmoid", logSigmoid);
/** softmax over the channels of [N, C, H, W] or [C, H, W] (dim −3). */
export const Softmax2d = simple("Softmax2d", (x) => softmax(x, -3));

export class CELU extends Module<[Tensor], Tensor> {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return celu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

export class GLU extends Module<[Tensor], Tensor> {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

export class Hardtanh extends Module<[Tensor], Tensor> {
  constructor(readonly minVal = -1, readonly maxVal = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${this.minVal}, max_val=${this.maxVal}`;
  }
}

export class Softshrink extends Module<[Tensor], Tensor> {
  constructor(readonly lambd = 0.5) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return `${this.lambd}`;
  }
}

export class Hardshrink extends Module<[Tensor], Tensor> {
  constructor(readonly lambd = 0.5) {
    super();
  }
  forward(x: Tensor): Tensor {
    return hardshrink(x, this.lambd);
  }
  override extraRepr(): string {
    return `${this.lambd}`;
  }
}

export class Threshold extends Module<[Tensor], Tensor> {
  constructor(readonly threshold: number, readonly value: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return threshold(x, this.threshold, this.value);
  }
  override extraRepr(): string {
    return `threshold=${this.threshold}, value=${this.value}`;
  }
}

export class Softplus extends Module<[Tensor], Tensor> {
  /** `threshold` is accepted for PyTorch's signature; the formula never overflows, so no switch to x is needed. */
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softplus(x, this.beta);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

export class Softmin extends Module<[Tensor], Tensor> {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmin(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Leaky ReLU with learned slopes: one shared, or one per channel (numParameters = channels). */
export class PReLU extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  constructor(readonly numParameters = 1, init = 0.25) {
    super();
    this.weight = new Parameter(full([numParameters], init));
  }
  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/** Randomised leaky ReLU: random slopes in training, their mean in evaluation. */
export class RReLU extends Module<[Tensor], Tensor> {
  constructor(readonly lower = 1 / 8, readonly upper = 1 / 3) {
    super();
  }
  forward(x: Tensor): Tensor {
    return rrelu(x, this.lower, this.upper, this.training);
  }
  override extraRepr(): string {
    return `lower=${this.lower}, upper=${this.upper}`;
  }
}
