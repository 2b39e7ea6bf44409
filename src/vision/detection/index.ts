/** tg.vision.detection — torchvision.models.detection's pieces: anchors, box coders, the FCOS detector, and a small one for CPUs. */
export { AnchorGenerator } from "./anchors.js";
export { BoxCoder, BoxLinearCoder } from "./box-coder.js";
export { FCOS, FCOSHead, FCOSClassificationHead, FCOSRegressionHead, type FcosOptions, type FcosLosses, type FcosHeadOutputs, type Detection, type FeatureBackbone } from "./fcos.js";
export { SmallBackbone, fcosSmall } from "./small.js";
export { meanAveragePrecision, type MeanAveragePrecision, type MapOptions } from "./map.js";
