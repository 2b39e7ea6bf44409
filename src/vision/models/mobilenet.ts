/**
 * MobileNetV2 (Sandler et al. 2018) and MobileNetV3-Small (Howard et al. 2019) with torchvision's
 * module names and initialisation: inverted residuals of depthwise convolutions, ReLU6 (V2) or
 * hard-swish and squeeze-excitation (V3). `smallInput` makes the stem stride 1, so 28×28 and
 * 32×32 images keep a useful resolution.
 */
import type { Tensor } from "../../ops/tensor.js";
import { noGrad } from "../../ops/grad-mode.js";
import { Module } from "../../nn/module.js";
import { Conv2d } from "../../nn/layers/conv.js";
import { BatchNorm2d } from "../../nn/layers/norm.js";
import { Linear } from "../../nn/layers/linear.js";
import { Dropout } from "../../nn/layers/dropout.js";
import { Hardsigmoid, Hardswish, ReLU, ReLU6 } from "../../nn/layers/activation.js";
import { Sequential } from "../../nn/layers/container.js";
import { AdaptiveAvgPool2d } from "../../nn/layers/pooling.js";
import { constant_, kaimingNormal_, normal_ } from "../../nn/init.js";
import { Conv2dNormActivation, SqueezeExcitation, makeDivisible, type LayerFactory, type NormFactory } from "../ops/misc.js";

export interface MobileNetOptions {
  numClasses?: number;
  inChannels?: number;
  /** Dropout before the last linear layer. */
  dropout?: number;
  /** Stem stride 1 instead of 2, for 28×28 or 32×32 images. */
  smallInput?: boolean;
}

/** torchvision's initialisation of its mobile models: fan-out Kaiming convolutions, unit norms, N(0, 0.01) linears. */
export function initialiseMobile(model: Module, linear: (l: Linear) => void = (l) => normal_(l.weight, 0, 0.01)): void {
  noGrad(() =>
    model.apply((m) => {
      if (m instanceof Conv2d) {
        kaimingNormal_(m.weight, { mode: "fan_out" });
        if (m.bias) constant_(m.bias, 0);
      } else if (m instanceof BatchNorm2d) {
        constant_(m.weight!, 1);
        constant_(m.bias!, 0);
      } else if (m instanceof Linear) {
        linear(m);
        if (m.bias) constant_(m.bias, 0);
      }
    }),
  );
}

/** MobileNetV2's block: 1×1 expansion (unless t = 1), 3×3 depthwise, linear 1×1 projection; residual when shapes allow. */
export class InvertedResidual extends Module<[Tensor], Tensor> {
  conv: Sequential;
  private readonly residual: boolean;

  constructor(inp: number, oup: number, stride: number, expandRatio: number) {
    super();
    const hidden = Math.round(inp * expandRatio);
    this.residual = stride === 1 && inp === oup;
    const relu6 = () => new ReLU6();
    const layers: Module[] = [];
    if (expandRatio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, { kernelSize: 1, activation: relu6 }));
    layers.push(new Conv2dNormActivation(hidden, hidden, { stride, groups: hidden, activation: relu6 }), new Conv2d(hidden, oup, 1, { bias: false }), new BatchNorm2d(oup));
    this.conv = new Sequential(...layers);
  }

  forward(x: Tensor): Tensor {
    return this.residual ? x.add(this.conv.forward(x)) : this.conv.forward(x);
  }
}

/** torchvision.models.MobileNetV2 (width 1.0): features, global average pooling, classifier. */
export class MobileNetV2 extends Module<[Tensor], Tensor> {
  features: Sequential;
  classifier: Sequential;

  constructor({ numClasses = 1000, inChannels = 3, dropout = 0.2, smallInput = false }: MobileNetOptions = {}) {
    super();
    // t (expansion), c (channels), n (blocks), s (first block's stride)
    const setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]] as const;
    let input = makeDivisible(32);
    const last = makeDivisible(1280);
    const relu6 = () => new ReLU6();
    const features: Module[] = [new Conv2dNormActivation(inChannels, input, { stride: smallInput ? 1 : 2, activation: relu6 })];
    for (const [t, c, n, s] of setting) {
      const output = makeDivisible(c);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(input, output, i === 0 ? s : 1, t));
        input = output;
      }
    }
    features.push(new Conv2dNormActivation(input, last, { kernelSize: 1, activation: relu6 }));
    this.features = new Sequential(...features);
    this.classifier = new Sequential(new Dropout(dropout), new Linear(last, numClasses));
    initialiseMobile(this);
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x).mean([2, 3]));
  }
}

