/** tg.vision — torchvision's layout in camelCase: `ops` (boxes, NMS, RoI pooling, focal loss) and `models`. */
export * as ops from "./ops/index.js";
export * as models from "./models/index.js";
