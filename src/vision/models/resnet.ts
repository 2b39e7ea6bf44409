/**
 * ResNets (He et al. 2016) with torchvision's module names, so a torchvision state dict loads by
 * name: resnet18/34/50/101, resnext50_32x4d, wide_resnet50_2 — and the paper's CIFAR ResNets
 * (resnet20/32/56: three stages of 16/32/64 channels, parameter-free shortcuts, 0.27M parameters
 * for ResNet-20). `smallInput` gives the ImageNet models a CIFAR-style stem (a 3×3 stride-1
 * convolution, no max-pooling) so they train on 28×28 or 32×32 images.
 */
import { ValueError } from "../../base/errors.js";
import type { Tensor } from "../../ops/tensor.js";
import { noGrad } from "../../ops/grad-mode.js";
import { Module } from "../../nn/module.js";
import { Conv2d } from "../../nn/layers/conv.js";
import { BatchNorm2d } from "../../nn/layers/norm.js";
import { Linear } from "../../nn/layers/linear.js";
import { Sequential } from "../../nn/layers/container.js";
import { MaxPool2d, AdaptiveAvgPool2d } from "../../nn/layers/pooling.js";
import { constant_, kaimingNormal_ } from "../../nn/init.js";
import { pad } from "../../ops/movement.js";

export interface ResNetOptions {
  numClasses?: number;
  /** Image channels (3: RGB; 1: grayscale). */
  inChannels?: number;
  /** A 3×3 stride-1 stem without max-pooling, for 28×28 or 32×32 images (ImageNet models only). */
  smallInput?: boolean;
  /** Zero the last batch norm of each residual branch, so every block starts as the identity. */
  zeroInitResidual?: boolean;
  /**
   * For stages 2–4: keep the resolution and dilate the 3×3 convolutions instead of striding
   * (torchvision's replace_stride_with_dilation; FCN and DeepLab use [false, true, true]). Bottleneck
   * ResNets only.
   */
  replaceStrideWithDilation?: readonly [boolean, boolean, boolean];
}

const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1) =>
  new Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, dilation, bias: false });
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1) => new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });

/** A shortcut that changes shape: torchvision's 1×1 projection (option B), or the CIFAR paper's option A. */
type Shortcut = Module<[Tensor], Tensor>;

/** Two 3×3 convolutions; the residual is added before the last ReLU. */
export class BasicBlock extends Module<[Tensor], Tensor> {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Shortcut | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: Shortcut | null = null, groups = 1, baseWidth = 64, dilation = 1) {
    super();
    if (groups !== 1 || baseWidth !== 64) throw new ValueError("BasicBlock only supports groups = 1 and baseWidth = 64");
    if (dilation > 1) throw new ValueError("BasicBlock does not support dilation > 1 (replaceStrideWithDilation needs a Bottleneck ResNet)");
    this.conv1 = conv3x3(inPlanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = downsample;
  }

  forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.bn1.forward(this.conv1.forward(x)).relu()));
    return out.add(this.downsample ? this.downsample.forward(x) : x).relu();
  }
}

/** 1×1 reduce, 3×3 (grouped for ResNeXt, strided), 1×1 expand ×4 (torchvision's ResNet v1.5). */
export class Bottleneck extends Module<[Tensor], Tensor> {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;
  bn3: BatchNorm2d;
  downsample: Shortcut | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: Shortcut | null = null, groups = 1, baseWidth = 64, dilation = 1) {
    super();
    const width = Math.floor(planes * (baseWidth / 64)) * groups;
    this.conv1 = conv1x1(inPlanes, width);
    this.bn1 = new BatchNorm2d(width);
    this.conv2 = conv3x3(width, width, stride, groups, dilation);
    this.bn2 = new BatchNorm2d(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = new BatchNorm2d(planes * Bottleneck.expansion);
    this.downsample = downsample;
  }

  forward(x: Tensor): Tensor {
    let out = this.bn1.forward(this.conv1.forward(x)).relu();
    out = this.bn2.forward(this.conv2.forward(out)).relu();
    out = this.bn3.forward(this.conv3.forward(out));
    return out.add(this.downsample ? this.downsample.forward(x) : x).relu();
  }
}

type Block = typeof BasicBlock | typeof Bottleneck;

/** Kaiming-normal (fan-out) convolutions, unit batch norms, as torchvision initialises ResNets. */
function initialise(model: Module, zeroInitResidual: boolean): void {
  noGrad(() =>
    model.apply((m) => {
      if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: "fan_out", nonlinearity: "relu" });
      else if (m instanceof BatchNorm2d) {
        constant_(m.weight!, 1);
        constant_(m.bias!, 0);
      }
      if (zeroInitResidual && m instanceof Bottleneck) constant_(m.bn3.weight!, 0);
      if (zeroInitResidual && m instanceof BasicBlock) constant_(m.bn2.weight!, 0);
    }),
  );
}

/** torchvision.models.ResNet: stem, four stages (64…512 channels × expansion), global pooling, fc. */
export class ResNet extends Module<[Tensor], Tensor> {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  maxpool: Module<[Tensor], Tensor> | null;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool = new AdaptiveAvgPool2d([1, 1]);
  fc: Linear;
  private inPlanes = 64;

