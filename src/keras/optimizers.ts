/** Keras' optimizer names with Keras' defaults (e.g. Adam's epsilon 1e-7), over tg.optim. */
import { ValueError } from "../base/errors.js";
import type { Tensor } from "../ops/tensor.js";
import * as optim from "../optim/optimizers.js";
import type { Optimizer } from "../optim/optimizer.js";

export type OptimizerFactory = (params: Tensor[]) => Optimizer<{ lr: number }>;

export const adam = ({ learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = {}): OptimizerFactory => (ps) =>
  new optim.Adam(ps, { lr: learningRate, betas: [beta1, beta2], eps: epsilon });
export const adamw = ({ learningRate = 1e-3, weightDecay = 0.004, epsilon = 1e-7 } = {}): OptimizerFactory => (ps) =>
  new optim.AdamW(ps, { lr: learningRate, weightDecay, eps: epsilon });
export const sgd = ({ learningRate = 0.01, momentum = 0, nesterov = false } = {}): OptimizerFactory => (ps) =>
  new optim.SGD(ps, { lr: learningRate, momentum, nesterov });
export const rmsprop = ({ learningRate = 1e-3, rho = 0.9, momentum = 0, epsilon = 1e-7 } = {}): OptimizerFactory => (ps) =>
  new optim.RMSprop(ps, { lr: learningRate, alpha: rho, momentum, eps: epsilon });
export const adagrad = ({ learningRate = 1e-3, initialAccumulatorValue = 0.1, epsilon = 1e-7 } = {}): OptimizerFactory => (ps) =>
  new optim.Adagrad(ps, { lr: learningRate, initialAccumulatorValue, eps: epsilon });
export const adamax = ({ learningRate = 1e-3, epsilon = 1e-7 } = {}): OptimizerFactory => (ps) => new optim.Adamax(ps, { lr: learningRate, eps: epsilon });
export const nadam = ({ learningRate = 1e-3, epsilon = 1e-7 } = {}): OptimizerFactory => (ps) => new optim.NAdam(ps, { lr: learningRate, eps: epsilon });
export const adadelta = ({ learningRate = 1e-3, rho = 0.95, epsilon = 1e-7 } = {}): OptimizerFactory => (ps) => new optim.Adadelta(ps, { lr: learningRate, rho, eps: epsilon });

const NAMED: Record<string, () => OptimizerFactory> = { adam, adamw, sgd, rmsprop, adagrad, adamax, nadam, adadelta };

export function getOptimizer(spec: string | OptimizerFactory): OptimizerFactory {
  if (typeof spec === "function") return spec;
  const make = NAMED[spec.toLowerCase()];
  if (!make) throw new ValueError(`unknown optimizer '${spec}'; expected one of ${Object.keys(NAMED).join(", ")} or a factory`);
  return make();
}
