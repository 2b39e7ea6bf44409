/** 3-D pooling, power-average pooling and fractional max pooling layers over the functional forms. */
import type { Tensor } from "../../ops/tensor.js";
import type { Pair } from "../../ops/windows.js";
import type { Triple } from "../functional/conv3d.js";
import {
  adaptiveAvgPool3d, adaptiveMaxPool3dWithIndices, avgPool3d, maxPool3d, maxPool3dWithIndices, maxUnpool3d, type Pool3dOptions, type SizeTriple,
} from "../functional/pooling3d.js";
import {
  fractionalMaxPool2dWithIndices, fractionalMaxPool3dWithIndices, lpPool1d, lpPool2d, lpPool3d, type FractionalMaxPoolOptions,
} from "../functional/pooling-lp-fractional.js";
import { Module } from "../module.js";
import { Pool, show, type MaybeIndices } from "./pooling.js";

export class MaxPool3d<R extends boolean = false> extends Pool<Triple, MaybeIndices<R>> {
  constructor(kernelSize: Triple, readonly opts3: Pool3dOptions & { returnIndices?: R } = {}) {
    super(kernelSize, { ceilMode: opts3.ceilMode ?? false, ...(opts3.returnIndices ? { returnIndices: true } : {}) });
  }

  forward(x: Tensor): MaybeIndices<R> {
    return (this.opts3.returnIndices ? maxPool3dWithIndices(x, this.kernelSize, this.opts3) : maxPool3d(x, this.kernelSize, this.opts3)) as MaybeIndices<R>;
  }

  override extraRepr(): string {
    const { stride, padding = 0, dilation = 1, ceilMode = false } = this.opts3;
    return `kernel_size=${show(this.kernelSize)}, stride=${show(stride ?? this.kernelSize)}, padding=${show(padding)}, dilation=${show(dilation)}, ceil_mode=${ceilMode ? "True" : "False"}`;
  }
}

export class AvgPool3d extends Module<[Tensor], Tensor> {
  constructor(readonly kernelSize: Triple, readonly opts: Omit<Pool3dOptions, "dilation"> & { countIncludePad?: boolean; divisorOverride?: number | null } = {}) {
    super();
  }

  forward(x: Tensor): Tensor {
    return avgPool3d(x, this.kernelSize, this.opts);
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.opts.stride ?? this.kernelSize)}, padding=${show(this.opts.padding ?? 0)}`;
  }
}

export class AdaptiveAvgPool3d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: SizeTriple) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool3d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

export class AdaptiveMaxPool3d<R extends boolean = false> extends Module<[Tensor], MaybeIndices<R>> {
  constructor(readonly outputSize: SizeTriple, readonly opts: { returnIndices?: R } = {}) {
    super();
  }

  forward(x: Tensor): MaybeIndices<R> {
    const out = adaptiveMaxPool3dWithIndices(x, this.outputSize);
    return (this.opts.returnIndices ? out : out[0]) as MaybeIndices<R>;
  }

  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

/** forward(x, indices): the values put back where maxPool3d found them. */
export class MaxUnpool3d extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly kernelSize: Triple, readonly opts: { stride?: Triple | null; padding?: Triple } = {}) {
    super();
  }

  forward(x: Tensor, indices: Tensor): Tensor {
    return maxUnpool3d(x, indices, this.kernelSize, this.opts);
  }
}

abstract class LPPool<K> extends Module<[Tensor], Tensor> {
  constructor(readonly normType: number, readonly kernelSize: K, readonly opts: { stride?: K | null; ceilMode?: boolean } = {}) {
    super();
  }

  override extraRepr(): string {
    return `norm_type=${this.normType}, kernel_size=${show(this.kernelSize)}, stride=${show(this.opts.stride ?? null)}, ceil_mode=${this.opts.ceilMode ? "True" : "False"}`;
  }
}

export class LPPool1d extends LPPool<number> {
  forward(x: Tensor): Tensor {
    return lpPool1d(x, this.normType, this.kernelSize, this.opts);
  }
}

export class LPPool2d extends LPPool<Pair> {
  forward(x: Tensor): Tensor {
    return lpPool2d(x, this.normType, this.kernelSize, this.opts);
  }
}

export class LPPool3d extends LPPool<Triple> {
  forward(x: Tensor): Tensor {
    return lpPool3d(x, this.normType, this.kernelSize, this.opts);
  }
}

/** Fractional max pooling: new pseudo-random windows on every call (from the generator), unless randomSamples fixes them. */
export class FractionalMaxPool2d<R extends boolean = false> extends Module<[Tensor], MaybeIndices<R>> {
  constructor(readonly kernelSize: Pair, readonly opts: FractionalMaxPoolOptions<Pair> & { returnIndices?: R }) {
    super();
  }

  forward(x: Tensor): MaybeIndices<R> {
    const out = fractionalMaxPool2dWithIndices(x, this.kernelSize, this.opts);
    return (this.opts.returnIndices ? out : out[0]) as MaybeIndices<R>;
  }
}

export class FractionalMaxPool3d<R extends boolean = false> extends Module<[Tensor], MaybeIndices<R>> {
  constructor(readonly kernelSize: Triple, readonly opts: FractionalMaxPoolOptions<Triple> & { returnIndices?: R }) {
    super();
  }

  forward(x: Tensor): MaybeIndices<R> {
    const out = fractionalMaxPool3dWithIndices(x, this.kernelSize, this.opts);
    return (this.opts.returnIndices ? out : out[0]) as MaybeIndices<R>;
  }
}
