/**
 * EfficientNet-B0 (Tan & Le 2019) with torchvision's module names and initialisation: MBConv blocks
 * (expansion, depthwise k×k, squeeze-excitation with SiLU, projection) whose residual branches are
 * dropped by stochastic depth, the drop rate growing linearly to stochasticDepthProb over the blocks.
 */
import type { Tensor } from "../../ops/tensor.js";
import { Module } from "../../nn/module.js";
import { Linear } from "../../nn/layers/linear.js";
import { Dropout } from "../../nn/layers/dropout.js";
import { SiLU } from "../../nn/layers/activation.js";
import { Sequential } from "../../nn/layers/container.js";
import { AdaptiveAvgPool2d } from "../../nn/layers/pooling.js";
import { uniform_ } from "../../nn/init.js";
import { Conv2dNormActivation, SqueezeExcitation, StochasticDepth, makeDivisible } from "../ops/misc.js";
import { initialiseMobile, type MobileNetOptions } from "./mobilenet.js";

export interface EfficientNetOptions extends MobileNetOptions {
  /** The last block's drop probability (default 0.2). */
  stochasticDepthProb?: number;
}

/** Mobile inverted bottleneck with squeeze-excitation; the residual branch passes through stochastic depth. */
export class MBConv extends Module<[Tensor], Tensor> {
  block: Sequential;
  stochasticDepth: StochasticDepth;
  private readonly residual: boolean;

  constructor(expandRatio: number, kernel: number, stride: number, input: number, out: number, dropProb: number) {
    super();
    this.residual = stride === 1 && input === out;
    const silu = () => new SiLU();
    const expanded = makeDivisible(input * expandRatio);
    const layers: Module[] = [];
    if (expanded !== input) layers.push(new Conv2dNormActivation(input, expanded, { kernelSize: 1, activation: silu }));
    layers.push(
      new Conv2dNormActivation(expanded, expanded, { kernelSize: kernel, stride, groups: expanded, activation: silu }),
      new SqueezeExcitation(expanded, Math.max(1, Math.floor(input / 4)), { activation: silu }),
      new Conv2dNormActivation(expanded, out, { kernelSize: 1, activation: null }),
    );
    this.block = new Sequential(...layers);
    this.stochasticDepth = new StochasticDepth(dropProb, "row");
  }

  forward(x: Tensor): Tensor {
    const out = this.block.forward(x);
    return this.residual ? this.stochasticDepth.forward(out).add(x) : out;
  }
}

/** torchvision.models.efficientnet_b0: stem, seven MBConv stages, 1×1 head to 1280, pooling, classifier. */
export class EfficientNet extends Module<[Tensor], Tensor> {
  features: Sequential;
  avgpool = new AdaptiveAvgPool2d(1);
  classifier: Sequential;

  constructor({ numClasses = 1000, inChannels = 3, dropout = 0.2, smallInput = false, stochasticDepthProb = 0.2 }: EfficientNetOptions = {}) {
    super();
    // expansion, kernel, stride, input, output, blocks (B0: width and depth multipliers 1)
    const stages = [[1, 3, 1, 32, 16, 1], [6, 3, 2, 16, 24, 2], [6, 5, 2, 24, 40, 2], [6, 3, 2, 40, 80, 3], [6, 5, 1, 80, 112, 3], [6, 5, 2, 112, 192, 4], [6, 3, 1, 192, 320, 1]] as const;
    const total = stages.reduce((n, s) => n + s[5], 0);
    const silu = () => new SiLU();
    const layers: Module[] = [new Conv2dNormActivation(inChannels, makeDivisible(stages[0][3]), { stride: smallInput ? 1 : 2, activation: silu })];
    let blockId = 0;
    for (const [t, k, s, input, out, n] of stages) {
      const blocks: Module[] = [];
      for (let i = 0; i < n; i++) blocks.push(new MBConv(t, k, i === 0 ? s : 1, makeDivisible(i === 0 ? input : out), makeDivisible(out), (stochasticDepthProb * blockId++) / total));
      layers.push(new Sequential(...blocks));
    }
    const lastIn = makeDivisible(stages[stages.length - 1]![4]);
    layers.push(new Conv2dNormActivation(lastIn, 4 * lastIn, { kernelSize: 1, activation: silu }));
    this.features = new Sequential(...layers);
    this.classifier = new Sequential(new Dropout(dropout), new Linear(4 * lastIn, numClasses));
    initialiseMobile(this, (l) => uniform_(l.weight, -1 / Math.sqrt(l.outFeatures), 1 / Math.sqrt(l.outFeatures)));
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1));
  }
}

export const efficientnetB0 = (options: EfficientNetOptions = {}) => new EfficientNet(options);
