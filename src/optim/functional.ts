/**
 * The update maths of every optimizer, one pure function each (PyTorch's single-tensor
 * implementations, step for step). Each writes the parameter and its state tensors in place and
 * must run under noGrad (Optimizer.step does that).
 */
import { bumpVersion } from "../base/version.js";
import type { Tensor } from "../ops/tensor.js";
import { fullLike, zerosLike } from "../ops/creation.js";
import { maximum, where } from "../ops/elementwise.js";
import type { ParamState } from "./optimizer.js";

/** The state tensor `key`, created as zeros (or by `init`) on first use. */
function buf(state: ParamState, key: string, like: Tensor, init?: () => Tensor): Tensor {
  let t = state[key];
  if (t === undefined) state[key] = t = init ? init() : zerosLike(like);
  return t as Tensor;
}

function bumpStep(state: ParamState): number {
  const step = ((state.step as number | undefined) ?? 0) + 1;
  state.step = step;
  return step;
}

/** grad (negated to maximize) plus L2 weight decay. */
function effectiveGrad(p: Tensor, grad: Tensor, weightDecay: number, maximize = false): Tensor {
  const g = maximize ? grad.neg() : grad;
  return weightDecay ? g.add(p, weightDecay) : g;
}

export interface SgdOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export function sgd(p: Tensor, grad: Tensor, state: ParamState, o: SgdOptions): void {
  // (The momentum buffer is only made ahead for a backend that has the fused step.)
  if (p.backend.sgdStep) {
    const first = o.momentum !== 0 && state.momentum_buffer === undefined;
    const b = o.momentum ? buf(state, "momentum_buffer", p) : null;
    const h = { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weightDecay, nesterov: o.nesterov, maximize: o.maximize, first };
    if (p.backend.sgdStep(p, grad, b, h)) {
      for (const t of b ? [p, b] : [p]) bumpVersion(t.storage);
      return;
    }
    if (first) delete state.momentum_buffer; // composed below, which starts it from the gradient
  }
  let d = effectiveGrad(p, grad, o.weightDecay, o.maximize);
  if (o.momentum) {
    const first = state.momentum_buffer === undefined;
    const b = buf(state, "momentum_buffer", p, () => d.clone());
    if (!first) b.mul_(o.momentum).add_(d, 1 - o.dampening);
    d = o.nesterov ? d.add(b, o.momentum) : b;
  }
  p.sub_(d, o.lr);
}

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW: decay the weights directly (p ← p·(1 − lr·wd)) instead of adding wd·p to the gradient. */
  decoupled?: boolean;
}

export function adam(p: Tensor, grad: Tensor, state: ParamState, o: AdamOptions): void {
  const [b1, b2] = o.betas;
  const step = bumpStep(state);
  const h = { lr: o.lr, beta1: b1, beta2: b2, eps: o.eps, weightDecay: o.weightDecay, decoupled: !!o.decoupled, maximize: !!o.maximize };
  const m0 = buf(state, "exp_avg", p);
  const v0 = buf(state, "exp_avg_sq", p);
  const fused = !o.amsgrad && p.backend.adamStep?.(p, grad, m0, v0, { ...h, stepSize: o.lr / (1 - b1 ** step), bc2Sqrt: Math.sqrt(1 - b2 ** step) });
  if (fused) {
    for (const t of [p, m0, v0]) bumpVersion(t.storage);
    return;
  }
  let g = o.maximize ? grad.neg() : grad;
  if (o.decoupled) p.mul_(1 - o.lr * o.weightDecay);
  else if (o.weightDecay) g = g.add(p, o.weightDecay);
  const m = buf(state, "exp_avg", p).mul_(b1).add_(g, 1 - b1);
  const v = buf(state, "exp_avg_sq", p).mul_(b2).add_(g.mul(g), 1 - b2);
  const stepSize = o.lr / (1 - b1 ** step);
  const bc2Sqrt = Math.sqrt(1 - b2 ** step);
  let second = v;
  if (o.amsgrad) second = buf(state, "max_exp_avg_sq", p).copy_(maximum(buf(state, "max_exp_avg_sq", p), v));
  const denom = second.sqrt().div(bc2Sqrt).add(o.eps);
  p.sub_(m.div(denom), stepSize);
}

export interface RmspropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export function rmsprop(p: Tensor, grad: Tensor, state: ParamState, o: RmspropOptions): void {
  bumpStep(state);
  const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
  const sq = buf(state, "square_avg", p).mul_(o.alpha).add_(g.mul(g), 1 - o.alpha);
  let avg: Tensor;
  if (o.centered) {
    const ga = buf(state, "grad_avg", p).mul_(o.alpha).add_(g, 1 - o.alpha);
    avg = sq.sub(ga.mul(ga)).sqrt().add(o.eps);
  } else {
    avg = sq.sqrt().add(o.eps);
  }
  if (o.momentum > 0) {
    const b = buf(state, "momentum_buffer", p).mul_(o.momentum).add_(g.div(avg));
    p.sub_(b, o.lr);
  } else {
    p.sub_(g.div(avg), o.lr);
  }
}

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

export function adagrad(p: Tensor, grad: Tensor, state: ParamState, o: AdagradOptions): void {
  const step = bumpStep(state);
  const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
  const clr = o.lr / (1 + (step - 1) * o.lrDecay);
  const sum = buf(state, "sum", p, () => zerosLike(p).add(o.initialAccumulatorValue)).add_(g.mul(g));
  p.sub_(g.div(sum.sqrt().add(o.eps)), clr);
}

