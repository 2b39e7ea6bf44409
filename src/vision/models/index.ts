/** tg.vision.models — torchvision.models' architectures and names (state dicts load by name). */
export {
  ResNet, BasicBlock, Bottleneck, CifarResNet, resnet18, resnet34, resnet50, resnet101, resnext50_32x4d, wideResnet50_2,
  resnet20, resnet32, resnet56, type ResNetOptions,
} from "./resnet.js";
export { MobileNetV2, MobileNetV3, InvertedResidual, InvertedResidualV3, mobilenetV2, mobilenetV3Small, type MobileNetOptions } from "./mobilenet.js";
export { EfficientNet, MBConv, efficientnetB0, type EfficientNetOptions } from "./efficientnet.js";
export { VisionTransformer, EncoderBlock, Encoder, vitB16, type VisionTransformerOptions } from "./vit.js";
export {
  AlexNet, VGG, LeNet5, alexnet, lenet5, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn, type ClassicOptions,
} from "./classic.js";
