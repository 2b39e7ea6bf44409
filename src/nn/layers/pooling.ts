/** Pooling and upsampling layers over the functional forms. */
import type { Tensor } from "../../core/tensor.js";
import type { Pair } from "../../ops/windows.js";
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, maxUnpool1d, maxUnpool2d, avgPool1d, avgPool2d, interpolate, maxPool1d, maxPool2d,
  type InterpolateOptions, type PoolOptions, type SizePair,
} from "../functional/pooling.js";
import { Module } from "../module.js";

const show = (v: unknown): string => (Array.isArray(v) ? `(${v.join(", ")})` : String(v));

abstract class Pool<K> extends Module<[Tensor], Tensor> {
  constructor(
    readonly kernelSize: K,
    readonly opts: PoolOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
  }

  override extraRepr(): string {
    const { stride, padding = 0, dilation = 1, ceilMode = false } = this.opts;
    return `kernel_size=${show(this.kernelSize)}, stride=${show(stride ?? this.kernelSize)}, padding=${show(padding)}, dilation=${show(dilation)}, ceil_mode=${ceilMode ? "True" : "False"}`;
  }
}

export class MaxPool1d extends Pool<number> {
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.opts);
  }
}

export class MaxPool2d extends Pool<Pair> {
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.opts);
  }
}

export class AvgPool1d extends Pool<number> {
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.opts);
  }
}

export class AvgPool2d extends Pool<Pair> {
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.opts);
  }
}

export class AdaptiveMaxPool1d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveMaxPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

export class AdaptiveMaxPool2d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: SizePair) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

/** forward(x, indices): the values put back where F.maxPool1dWithIndices found them. */
export class MaxUnpool1d extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly kernelSize: number, readonly opts: { stride?: number | null; padding?: number } = {}) {
    super();
  }

  forward(x: Tensor, indices: Tensor): Tensor {
    return maxUnpool1d(x, indices, this.kernelSize, this.opts);
  }
}

/** forward(x, indices): the values put back where F.maxPool2dWithIndices found them. */
export class MaxUnpool2d extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly kernelSize: Pair, readonly opts: { stride?: Pair | null; padding?: Pair } = {}) {
    super();
  }

  forward(x: Tensor, indices: Tensor): Tensor {
    return maxUnpool2d(x, indices, this.kernelSize, this.opts);
  }
}

export class AdaptiveAvgPool1d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

export class AdaptiveAvgPool2d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: SizePair) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

export class Upsample extends Module<[Tensor], Tensor> {
  constructor(readonly opts: InterpolateOptions) {
    super();
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.opts);
  }

  override extraRepr(): string {
    const parts = [];
    if (this.opts.size !== undefined) parts.push(`size=${show(this.opts.size)}`);
    if (this.opts.scaleFactor !== undefined) parts.push(`scale_factor=${show(this.opts.scaleFactor)}`);
    parts.push(`mode='${this.opts.mode ?? "nearest"}'`);
    return parts.join(", ");
  }
}
