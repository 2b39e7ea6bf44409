/**
 * tg.geometric — graph neural networks following PyTorch Geometric's API in camelCase:
 * `import { geometric } from "tensorgrad"` or `import * as geometric from "tensorgrad/geometric"`.
 */
export { Data, Batch, type DataAttrs, type FromDataListOptions } from "./data.js";
export { DataLoader, type GraphLoaderOptions } from "./loader.js";
export { scatter, softmax, type ScatterReduce, type ScatterOptions, type SoftmaxOptions } from "./scatter.js";
export { rocAucScore, averagePrecisionScore } from "./metrics.js";
export * as utils from "./utils/index.js";
export * as nn from "./nn/index.js";
export * as datasets from "./datasets/index.js";
export * as transforms from "./transforms.js";
