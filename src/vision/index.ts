/** tg.vision — torchvision's layout in camelCase: `ops` (boxes, NMS, RoI pooling, focal loss, model blocks), `models`, `segmentation`, `datasets`, `transforms`, `detection`, `utils`. */
export * as ops from "./ops/index.js";
export * as models from "./models/index.js";
export * as segmentation from "./segmentation/index.js";
export * as datasets from "./datasets/index.js";
export * as transforms from "./transforms/index.js";
export * as utils from "./utils.js";
export * as detection from "./detection/index.js";
