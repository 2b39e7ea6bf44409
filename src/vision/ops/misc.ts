/**
 * The building blocks torchvision's models share (torchvision.ops.misc and stochastic_depth):
 * Conv2dNormActivation, SqueezeExcitation, StochasticDepth. Module names follow torchvision's, so
 * the models built from them load torchvision's state dicts.
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { rand } from "../../ops/creation.js";
import { Module } from "../../nn/module.js";
import { Conv2d } from "../../nn/layers/conv.js";
import { BatchNorm2d } from "../../nn/layers/norm.js";
import { ReLU, Sigmoid } from "../../nn/layers/activation.js";
import { Sequential } from "../../nn/layers/container.js";
import { AdaptiveAvgPool2d } from "../../nn/layers/pooling.js";

export type LayerFactory = () => Module<[Tensor], Tensor>;
export type NormFactory = (channels: number) => Module<[Tensor], Tensor>;

export interface ConvNormActivationOptions {
  kernelSize?: number;
  stride?: number;
  /** Default: (kernelSize − 1) / 2 · dilation ("same" for odd kernels at stride 1). */
  padding?: number;
  groups?: number;
  dilation?: number;
  /** Default BatchNorm2d; null for none. */
  norm?: NormFactory | null;
  /** Default ReLU; null for none. */
  activation?: LayerFactory | null;
  /** Default: a bias only without a norm. */
  bias?: boolean;
}

/** Convolution → norm → activation, as one Sequential ("0", "1", "2"), torchvision's Conv2dNormActivation. */
export class Conv2dNormActivation extends Sequential {
  constructor(inChannels: number, outChannels: number, { kernelSize = 3, stride = 1, padding, groups = 1, dilation = 1, norm = (c) => new BatchNorm2d(c), activation = () => new ReLU(), bias }: ConvNormActivationOptions = {}) {
    const layers: Module[] = [
      new Conv2d(inChannels, outChannels, kernelSize, { stride, padding: padding ?? Math.floor((kernelSize - 1) / 2) * dilation, groups, dilation, bias: bias ?? norm === null }),
    ];
    if (norm) layers.push(norm(outChannels));
    if (activation) layers.push(activation());
    super(...layers);
  }
}

/** Squeeze-and-excitation (Hu et al. 2018): channels rescaled by a gate computed from their means. */
export class SqueezeExcitation extends Module<[Tensor], Tensor> {
  avgpool = new AdaptiveAvgPool2d(1);
  fc1: Conv2d;
  fc2: Conv2d;
  activation: Module<[Tensor], Tensor>;
  scaleActivation: Module<[Tensor], Tensor>;

  constructor(inputChannels: number, squeezeChannels: number, { activation = () => new ReLU(), scaleActivation = () => new Sigmoid() }: { activation?: LayerFactory; scaleActivation?: LayerFactory } = {}) {
    super();
    this.fc1 = new Conv2d(inputChannels, squeezeChannels, 1);
    this.fc2 = new Conv2d(squeezeChannels, inputChannels, 1);
    this.activation = activation();
    this.scaleActivation = scaleActivation();
  }

  forward(x: Tensor): Tensor {
    const scale = this.scaleActivation.forward(this.fc2.forward(this.activation.forward(this.fc1.forward(this.avgpool.forward(x)))));
    return scale.mul(x);
  }
}

/**
 * Stochastic depth (Huang et al. 2016), torchvision.ops.stochastic_depth: in training, drop the
 * whole residual branch with probability p — per example ("row") or for the batch ("batch") — and
 * scale the kept ones by 1/(1 − p); the identity otherwise.
 */
export function stochasticDepth(input: Tensor, p: number, mode: "row" | "batch", training = true): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`stochasticDepth: drop probability must be in [0, 1], got ${p}`);
  if (mode !== "row" && mode !== "batch") throw new ValueError(`stochasticDepth: mode must be 'row' or 'batch', got '${String(mode)}'`);
  if (!training || p === 0) return input;
  const survival = 1 - p;
  const shape = mode === "row" ? [input.shape[0]!, ...input.shape.slice(1).map(() => 1)] : input.shape.map(() => 1);
  const keep = rand(shape, { device: input.backend }).lt(survival).to(input.dtype);
  return input.mul(survival > 0 ? keep.div(survival) : keep);
}

export class StochasticDepth extends Module<[Tensor], Tensor> {
  constructor(
    readonly p: number,
    readonly mode: "row" | "batch",
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return stochasticDepth(x, this.p, this.mode, this.training);
  }
  override extraRepr(): string {
    return `p=${this.p}, mode=${this.mode}`;
  }
}

/** torchvision's _make_divisible: v rounded to a multiple of divisor, never below 90% of v. */
export function makeDivisible(v: number, divisor = 8, minValue = divisor): number {
  let out = Math.max(minValue, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}
