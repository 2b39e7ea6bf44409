/** tg.vision — torchvision's layout in camelCase: `ops` (boxes, NMS, RoI pooling, focal loss, model blocks), `models`, `segmentation`. */
export * as ops from "./ops/index.js";
export * as models from "./models/index.js";
export * as segmentation from "./segmentation/index.js";
