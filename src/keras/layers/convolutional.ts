/** Keras' convolution and pooling layers, channels-last unless `dataFormat: "channelsFirst"`. */
import type { OptionSpec } from "../../base/options.js";
import { ShapeError, ValueError, fmtShape } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../../nn/module.js";
import * as init from "../../nn/init.js";
import { Conv1d, Conv2d } from "../../nn/layers/conv.js";
import { avgPool2d, maxPool2d } from "../../nn/functional/pooling.js";
import { pad } from "../../ops/movement.js";
import { activationFn, activationName, type Activation as ActivationSpec } from "../activations.js";
import { Layer, type LayerOptions, type Shape } from "../layer.js";
import { known } from "./core.js";

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : v);
type DataFormat = "channelsLast" | "channelsFirst";

export interface Conv2DOptions extends LayerOptions {
  strides?: Pair;
  padding?: "valid" | "same";
  dilationRate?: Pair;
  activation?: ActivationSpec;
  useBias?: boolean;
  dataFormat?: DataFormat;
}

/** Moves channels-last images to PyTorch's channels-first layout and back around `fn`. */
function channelsFirst(x: Tensor, format: DataFormat, fn: (nchw: Tensor) => Tensor): Tensor {
  if (format === "channelsFirst") return fn(x);
  const perm = x.ndim === 4 ? [0, 3, 1, 2] : [0, 2, 1];
  const back = x.ndim === 4 ? [0, 2, 3, 1] : [0, 2, 1];
  return fn(x.permute(perm)).permute(back);
}

function convOut(size: number | null, k: number, s: number, d: number, padding: "valid" | "same"): number | null {
  if (size === null) return null;
  return padding === "same" ? Math.ceil(size / s) : Math.floor((size - d * (k - 1) - 1) / s) + 1;
}

export class Conv2D extends Layer {
  static override readonly options: OptionSpec = { strides: "any", padding: ["valid", "same"], dilationRate: "any", activation: "any", useBias: "boolean", dataFormat: "any" };
  constructor(readonly filters: number, readonly kernelSize: Pair, readonly opts: Conv2DOptions = {}) {
    super(opts);
    if ((opts.padding ?? "valid") === "same" && pair(opts.strides ?? 1).some((s) => s !== 1)) {
      throw new ValueError("Conv2D: padding 'same' with strides > 1 is not supported yet; pad explicitly or use 'valid'");
    }
  }
  private get format(): DataFormat {
    return this.opts.dataFormat ?? "channelsLast";
  }
  protected buildModule(s: Shape): Module {
    if (s.length !== 3) throw new ShapeError(`Conv2D expects inputs [H, W, C] (without the batch dim), got ${fmtShape(s as number[])}`);
    const channels = known(this.format === "channelsLast" ? s[2] : s[0], "channel count", "Conv2D");
    const conv = new Conv2d(channels, this.filters, pair(this.kernelSize), {
      stride: pair(this.opts.strides ?? 1),
      padding: this.opts.padding ?? "valid",
      dilation: pair(this.opts.dilationRate ?? 1),
      bias: this.opts.useBias ?? true,
    });
    init.xavierUniform_(conv.weight);
    if (conv.bias) init.zeros_(conv.bias);
    return conv;
  }
  computeOutputShape(s: Shape): Shape {
    const [k0, k1] = pair(this.kernelSize);
    const [s0, s1] = pair(this.opts.strides ?? 1);
    const [d0, d1] = pair(this.opts.dilationRate ?? 1);
    const pad = this.opts.padding ?? "valid";
    const [h, w] = this.format === "channelsLast" ? [s[0]!, s[1]!] : [s[1]!, s[2]!];
    const oh = convOut(h, k0, s0, d0, pad);
    const ow = convOut(w, k1, s1, d1, pad);
    return this.format === "channelsLast" ? [oh, ow, this.filters] : [this.filters, oh, ow];
  }
  protected callBatch(x: Tensor): Tensor {
    const y = channelsFirst(x, this.format, (nchw) => (this.module as Conv2d).forward(nchw));
    return activationFn(this.opts.activation)(y);
  }
  getConfig() {
    return { filters: this.filters, kernelSize: this.kernelSize, ...this.opts, activation: activationName(this.opts.activation), name: this.name, inputShape: this.inputShape };
  }
}

