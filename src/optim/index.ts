/** tg.optim — `import { optim } from "tensorgrad"`. */
export { Optimizer, OptimizerError, type ParamGroup, type ParamState, type ParamsArg, type OptimizerStateDict } from "./optimizer.js";
export { SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, Rprop, ASGD } from "./optimizers.js";
export { LBFGS, type LbfgsOptions } from "./lbfgs.js";
export { Adafactor, Muon, type AdafactorOptions, type MuonOptions } from "./matrix-aware.js";
export * as functional from "./functional.js";
export * as lrScheduler from "./schedulers/index.js";
export * as swaUtils from "./swa-utils.js";
