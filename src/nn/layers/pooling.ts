/** Pooling and upsampling layers over the functional forms. */
import type { Tensor } from "../../ops/tensor.js";
import type { Pair } from "../../ops/windows.js";
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1dWithIndices, adaptiveMaxPool2dWithIndices, maxUnpool1d, maxUnpool2d, avgPool1d, avgPool2d, interpolate,
  maxPool1d, maxPool2d, maxPool1dWithIndices, maxPool2dWithIndices, type InterpolateOptions, type PoolOptions, type SizePair,
} from "../functional/pooling.js";
import { Module } from "../module.js";

export const show = (v: unknown): string => (Array.isArray(v) ? `(${v.join(", ")})` : String(v));

/** What a max pool returns: the values, or [values, indices] with returnIndices: true (as PyTorch's return_indices). */
export type MaybeIndices<R extends boolean> = R extends true ? [values: Tensor, indices: Tensor] : Tensor;

export abstract class Pool<K, Out = Tensor> extends Module<[Tensor], Out> {
  constructor(
    readonly kernelSize: K,
    readonly opts: PoolOptions & { countIncludePad?: boolean; returnIndices?: boolean } = {},
  ) {
    super();
  }

  override extraRepr(): string {
    const { stride, padding = 0, dilation = 1, ceilMode = false } = this.opts;
    return `kernel_size=${show(this.kernelSize)}, stride=${show(stride ?? this.kernelSize)}, padding=${show(padding)}, dilation=${show(dilation)}, ceil_mode=${ceilMode ? "True" : "False"}`;
  }
}

export class MaxPool1d<R extends boolean = false> extends Pool<number, MaybeIndices<R>> {
  constructor(kernelSize: number, opts: PoolOptions & { returnIndices?: R } = {}) {
    super(kernelSize, opts);
  }

  forward(x: Tensor): MaybeIndices<R> {
    return (this.opts.returnIndices ? maxPool1dWithIndices(x, this.kernelSize, this.opts) : maxPool1d(x, this.kernelSize, this.opts)) as MaybeIndices<R>;
  }
}

export class MaxPool2d<R extends boolean = false> extends Pool<Pair, MaybeIndices<R>> {
  constructor(kernelSize: Pair, opts: PoolOptions & { returnIndices?: R } = {}) {
    super(kernelSize, opts);
  }

  forward(x: Tensor): MaybeIndices<R> {
    return (this.opts.returnIndices ? maxPool2dWithIndices(x, this.kernelSize, this.opts) : maxPool2d(x, this.kernelSize, this.opts)) as MaybeIndices<R>;
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

export class AdaptiveMaxPool1d<R extends boolean = false> extends Module<[Tensor], MaybeIndices<R>> {
  constructor(readonly outputSize: number, readonly opts: { returnIndices?: R } = {}) {
    super();
  }

  forward(x: Tensor): MaybeIndices<R> {
    const out = adaptiveMaxPool1dWithIndices(x, this.outputSize);
    return (this.opts.returnIndices ? out : out[0]) as MaybeIndices<R>;
  }

  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

export class AdaptiveMaxPool2d<R extends boolean = false> extends Module<[Tensor], MaybeIndices<R>> {
  constructor(readonly outputSize: SizePair, readonly opts: { returnIndices?: R } = {}) {
    super();
  }

  forward(x: Tensor): MaybeIndices<R> {
    const out = adaptiveMaxPool2dWithIndices(x, this.outputSize);
    return (this.opts.returnIndices ? out : out[0]) as MaybeIndices<R>;
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