interface BlockConfig {
  input: number;
  kernel: number;
  expanded: number;
  out: number;
  se: boolean;
  hardswish: boolean;
  stride: number;
}

/** MobileNetV3's block: optional 1×1 expansion, depthwise k×k, optional squeeze-excitation, linear projection. */
export class InvertedResidualV3 extends Module<[Tensor], Tensor> {
  block: Sequential;
  private readonly residual: boolean;

  constructor(c: BlockConfig, norm: NormFactory) {
    super();
    this.residual = c.stride === 1 && c.input === c.out;
    const activation: LayerFactory = c.hardswish ? () => new Hardswish() : () => new ReLU();
    const layers: Module[] = [];
    if (c.expanded !== c.input) layers.push(new Conv2dNormActivation(c.input, c.expanded, { kernelSize: 1, norm, activation }));
    layers.push(new Conv2dNormActivation(c.expanded, c.expanded, { kernelSize: c.kernel, stride: c.stride, groups: c.expanded, norm, activation }));
    if (c.se) layers.push(new SqueezeExcitation(c.expanded, makeDivisible(Math.floor(c.expanded / 4)), { scaleActivation: () => new Hardsigmoid() }));
    layers.push(new Conv2dNormActivation(c.expanded, c.out, { kernelSize: 1, norm, activation: null }));
    this.block = new Sequential(...layers);
  }

  forward(x: Tensor): Tensor {
    const out = this.block.forward(x);
    return this.residual ? out.add(x) : out;
  }
}

/** torchvision.models.mobilenet_v3_small's configuration: features, pooling, a hard-swish classifier. */
export class MobileNetV3 extends Module<[Tensor], Tensor> {
  features: Sequential;
  avgpool = new AdaptiveAvgPool2d(1);
  classifier: Sequential;

  constructor({ numClasses = 1000, inChannels = 3, dropout = 0.2, smallInput = false }: MobileNetOptions = {}) {
    super();
    const norm: NormFactory = (c) => new BatchNorm2d(c, { eps: 0.001, momentum: 0.01 });
    // input, kernel, expanded, out, squeeze-excitation, hard-swish, stride (mobilenet_v3_small)
    const rows: [number, number, number, number, boolean, boolean, number][] = [
      [16, 3, 16, 16, true, false, 2], [16, 3, 72, 24, false, false, 2], [24, 3, 88, 24, false, false, 1],
      [24, 5, 96, 40, true, true, 2], [40, 5, 240, 40, true, true, 1], [40, 5, 240, 40, true, true, 1],
      [40, 5, 120, 48, true, true, 1], [48, 5, 144, 48, true, true, 1], [48, 5, 288, 96, true, true, 2],
      [96, 5, 576, 96, true, true, 1], [96, 5, 576, 96, true, true, 1],
    ];
    const configs = rows.map(([input, kernel, expanded, out, se, hardswish, stride]) => ({ input: makeDivisible(input), kernel, expanded: makeDivisible(expanded), out: makeDivisible(out), se, hardswish, stride }));
    const hardswish = () => new Hardswish();
    const layers: Module[] = [new Conv2dNormActivation(inChannels, configs[0]!.input, { stride: smallInput ? 1 : 2, norm, activation: hardswish })];
    for (const c of configs) layers.push(new InvertedResidualV3(c, norm));
    const lastIn = configs[configs.length - 1]!.out;
    layers.push(new Conv2dNormActivation(lastIn, 6 * lastIn, { kernelSize: 1, norm, activation: hardswish }));
    this.features = new Sequential(...layers);
    const lastChannel = makeDivisible(1024);
    this.classifier = new Sequential(new Linear(6 * lastIn, lastChannel), new Hardswish(), new Dropout(dropout), new Linear(lastChannel, numClasses));
    initialiseMobile(this);
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1));
  }
}

export const mobilenetV2 = (options: MobileNetOptions = {}) => new MobileNetV2(options);
export const mobilenetV3Small = (options: MobileNetOptions = {}) => new MobileNetV3(options);
