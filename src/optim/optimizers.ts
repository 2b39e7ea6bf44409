/** The optimizers: options with PyTorch's defaults, validation, and a call into functional.ts. */
import { ValueError } from "../base/errors.js";
import { checkOptions, type OptionSpec } from "../base/options.js";
import type { Tensor } from "../ops/tensor.js";
import * as F from "./functional.js";
import { Optimizer, type ParamGroup, type ParamState, type ParamsArg } from "./optimizer.js";

/**
 * The defaults with the caller's options over them, each checked: a key the optimizer does not
 * have, or a value of another type than its default's, is an error naming both.
 */
function withDefaults<D extends object>(name: string, defaults: D, opts: object): D {
  const kinds = Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, Array.isArray(v) ? "array" : typeof v])) as OptionSpec;
  checkOptions(name, opts, kinds);
  return { ...defaults, ...opts };
}

function check(cond: boolean, name: string, what: string, value: unknown): void {
  if (!cond) throw new ValueError(`${name}: invalid ${what} ${JSON.stringify(value)}`);
}

function checkBetas(name: string, betas: [number, number]): void {
  check(betas[0] >= 0 && betas[0] < 1, name, "beta parameter at index 0", betas[0]);
  check(betas[1] >= 0 && betas[1] < 1, name, "beta parameter at index 1", betas[1]);
}

export class SGD extends Optimizer<F.SgdOptions> {
  constructor(params: ParamsArg<F.SgdOptions>, opts: Partial<F.SgdOptions> & { lr?: number } = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, opts));
  }
  protected override validate(g: ParamGroup<F.SgdOptions>): void {
    super.validate(g);
    check(g.momentum >= 0, "SGD", "momentum value", g.momentum);
    check(g.weightDecay >= 0, "SGD", "weightDecay value", g.weightDecay);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new ValueError("SGD: Nesterov momentum requires a momentum and zero dampening");
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.SgdOptions>): void {
    F.sgd(p, grad, state, g);
  }
}

type AdamArgs = Partial<Omit<F.AdamOptions, "decoupled">>;

export class Adam extends Optimizer<F.AdamOptions> {
  constructor(params: ParamsArg<F.AdamOptions>, opts: AdamArgs = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false }, opts));
  }
  protected override validate(g: ParamGroup<F.AdamOptions>): void {
    super.validate(g);
    check(g.eps >= 0, this.constructor.name, "epsilon value", g.eps);
    checkBetas(this.constructor.name, g.betas);
    check(g.weightDecay >= 0, this.constructor.name, "weightDecay value", g.weightDecay);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.AdamOptions>): void {
    F.adam(p, grad, state, g);
  }
}

/** Adam with decoupled weight decay (default 0.01). */
export class AdamW extends Adam {
  constructor(params: ParamsArg<F.AdamOptions>, opts: AdamArgs = {}) {
    super(params, { weightDecay: 1e-2, ...opts });
  }
  protected override update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.AdamOptions>): void {
    F.adam(p, grad, state, { ...g, decoupled: true });
  }
}

export class RMSprop extends Optimizer<F.RmspropOptions> {
  constructor(params: ParamsArg<F.RmspropOptions>, opts: Partial<F.RmspropOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, opts));
  }
  protected override validate(g: ParamGroup<F.RmspropOptions>): void {
    super.validate(g);
    check(g.alpha >= 0, "RMSprop", "alpha value", g.alpha);
    check(g.eps >= 0, "RMSprop", "epsilon value", g.eps);
    check(g.momentum >= 0, "RMSprop", "momentum value", g.momentum);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.RmspropOptions>): void {
    F.rmsprop(p, grad, state, g);
  }
}

export class Adagrad extends Optimizer<F.AdagradOptions> {
  constructor(params: ParamsArg<F.AdagradOptions>, opts: Partial<F.AdagradOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false }, opts));
  }
  protected override validate(g: ParamGroup<F.AdagradOptions>): void {
    super.validate(g);
    check(g.lrDecay >= 0, "Adagrad", "lrDecay value", g.lrDecay);
    check(g.initialAccumulatorValue >= 0, "Adagrad", "initialAccumulatorValue", g.initialAccumulatorValue);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.AdagradOptions>): void {
    F.adagrad(p, grad, state, g);
  }
}

export class Adadelta extends Optimizer<F.AdadeltaOptions> {
  constructor(params: ParamsArg<F.AdadeltaOptions>, opts: Partial<F.AdadeltaOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false }, opts));
  }
  protected override validate(g: ParamGroup<F.AdadeltaOptions>): void {
    super.validate(g);
    check(g.rho >= 0 && g.rho <= 1, "Adadelta", "rho value", g.rho);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.AdadeltaOptions>): void {
    F.adadelta(p, grad, state, g);
  }
}

export class Adamax extends Optimizer<F.AdamaxOptions> {
  constructor(params: ParamsArg<F.AdamaxOptions>, opts: Partial<F.AdamaxOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false }, opts));
  }
  protected override validate(g: ParamGroup<F.AdamaxOptions>): void {
    super.validate(g);
    checkBetas("Adamax", g.betas);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.AdamaxOptions>): void {
    F.adamax(p, grad, state, g);
  }
}

export class NAdam extends Optimizer<F.NadamOptions> {
  constructor(params: ParamsArg<F.NadamOptions>, opts: Partial<F.NadamOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 }, opts));
  }
  protected override validate(g: ParamGroup<F.NadamOptions>): void {
    super.validate(g);
    checkBetas("NAdam", g.betas);
    check(g.momentumDecay >= 0, "NAdam", "momentumDecay value", g.momentumDecay);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.NadamOptions>): void {
    F.nadam(p, grad, state, g);
  }
}

export class RAdam extends Optimizer<F.RadamOptions> {
  constructor(params: ParamsArg<F.RadamOptions>, opts: Partial<F.RadamOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false, maximize: false }, opts));
  }
  protected override validate(g: ParamGroup<F.RadamOptions>): void {
    super.validate(g);
    check(g.eps >= 0, "RAdam", "epsilon value", g.eps);
    checkBetas("RAdam", g.betas);
    check(g.weightDecay >= 0, "RAdam", "weightDecay value", g.weightDecay);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.RadamOptions>): void {
    F.radam(p, grad, state, g);
  }
}

export class Rprop extends Optimizer<F.RpropOptions> {
  constructor(params: ParamsArg<F.RpropOptions>, opts: Partial<F.RpropOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false }, opts));
  }
  protected override validate(g: ParamGroup<F.RpropOptions>): void {
    super.validate(g);
    check(g.etas[0] > 0 && g.etas[0] < 1 && g.etas[1] > 1, "Rprop", "eta values (0 < etaminus < 1 < etaplus)", g.etas);
    check(g.stepSizes[0] >= 0 && g.stepSizes[0] <= g.stepSizes[1], "Rprop", "step sizes (0 ≤ min ≤ max)", g.stepSizes);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.RpropOptions>): void {
    F.rprop(p, grad, state, g);
  }
}

export class ASGD extends Optimizer<F.AsgdOptions> {
  constructor(params: ParamsArg<F.AsgdOptions>, opts: Partial<F.AsgdOptions> = {}) {
    super(params, withDefaults(new.target.name, { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false }, opts));
  }
  protected override validate(g: ParamGroup<F.AsgdOptions>): void {
    super.validate(g);
    check(g.weightDecay >= 0, "ASGD", "weightDecay value", g.weightDecay);
  }
  protected update(p: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<F.AsgdOptions>): void {
    F.asgd(p, grad, state, g);
  }
}
