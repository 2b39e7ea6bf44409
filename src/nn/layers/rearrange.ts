/** Layers that only move values: pixel and channel shuffles, constant padding, sliding windows (Fold, Unfold). */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { pad } from "../../ops/movement.js";
import { pad as padMode } from "../functional/padding.js";
import { fold, unfold, type Pair, type WindowOptions } from "../../ops/windows.js";
import { channelShuffle, pixelShuffle, pixelUnshuffle } from "../functional/shuffle.js";
import { Module } from "../module.js";

export class PixelShuffle extends Module<[Tensor], Tensor> {
  constructor(readonly upscaleFactor: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

export class PixelUnshuffle extends Module<[Tensor], Tensor> {
  constructor(readonly downscaleFactor: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }
  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

export class ChannelShuffle extends Module<[Tensor], Tensor> {
  constructor(readonly groups: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return channelShuffle(x, this.groups);
  }
  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}

/** Pads the last `dims` dims with a constant: padding is one number for every side, or F.pad's (left, right, top, bottom, front, back). */
function constantPad(name: string, dims: number, zero: boolean) {
  const Cls = class extends Module<[Tensor], Tensor> {
    readonly padding: number[];
    readonly value: number;
    constructor(padding: number | readonly number[], ...rest: number[]) {
      super();
      this.padding = typeof padding === "number" ? new Array<number>(2 * dims).fill(padding) : [...padding];
      if (this.padding.length !== 2 * dims) throw new ValueError(`${name}: padding must be one number or ${2 * dims} numbers, got ${this.padding.length}`);
      this.value = zero ? 0 : (rest[0] ?? NaN);
      if (!zero && rest.length !== 1) throw new ValueError(`${name}: give the padding and the value to pad with`);
    }
    forward(x: Tensor): Tensor {
      return pad(x, this.padding, this.value);
    }
    override extraRepr(): string {
      return `padding=(${this.padding.join(", ")})${zero ? "" : `, value=${this.value}`}`;
    }
  };
  Object.defineProperty(Cls, "name", { value: name });
  return Cls;
}

type ZeroPad = new (padding: number | readonly number[]) => Module<[Tensor], Tensor> & { readonly padding: number[] };
type ConstantPad = new (padding: number | readonly number[], value: number) => Module<[Tensor], Tensor> & { readonly padding: number[]; readonly value: number };

export const ZeroPad1d: ZeroPad = constantPad("ZeroPad1d", 1, true);
export const ZeroPad2d: ZeroPad = constantPad("ZeroPad2d", 2, true);
export const ZeroPad3d: ZeroPad = constantPad("ZeroPad3d", 3, true);
export const ConstantPad1d: ConstantPad = constantPad("ConstantPad1d", 1, false);
export const ConstantPad2d: ConstantPad = constantPad("ConstantPad2d", 2, false);
export const ConstantPad3d: ConstantPad = constantPad("ConstantPad3d", 3, false);

/** Pads the last `dims` dims by reflection, replication or wrapping (F.pad's modes): one number for every side, or F.pad's order. */
function modePad(name: string, dims: number, mode: "reflect" | "replicate" | "circular") {
  const Cls = class extends Module<[Tensor], Tensor> {
    readonly padding: number[];
    constructor(padding: number | readonly number[]) {
      super();
      this.padding = typeof padding === "number" ? new Array<number>(2 * dims).fill(padding) : [...padding];
      if (this.padding.length !== 2 * dims) throw new ValueError(`${name}: padding must be one number or ${2 * dims} numbers, got ${this.padding.length}`);
    }
    forward(x: Tensor): Tensor {
      return padMode(x, this.padding, mode);
    }
    override extraRepr(): string {
      return `(${this.padding.join(", ")})`;
    }
  };
  Object.defineProperty(Cls, "name", { value: name });
  return Cls as ZeroPad;
}

export const ReflectionPad1d: ZeroPad = modePad("ReflectionPad1d", 1, "reflect");
export const ReflectionPad2d: ZeroPad = modePad("ReflectionPad2d", 2, "reflect");
export const ReflectionPad3d: ZeroPad = modePad("ReflectionPad3d", 3, "reflect");
export const ReplicationPad1d: ZeroPad = modePad("ReplicationPad1d", 1, "replicate");
export const ReplicationPad2d: ZeroPad = modePad("ReplicationPad2d", 2, "replicate");
export const ReplicationPad3d: ZeroPad = modePad("ReplicationPad3d", 3, "replicate");
export const CircularPad1d: ZeroPad = modePad("CircularPad1d", 1, "circular");
export const CircularPad2d: ZeroPad = modePad("CircularPad2d", 2, "circular");
export const CircularPad3d: ZeroPad = modePad("CircularPad3d", 3, "circular");

/** F.unfold as a layer: [N, C, H, W] → [N, C·kh·kw, L] sliding blocks. */
export class Unfold extends Module<[Tensor], Tensor> {
  constructor(readonly kernelSize: Pair, readonly options: WindowOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, this.options);
  }
}

/** F.fold as a layer: sums sliding blocks [N, C·kh·kw, L] back into [N, C, H, W]. */
export class Fold extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: Pair, readonly kernelSize: Pair, readonly options: WindowOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, this.options);
  }
}
