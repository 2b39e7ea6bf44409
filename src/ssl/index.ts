/**
 * tg.ssl — self-supervised learning: objectives (NT-Xent, InfoNCE with a memory queue, BYOL,
 * SimSiam, masked tokens and patches), heads, two-view augmentation, and the k-NN and linear-probe
 * monitors. The EMA target network is tg.optim.swaUtils.ExponentialMovingAverage.
 */
export { ntXentLoss, infoNceLoss, byolLoss, simsiamLoss, MemoryQueue } from "./losses.js";
export { ProjectionHead, PredictionHead } from "./heads.js";
export { maskTokens, randomMasking, patchify, maskedPatchLoss, mlmLoss, type MaskTokensOptions } from "./masking.js";
export { knnPredict, knnAccuracy, linearProbe, type KnnOptions, type LinearProbeOptions } from "./monitors.js";
export { simclrAugmentation, TwoViewDataset, type SimclrAugmentationOptions } from "./augment.js";
export { batchSimclrAugment, type BatchAugmentOptions } from "./batch-augment.js";
export { pretrain, PRETRAIN_METHODS, type PretrainMethod, type PretrainOptions, type PretrainResult } from "./pretrain.js";
