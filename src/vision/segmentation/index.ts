/** tg.vision.segmentation — U-Net, the Dice loss, and confusion-matrix metrics (pixel accuracy, IoU). */
export { UNet, DoubleConv, Down, Up, OutConv, type UNetOptions } from "./unet.js";
export { diceLoss, diceCoefficient, type DiceOptions } from "./losses.js";
export { confusionMatrix, segmentationScores, type SegmentationScores } from "./metrics.js";
