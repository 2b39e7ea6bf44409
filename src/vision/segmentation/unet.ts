/**
 * U-Net (Ronneberger et al. 2015) in the layout of milesial/Pytorch-UNet, the implementation most
 * PyTorch users start from, with its module names (inc, down1…4, up1…4, outc; DoubleConv's
 * double_conv), so its checkpoints load by name. `baseChannels` (64 in the paper) narrows every
 * stage for small images and machines.
 */
import type { Tensor } from "../../ops/tensor.js";
import { cat, pad } from "../../ops/movement.js";
import { Module } from "../../nn/module.js";
import { Conv2d, ConvTranspose2d } from "../../nn/layers/conv.js";
import { BatchNorm2d } from "../../nn/layers/norm.js";
import { ReLU } from "../../nn/layers/activation.js";
import { Sequential } from "../../nn/layers/container.js";
import { MaxPool2d, Upsample } from "../../nn/layers/pooling.js";

/** (convolution 3×3 → batch norm → ReLU) × 2. */
export class DoubleConv extends Module<[Tensor], Tensor> {
  double_conv: Sequential;
  constructor(inChannels: number, outChannels: number, midChannels = outChannels) {
    super();
    this.double_conv = new Sequential(
      new Conv2d(inChannels, midChannels, 3, { padding: 1, bias: false }),
      new BatchNorm2d(midChannels),
      new ReLU(),
      new Conv2d(midChannels, outChannels, 3, { padding: 1, bias: false }),
      new BatchNorm2d(outChannels),
      new ReLU(),
    );
  }
  forward(x: Tensor): Tensor {
    return this.double_conv.forward(x);
  }
}

/** Max-pooling by 2, then DoubleConv. */
export class Down extends Module<[Tensor], Tensor> {
  maxpool_conv: Sequential;
  constructor(inChannels: number, outChannels: number) {
    super();
    this.maxpool_conv = new Sequential(new MaxPool2d(2), new DoubleConv(inChannels, outChannels));
  }
  forward(x: Tensor): Tensor {
    return this.maxpool_conv.forward(x);
  }
}

/** Upsampling by 2 (bilinear, or a transposed convolution), padding to the skip's size, concatenation, DoubleConv. */
export class Up extends Module<[Tensor, Tensor], Tensor> {
  up: Module<[Tensor], Tensor>;
  conv: DoubleConv;
  constructor(inChannels: number, outChannels: number, bilinear = true) {
    super();
    if (bilinear) {
      this.up = new Upsample({ scaleFactor: 2, mode: "bilinear", alignCorners: true });
      this.conv = new DoubleConv(inChannels, outChannels, Math.floor(inChannels / 2));
    } else {
      this.up = new ConvTranspose2d(inChannels, Math.floor(inChannels / 2), 2, { stride: 2 });
      this.conv = new DoubleConv(inChannels, outChannels);
    }
  }
  forward(x1: Tensor, x2: Tensor): Tensor {
    let up = this.up.forward(x1);
    const dy = x2.shape[2]! - up.shape[2]!;
    const dx = x2.shape[3]! - up.shape[3]!;
    if (dx || dy) up = pad(up, [Math.floor(dx / 2), dx - Math.floor(dx / 2), Math.floor(dy / 2), dy - Math.floor(dy / 2)]);
    return this.conv.forward(cat([x2, up], 1));
  }
}

export interface UNetOptions {
  /** Bilinear upsampling (true) or transposed convolutions (false, the default as in milesial's UNet). */
  bilinear?: boolean;
  /** The first stage's channels, doubled at each of the four downsamplings (64 in the paper). */
  baseChannels?: number;
}

/** U-Net: a contracting path of four downsamplings, an expanding path with skip connections, a 1×1 classifier per pixel. */
export class UNet extends Module<[Tensor], Tensor> {
  inc: DoubleConv;
  down1: Down;
  down2: Down;
  down3: Down;
  down4: Down;
  up1: Up;
  up2: Up;
  up3: Up;
  up4: Up;
  outc: Module<[Tensor], Tensor>;

  constructor(
    readonly inChannels: number,
    readonly numClasses: number,
    { bilinear = false, baseChannels = 64 }: UNetOptions = {},
  ) {
    super();
    const c = baseChannels;
    const factor = bilinear ? 2 : 1;
    this.inc = new DoubleConv(inChannels, c);
    this.down1 = new Down(c, 2 * c);
    this.down2 = new Down(2 * c, 4 * c);
    this.down3 = new Down(4 * c, 8 * c);
    this.down4 = new Down(8 * c, (16 * c) / factor);
    this.up1 = new Up(16 * c, (8 * c) / factor, bilinear);
    this.up2 = new Up(8 * c, (4 * c) / factor, bilinear);
    this.up3 = new Up(4 * c, (2 * c) / factor, bilinear);
    this.up4 = new Up(2 * c, c, bilinear);
    this.outc = new OutConv(c, numClasses);
  }

  /** Per-pixel class logits [N, numClasses, H, W] for images [N, inChannels, H, W]. */
  forward(x: Tensor): Tensor {
    const x1 = this.inc.forward(x);
    const x2 = this.down1.forward(x1);
    const x3 = this.down2.forward(x2);
    const x4 = this.down3.forward(x3);
    const x5 = this.down4.forward(x4);
    let y = this.up1.forward(x5, x4);
    y = this.up2.forward(y, x3);
    y = this.up3.forward(y, x2);
    y = this.up4.forward(y, x1);
    return this.outc.forward(y);
  }
}

/** The 1×1 convolution to class logits (milesial's OutConv, whose module is `conv`). */
export class OutConv extends Module<[Tensor], Tensor> {
  conv: Conv2d;
  constructor(inChannels: number, outChannels: number) {
    super();
    this.conv = new Conv2d(inChannels, outChannels, 1);
  }
  forward(x: Tensor): Tensor {
    return this.conv.forward(x);
  }
}
