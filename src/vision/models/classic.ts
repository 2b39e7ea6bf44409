/**
 * The classic convolutional networks with torchvision's module names: AlexNet (Krizhevsky et al.
 * 2012) and VGG (Simonyan & Zisserman 2015; configurations A, B, D, E, with or without batch
 * norm), plus LeNet-5 (LeCun et al. 1998; not in torchvision: here in its modern form, ReLU and
 * max-pooling, named features/classifier as torchvision names its models).
 */
import type { Tensor } from "../../ops/tensor.js";
import { noGrad } from "../../ops/grad-mode.js";
import { Module } from "../../nn/module.js";
import { Conv2d } from "../../nn/layers/conv.js";
import { BatchNorm2d } from "../../nn/layers/norm.js";
import { Linear } from "../../nn/layers/linear.js";
import { Dropout } from "../../nn/layers/dropout.js";
import { ReLU } from "../../nn/layers/activation.js";
import { Sequential } from "../../nn/layers/container.js";
import { AdaptiveAvgPool2d, MaxPool2d } from "../../nn/layers/pooling.js";
import { constant_, kaimingNormal_, normal_ } from "../../nn/init.js";

export interface ClassicOptions {
  numClasses?: number;
  inChannels?: number;
  /** Dropout in the classifier (AlexNet and VGG: 0.5). */
  dropout?: number;
}

/** Features → adaptive average pooling → flatten → classifier, the shape of torchvision's AlexNet and VGG. */
abstract class PooledClassifier extends Module<[Tensor], Tensor> {
  abstract features: Sequential;
  abstract avgpool: AdaptiveAvgPool2d;
  abstract classifier: Sequential;
  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1));
  }
}

/** torchvision.models.AlexNet (PyTorch's default initialisation). Needs images of at least 63×63. */
export class AlexNet extends PooledClassifier {
  features: Sequential;
  avgpool = new AdaptiveAvgPool2d([6, 6]);
  classifier: Sequential;
  constructor({ numClasses = 1000, inChannels = 3, dropout = 0.5 }: ClassicOptions = {}) {
    super();
    const pool = () => new MaxPool2d(3, { stride: 2 });
    this.features = new Sequential(
      new Conv2d(inChannels, 64, 11, { stride: 4, padding: 2 }), new ReLU(), pool(),
      new Conv2d(64, 192, 5, { padding: 2 }), new ReLU(), pool(),
      new Conv2d(192, 384, 3, { padding: 1 }), new ReLU(),
      new Conv2d(384, 256, 3, { padding: 1 }), new ReLU(),
      new Conv2d(256, 256, 3, { padding: 1 }), new ReLU(), pool(),
    );
    this.classifier = new Sequential(new Dropout(dropout), new Linear(256 * 6 * 6, 4096), new ReLU(), new Dropout(dropout), new Linear(4096, 4096), new ReLU(), new Linear(4096, numClasses));
  }
}

/** VGG's configurations: channels of each 3×3 convolution, "M" for 2×2 max-pooling. */
const VGG_CONFIGS = {
  A: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  B: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  D: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
  E: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
} as const;

/** torchvision.models.VGG: conv stacks, pooling to 7×7, three fully connected layers; torchvision's initialisation. */
export class VGG extends PooledClassifier {
  features: Sequential;
  avgpool = new AdaptiveAvgPool2d([7, 7]);
  classifier: Sequential;
  constructor(config: keyof typeof VGG_CONFIGS, batchNorm: boolean, { numClasses = 1000, inChannels = 3, dropout = 0.5 }: ClassicOptions = {}) {
    super();
    const layers: Module[] = [];
    let channels = inChannels;
    for (const v of VGG_CONFIGS[config]) {
      if (v === "M") layers.push(new MaxPool2d(2, { stride: 2 }));
      else {
        layers.push(new Conv2d(channels, v, 3, { padding: 1 }), ...(batchNorm ? [new BatchNorm2d(v)] : []), new ReLU());
        channels = v;
      }
    }
    this.features = new Sequential(...layers);
    this.classifier = new Sequential(new Linear(512 * 7 * 7, 4096), new ReLU(), new Dropout(dropout), new Linear(4096, 4096), new ReLU(), new Dropout(dropout), new Linear(4096, numClasses));
    noGrad(() =>
      this.apply((m) => {
        if (m instanceof Conv2d) {
          kaimingNormal_(m.weight, { mode: "fan_out", nonlinearity: "relu" });
          constant_(m.bias!, 0);
        } else if (m instanceof BatchNorm2d) {
          constant_(m.weight!, 1);
          constant_(m.bias!, 0);
        } else if (m instanceof Linear) {
          normal_(m.weight, 0, 0.01);
          constant_(m.bias!, 0);
        }
      }),
    );
  }
}

/** LeNet-5 for 28×28 images: conv 5×5 (padded) → pool → conv 5×5 → pool → 120 → 84 → classes. */
export class LeNet5 extends Module<[Tensor], Tensor> {
  features: Sequential;
  classifier: Sequential;
  constructor({ numClasses = 10, inChannels = 1 }: Omit<ClassicOptions, "dropout"> = {}) {
    super();
    this.features = new Sequential(new Conv2d(inChannels, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2), new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2));
    this.classifier = new Sequential(new Linear(16 * 5 * 5, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, numClasses));
  }
  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x).flatten(1));
  }
}

export const lenet5 = (options: Omit<ClassicOptions, "dropout"> = {}) => new LeNet5(options);
export const alexnet = (options: ClassicOptions = {}) => new AlexNet(options);
export const vgg11 = (options: ClassicOptions = {}) => new VGG("A", false, options);
export const vgg11_bn = (options: ClassicOptions = {}) => new VGG("A", true, options);
export const vgg13 = (options: ClassicOptions = {}) => new VGG("B", false, options);
export const vgg13_bn = (options: ClassicOptions = {}) => new VGG("B", true, options);
export const vgg16 = (options: ClassicOptions = {}) => new VGG("D", false, options);
export const vgg16_bn = (options: ClassicOptions = {}) => new VGG("D", true, options);
export const vgg19 = (options: ClassicOptions = {}) => new VGG("E", false, options);
export const vgg19_bn = (options: ClassicOptions = {}) => new VGG("E", true, options);
