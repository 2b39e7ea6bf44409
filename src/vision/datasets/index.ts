/** tg.vision.datasets — scenes with boxes and masks for detection and segmentation, generated or pasted from real images. */
export { MnistScenes, type MnistScenesOptions } from "./mnist-scenes.js";
export { Shapes, type ShapesOptions } from "./shapes.js";
export { targetFromMasks, semanticMap, SemanticMaps, collateDetection, type DetectionTarget, type DetectionSample, type DetectionTransform, type DrawnObject } from "./target.js";