export class Conv1D extends Layer {
  static override readonly options: OptionSpec = { strides: "any", padding: ["valid", "same"], dilationRate: "any", activation: "any", useBias: "boolean", dataFormat: "any" };
  constructor(readonly filters: number, readonly kernelSize: number, readonly opts: Omit<Conv2DOptions, "strides" | "dilationRate"> & { strides?: number; dilationRate?: number } = {}) {
    super(opts);
  }
  private get format(): DataFormat {
    return this.opts.dataFormat ?? "channelsLast";
  }
  protected buildModule(s: Shape): Module {
    const channels = known(this.format === "channelsLast" ? s[1] : s[0], "channel count", "Conv1D");
    const conv = new Conv1d(channels, this.filters, this.kernelSize, { stride: this.opts.strides ?? 1, padding: this.opts.padding ?? "valid", dilation: this.opts.dilationRate ?? 1, bias: this.opts.useBias ?? true });
    init.xavierUniform_(conv.weight);
    if (conv.bias) init.zeros_(conv.bias);
    return conv;
  }
  computeOutputShape(s: Shape): Shape {
    const len = this.format === "channelsLast" ? s[0]! : s[1]!;
    const out = convOut(len, this.kernelSize, this.opts.strides ?? 1, this.opts.dilationRate ?? 1, this.opts.padding ?? "valid");
    return this.format === "channelsLast" ? [out, this.filters] : [this.filters, out];
  }
  protected callBatch(x: Tensor): Tensor {
    return activationFn(this.opts.activation)(channelsFirst(x, this.format, (ncl) => (this.module as Conv1d).forward(ncl)));
  }
  getConfig() {
    return { filters: this.filters, kernelSize: this.kernelSize, ...this.opts, activation: activationName(this.opts.activation), name: this.name, inputShape: this.inputShape };
  }
}

export interface PoolOptions extends LayerOptions {
  strides?: Pair | null;
  padding?: "valid" | "same";
  dataFormat?: DataFormat;
}

abstract class Pooling2D extends Layer {
  static override readonly options: OptionSpec = { strides: "any", padding: ["valid", "same"], dataFormat: "any" };
  constructor(readonly poolSize: Pair = 2, readonly opts: PoolOptions = {}) {
    super(opts);
  }
  protected abstract kind: "max" | "avg";
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    const fmt = this.opts.dataFormat ?? "channelsLast";
    const [k0, k1] = pair(this.poolSize);
    const [s0, s1] = pair(this.opts.strides ?? this.poolSize);
    const pad = this.opts.padding ?? "valid";
    const [h, w, c] = fmt === "channelsLast" ? [s[0]!, s[1]!, s[2]!] : [s[1]!, s[2]!, s[0]!];
    const oh = convOut(h, k0, s0, 1, pad);
    const ow = convOut(w, k1, s1, 1, pad);
    return fmt === "channelsLast" ? [oh, ow, c] : [c, oh, ow];
  }
  protected callBatch(x: Tensor): Tensor {
    const [k0, k1] = pair(this.poolSize);
    const [s0, s1] = pair(this.opts.strides ?? this.poolSize);
    return channelsFirst(x, this.opts.dataFormat ?? "channelsLast", (nchw) => {
      let input = nchw;
      if ((this.opts.padding ?? "valid") === "same") {
        // TensorFlow's 'same': pad so that out = ceil(in / stride), the extra on the far side.
        const extra = (size: number, k: number, s: number) => Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
        const eh = extra(nchw.shape[2]!, k0, s0);
        const ew = extra(nchw.shape[3]!, k1, s1);
        const fill = this.kind === "max" ? -Infinity : NaN;
        input = pad(nchw, [Math.floor(ew / 2), ew - Math.floor(ew / 2), Math.floor(eh / 2), eh - Math.floor(eh / 2)], fill);
      }
      if (this.kind === "max") return maxPool2d(input, [k0, k1], { stride: [s0, s1] });
      if (input === nchw) return avgPool2d(input, [k0, k1], { stride: [s0, s1] });
      // Average over the real pixels only (TensorFlow excludes the 'same' padding).
      const valid = input.isnan().logicalNot().float();
      const sums = avgPool2d(input.where(valid.bool(), 0), [k0, k1], { stride: [s0, s1], divisorOverride: 1 });
      return sums.div(avgPool2d(valid, [k0, k1], { stride: [s0, s1], divisorOverride: 1 }));
    });
  }
  getConfig() {
    return { poolSize: this.poolSize, ...this.opts, name: this.name, inputShape: this.inputShape };
  }
}

export class MaxPooling2D extends Pooling2D {
  protected kind = "max" as const;
}

export class AveragePooling2D extends Pooling2D {
  protected kind = "avg" as const;
}

export class GlobalAveragePooling2D extends Layer {
  static override readonly options: OptionSpec = { dataFormat: "any" };
  constructor(readonly opts: LayerOptions & { dataFormat?: DataFormat } = {}) {
    super(opts);
  }
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    return [(this.opts.dataFormat ?? "channelsLast") === "channelsLast" ? s[2]! : s[0]!];
  }
  protected callBatch(x: Tensor): Tensor {
    return (this.opts.dataFormat ?? "channelsLast") === "channelsLast" ? x.mean([1, 2]) : x.mean([2, 3]);
  }
  getConfig() {
    return { ...this.opts, name: this.name, inputShape: this.inputShape };
  }
}

/** Mean over the steps of [N, T, C] (channels-last sequences). */
export class GlobalAveragePooling1D extends Layer {
  protected buildModule(): null {
    return null;
  }
  computeOutputShape(s: Shape): Shape {
    return [s[s.length - 1]!];
  }
  protected callBatch(x: Tensor): Tensor {
    return x.mean(1);
  }
  getConfig() {
    return { name: this.name, inputShape: this.inputShape };
  }
}
