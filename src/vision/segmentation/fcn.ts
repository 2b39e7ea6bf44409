/**
 * Fully convolutional networks (Long et al. 2015) as torchvision builds them: a ResNet whose last
 * two stages dilate instead of striding (output stride 8), FCNHead classifiers on layer4 ("out")
 * and, with auxLoss, on layer3 ("aux"), the logits upsampled bilinearly to the input's size.
 * Module names are torchvision's (backbone.*, classifier.*, aux_classifier.*), so its state dicts load.
 */
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../../nn/module.js";
import { Conv2d } from "../../nn/layers/conv.js";
import { BatchNorm2d } from "../../nn/layers/norm.js";
import { ReLU } from "../../nn/layers/activation.js";
import { Dropout } from "../../nn/layers/dropout.js";
import { Sequential } from "../../nn/layers/container.js";
import { interpolate } from "../../nn/functional/pooling.js";
import { resnet101, resnet50, type ResNet, type ResNetOptions } from "../models/resnet.js";

/** 3×3 convolution to a quarter of the channels → batch norm → ReLU → dropout (0.1) → 1×1 to the classes. */
export class FCNHead extends Sequential {
  constructor(inChannels: number, channels: number, dropout = 0.1) {
    const inter = Math.floor(inChannels / 4);
    super(new Conv2d(inChannels, inter, 3, { padding: 1, bias: false }), new BatchNorm2d(inter), new ReLU(), new Dropout(dropout), new Conv2d(inter, channels, 1));
  }
}

/** A ResNet without its pooling and classifier, giving layer3's and layer4's features (torchvision's IntermediateLayerGetter). */
export class ResNetFeatures extends Module<[Tensor], { layer3: Tensor; layer4: Tensor }> {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  maxpool: Module<[Tensor], Tensor> | null;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  constructor(resnet: ResNet) {
    super();
    this.conv1 = resnet.conv1;
    this.bn1 = resnet.bn1;
    this.maxpool = resnet.maxpool;
    this.layer1 = resnet.layer1;
    this.layer2 = resnet.layer2;
    this.layer3 = resnet.layer3;
    this.layer4 = resnet.layer4;
  }
  forward(x: Tensor): { layer3: Tensor; layer4: Tensor } {
    x = this.bn1.forward(this.conv1.forward(x)).relu();
    if (this.maxpool) x = this.maxpool.forward(x);
    const layer3 = this.layer3.forward(this.layer2.forward(this.layer1.forward(x)));
    return { layer3, layer4: this.layer4.forward(layer3) };
  }
}

export interface FcnOutput {
  out: Tensor;
  aux?: Tensor;
}

export class FCN extends Module<[Tensor], FcnOutput> {
  backbone: ResNetFeatures;
  classifier: FCNHead;
  aux_classifier: FCNHead | null;
  constructor(backbone: ResNet, numClasses: number, auxLoss = false, dropout = 0.1) {
    super();
    this.backbone = new ResNetFeatures(backbone);
    const channels = backbone.fc.inFeatures; // layer4's channels
    this.classifier = new FCNHead(channels, numClasses, dropout);
    this.aux_classifier = auxLoss ? new FCNHead(channels / 2, numClasses, dropout) : null;
  }
  /** Per-pixel logits [N, numClasses, H, W] ("out"; "aux" from layer3 with auxLoss). */
  forward(x: Tensor): FcnOutput {
    const size: [number, number] = [x.shape[2]!, x.shape[3]!];
    const { layer3, layer4 } = this.backbone.forward(x);
    const up = (t: Tensor) => interpolate(t, { size, mode: "bilinear", alignCorners: false });
    const out = up(this.classifier.forward(layer4));
    return this.aux_classifier ? { out, aux: up(this.aux_classifier.forward(layer3)) } : { out };
  }
}

export interface FcnOptions {
  numClasses?: number;
  auxLoss?: boolean;
  inChannels?: number;
  /** The heads' dropout (torchvision's 0.1). */
  dropout?: number;
}

const dilated = ({ inChannels = 3 }: FcnOptions): ResNetOptions => ({ inChannels, replaceStrideWithDilation: [false, true, true] });
/** torchvision's fcn_resnet50 (21 classes by default, as Pascal VOC), without pre-trained weights. */
export const fcnResnet50 = (options: FcnOptions = {}) => new FCN(resnet50(dilated(options)), options.numClasses ?? 21, options.auxLoss ?? false, options.dropout);
export const fcnResnet101 = (options: FcnOptions = {}) => new FCN(resnet101(dilated(options)), options.numClasses ?? 21, options.auxLoss ?? false, options.dropout);