  constructor(
    block: Block,
    layers: readonly [number, number, number, number],
    { numClasses = 1000, inChannels = 3, smallInput = false, zeroInitResidual = false, replaceStrideWithDilation = [false, false, false], groups = 1, widthPerGroup = 64 }: ResNetOptions & { groups?: number; widthPerGroup?: number } = {},
  ) {
    super();
    this.conv1 = smallInput ? conv3x3(inChannels, 64) : new Conv2d(inChannels, 64, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(64);
    this.maxpool = smallInput ? null : new MaxPool2d(3, { stride: 2, padding: 1 });
    let dilation = 1;
    const stage = (planes: number, blocks: number, stride: number, dilate = false) => {
      const previousDilation = dilation;
      if (dilate) [dilation, stride] = [dilation * stride, 1];
      let downsample: Shortcut | null = null;
      if (stride !== 1 || this.inPlanes !== planes * block.expansion) {
        downsample = new Sequential(conv1x1(this.inPlanes, planes * block.expansion, stride), new BatchNorm2d(planes * block.expansion));
      }
      const mods: Module[] = [new block(this.inPlanes, planes, stride, downsample, groups, widthPerGroup, previousDilation)];
      this.inPlanes = planes * block.expansion;
      for (let i = 1; i < blocks; i++) mods.push(new block(this.inPlanes, planes, 1, null, groups, widthPerGroup, dilation));
      return new Sequential(...mods);
    };
    this.layer1 = stage(64, layers[0], 1);
    this.layer2 = stage(128, layers[1], 2, replaceStrideWithDilation[0]);
    this.layer3 = stage(256, layers[2], 2, replaceStrideWithDilation[1]);
    this.layer4 = stage(512, layers[3], 2, replaceStrideWithDilation[2]);
    this.fc = new Linear(512 * block.expansion, numClasses);
    initialise(this, zeroInitResidual);
  }

  forward(x: Tensor): Tensor {
    x = this.bn1.forward(this.conv1.forward(x)).relu();
    if (this.maxpool) x = this.maxpool.forward(x);
    x = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(x))));
    return this.fc.forward(this.avgpool.forward(x).flatten(1));
  }
}

export const resnet18 = (options: ResNetOptions = {}) => new ResNet(BasicBlock, [2, 2, 2, 2], options);
export const resnet34 = (options: ResNetOptions = {}) => new ResNet(BasicBlock, [3, 4, 6, 3], options);
export const resnet50 = (options: ResNetOptions = {}) => new ResNet(Bottleneck, [3, 4, 6, 3], options);
export const resnet101 = (options: ResNetOptions = {}) => new ResNet(Bottleneck, [3, 4, 23, 3], options);
export const resnext50_32x4d = (options: ResNetOptions = {}) => new ResNet(Bottleneck, [3, 4, 6, 3], { ...options, groups: 32, widthPerGroup: 4 });
export const wideResnet50_2 = (options: ResNetOptions = {}) => new ResNet(Bottleneck, [3, 4, 6, 3], { ...options, widthPerGroup: 128 });

/**
 * The CIFAR paper's shortcut (option A): subsample by 2 and pad the new channels with zeros; no
 * parameters.
 */
class ZeroPadShortcut extends Module<[Tensor], Tensor> {
  constructor(private readonly extra: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    const sub = x.slice(2, 0, null, 2).slice(3, 0, null, 2);
    return pad(sub, [0, 0, 0, 0, this.extra / 2, this.extra / 2]);
  }
}

/** He et al.'s CIFAR-10 ResNet of depth 6n + 2: a 3×3 stem with 16 channels, stages of 16/32/64, fc. */
export class CifarResNet extends Module<[Tensor], Tensor> {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  avgpool = new AdaptiveAvgPool2d([1, 1]);
  fc: Linear;

  constructor(depth: number, { numClasses = 10, inChannels = 3, zeroInitResidual = false }: Omit<ResNetOptions, "smallInput" | "replaceStrideWithDilation"> = {}) {
    super();
    if (!Number.isInteger((depth - 2) / 6) || depth < 8) throw new ValueError(`CifarResNet: depth must be 6n + 2 (20, 32, 44, 56, 110), got ${depth}`);
    const n = (depth - 2) / 6;
    this.conv1 = conv3x3(inChannels, 16);
    this.bn1 = new BatchNorm2d(16);
    let inPlanes = 16;
    const stage = (planes: number, stride: number) => {
      const shortcut = stride !== 1 || inPlanes !== planes ? new ZeroPadShortcut(planes - inPlanes) : null;
      const mods: Module[] = [new BasicBlock(inPlanes, planes, stride, shortcut)];
      inPlanes = planes;
      for (let i = 1; i < n; i++) mods.push(new BasicBlock(planes, planes));
      return new Sequential(...mods);
    };
    this.layer1 = stage(16, 1);
    this.layer2 = stage(32, 2);
    this.layer3 = stage(64, 2);
    this.fc = new Linear(64, numClasses);
    initialise(this, zeroInitResidual);
  }

  forward(x: Tensor): Tensor {
    x = this.bn1.forward(this.conv1.forward(x)).relu();
    x = this.layer3.forward(this.layer2.forward(this.layer1.forward(x)));
    return this.fc.forward(this.avgpool.forward(x).flatten(1));
  }
}

export const resnet20 = (options: Omit<ResNetOptions, "smallInput" | "replaceStrideWithDilation"> = {}) => new CifarResNet(20, options);
export const resnet32 = (options: Omit<ResNetOptions, "smallInput" | "replaceStrideWithDilation"> = {}) => new CifarResNet(32, options);
export const resnet56 = (options: Omit<ResNetOptions, "smallInput" | "replaceStrideWithDilation"> = {}) => new CifarResNet(56, options);