export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

export function adadelta(p: Tensor, grad: Tensor, state: ParamState, o: AdadeltaOptions): void {
  bumpStep(state);
  const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
  const sq = buf(state, "square_avg", p).mul_(o.rho).add_(g.mul(g), 1 - o.rho);
  const acc = buf(state, "acc_delta", p);
  const delta = acc.add(o.eps).sqrt().div(sq.add(o.eps).sqrt()).mul(g);
  acc.mul_(o.rho).add_(delta.mul(delta), 1 - o.rho);
  p.sub_(delta, o.lr);
}

export interface AdamaxOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

export function adamax(p: Tensor, grad: Tensor, state: ParamState, o: AdamaxOptions): void {
  const [b1, b2] = o.betas;
  const step = bumpStep(state);
  const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
  const m = buf(state, "exp_avg", p).mul_(b1).add_(g, 1 - b1);
  const u = buf(state, "exp_inf", p);
  u.copy_(maximum(u.mul(b2), g.abs().add(o.eps)));
  p.sub_(m.div(u), o.lr / (1 - b1 ** step));
}

export interface NadamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
}

export function nadam(p: Tensor, grad: Tensor, state: ParamState, o: NadamOptions): void {
  const [b1, b2] = o.betas;
  const step = bumpStep(state);
  const g = effectiveGrad(p, grad, o.weightDecay);
  const mu = b1 * (1 - 0.5 * 0.96 ** (step * o.momentumDecay));
  const muNext = b1 * (1 - 0.5 * 0.96 ** ((step + 1) * o.momentumDecay));
  const muProduct = ((state.mu_product as number | undefined) ?? 1) * mu;
  state.mu_product = muProduct;
  const m = buf(state, "exp_avg", p).mul_(b1).add_(g, 1 - b1);
  const v = buf(state, "exp_avg_sq", p).mul_(b2).add_(g.mul(g), 1 - b2);
  const denom = v.div(1 - b2 ** step).sqrt().add(o.eps);
  p.sub_(g.div(denom), (o.lr * (1 - mu)) / (1 - muProduct));
  p.sub_(m.div(denom), (o.lr * muNext) / (1 - muProduct * muNext));
}

export interface RadamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** AdamW's decay (p ← p·(1 − lr·wd)) instead of L2 in the gradient. */
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

/** Adam with the variance rectified (Liu et al.): plain momentum SGD until the variance estimate is tractable (ρ_t > 5). */
export function radam(p: Tensor, grad: Tensor, state: ParamState, o: RadamOptions): void {
  const [b1, b2] = o.betas;
  const step = bumpStep(state);
  if (o.decoupledWeightDecay && o.weightDecay) p.mul_(1 - o.lr * o.weightDecay);
  const g = effectiveGrad(p, grad, o.decoupledWeightDecay ? 0 : o.weightDecay, o.maximize);
  const m = buf(state, "exp_avg", p).mul_(b1).add_(g, 1 - b1);
  const v = buf(state, "exp_avg_sq", p).mul_(b2).add_(g.mul(g), 1 - b2);
  const bc1 = 1 - b1 ** step;
  const bc2 = 1 - b2 ** step;
  const rhoInf = 2 / (1 - b2) - 1;
  const rhoT = rhoInf - (2 * step * b2 ** step) / bc2;
  if (rhoT > 5) {
    const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
    p.sub_(m.div(v.sqrt().add(o.eps)), (o.lr * rect * Math.sqrt(bc2)) / bc1);
  } else p.sub_(m, o.lr / bc1);
}

export interface RpropOptions {
  lr: number;
  etas: [number, number];
  stepSizes: [number, number];
  maximize: boolean;
}

/** Resilient backpropagation: per-weight steps that grow while the gradient keeps its sign and shrink when it flips. */
export function rprop(p: Tensor, grad: Tensor, state: ParamState, o: RpropOptions): void {
  const [etaMinus, etaPlus] = o.etas;
  const [minStep, maxStep] = o.stepSizes;
  bumpStep(state);
  const g = o.maximize ? grad.neg() : grad;
  const prev = buf(state, "prev", p);
  const stepSize = buf(state, "step_size", p, () => fullLike(g, o.lr));
  const agreement = g.mul(prev).sign();
  const factor = where(agreement.gt(0), etaPlus, where(agreement.lt(0), etaMinus, 1));
  stepSize.copy_(stepSize.mul(factor).clamp(minStep, maxStep));
  // After a sign flip the step is skipped and the flip forgotten.
  const kept = where(agreement.lt(0), 0, g);
  p.sub_(kept.sign().mul(stepSize));
  prev.copy_(kept);
}

export interface AsgdOptions {
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  maximize: boolean;
}

/** Averaged SGD (Polyak–Juditsky): SGD with a decaying rate, and the running average of the iterates in state.ax. */
export function asgd(p: Tensor, grad: Tensor, state: ParamState, o: AsgdOptions): void {
  const step = bumpStep(state);
  const eta = (state.eta as number | undefined) ?? o.lr;
  const mu = (state.mu as number | undefined) ?? 1;
  const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
  p.mul_(1 - o.lambd * eta).sub_(g, eta);
  const ax = buf(state, "ax", p);
  if (mu !== 1) ax.add_(p.sub(ax).mul(mu));
  else ax.copy_(p);
  state.eta = o.lr / (1 + o.lambd * o.lr * step) ** o.alpha;
  state.mu = 1 / Math.max(1, step - o.t0);
}
