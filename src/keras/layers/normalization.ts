/** Keras' normalisation layers (BatchNormalization's momentum and epsilon are Keras'). */
import type { OptionSpec } from "../../base/options.js";
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../../nn/module.js";
import { BatchNorm1d, BatchNorm2d, LayerNorm } from "../../nn/layers/norm.js";
import { Layer, type LayerOptions, type Shape } from "../layer.js";
import { known } from "./core.js";

export interface BatchNormalizationOptions extends LayerOptions {
  /** Keras' momentum: the share of the old moving average kept (0.99 ≙ PyTorch's momentum 0.01). */
  momentum?: number;
  epsilon?: number;
}

/** Normalises the last axis (the channels of a channels-last image). */
export class BatchNormalization extends Layer {
  static override readonly options: OptionSpec = { momentum: "number", epsilon: "number" };
  constructor(readonly opts: BatchNormalizationOptions = {}) {
    super(opts);
  }
  protected buildModule(s: Shape): Module {
    const features = known(s[s.length - 1], "last input dim", "BatchNormalization");
    const o = { eps: this.opts.epsilon ?? 1e-3, momentum: 1 - (this.opts.momentum ?? 0.99) };
    return s.length === 3 ? new BatchNorm2d(features, o) : new BatchNorm1d(features, o);
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected callBatch(x: Tensor): Tensor {
    const bn = this.module as BatchNorm1d;
    if (x.ndim === 2) return bn.forward(x);
    // Channels-last [N, …, C] → [N, C, …] for PyTorch's batch norm, and back.
    const toFirst = [0, x.ndim - 1, ...x.shape.slice(1, -1).map((_, i) => i + 1)];
    const toLast = [0, ...x.shape.slice(2).map((_, i) => i + 2), 1];
    return bn.forward(x.permute(toFirst)).permute(toLast);
  }
  getConfig() {
    return { ...this.opts, name: this.name, inputShape: this.inputShape };
  }
}

export class LayerNormalization extends Layer {
  static override readonly options: OptionSpec = { epsilon: "number" };
  constructor(readonly opts: LayerOptions & { epsilon?: number } = {}) {
    super(opts);
  }
  protected buildModule(s: Shape): Module {
    return new LayerNorm(known(s[s.length - 1], "last input dim", "LayerNormalization"), { eps: this.opts.epsilon ?? 1e-3 });
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  protected callBatch(x: Tensor): Tensor {
    return (this.module as LayerNorm).forward(x);
  }
  getConfig() {
    return { ...this.opts, name: this.name, inputShape: this.inputShape };
  }
}
