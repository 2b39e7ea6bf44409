/** tg.vision.segmentation — U-Net, FCN, the Dice loss, and confusion-matrix metrics (pixel accuracy, IoU). */
export { UNet, DoubleConv, Down, Up, OutConv, type UNetOptions } from "./unet.js";
export { diceLoss, diceCoefficient, type DiceOptions } from "./losses.js";
export { confusionMatrix, segmentationScores, type SegmentationScores } from "./metrics.js";
export { FCN, FCNHead, ResNetFeatures, fcnResnet50, fcnResnet101, type FcnOptions, type FcnOutput } from "./fcn.js";
