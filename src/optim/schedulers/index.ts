/** tg.optim.lrScheduler — PyTorch's torch.optim.lr_scheduler. */
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, LinearLR, LambdaLR,
} from "./scheduler.js";
export { OneCycleLR, type OneCycleOptions } from "./one-cycle.js";
export { SequentialLR } from "./sequential.js";
export { ReduceLROnPlateau, type PlateauOptions } from "./plateau.js";
export { ConstantLR, PolynomialLR, MultiplicativeLR, CyclicLR, ChainedScheduler, type CyclicOptions } from "./more.js";
