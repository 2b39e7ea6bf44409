/** tg.vision.ops — torchvision.ops: boxes, non-maximum suppression, RoI pooling, focal loss. */
export { boxArea, boxIou, generalizedBoxIou, distanceBoxIou, boxConvert, clipBoxesToImage, removeSmallBoxes, generalizedBoxIouLoss, masksToBoxes, type BoxFormat } from "./boxes.js";
export { nms, batchedNms } from "./nms.js";
export { roiAlign, roiPool, type Rois, type RoiOptions, type RoiAlignOptions } from "./roi.js";
export { sigmoidFocalLoss, type FocalLossOptions } from "./focal-loss.js";
export { Conv2dNormActivation, SqueezeExcitation, StochasticDepth, stochasticDepth, type ConvNormActivationOptions, type LayerFactory, type NormFactory } from "./misc.js";
